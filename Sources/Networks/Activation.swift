/// The nonlinearity φ applied after every hidden layer (never after the output layer, whose logits go into
/// softmax cross-entropy).
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// φ(z) = max(0, z); φ'(z) = 1 if z > 0 else 0 (0 at z = 0, as PyTorch).
    case relu
    /// φ(z) = tanh z; φ'(z) = 1 − tanh² z.
    case tanh

    /// The He/Kaiming gain for this nonlinearity: √2 for ReLU, 5/3 for tanh (PyTorch's `calculate_gain`).
    public var kaimingGain: Double {
        switch self {
        case .relu: return 2.0.squareRoot()
        case .tanh: return 5.0 / 3.0
        }
    }
}
