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
    /// smoothing losses' stacked passes (S · `capacity` from the first smoothed stage up, 0 below it).
    public let rows: [Int]
    /// The network's shape.
    public let architecture: Architecture
    /// The stage outputs: index 0 the input, index S the logits.
    public let activations: [FloatBuffer]
    /// The labels of the current batch, (B).
    public let labels: UnsafeMutablePointer<Int32>
    /// The two δ buffers of the backward pass.
    public let delta: FloatBuffer
    /// The second δ buffer, (B, max C·H·W), that the backward pass alternates with `delta`.
    public let deltaBelow: FloatBuffer
    /// 1_B, for bias gradients as GEMVs.
    public let ones: FloatBuffer
    /// For each pooling stage i (index i), the place of each output's maximum in its 2 × 2 window
    /// (``MaxPool``).
    public let argmax: [UnsafeMutablePointer<UInt8>?]
    /// im2col scratch, K × G·P floats for the largest convolution, and its C_out × G·P product.
    public private(set) var columns: FloatBuffer
    public private(set) var product: FloatBuffer
    /// Images per im2col chunk, per stage (0 for stages that are not convolutions).
    public private(set) var chunks: [Int]
    /// Images per Winograd chunk of each stage: 0 where a convolution runs on im2col (or the stage is not one).
    public private(set) var winogradChunks: [Int]
    /// Scratch of the Winograd convolutions (`WinogradConvolution.scratchCount` for the largest).
    public private(set) var winogradScratch: FloatBuffer
    /// The weight layer l of each stage index i (0 for poolings and for index 0).
    let stageLayers: [Int]
    /// Threads of a network with convolutions: when more than one, every stage splits its batch into `threads`
    /// blocks of rows that run at once, each on one OpenBLAS thread with its own scratch (``splitsRows``). A
    /// fully-connected network ignores it: its GEMMs use OpenBLAS's own threads.
    public var threads = 1 {
        didSet { if threads != oldValue { layOutScratch() } }
    }
    /// The scratch of row blocks 1… when stages split their batch (block 0 uses the pass's own buffers).
    var parts: [PartScratch] = []
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
    /// Called by `backpropagate` as soon as weight layer l's parameter gradients are complete, with (this pass, l,
    /// δ_l = ∂L/∂Z_l as (B, n_l) rows, B): δ_l is valid during the call only, and the stage outputs are intact.
    /// Per-sample statistics read δ here instead of keeping a copy of every layer's (`retainsErrors`).
    /// `Trainer.run()` clears it before its observers' `trainingWillStart`, where a recorder sets it again.
    public var errorObserver: ((Pass, Int, UnsafePointer<Float>, Int) -> Void)?

    /// Buffers for batches of up to `capacity` rows.
    public convenience init(_ architecture: Architecture, capacity: Int) {
        self.init(architecture, capacity: capacity, rows: [Int](repeating: capacity, count: architecture.stages.count + 1))
    }

    /// Buffers for the smoothing losses' stacked samples: `samples` · `capacity` rows (sample-major) for the
    /// outputs of stage `stage` and above, none below it (the shared prefix runs on the trainer's own pass).
    public convenience init(_ architecture: Architecture, capacity: Int, samples: Int, stackedFrom stage: Int) {
        self.init(architecture, capacity: capacity,
                  rows: (0...architecture.stages.count).map { $0 >= stage ? samples * capacity : 0 })
    }

    /// Buffers holding `rows[i]` rows of stage i's output (index 0: the input; 0 rows: a stage this pass never
    /// runs).
    init(_ architecture: Architecture, capacity: Int, rows: [Int]) {
        if let problem = Architecture.widthsProblem(architecture.widths) {
            preconditionFailure("no pass runs the widths \(architecture.widths): an MLP \(problem)")
        }
        precondition(capacity > 0 && rows.allSatisfy { $0 >= 0 } && rows.count == architecture.stages.count + 1)
        self.capacity = capacity
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
        (chunks, winogradChunks) = ([], [])
        (columns, product, winogradScratch) = (FloatBuffer(count: 0), FloatBuffer(count: 0), FloatBuffer(count: 0))
        var stageLayers = [Int](repeating: 0, count: architecture.stages.count + 1)
        for (index, layer) in architecture.layout.layers.enumerated() { stageLayers[layer.stage] = index + 1 }
        self.stageLayers = stageLayers
        argmax = architecture.stages.indices.map { index -> UnsafeMutablePointer<UInt8>? in
            let n = rows[index + 1] * architecture.shapes[index + 1].count
            guard case .pool = architecture.stages[index] else { return nil }
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        layOutScratch()
    }

    deinit {
        labels.deallocate()
        for p in argmax { p?.deallocate() }
    }

    /// One row block's own scratch when stages split their batch: Winograd and im2col buffers like the pass's, and
    /// its partial parameter gradient of a convolution (weights, then biases).
    final class PartScratch {
        let winograd: FloatBuffer, columns: FloatBuffer, product: FloatBuffer, gradient: FloatBuffer
        init(like pass: Pass, gradientCount: Int) {
            winograd = FloatBuffer(count: pass.winogradScratch.count)
            columns = FloatBuffer(count: pass.columns.count)
            product = FloatBuffer(count: pass.product.count)
            gradient = FloatBuffer(count: gradientCount)
        }
    }

    /// Whether stages split their batch over `threads` row blocks: for networks with convolutions, where two
    /// one-thread halves of a step run 1.3–1.8 times as fast as OpenBLAS's two threads sharing each of its many
    /// mid-sized GEMMs (docs/performance.md). The numbers change in their last bits only (GEMMs of other shapes,
    /// a convolution's block sums added in block order), and are the same from run to run for a thread count.
    public var splitsRows: Bool { threads > 1 && !architecture.isFullyConnected }

    /// Sizes the convolutions' chunks and scratch: each of the ``rowBlocks(_:)`` a stage may run at once gets its
    /// own scratch within an equal share of the budgets (2^21 floats for im2col, 2^20 per Winograd matrix), so
    /// that a split takes no more scratch memory than one block.
    func layOutScratch() {
        let blocks = splitsRows ? threads : 1
        var chunks = [Int](repeating: 0, count: architecture.stages.count + 1)
        var winogradChunks = chunks
        var columnCount = 0, productCount = 0, winogradCount = 0, gradientCount = 0
        for layer in architecture.layout.layers where rows[layer.stage] > 0 {
            guard let g = layer.convolution else { continue }
            let G = g.chunk(batch: rows[layer.stage], budget: (1 << 21) / blocks)
            chunks[layer.stage] = G
            columnCount = max(columnCount, g.patch * G * g.positions)
            productCount = max(productCount, g.outputChannels * G * g.positions)
            gradientCount = max(gradientCount, g.weightCount + g.outputChannels)
            if WinogradConvolution.applies(to: g) {
                let W = WinogradConvolution.chunk(g, batch: rows[layer.stage], budget: (1 << 20) / blocks)
                winogradChunks[layer.stage] = W
                winogradCount = max(winogradCount, WinogradConvolution.scratchCount(g, chunk: W))
            }
        }
        self.chunks = chunks
        self.winogradChunks = winogradChunks
        columns = FloatBuffer(count: columnCount)
        product = FloatBuffer(count: productCount)
        winogradScratch = FloatBuffer(count: max(1, winogradCount))
        parts = (1..<blocks).map { _ in PartScratch(like: self, gradientCount: gradientCount) }
    }

    /// How a `batch` is cut into row blocks: `count` non-empty blocks of `size` rows (the last one shorter).
    func rowBlocks(_ batch: Int) -> (count: Int, size: Int) {
        let wanted = splitsRows ? max(1, min(threads, batch)) : 1
        let size = max(1, (batch + wanted - 1) / wanted)
        return ((batch + size - 1) / size, size)
    }

    /// Runs `body(part, first row, row count)` for the row blocks of a `batch` (``rowBlocks(_:)``): one block, or
    /// several at once with OpenBLAS on one thread.
    func forEachRowBlock(_ batch: Int, _ body: (Int, Int, Int) -> Void) {
        let (count, size) = rowBlocks(batch)
        guard count > 1 else { body(0, 0, batch); return }
        BLAS.singleThreaded {
            ConcurrentWork.forEach(iterations: count) { part in
                let first = part * size
                body(part, first, min(size, batch - first))
            }
        }
    }

    /// The Winograd, im2col and product scratch of row block `part`.
    func scratch(_ part: Int) -> (winograd: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>,
                                  product: UnsafeMutablePointer<Float>) {
        part == 0 ? (winogradScratch.pointer, columns.pointer, product.pointer)
            : (parts[part - 1].winograd.pointer, parts[part - 1].columns.pointer, parts[part - 1].product.pointer)
    }

    /// Threads of a convolution's own loops: the pass's when it does not split rows, else one per block.
    var convolutionThreads: Int { splitsRows ? 1 : threads }

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
    /// weight layer, `weights` in their place (a smoothing sample's P(a, l)). Rows are independent here: row blocks
    /// compute their own rows.
    public func forwardStage(_ i: Int, _ network: Network, weights: UnsafePointer<Float>?,
                             input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int) {
        let inCount = architecture.shapes[i - 1].count, outCount = architecture.shapes[i].count
        forEachRowBlock(batch) { part, first, rows in
            forwardRows(i, network, weights: weights, input: input + first * inCount, output: output + first * outCount,
                        firstRow: first, rows: rows, part: part)
        }
    }

    /// Stage i's forward on one block of `rows` rows starting at row `firstRow` (`input` and `output` point at it).
    func forwardRows(_ i: Int, _ network: Network, weights: UnsafePointer<Float>?, input: UnsafePointer<Float>,
                     output: UnsafeMutablePointer<Float>, firstRow: Int, rows batch: Int, part: Int) {
        let φ = architecture.activation(afterStage: i), shape = architecture.shapes[i - 1]
        switch architecture.stages[i - 1] {
        case let .dense(n):
            let l = layerIndex(ofStage: i)
            Dense.forward(input: input, weights: weights ?? UnsafePointer(network.weights(l)), bias: network.bias(l),
                          output: output, batch: batch, inputs: shape.count, outputs: n, activation: φ)
        case .convolution:
            let l = layerIndex(ofStage: i), g = network.layout[layer: l].convolution!, scratch = scratch(part)
            if winogradChunks[i] > 0 {
                WinogradConvolution.forward(input: input, weights: weights ?? UnsafePointer(network.weights(l)),
                                            bias: network.bias(l), output: output, batch: batch, geometry: g, relu: true,
                                            chunk: winogradChunks[i], scratch: scratch.winograd, threads: convolutionThreads)
                return
            }
            Convolution.forward(input: input, weights: weights ?? UnsafePointer(network.weights(l)), bias: network.bias(l),
                                output: output, batch: batch, geometry: g,
                                relu: true, chunk: chunks[i], columns: scratch.columns, product: scratch.product,
                                threads: convolutionThreads)
        case .pool:
            precondition(firstRow + batch <= rows[i], "a pooling stage holds the argmax of at most \(rows[i]) rows")
            MaxPool.forward(input: input, output: output, argmax: argmax[i - 1]! + firstRow * architecture.shapes[i].count,
                            planes: batch * shape.channels, height: shape.height, width: shape.width)
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
            if let errorObserver, architecture.stages[i - 1].hasWeights {
                errorObserver(self, layerIndex(ofStage: i), current, batch)
            }
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
    ///
    /// Split into row blocks, a dense layer's ∂W and ∂b are cut by output rows (each block sums over the whole
    /// batch, as without a split) and its ∂input by batch rows; a convolution's blocks each sum their own images
    /// (block 0 into the network's gradient, the others into their scratch) and are added in block order.
    public func backwardStage(_ i: Int, _ network: Network, weights: UnsafePointer<Float>?, delta: UnsafePointer<Float>,
                              input: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?, batch: Int,
                              accumulate: Bool) {
        let shape = architecture.shapes[i - 1], outCount = architecture.shapes[i].count
        switch architecture.stages[i - 1] {
        case .pool:
            guard let inputGradient else { return }
            forEachRowBlock(batch) { _, first, rows in
                MaxPool.backward(outputGradient: delta + first * outCount, argmax: argmax[i - 1]! + first * outCount,
                                 inputGradient: inputGradient + first * shape.count,
                                 planes: rows * shape.channels, height: shape.height, width: shape.width)
            }
        case .dense:
            let l = layerIndex(ofStage: i), layer = network.layout[layer: l]
            let weights = weights ?? UnsafePointer(network.weights(l))
            let blocks = rowBlocks(batch).count
            forEachRowBlock(batch) { part, first, rows in
                let per = (layer.outputs + blocks - 1) / blocks  // one block: all output units and rows
                let o0 = min(layer.outputs, part * per), o1 = min(layer.outputs, o0 + per)
                Dense.backwardRows(delta: delta, input: input, weights: weights, weightGradient: network.weightGradient(l),
                                   biasGradient: network.biasGradient(l), inputGradient: inputGradient, batch: batch,
                                   inputs: layer.inputs, outputs: layer.outputs, ones: ones.pointer,
                                   beta: accumulate ? 1 : 0, outputRows: o0..<o1, batchRows: first..<(first + rows))
            }
        case .convolution:
            let l = layerIndex(ofStage: i), g = network.layout[layer: l].convolution!
            let weights = weights ?? UnsafePointer(network.weights(l))
            let blocks = rowBlocks(batch).count
            forEachRowBlock(batch) { part, first, rows in
                let scratch = scratch(part)
                let weightGradient = part == 0 ? network.weightGradient(l) : parts[part - 1].gradient.pointer
                let biasGradient = part == 0 ? network.biasGradient(l) : parts[part - 1].gradient.pointer + g.weightCount
                let beta: Float = part == 0 && accumulate ? 1 : 0
                let delta = delta + first * g.outputSize, input = input + first * g.inputSize
                let inputGradient = inputGradient.map { $0 + first * g.inputSize }
                if winogradChunks[i] > 0 {
                    WinogradConvolution.backward(delta: delta, input: input, weights: weights, weightGradient: weightGradient,
                                                 biasGradient: biasGradient, inputGradient: inputGradient, batch: rows,
                                                 geometry: g, chunk: winogradChunks[i], scratch: scratch.winograd,
                                                 beta: beta, threads: convolutionThreads)
                } else {
                    Convolution.backward(delta: delta, input: input, weights: weights, weightGradient: weightGradient,
                                         biasGradient: biasGradient, inputGradient: inputGradient, batch: rows, geometry: g,
                                         chunk: chunks[i], columns: scratch.columns, product: scratch.product, beta: beta,
                                         threads: convolutionThreads)
                }
            }
            // The other blocks' sums, added in block order.
            let weightGradient = network.weightGradient(l), biasGradient = network.biasGradient(l)
            for part in 1..<blocks {
                let partial = parts[part - 1].gradient.pointer
                for q in 0..<g.weightCount { weightGradient[q] += partial[q] }
                for q in 0..<g.outputChannels { biasGradient[q] += partial[g.weightCount + q] }
            }
        }
    }

    /// ∂L/∂input of weight stage i alone, with `weights`, written into `inputGradient` (or added to it when
    /// `accumulate`, dense layers only through the GEMM's β; a convolution adds through `scratch`, b·C·H·W floats).
    public func inputGradientStage(_ i: Int, _ network: Network, weights: UnsafePointer<Float>, delta: UnsafePointer<Float>,
                                   inputGradient: UnsafeMutablePointer<Float>, batch: Int, accumulate: Bool,
                                   scratch: UnsafeMutablePointer<Float>) {
        let layer = network.layout[layer: layerIndex(ofStage: i)]
        forEachRowBlock(batch) { part, first, rows in
            if let g = layer.convolution {
                let target = (accumulate ? scratch : inputGradient) + first * g.inputSize
                let delta = delta + first * g.outputSize, buffers = self.scratch(part)
                if winogradChunks[i] > 0 {
                    WinogradConvolution.inputGradient(delta: delta, weights: weights, inputGradient: target, batch: rows,
                                                      geometry: g, chunk: winogradChunks[i], scratch: buffers.winograd,
                                                      threads: convolutionThreads)
                } else {
                    Convolution.inputGradient(delta: delta, weights: weights, inputGradient: target, batch: rows,
                                              geometry: g, chunk: chunks[i], columns: buffers.columns, product: buffers.product)
                }
                if accumulate {
                    for q in (first * g.inputSize)..<((first + rows) * g.inputSize) { inputGradient[q] += scratch[q] }
                }
            } else {
                // (b, n_in) (+)= (b, n_out) · (n_out, n_in), for the block's b rows
                BLAS.sgemm(.none, .none, m: rows, n: layer.inputs, k: layer.outputs, a: delta + first * layer.outputs,
                           lda: layer.outputs, b: weights, ldb: layer.inputs, beta: accumulate ? 1 : 0,
                           c: inputGradient + first * layer.inputs, ldc: layer.inputs)
            }
        }
    }
}
