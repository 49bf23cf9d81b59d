/// The shape of a fully-connected network: widths n_0 (inputs) … n_L (classes) and the hidden nonlinearity.
///
/// Weight layer l (1…L) maps a_{l−1} ∈ ℝ^{n_{l−1}} to z_l = W_l a_{l−1} + b_l, with W_l stored row-major as an
/// n_l × n_{l−1} matrix (PyTorch's `Linear.weight` layout) and a_l = φ(z_l) for l < L. All parameters live in
/// one contiguous block, in the order W_1, b_1, W_2, b_2, …; `ParameterLayout` gives the offsets.
public struct Architecture: Codable, Sendable, Equatable, CustomStringConvertible {
    /// n_0 … n_L: the input size, the hidden widths and the number of classes.
    public let widths: [Int]
    /// φ for the hidden layers.
    public let activation: Activation

    /// A network with these widths (at least an input and an output) and activation.
    public init(widths: [Int], activation: Activation = .relu) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "an architecture needs ≥ 2 positive widths")
        self.widths = widths
        self.activation = activation
    }

    /// L, the number of weight layers.
    public var layerCount: Int { widths.count - 1 }
    /// n_0.
    public var inputs: Int { widths[0] }
    /// n_L.
    public var classes: Int { widths[widths.count - 1] }
    /// The widest layer, including the input (sizes scratch buffers).
    public var maxWidth: Int { widths.max() ?? 0 }

    /// Where each layer's weights and biases sit in the parameter block.
    public var layout: ParameterLayout { ParameterLayout(widths: widths) }

    /// "784→784→784→10 relu".
    public var description: String { widths.map(String.init).joined(separator: "→") + " " + activation.rawValue }
}

/// Offsets of W_l and b_l inside the contiguous parameter (and gradient, and momentum) block.
public struct ParameterLayout: Sendable, Equatable {
    /// For layer l (index l − 1): offset of W_l, offset of b_l, n_{l−1} (inputs), n_l (outputs).
    public struct Layer: Sendable, Equatable {
        public let weightOffset: Int
        public let biasOffset: Int
        public let inputs: Int
        public let outputs: Int
        /// N_l, the number of weight entries (biases excluded: they are never counted in Ω_l).
        public var weightCount: Int { inputs * outputs }
    }
    /// Layers 1…L at indices 0…L−1.
    public let layers: [Layer]
    /// The total number of parameters, weights and biases.
    public let count: Int

    init(widths: [Int]) {
        var offset = 0
        var layers: [Layer] = []
        for l in 1..<widths.count {
            let w = offset
            offset += widths[l] * widths[l - 1]
            let b = offset
            offset += widths[l]
            layers.append(Layer(weightOffset: w, biasOffset: b, inputs: widths[l - 1], outputs: widths[l]))
        }
        self.layers = layers
        self.count = offset
    }

    /// Layer l, 1-based as in the science (layer 1 is the first weight layer, layer L the output).
    @inline(__always)
    public subscript(layer l: Int) -> Layer { layers[l - 1] }
}
