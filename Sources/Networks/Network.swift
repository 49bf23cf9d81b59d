import NumericCore

/// A network (fully-connected or convolutional) with its parameters and their gradients, each in one contiguous block.
///
/// Layers are numbered 1…L as in the science: `weights(l)` is W_l, (n_l, n_{l−1}) row-major; `bias(l)` is b_l.
/// `gradients` has the same layout as `parameters`, so optimisers and recorders sweep both as flat arrays.
public final class Network: @unchecked Sendable {
    /// The widths and the nonlinearity.
    public let architecture: Architecture
    /// Where each W_l and b_l sits in `parameters` and `gradients`.
    public let layout: ParameterLayout
    /// W_1, b_1, …, W_L, b_L.
    public let parameters: FloatBuffer
    /// ∂L/∂W_1, ∂L/∂b_1, …: filled by `Pass.backward` (and by the smoothing losses).
    public let gradients: FloatBuffer

    /// A network with zero parameters (call `initialize` or load parameters into it). The architecture must be one
    /// a network can have (`Architecture.widthsProblem` finds nothing: `TrainingConfiguration.validate()` checks it).
    public init(_ architecture: Architecture) {
        if let problem = Architecture.widthsProblem(architecture.widths) {
            preconditionFailure("no network has the widths \(architecture.widths): an MLP \(problem)")
        }
        self.architecture = architecture
        self.layout = architecture.layout
        self.parameters = FloatBuffer(count: layout.count)
        self.gradients = FloatBuffer(count: layout.count)
    }

    /// A network initialised with `initialization` from the random stream (`"init"` purpose of the run's seed).
    public convenience init(_ architecture: Architecture, initialization: Initialization, random: inout RandomStream) {
        self.init(architecture)
        initialize(initialization, random: &random)
    }

    /// Draws every W_l (layer 1 first, row-major) and sets every b_l to zero.
    public func initialize(_ initialization: Initialization, random: inout RandomStream) {
        parameters.zero()
        for l in 1...layerCount {
            let layer = layout[layer: l]
            // fan_in = `layer.inputs`: n_{l−1} for a dense layer, C_in·k·k for a convolution.
            initialization.fill(weights(l), inputs: layer.inputs, outputs: layer.outputs,
                                activation: architecture.activation(afterStage: layer.stage), random: &random)
        }
    }

    /// L.
    @inline(__always) public var layerCount: Int { layout.layers.count }
    /// W_l, (n_l, n_{l−1}).
    @inline(__always) public func weights(_ l: Int) -> UnsafeMutablePointer<Float> { parameters.pointer + layout[layer: l].weightOffset }
    /// b_l, (n_l).
    @inline(__always) public func bias(_ l: Int) -> UnsafeMutablePointer<Float> { parameters.pointer + layout[layer: l].biasOffset }
    /// ∂L/∂W_l, (n_l, n_{l−1}).
    @inline(__always) public func weightGradient(_ l: Int) -> UnsafeMutablePointer<Float> { gradients.pointer + layout[layer: l].weightOffset }
    /// ∂L/∂b_l, (n_l).
    @inline(__always) public func biasGradient(_ l: Int) -> UnsafeMutablePointer<Float> { gradients.pointer + layout[layer: l].biasOffset }

    /// The weight gradient of layer l as a buffer view (no copy), for observers.
    public func weightGradientBuffer(_ l: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: weightGradient(l), count: layout[layer: l].weightCount)
    }
    /// The bias gradient of layer l as a buffer view (no copy), for observers.
    public func biasGradientBuffer(_ l: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: biasGradient(l), count: layout[layer: l].outputs)
    }
}
