import NumericCore

/// A curvature measurement that cannot be made as asked: one line naming the setting by its `thermo curvature`
/// flag, what it takes and what it got.
public struct CurvatureError: Error, Sendable, Equatable, DescribedError {
    /// What is wrong and what is accepted, e.g. "--probes must be at least 1, not 0".
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}

extension CurvatureSettings {
    /// Refuses settings that no measurement can use: fewer than 1 Lanczos step, a `top` outside 1…`lanczosSteps`,
    /// fewer than 1 probe, as `thermo curvature` refuses its flags.
    public func validate() throws(CurvatureError) {
        guard lanczosSteps >= 1 else { throw CurvatureError("--lanczos-steps must be at least 1, not \(lanczosSteps)") }
        guard (1...lanczosSteps).contains(top) else {
            throw CurvatureError("--top must be between 1 and --lanczos-steps (\(lanczosSteps)), not \(top)")
        }
        guard probes >= 1 else { throw CurvatureError("--probes must be at least 1, not \(probes)") }
    }

    /// `validate()`, and refuses a layer outside 1…`layerCount` (the weight layers of the network measured).
    public func validate(layerCount: Int) throws(CurvatureError) {
        try validate()
        if let bad = layers?.first(where: { !(1...layerCount).contains($0) }) {
            throw CurvatureError("--layers names layer \(bad), but the network's weight layers are 1…\(layerCount)")
        }
    }
}
