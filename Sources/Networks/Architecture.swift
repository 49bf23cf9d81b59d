import NumericCore

/// The shape of one image or feature map, C × H × W (NCHW without the batch axis). A fully-connected network's
/// input of n features is n × 1 × 1.
public struct TensorShape: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// C.
    public let channels: Int
    /// H.
    public let height: Int
    /// W.
    public let width: Int

    /// The shape C × H × W.
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// C·H·W, the number of floats (and the flattened feature count, in PyTorch's flatten order).
    public var count: Int { channels * height * width }
    /// "1×28×28".
    public var description: String { "\(channels)×\(height)×\(width)" }
}

/// One step of a network, applied to the output of the step before it.
public enum Stage: Sendable, Equatable, Hashable {
    /// A convolution to `channels` output channels with a `kernel` × `kernel` kernel, stride 1 and `padding`,
    /// followed by ReLU: a weight layer.
    case convolution(channels: Int, kernel: Int, padding: Int)
    /// 2 × 2 max-pooling with stride 2: no weights.
    case pool
    /// A fully-connected layer to `units` outputs on the flattened input (C·H·W features in NCHW order), followed
    /// by the architecture's activation except on the last layer: a weight layer.
    case dense(units: Int)

    /// Whether this stage has weights (and so a layer number l).
    public var hasWeights: Bool { if case .pool = self { false } else { true } }

    /// The SPEC token: "conv64", "conv64:k5:p1", "pool", "fc10".
    public var token: String {
        switch self {
        case let .convolution(c, k, p): k == 3 && p == 0 ? "conv\(c)" : "conv\(c):k\(k):p\(p)"
        case .pool: "pool"
        case let .dense(n): "fc\(n)"
        }
    }
}

/// The shape of a network: an input shape, a sequence of stages (convolutions, poolings, dense layers) and the
/// nonlinearity of the hidden dense layers. Convolutions are always followed by ReLU.
///
/// Weight layers — convolutions and dense layers alike — are numbered l = 1…L in order; the last one is the
/// output layer, whose logits go into softmax cross-entropy. All parameters live in one contiguous block, in
/// the order W_1, b_1, W_2, b_2, …; `ParameterLayout` gives the offsets. A dense W_l is stored row-major as an
/// n_l × n_{l−1} matrix (PyTorch's `Linear.weight`), a convolution's as C_out × C_in × k × k (`Conv2d.weight`).
///
/// A fully-connected network (`init(widths:activation:)`, every stage dense) is the original thermo MLP:
/// n_0 … n_L, the same layout, checkpoints and numbers.
public struct Architecture: Sendable, Equatable, CustomStringConvertible {
    /// n_0 … n_L. For an MLP the input size, hidden widths and class count; for a network with convolutions,
    /// the flattened input size C·H·W followed by the flattened output size of each weight layer (before any
    /// pooling that follows it).
    public let widths: [Int]
    /// φ for the hidden dense layers.
    public let activation: Activation
    /// The input shape C × H × W (n_0 × 1 × 1 for an MLP built from widths).
    public let input: TensorShape
    /// The stages in order.
    public let stages: [Stage]
    /// The shape after each stage: `shapes[0]` is the input, `shapes[i]` the output of stage i (1-based).
    public let shapes: [TensorShape]

    /// A fully-connected network with these widths (at least an input and an output, all positive) and activation.
    /// Other widths are kept as given, so that `TrainingConfiguration.validate()` (and so `Trainer`) refuses them
    /// with ``widthsProblem(_:)``'s message; no network can be built on them. For an error here, as for widths
    /// computed or read from input, use ``init(checkingWidths:activation:)``, which throws.
    public init(widths: [Int], activation: Activation = .relu) {
        self.widths = widths
        self.activation = activation
        self.input = TensorShape(channels: widths.first ?? 0, height: 1, width: 1)
        self.stages = widths.dropFirst().map { .dense(units: $0) }
        self.shapes = widths.map { TensorShape(channels: $0, height: 1, width: 1) }
    }

    /// A fully-connected network with these widths and activation, or an ``ArchitectureError`` saying what is wrong
    /// with them (``widthsProblem(_:)``): the form of ``init(widths:activation:)`` for widths computed or read
    /// from input.
    public init(checkingWidths widths: [Int], activation: Activation = .relu) throws(ArchitectureError) {
        if let problem = Architecture.widthsProblem(widths) { throw ArchitectureError(token: nil, "an MLP \(problem)") }
        self.init(widths: widths, activation: activation)
    }

    /// Why `widths` cannot be the widths n_0 … n_L of a fully-connected network, as a phrase that follows their
    /// name ("needs at least an input and an output width, e.g. 784,256,10", "needs positive widths, got
    /// 784,0,10"); nil when they can.
    public static func widthsProblem(_ widths: [Int]) -> String? {
        guard widths.count >= 2 else { return "needs at least an input and an output width, e.g. 784,256,10" }
        guard widths.allSatisfy({ $0 > 0 }) else { return "needs positive widths, got \(widths.map(String.init).joined(separator: ","))" }
        return nil
    }

    /// A network of `stages` on images of shape `input`; throws when a stage does not fit the shape it receives
    /// or when the network has no weight layer or does not end with a dense layer.
    public init(input: TensorShape, stages: [Stage], activation: Activation = .relu) throws(ArchitectureError) {
        guard input.channels > 0, input.height > 0, input.width > 0 else {
            throw ArchitectureError(token: nil, "the input shape \(input) is empty")
        }
        guard input.count <= 1 << 31 else {
            throw ArchitectureError(token: nil, "the input shape \(input) is too large")
        }
        guard case .dense? = stages.last else {
            throw ArchitectureError(token: stages.last?.token, "is the last layer, but a network ends with a dense layer fcN to the class count (e.g. add fc10)")
        }
        var shape = input
        var shapes = [input]
        var widths = [input.count]
        var parameters = 0
        for stage in stages {
            let below = shape
            shape = try Architecture.output(of: stage, on: shape)
            // The weights and biases so far, bounded (so that every offset of the parameter layout is an Int):
            // 2^40 floats are 4 TiB.
            let (added, overflow) = Architecture.parameterCount(of: stage, on: below)
            parameters += overflow ? 1 << 62 : min(added, 1 << 62)
            guard parameters <= 1 << 40 else {
                throw ArchitectureError(token: stage.token, "brings the network to more parameters than any machine holds; use fewer channels or a smaller kernel")
            }
            guard shape.count <= 1 << 31 else {
                throw ArchitectureError(token: stage.token, "makes a \(shape) map, more than any machine holds; use fewer channels")
            }
            shapes.append(shape)
            if stage.hasWeights { widths.append(shape.count) }
        }
        self.widths = widths
        self.activation = activation
        self.stages = stages
        // Dense layers only (`--network fc256,fc10`) is the MLP of those widths, flattened input included, so
        // that it encodes, compares and trains exactly as `--layers` would.
        let dense = stages.allSatisfy { if case .dense = $0 { true } else { false } }
        self.input = dense ? TensorShape(channels: input.count, height: 1, width: 1) : input
        self.shapes = dense ? widths.map { TensorShape(channels: $0, height: 1, width: 1) } : shapes
    }

    /// The weights and biases of `stage` on an input of `shape` (0 for a pooling), and whether counting them
    /// overflowed.
    static func parameterCount(of stage: Stage, on shape: TensorShape) -> (Int, overflow: Bool) {
        let (rows, inputs): (Int, Int)
        switch stage {
        case .pool: return (0, false)
        case let .dense(n): (rows, inputs) = (n, shape.count)
        case let .convolution(c, k, _):
            let (kk, o1) = k.multipliedReportingOverflow(by: k)
            let (patch, o2) = shape.channels.multipliedReportingOverflow(by: kk)
            guard !o1, !o2 else { return (0, true) }
            (rows, inputs) = (c, patch)
        }
        let (weights, o3) = rows.multipliedReportingOverflow(by: inputs)
        let (all, o4) = weights.addingReportingOverflow(rows)
        return (all, o3 || o4)
    }

    /// The shape `stage` produces from `shape`, or the error that names the token and the shapes.
    static func output(of stage: Stage, on shape: TensorShape) throws(ArchitectureError) -> TensorShape {
        let limit = 1 << 20
        switch stage {
        case let .convolution(c, k, p):
            guard c > 0, k > 0, p >= 0, c <= limit, k <= 1024, p <= 1024 else {
                throw ArchitectureError(token: stage.token, "needs 1 to \(limit) channels, a kernel of 1 to 1024 and a padding of 0 to 1024")
            }
            guard shape.height + 2 * p >= k, shape.width + 2 * p >= k else {
                throw ArchitectureError(token: stage.token, "has a \(k)×\(k) kernel (padding \(p)), larger than its \(shape) input")
            }
            return TensorShape(channels: c, height: shape.height + 2 * p - k + 1, width: shape.width + 2 * p - k + 1)
        case .pool:
            guard shape.height >= 2, shape.width >= 2 else {
                throw ArchitectureError(token: stage.token, "would pool its \(shape) input below 1×1")
            }
            return TensorShape(channels: shape.channels, height: shape.height / 2, width: shape.width / 2)
        case let .dense(n):
            guard n > 0, n <= limit else { throw ArchitectureError(token: stage.token, "needs from 1 to \(limit) units") }
            return TensorShape(channels: n, height: 1, width: 1)
        }
    }

    /// Whether every stage is dense (the original MLP; every path keeps its MLP code and numbers).
    public var isFullyConnected: Bool { stages.allSatisfy { if case .dense = $0 { true } else { false } } }
    /// L, the number of weight layers.
    public var layerCount: Int { widths.count - 1 }
    /// n_0, the flattened input size.
    public var inputs: Int { widths.first ?? 0 }
    /// n_L.
    public var classes: Int { widths[widths.count - 1] }
    /// The widest flattened shape, the input and every stage's output included (sizes scratch buffers).
    public var maxWidth: Int { shapes.map(\.count).max() ?? 0 }

    /// Where each layer's weights and biases sit in the parameter block.
    public var layout: ParameterLayout { ParameterLayout(self) }

    /// The SPEC of the stages, "conv64,pool,fc10" (for an MLP, "fc784,fc10").
    public var spec: String { stages.map(\.token).joined(separator: ",") }
    /// "1×28×28 conv8,pool,fc10" for a network with convolutions or poolings, nil for an MLP (what `--network`
    /// sets, as opposed to `--layers`).
    public var networkDescription: String? { isFullyConnected ? nil : "\(input) \(spec)" }

    /// "784→784→784→10 relu" for an MLP, "1×28×28 conv8,pool,fc10 relu" otherwise.
    public var description: String {
        isFullyConnected ? widths.map(String.init).joined(separator: "→") + " " + activation.rawValue
            : "\(input) \(spec) \(activation.rawValue)"
    }

    /// The nonlinearity applied to the output of stage i (1-based): ReLU after a convolution, φ after a hidden
    /// dense layer, none after the last layer or a pooling (which passes its input's activations on).
    public func activation(afterStage i: Int) -> Activation? {
        switch stages[i - 1] {
        case .convolution: .relu
        case .pool: nil
        case .dense: i == stages.count ? nil : activation
        }
    }
}

extension Architecture: Codable {
    enum CodingKeys: String, CodingKey { case widths, activation, input, network }

    /// An MLP encodes as before (widths and activation only), so old and new MLP checkpoints read alike; a
    /// network with convolutions adds its input shape and its SPEC.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(widths, forKey: .widths)
        try c.encode(activation, forKey: .activation)
        if !isFullyConnected {
            try c.encode(input, forKey: .input)
            try c.encode(spec, forKey: .network)
        }
    }

    /// Decodes either form: widths and activation alone (an MLP), or with the input shape and SPEC, whose widths
    /// must agree with the stored ones.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let widths = try c.decode([Int].self, forKey: .widths)
        let activation = try c.decode(Activation.self, forKey: .activation)
        guard let spec = try c.decodeIfPresent(String.self, forKey: .network) else {
            do { try self.init(checkingWidths: widths, activation: activation) } catch {
                throw DecodingError.dataCorruptedError(forKey: .widths, in: c, debugDescription: error.description)
            }
            return
        }
        let input = try c.decode(TensorShape.self, forKey: .input)
        do {
            try self.init(input: input, stages: try NetworkSpec.parseStages(spec), activation: activation)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .network, in: c, debugDescription: error.description)
        }
        guard self.widths == widths else {
            throw DecodingError.dataCorruptedError(forKey: .widths, in: c, debugDescription: "disagree with the network \(spec)")
        }
    }
}

/// A network SPEC that does not fit its input, named by the offending token.
public struct ArchitectureError: Error, Sendable, Equatable, DescribedError {
    /// The token at fault, if one is.
    public let token: String?
    /// What is wrong, with the shapes.
    public let message: String

    /// The refusal of `token` (nil: the SPEC as a whole) with `message`.
    public init(token: String?, _ message: String) {
        self.token = token
        self.message = message
    }

    /// "'token' message", or the message alone when no token is at fault.
    public var description: String { token.map { "'\($0)' \(message)" } ?? message }
}

/// Offsets of W_l and b_l inside the contiguous parameter (and gradient, and momentum) block.
public struct ParameterLayout: Sendable, Equatable {
    /// For layer l (index l − 1): offset of W_l, offset of b_l, and the weights' matrix shape outputs × inputs.
    public struct Layer: Sendable, Equatable {
        /// The offset of W_l's first entry in the parameter block.
        public let weightOffset: Int
        /// The offset of b_l, right after W_l's N_l entries.
        public let biasOffset: Int
        /// The row length of W_l seen as a matrix: n_{l−1} for a dense layer, the fan-in C_in·k·k for a convolution.
        public let inputs: Int
        /// The rows of W_l and the number of biases: n_l for a dense layer, C_out for a convolution.
        public let outputs: Int
        /// The convolution's geometry, nil for a dense layer.
        public let convolution: ConvolutionGeometry?
        /// The 1-based index of this layer's stage in `Architecture.stages`.
        public let stage: Int
        /// "conv3" (the third weight layer, a convolution) or "fc1" (the first dense layer).
        public let label: String
        /// N_l, the number of weight entries (biases excluded: they are never counted in Ω_l).
        public var weightCount: Int { inputs * outputs }
        /// Whether this is a convolution.
        public var isConvolution: Bool { convolution != nil }
    }
    /// Layers 1…L at indices 0…L−1.
    public let layers: [Layer]
    /// The total number of parameters, weights and biases.
    public let count: Int

    init(_ architecture: Architecture) {
        var offset = 0, dense = 0
        var layers: [Layer] = []
        for (index, stage) in architecture.stages.enumerated() {
            let shape = architecture.shapes[index]
            let inputs: Int, outputs: Int, label: String, geometry: ConvolutionGeometry?
            switch stage {
            case .pool: continue
            case let .dense(n):
                dense += 1
                (inputs, outputs, label, geometry) = (shape.count, n, "fc\(dense)", nil)
            case let .convolution(c, k, p):
                let g = ConvolutionGeometry(inputChannels: shape.channels, height: shape.height, width: shape.width,
                                            outputChannels: c, kernel: k, padding: p)
                (inputs, outputs, label, geometry) = (g.patch, c, "conv\(layers.count + 1)", g)
            }
            let w = offset
            offset += inputs * outputs
            let b = offset
            offset += outputs
            layers.append(Layer(weightOffset: w, biasOffset: b, inputs: inputs, outputs: outputs, convolution: geometry,
                                stage: index + 1, label: label))
        }
        self.layers = layers
        self.count = offset
    }

    /// Layer l, 1-based as in the science (layer 1 is the first weight layer, layer L the output).
    @inline(__always)
    public subscript(layer l: Int) -> Layer { layers[l - 1] }
}
