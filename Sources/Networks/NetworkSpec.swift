/// The `--network SPEC` language: comma-separated tokens `convC` (3×3 valid convolution to C channels + ReLU),
/// `convC:kK:pP` (kernel K, padding P), `pool` (2×2 max-pooling, stride 2) and `fcN` (dense to N units, with
/// the hidden activation except on the last layer), or one of the presets.
public enum NetworkSpec {
    /// The paper's networks (§5; docs/definitions.md, "Convolutional networks"): eq. 24 on CIFAR-10, eq. 25 on STL-10, and
    /// eq. 24's layout on 1×28×28 MNIST (the flattened width 128·3·3 = 1152).
    public static let presets: [(name: String, spec: String)] = [
        ("paper-mnist", "conv64,conv64,pool,conv128,conv128,conv128,pool,fc1152,fc1152,fc10"),
        ("paper-cifar", "conv64,conv64,pool,conv128,conv128,conv128,pool,fc2048,fc2048,fc10"),
        ("paper-stl", "conv8,conv8,pool,conv16,conv16,conv16,pool,fc6400,fc6400,fc10"),
    ]

    /// The tokens of `text` (a preset's name stands for its SPEC), or the error naming the bad token.
    public static func parseStages(_ text: String) throws(ArchitectureError) -> [Stage] {
        let spec = presets.first { $0.name == text }?.spec ?? text
        let tokens = spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !spec.isEmpty else { throw ArchitectureError(token: nil, "the network SPEC is empty; e.g. conv8,pool,fc32,fc10") }
        var stages: [Stage] = []
        for token in tokens { stages.append(try parseToken(token)) }
        return stages
    }

    /// The network `text` describes on images of shape `input`; an error names the token as the user wrote it
    /// (`conv8:k31`, not its canonical `conv8:k31:p0`).
    public static func architecture(_ text: String, input: TensorShape,
                                    activation: Activation = .relu) throws(ArchitectureError) -> Architecture {
        let stages = try parseStages(text)
        do { return try Architecture(input: input, stages: stages, activation: activation) } catch {
            let spec = presets.first { $0.name == text }?.spec ?? text
            let written = spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard written.count == stages.count, let i = stages.firstIndex(where: { $0.token == error.token }) else { throw error }
            throw ArchitectureError(token: written[i], error.message)
        }
    }

    /// The network `text` describes on images of shape `input`, checked against `classes` outputs.
    public static func architecture(_ text: String, input: TensorShape, classes: Int,
                                    activation: Activation = .relu) throws(ArchitectureError) -> Architecture {
        let architecture = try architecture(text, input: input, activation: activation)
        guard architecture.classes == classes else {
            throw ArchitectureError(token: architecture.stages.last?.token,
                                    "is the last layer, but the data set has \(classes) classes; end with fc\(classes)")
        }
        return architecture
    }

    static func parseToken(_ token: String) throws(ArchitectureError) -> Stage {
        let known = "tokens are convC, convC:kK:pP, pool and fcN, or a preset: " + presets.map(\.name).joined(separator: ", ")
        if token == "pool" { return .pool }
        if token.hasPrefix("fc") {
            guard let n = count(token.dropFirst(2)), n > 0 else { throw ArchitectureError(token: token, "is not a dense layer fcN with N ≥ 1") }
            return .dense(units: n)
        }
        if token.hasPrefix("conv") {
            let parts = token.dropFirst(4).split(separator: ":", omittingEmptySubsequences: false)
            guard let c = parts.first.flatMap({ count($0) }), c > 0 else {
                throw ArchitectureError(token: token, "is not a convolution convC with C ≥ 1 channels")
            }
            var kernel: Int?, padding: Int?
            for part in parts.dropFirst() {
                let option = part.first.map(String.init) ?? ""
                if (option == "k" && kernel != nil) || (option == "p" && padding != nil) {
                    throw ArchitectureError(token: token, "gives the option \(option) twice; give each of kK and pP at most once")
                }
                if option == "k", let k = count(part.dropFirst()), k > 0 { kernel = k }
                else if option == "p", let p = count(part.dropFirst()) { padding = p }
                else { throw ArchitectureError(token: token, "has an option '\(part)' that is neither kK (K ≥ 1) nor pP (P ≥ 0)") }
            }
            return .convolution(channels: c, kernel: kernel ?? 3, padding: padding ?? 0)
        }
        throw ArchitectureError(token: token, "is not a layer; \(known)")
    }

    /// A count written in decimal digits alone (`8`; not `+8`, ` 8` or `8.0`); `Int.max` when it does not fit an
    /// Int, so that the shape checks refuse it by its range rather than call it malformed.
    private static func count(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text) ?? Int.max
    }
}
