/// Which loss the steps minimise. Plain cross-entropy for now; the smoothing losses (PLA, PLEA) extend it.
public enum LossConfiguration: Codable, Sendable, Equatable {
    /// L(W) = mean cross-entropy of the mini-batch.
    case crossEntropy

    func validate(layerCount: Int) throws(ConfigurationError) {}

    /// A short name for summaries: `ce`.
    public var name: String {
        switch self {
        case .crossEntropy: return "ce"
        }
    }
}
