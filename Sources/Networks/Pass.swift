import NumericCore

/// The activations of one forward pass and the scratch space of its backward pass, allocated once for a
/// largest batch size and reused every step (no allocation per step).
///
/// Buffers: `activations[i]` is the output of stage i, (B, C·H·W) in NCHW order, for i = 0…S (index 0 is the
/// input batch, the last one the logits). For a fully-connected network stages and weight layers coincide, so
/// `activations[l]` is A_l, (B, n_l). `delta` and `deltaBelow` are δ buffers of (B, max C·H·W) that the
/// backward pass ping-pongs between; convolutions share one im2col scratch (`columns`, `product`) sized for
/// chunks of images, and each pooling keeps the argmax of its forward pass.
public final class Pass: @unchecked Sendable {
    /// The largest batch this pass can hold.
    public let capacity: Int
    /// The rows each stage's output buffer holds (index 0: the input); `capacity` everywhere except in the
    /// smoothing losses' stacked passes.
    public let rows: [Int]
    /// The network's shape.
    public let architecture: Architecture
    /// The stage outputs: index 0 the input, index S the logits.
    public let activations: [FloatBuffer]
    /// The labels of the current batch, (B).
    public let labels: UnsafeMutablePointer<Int32>
    /// The two δ buffers of the backward pass.
    public let delta: FloatBuffer
    public let deltaBelow: FloatBuffer
    /// 1_B, for bias gradients as GEMVs.
    public let ones: FloatBuffer
    /// For each pooling stage i (index i), the offset of each output's maximum in its input plane.
    public let argmax: [UnsafeMutablePointer<Int32>?]
    /// im2col scratch, K × G·P floats for the largest convolution, and its C_out × G·P product.
    public let columns: FloatBuffer
    public let product: FloatBuffer
    /// Images per im2col chunk, per stage (0 for stages that are not convolutions).
    public let chunks: [Int]
    /// Images per Winograd chunk of each stage: 0 where a convolution runs on im2col (or the stage is not one).
    public let winogradChunks: [Int]
    /// Scratch of the Winograd convolutions (`WinogradConvolution.scratchCount` for the largest).
    public let winogradScratch: FloatBuffer
    /// The weight layer l of each stage index i (0 for poolings and for index 0).
    let stageLayers: [Int]
    /// Threads for the convolutions' im2col, col2im and copies (results do not depend on it); the GEMMs use
    /// OpenBLAS's own threads.
    public var threads = 1
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
    public convenience init(_ architecture: Architecture, capacity: Int) {
        self.init(architecture, rows: [Int](repeating: capacity, count: architecture.stages.count + 1))
    }

    /// Buffers for the smoothing losses' stacked samples: up to `capacity` rows below stage `stage` and
    /// `samples` · `capacity` rows (sample-major) from stage `stage` up.
    public convenience init(_ architecture: Architecture, capacity: Int, samples: Int, stackedFrom stage: Int) {
        self.init(architecture, rows: (0...architecture.stages.count).map { $0 >= stage ? samples * capacity : capacity })
    }

    /// Buffers holding `rows[i]` rows of stage i's output (index 0: the input).
    init(_ architecture: Architecture, rows: [Int]) {
        precondition(rows.allSatisfy { $0 > 0 } && rows.count == architecture.stages.count + 1)
        self.capacity = rows[0]
        self.rows = rows
        self.architecture = architecture
        let shapes = architecture.shapes
        activations = shapes.indices.map { FloatBuffer(count: rows[$0] * shapes[$0].count) }
        labels = .allocate(capacity: capacity)
        labels.initialize(repeating: 0, count: capacity)
        let widest = shapes.indices.map { rows[$0] * shapes[$0].count }.max() ?? 0
        delta = FloatBuffer(count: widest)
        deltaBelow = FloatBuffer(count: widest)
        ones = FloatBuffer([Float](repeating: 1, count: rows.max() ?? capacity))
        let layout = architecture.layout
        var chunks = [Int](repeating: 0, count: architecture.stages.count + 1)
        var winogradChunks = chunks
        var columnCount = 0, productCount = 0, winogradCount = 0
        for layer in layout.layers {
            guard let g = layer.convolution else { continue }
            let G = g.chunk(batch: rows[layer.stage])
            chunks[layer.stage] = G
            columnCount = max(columnCount, g.patch * G * g.positions)
            productCount = max(productCount, g.outputChannels * G * g.positions)
            if WinogradConvolution.applies(to: g) {
                let W = WinogradConvolution.chunk(g, batch: rows[layer.stage])
                winogradChunks[layer.stage] = W
                winogradCount = max(winogradCount, WinogradConvolution.scratchCount(g, chunk: W))
            }
        }
        self.chunks = chunks
        self.winogradChunks = winogradChunks
        winogradScratch = FloatBuffer(count: max(1, winogradCount))
        var stageLayers = [Int](repeating: 0, count: architecture.stages.count + 1)
        for (index, layer) in layout.layers.enumerated() { stageLayers[layer.stage] = index + 1 }
        self.stageLayers = stageLayers
        columns = FloatBuffer(count: columnCount)
        product = FloatBuffer(count: productCount)
        argmax = architecture.stages.indices.map { index -> UnsafeMutablePointer<Int32>? in
            let n = rows[index + 1] * architecture.shapes[index + 1].count
            guard case .pool = architecture.stages[index] else { return nil }
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
    }

    deinit {
        labels.deallocate()
        for p in argmax { p?.deallocate() }
    }

    /// A_0, the input rows to fill before `forward`, (B, n_0).
    @inline(__always) public var input: UnsafeMutablePointer<Float> { activations[0].pointer }
    /// A_L, the logits after `forward`, (B, n_L).
    @inline(__always) public var logits: UnsafeMutablePointer<Float> { activations[architecture.stages.count].pointer }

    /// Runs stages 1…S on the first `batch` rows of `input`: for a dense layer A_l = φ(A_{l−1} W_lᵀ + b_l), for a
    /// convolution A = ReLU(W ∗ A_in + b), for a pooling A = maxpool(A_in); the last stage's output is the logits.
    public func forward(_ network: Network, batch: Int) {
        precondition(batch > 0 && batch <= capacity, "batch \(batch) exceeds the pass capacity \(capacity)")
        for i in 1...architecture.stages.count {
            forwardStage(i, network, weights: nil, input: activations[i - 1].pointer, output: activations[i].pointer,
                         batch: batch)
        }
    }

    /// Stage i on `batch` rows from `input` to `output` (each (rows, C·H·W)), with the network's weights or, for a
    /// weight layer, `weights` in their place (a smoothing sample's P(a, l)).
    public func forwardStage(_ i: Int, _ network: Network, weights: UnsafePointer<Float>?,
                             input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int) {
        let φ = architecture.activation(afterStage: i), shape = architecture.shapes[i - 1]
        switch architecture.stages[i - 1] {
        case let .dense(n):
            let l = layerIndex(ofStage: i)
            Dense.forward(input: input, weights: weights ?? UnsafePointer(network.weights(l)), bias: network.bias(l),
                          output: output, batch: batch, inputs: shape.count, outputs: n, activation: φ)
        case .convolution:
            let l = layerIndex(ofStage: i), g = network.layout[layer: l].convolution!
            if winogradChunks[i] > 0 {
                WinogradConvolution.forward(input: input, weights: weights ?? UnsafePointer(network.weights(l)),
                                            bias: network.bias(l), output: output, batch: batch, geometry: g, relu: true,
                                            chunk: winogradChunks[i], scratch: winogradScratch.pointer, threads: threads)
                return
            }
            Convolution.forward(input: input, weights: weights ?? UnsafePointer(network.weights(l)), bias: network.bias(l),
                                output: output, batch: batch, geometry: g,
                                relu: true, chunk: chunks[i], columns: columns.pointer, product: product.pointer,
                                threads: threads)
        case .pool:
            precondition(batch <= rows[i], "a pooling stage holds the argmax of at most \(rows[i]) rows")
            MaxPool.forward(input: input, output: output, argmax: argmax[i - 1]!, planes: batch * shape.channels,
                            height: shape.height, width: shape.width)
        }
    }

    /// The weight layer l of stage i (which must have weights).
    @inline(__always)
    public func layerIndex(ofStage i: Int) -> Int { stageLayers[i] }

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
    /// gradients (added to `network.gradients` when `accumulate`), using the stored activations of this pass and
    /// the network's current weights. `delta` may be this pass's own `delta` buffer.
    ///
    /// Between weight layers, a pooling routes each output's gradient to its recorded maximum; below a
    /// convolution or a hidden dense layer the gradient is multiplied by φ'.
    public func backpropagate(_ network: Network, from top: Int, down bottom: Int, batch: Int,
                              delta topDelta: UnsafeMutablePointer<Float>, accumulate: Bool,
                              weightsOverride: ((Int) -> UnsafePointer<Float>?)? = nil) {
        backpropagate(network, fromStage: network.layout[layer: top].stage, down: bottom, batch: batch, delta: topDelta,
                      accumulate: accumulate, weightsOverride: weightsOverride)
    }

    /// Back-propagates `delta`, the gradient with respect to stage `top`'s output before its nonlinearity (for a
    /// pooling, its output), down to weight layer `bottom`; `delta` must be one of this pass's δ buffers or
    /// outside them.
    public func backpropagate(_ network: Network, fromStage top: Int, down bottom: Int, batch: Int,
                              delta topDelta: UnsafeMutablePointer<Float>, accumulate: Bool,
                              weightsOverride: ((Int) -> UnsafePointer<Float>?)? = nil) {
        var current = topDelta
        var spare = current == delta.pointer ? deltaBelow.pointer : delta.pointer
        let lowest = network.layout[layer: bottom].stage
        for i in stride(from: top, through: lowest, by: -1) {
            let below: UnsafeMutablePointer<Float>? = i > lowest ? spare : nil
            let shape = architecture.shapes[i - 1]
            if retainsErrors, architecture.stages[i - 1].hasWeights {
                let l = layerIndex(ofStage: i)
                errors[l].pointer.update(from: current, count: batch * architecture.widths[l])
            }
            backwardStage(i, network, weights: weightsOverride?(layerIndex(ofStage: i)), delta: current,
                          input: activations[i - 1].pointer, inputGradient: below, batch: batch, accumulate: accumulate)
            if let below {
                if let φ = architecture.activation(afterStage: i - 1) {
                    Dense.activationBackward(gradient: below, activations: activations[i - 1].pointer,
                                             count: batch * shape.count, activation: φ)
                }
                spare = current
                current = below
            }
        }
    }

    /// Stage i's backward on `batch` rows, given `delta` = ∂L/∂(its output before φ) and its `input`: a weight
    /// layer's parameter gradients (accumulated when `accumulate`) and, when `inputGradient` is given, ∂L/∂input
    /// computed with `weights` (nil: the network's); a pooling routes `delta` through its recorded argmax.
    public func backwardStage(_ i: Int, _ network: Network, weights: UnsafePointer<Float>?, delta: UnsafePointer<Float>,
                              input: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?, batch: Int,
                              accumulate: Bool) {
        let shape = architecture.shapes[i - 1]
        switch architecture.stages[i - 1] {
        case .pool:
            guard let inputGradient else { return }
            MaxPool.backward(outputGradient: delta, argmax: argmax[i - 1]!, inputGradient: inputGradient,
                             planes: batch * shape.channels, height: shape.height, width: shape.width)
        case .dense, .convolution:
            let l = layerIndex(ofStage: i), layer = network.layout[layer: l]
            let weights = weights ?? UnsafePointer(network.weights(l))
            if let g = layer.convolution, winogradChunks[i] > 0 {
                WinogradConvolution.backward(delta: delta, input: input, weights: weights,
                                             weightGradient: network.weightGradient(l),
                                             biasGradient: network.biasGradient(l), inputGradient: inputGradient,
                                             batch: batch, geometry: g, chunk: winogradChunks[i],
                                             scratch: winogradScratch.pointer, beta: accumulate ? 1 : 0, threads: threads)
            } else if let g = layer.convolution {
                Convolution.backward(delta: delta, input: input, weights: weights,
                                     weightGradient: network.weightGradient(l), biasGradient: network.biasGradient(l),
                                     inputGradient: inputGradient, batch: batch, geometry: g, chunk: chunks[i],
                                     columns: columns.pointer, product: product.pointer, beta: accumulate ? 1 : 0,
                                     threads: threads)
            } else {
                Dense.backward(delta: delta, input: input, weights: weights,
                               weightGradient: network.weightGradient(l), biasGradient: network.biasGradient(l),
                               inputGradient: inputGradient, batch: batch, inputs: layer.inputs, outputs: layer.outputs,
                               ones: ones.pointer, beta: accumulate ? 1 : 0)
            }
        }
    }

    /// ∂L/∂input of weight stage i alone, with `weights`, written into `inputGradient` (or added to it when
    /// `accumulate`, dense layers only through the GEMM's β; a convolution adds through `scratch`, b·C·H·W floats).
    public func inputGradientStage(_ i: Int, _ network: Network, weights: UnsafePointer<Float>, delta: UnsafePointer<Float>,
                                   inputGradient: UnsafeMutablePointer<Float>, batch: Int, accumulate: Bool,
                                   scratch: UnsafeMutablePointer<Float>) {
        let layer = network.layout[layer: layerIndex(ofStage: i)]
        if let g = layer.convolution {
            let target = accumulate ? scratch : inputGradient
            if winogradChunks[i] > 0 {
                WinogradConvolution.inputGradient(delta: delta, weights: weights, inputGradient: target, batch: batch,
                                                  geometry: g, chunk: winogradChunks[i],
                                                  scratch: winogradScratch.pointer, threads: threads)
            } else {
                Convolution.inputGradient(delta: delta, weights: weights, inputGradient: target, batch: batch,
                                          geometry: g, chunk: chunks[i], columns: columns.pointer,
                                          product: product.pointer)
            }
            if accumulate { for q in 0..<(batch * g.inputSize) { inputGradient[q] += scratch[q] } }
        } else {
            // (B, n_in) (+)= (B, n_out) · (n_out, n_in)
            BLAS.sgemm(.none, .none, m: batch, n: layer.inputs, k: layer.outputs, a: delta, lda: layer.outputs,
                       b: weights, ldb: layer.inputs, beta: accumulate ? 1 : 0, c: inputGradient, ldc: layer.inputs)
        }
    }
}
