import NumericCore

/// The activations of one forward pass and the scratch space of its backward pass, allocated once for a
/// largest batch size and reused every step (no allocation per step).
///
/// Buffers: `activations[l]` is A_l, (B, n_l), for l = 0…L (A_0 is the input batch, A_L the logits);
/// `delta` and `deltaBelow` are δ buffers of (B, max n) that the backward pass ping-pongs between.
public final class Pass: @unchecked Sendable {
    /// The largest batch this pass can hold.
    public let capacity: Int
    /// The network's shape.
    public let architecture: Architecture
    /// A_0 … A_L.
    public let activations: [FloatBuffer]
    /// The labels of the current batch, (B).
    public let labels: UnsafeMutablePointer<Int32>
    let delta: FloatBuffer
    let deltaBelow: FloatBuffer
    /// 1_B, for bias gradients as GEMVs.
    public let ones: FloatBuffer
    /// When true, `backward` keeps each layer's error δ_l = ∂L/∂Z_l, (B, n_l), in `errors[l]` (for per-sample
    /// statistics such as the within-batch gradient variance); off by default, as it costs a copy per layer.
    public var retainsErrors = false {
        didSet {
            if retainsErrors && errors.isEmpty {
                errors = architecture.widths.enumerated().map { l, n in FloatBuffer(count: l == 0 ? 0 : capacity * n) }
            }
        }
    }
    /// δ_1 … δ_L of the last backward pass when `retainsErrors` (index l; index 0 is empty).
    public private(set) var errors: [FloatBuffer] = []

    /// Buffers for batches of up to `capacity` rows.
    public init(_ architecture: Architecture, capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.architecture = architecture
        activations = architecture.widths.map { FloatBuffer(count: capacity * $0) }
        labels = .allocate(capacity: capacity)
        labels.initialize(repeating: 0, count: capacity)
        delta = FloatBuffer(count: capacity * architecture.maxWidth)
        deltaBelow = FloatBuffer(count: capacity * architecture.maxWidth)
        ones = FloatBuffer([Float](repeating: 1, count: capacity))
    }

    deinit { labels.deallocate() }

    /// A_0, the input rows to fill before `forward`, (B, n_0).
    @inline(__always) public var input: UnsafeMutablePointer<Float> { activations[0].pointer }
    /// A_L, the logits after `forward`, (B, n_L).
    @inline(__always) public var logits: UnsafeMutablePointer<Float> { activations[architecture.layerCount].pointer }

    /// Runs layers 1…L on the first `batch` rows of `input`: A_l = φ(A_{l−1} W_lᵀ + b_l), A_L = logits.
    public func forward(_ network: Network, batch: Int) {
        precondition(batch > 0 && batch <= capacity, "batch \(batch) exceeds the pass capacity \(capacity)")
        let L = network.layerCount
        for l in 1...L {
            let shape = network.layout[layer: l]
            Dense.forward(input: activations[l - 1].pointer, weights: network.weights(l), bias: network.bias(l),
                          output: activations[l].pointer, batch: batch, inputs: shape.inputs, outputs: shape.outputs,
                          activation: l < L ? network.architecture.activation : nil)
        }
    }

    /// The mean cross-entropy of the batch (and correct count) after `forward`, without gradients.
    public func loss(batch: Int) -> SoftmaxCrossEntropy.Result {
        SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, batch: batch, classes: architecture.classes,
                                     delta: nil, scale: 0)
    }

    /// After `forward`: the loss L = (1/B) Σ_n ℓ_n of the batch and its gradient with respect to every parameter,
    /// written into `network.gradients` (overwriting, or accumulating `scale`·∇L when `accumulate` is true).
    ///
    /// Back-propagation, from the top: δ_L = scale·(softmax(A_L) − onehot(y))/B; for l = L…1:
    /// ∂W_l = δ_lᵀ A_{l−1}, ∂b_l = Σ_n δ_l, and for l > 1 δ_{l−1} = (δ_l W_l) ⊙ φ'(Z_{l−1}).
    @discardableResult
    public func backward(_ network: Network, batch: Int, scale: Float = 1, accumulate: Bool = false)
        -> SoftmaxCrossEntropy.Result {
        let L = network.layerCount
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, batch: batch,
                                                  classes: architecture.classes, delta: delta.pointer,
                                                  scale: scale / Float(batch))
        backpropagate(network, from: L, down: 1, batch: batch, delta: delta.pointer, accumulate: accumulate)
        return result
    }

    /// Back-propagates δ_top = ∂L/∂Z_top, (B, n_top), through layers top…bottom, forming their parameter
    /// gradients (added to `network.gradients` when `accumulate`), using the stored A_{l−1} of this pass and
    /// the network's current weights. `delta` may be this pass's own `delta` buffer.
    public func backpropagate(_ network: Network, from top: Int, down bottom: Int, batch: Int,
                              delta topDelta: UnsafeMutablePointer<Float>, accumulate: Bool,
                              weightsOverride: ((Int) -> UnsafePointer<Float>?)? = nil) {
        var current = topDelta
        var spare = current == delta.pointer ? deltaBelow.pointer : delta.pointer
        for l in stride(from: top, through: bottom, by: -1) {
            let shape = network.layout[layer: l]
            if retainsErrors { errors[l].pointer.update(from: current, count: batch * shape.outputs) }
            let weights = weightsOverride?(l) ?? UnsafePointer(network.weights(l))
            let below: UnsafeMutablePointer<Float>? = l > bottom ? spare : nil
            Dense.backward(delta: current, input: activations[l - 1].pointer, weights: weights,
                           weightGradient: network.weightGradient(l), biasGradient: network.biasGradient(l),
                           inputGradient: below, batch: batch, inputs: shape.inputs, outputs: shape.outputs,
                           ones: ones.pointer, beta: accumulate ? 1 : 0)
            if let below {
                Dense.activationBackward(gradient: below, activations: activations[l - 1].pointer,
                                         count: batch * shape.inputs, activation: network.architecture.activation)
                spare = current
                current = below
            }
        }
    }
}
