import Networks
import Foundation
import Settings
import NumericCore

/// Which loss the training steps minimise, and, for the smoothing losses, how the loss is smoothed.
///
/// For each mini-batch, y displacements ΔW^a (a = 1…y) are drawn, zero outside the layer set U and on every
/// bias; L_0 = L(W) and L_a = L(W + ΔW^a) are mean cross-entropies (see docs/definitions.md):
///
///     PLA  (eq. 19/23):  L̄ = (1/(1+y)) [L_0 + Σ_a K_a L_a]
///     PLEA (eq. 14/22):  M = −log[(1/(1+y)) (e^{−L_0} + Σ_a e^{−L_a − d_a})]
///
/// with d_a = d_{R,k}(ΔW^a) and K_a = e^{−d_a} for a finite sharpness k, and d_a = 0, K_a = 1 for the hard
/// hypercube (k = ∞, the default) and for the Gaussian kernel (whose law is sampled, not weighted).
public struct LossConfiguration: Codable, Sendable, Equatable {
    /// The three losses.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Plain mean cross-entropy.
        case ce
        /// Partial local average, eq. (23) (or (19) with a finite sharpness).
        case pla
        /// Partial local entropy, eq. (22) (or (14) with a finite sharpness), by log-sum-exp.
        case plea
    }

    /// The law of the displacement entries on U.
    public enum Kernel: String, Codable, Sendable, CaseIterable {
        /// ΔW_i uniform in [−R, R] (the hypercube of edge 2R).
        case uniform
        /// ΔW_i ~ N(0, 1/γ) (eqs. 1, 11).
        case gaussian
    }

    /// How the y + 1 evaluations are organised; both compute the same loss and gradient.
    public enum Path: String, Codable, Sendable, CaseIterable {
        /// Layers below min(U) run once; shared-input gradients are formed once from the summed errors.
        case shared
        /// y + 1 full forward and backward passes (the reference the tests compare against).
        case naive
    }

    /// ce, pla or plea.
    public var kind: Kind = .ce
    /// U, weight-layer indices (1…L), ascending.
    public var layers: [Int] = []
    /// R, the half-edge of the hypercube: 0 until it is set. A PLA or PLEA loss on the uniform kernel must set it
    /// (``validate(layerCount:)`` refuses one that does not, as `thermo train` refuses `--loss pla` without
    /// `--radius`); R = 0 set on purpose is exactly cross-entropy (eq. 4).
    public var radius: Double {
        get { setRadius ?? 0 }
        set { setRadius = newValue }
    }
    /// R as it was set, nil until it is: a forgotten radius is told from R = 0 this way.
    private var setRadius: Double? = nil
    /// y, the number of displaced samples.
    public var samples: Int = 4
    /// k, the sharpness of the kernel; nil is k = ∞ (the hard hypercube).
    public var sharpness: Double? = nil
    /// The law of ΔW's entries.
    public var kernel: Kernel = .uniform
    /// γ of the Gaussian kernel (variance 1/γ).
    public var gamma: Double? = nil
    /// Shared-prefix or naive evaluation.
    public var path: Path = .shared

    /// Plain cross-entropy: no layers, R unset, y = 4, k = ∞, uniform kernel, shared-prefix path.
    public init() {}

    /// Plain cross-entropy.
    public static let crossEntropy = LossConfiguration()

    /// Whether the loss is exactly plain cross-entropy: ce, or y = 0, or R = 0 with the uniform kernel
    /// (eq. 4). Such runs take the cross-entropy path and give the same bits as `--loss ce`.
    public var isCrossEntropy: Bool {
        kind == .ce || samples == 0 || (kernel == .uniform && radius == 0)
    }

    /// Whether ``radius`` was set (by a program, `--radius`, or a decoded configuration, which always holds one).
    public var hasRadius: Bool { setRadius != nil }

    /// The error of a PLA or PLEA loss on the uniform kernel that needs a radius: `--radius is needed with --loss pla
    /// (e.g. --radius 0.01)`.
    public static func radiusNeeded(_ kind: Kind) -> LossConfigurationError {
        LossConfigurationError(.radius, "is needed with \(TrainingSetting.loss.flag) \(kind.rawValue) (e.g. \(TrainingSetting.radius.flag) 0.01)")
    }

    /// Checks every value; the error names the command-line flag. A PLA or PLEA loss on the uniform kernel whose
    /// ``radius`` was never set is refused first (it would train plain cross-entropy under the smoothing loss's name).
    public func validate(layerCount: Int) throws(LossConfigurationError) {
        guard kind != .ce else { return }
        if kernel == .uniform && !hasRadius { throw LossConfiguration.radiusNeeded(kind) }
        guard !layers.isEmpty else {
            throw LossConfigurationError(.smooth, "is needed with --loss \(kind.rawValue): a layer set such as 2, 1,3, hidden or all")
        }
        if let bad = layers.first(where: { $0 < 1 || $0 > layerCount }) {
            throw LossConfigurationError(.smooth, "names layer \(bad), but the network's weight layers are 1…\(layerCount)")
        }
        guard layers == Array(Set(layers)).sorted() else {
            throw LossConfigurationError(.smooth, "must list each layer once, ascending")
        }
        guard samples >= 0, samples <= 1024 else {
            throw LossConfigurationError(.samples, "must be between 0 and 1024, got \(samples)")
        }
        switch kernel {
        case .uniform:
            guard radius >= 0, radius.isFinite else {
                throw LossConfigurationError(.radius, "must be a finite number ≥ 0, got \(radius)")
            }
            if let k = sharpness, !(k > 0 && k.isFinite) {
                throw LossConfigurationError(.sharpness, "must be a positive finite number (omit it for k = ∞), got \(k)")
            }
            if gamma != nil {
                throw LossConfigurationError(.gamma, "belongs to --kernel gaussian")
            }
        case .gaussian:
            guard let gamma, gamma > 0, gamma.isFinite else {
                throw LossConfigurationError(.gamma, "is needed with --kernel gaussian and must be positive (the variance is 1/γ)")
            }
            if sharpness != nil {
                throw LossConfigurationError(.sharpness, "belongs to the uniform kernel, not --kernel gaussian")
            }
        }
    }

    /// Equal when every setting is, whether or not ``radius`` was set (an unset radius is R = 0).
    public static func == (a: LossConfiguration, b: LossConfiguration) -> Bool {
        a.kind == b.kind && a.layers == b.layers && a.radius == b.radius && a.samples == b.samples
            && a.sharpness == b.sharpness && a.kernel == b.kernel && a.gamma == b.gamma && a.path == b.path
    }

    enum CodingKeys: String, CodingKey { case kind, layers, radius, samples, sharpness, kernel, gamma, path }

    /// Reads the fields as they were always written; the radius read counts as set.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        layers = try c.decode([Int].self, forKey: .layers)
        radius = try c.decode(Double.self, forKey: .radius)
        samples = try c.decode(Int.self, forKey: .samples)
        sharpness = try c.decodeIfPresent(Double.self, forKey: .sharpness)
        kernel = try c.decode(Kernel.self, forKey: .kernel)
        gamma = try c.decodeIfPresent(Double.self, forKey: .gamma)
        path = try c.decode(Path.self, forKey: .path)
    }

    /// Writes every field, the radius as R (0 when unset), as configurations were always written.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(layers, forKey: .layers)
        try c.encode(radius, forKey: .radius)
        try c.encode(samples, forKey: .samples)
        try c.encodeIfPresent(sharpness, forKey: .sharpness)
        try c.encode(kernel, forKey: .kernel)
        try c.encodeIfPresent(gamma, forKey: .gamma)
        try c.encode(path, forKey: .path)
    }

    /// "ce", or e.g. "pla U={2} y=4 R=0.01 k=∞ uniform".
    public var name: String {
        guard kind != .ce else { return "ce" }
        let u = "U={" + layers.map(String.init).joined(separator: ",") + "}"
        let law = kernel == .uniform
            ? "R=\(radius) k=\(sharpness.map { "\($0)" } ?? "∞") uniform"
            : "γ=\(gamma ?? 0) gaussian"
        return "\(kind.rawValue) \(u) y=\(samples) \(law)"
    }
}

/// An invalid smoothing setting, named by its flag.
public struct LossConfigurationError: Error, DescribedError, Equatable {
    /// The setting.
    public let setting: TrainingSetting
    /// What is wrong and what is accepted.
    public let message: String
    /// The refusal of `setting` with `message`.
    public init(_ setting: TrainingSetting, _ message: String) { self.setting = setting; self.message = message }
    /// The flag, e.g. `--smooth`.
    public var flag: String { setting.flag }
    /// "--flag message".
    public var description: String { "\(flag) \(message)" }
}

/// Parses a layer set: comma-separated indices (`2`, `1,3`), or `all` (1…L, the strictly isotropic set) or
/// `hidden` (1…L−1, the paper's "isotropic" choice for MLPs).
public func parseLayerSet(_ text: String, layerCount: Int) throws(LossConfigurationError) -> [Int] {
    switch text.trimmingCharacters(in: .whitespaces).lowercased() {
    case "all":
        return Array(1...layerCount)
    case "hidden":
        guard layerCount > 1 else { throw LossConfigurationError(.smooth, "hidden: this network has no hidden layer") }
        return Array(1..<layerCount)
    default:
        var set: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let l = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw LossConfigurationError(.smooth, "takes layer indices like 2 or 1,3, or all / hidden; '\(part)' is not one")
            }
            set.append(l)
        }
        return Array(Set(set)).sorted()
    }
}

/// Parses a layer set for `architecture`: comma-separated parts, each a layer index (`2`), `all`, `hidden`,
/// `conv` (every convolution), `head` (every dense layer), `fcN` (the N-th dense layer) or `convN` (weight
/// layer N, which must be a convolution). Layers are numbered 1…L over convolutions and dense layers alike.
public func parseLayerSet(_ text: String, architecture: Architecture) throws(LossConfigurationError) -> [Int] {
    let layers = architecture.layout.layers, L = layers.count
    let convolutions = layers.indices.filter { layers[$0].isConvolution }.map { $0 + 1 }
    let dense = layers.indices.filter { !layers[$0].isConvolution }.map { $0 + 1 }
    var set: [Int] = []
    for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
        let part = raw.trimmingCharacters(in: .whitespaces).lowercased()
        switch part {
        case "all": set += 1...L
        case "hidden":
            guard L > 1 else { throw LossConfigurationError(.smooth, "hidden: this network has no hidden layer") }
            set += 1..<L
        case "conv":
            guard !convolutions.isEmpty else {
                throw LossConfigurationError(.smooth, "conv names every convolution, but this network has none (\(architecture)); name dense layers by number or as fc1, fc2, …, or train a --network with convolutions")
            }
            set += convolutions
        case "head": set += dense
        default:
            if let l = Int(part) { set.append(l); continue }
            if part.hasPrefix("fc"), let n = Int(part.dropFirst(2)) {
                guard n >= 1, n <= dense.count else {
                    throw LossConfigurationError(.smooth, "\(part): this network has \(dense.count) dense layers, fc1…fc\(dense.count)")
                }
                set.append(dense[n - 1])
                continue
            }
            if part.hasPrefix("conv"), let l = Int(part.dropFirst(4)) {
                guard convolutions.contains(l) else {
                    let known = convolutions.isEmpty ? "it has no convolution" : "its convolutions are " + convolutions.map { "conv\($0)" }.joined(separator: ", ")
                    throw LossConfigurationError(.smooth, "\(part) is not a convolution of this network: \(known)")
                }
                set.append(l)
                continue
            }
            throw LossConfigurationError(.smooth, "takes layer indices like 2 or 1,3, or all, hidden, conv, head, fcN, convN; '\(part)' is none of these")
        }
    }
    return Array(Set(set)).sorted()
}
