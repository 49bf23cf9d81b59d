import Foundation
import Networks
import NumericCore

/// Exact Hessian-vector products of the mean cross-entropy of one fixed batch, H·v, by forward-over-reverse
/// differentiation (Pearlmutter's R-operator), through dense layers (ReLU or tanh), convolutions (ReLU) and
/// max-poolings.
///
/// The curvature is taken over the **weights** only (biases are held fixed, as the smoothing never displaces
/// them and Ω_l never counts them). A direction v is given *packed*: the entries of V_lo, V_lo+1, …, V_hi, each
/// laid out as W_l (a dense (n_l, n_{l−1}) row-major, a convolution C_out × C_in × k × k), one after the other;
/// the product H·v is returned packed the same way, read on the same layers. With lo = hi = l this is the layer
/// block H_ll·v_l; with lo = 1, hi = L the full H·v.
///
/// Notation, stage by stage: X_i is stage i's output (X_0 the input). A weight stage computes Z_i = lin_i(X_{i−1}; W)
/// + b (a GEMM or a convolution, linear in X and in W) and X_i = φ_i(Z_i) (ReLU after a convolution, the hidden
/// activation after a dense layer, the identity at the logits); a pooling X_i = pool(X_{i−1}) routes each output
/// to its recorded maximum. The gradient pass: D_S = (P − Y)/B at the logits, G_{i−1} = lin_iᵀ(D_i; W) (or the
/// pooling's routing of D_i), D_{i−1} = G_{i−1} ⊙ φ'_{i−1}. The R-operator R{·} = d/dε (·)(W + εV) at ε = 0:
///
///     forward   R{Z_i} = lin_i(R{X_{i−1}}; W) + lin_i(X_{i−1}; V),   R{X_i} = φ'(Z_i) ⊙ R{Z_i},
///               R{pool(X)} = the same routing of R{X}                               (R{X} = 0 below lo)
///     logits    R{D_S} = (1/B) P ⊙ (R{Z_S} − ⟨P, R{Z_S}⟩_row)
///     backward  (H v)_l = ∂_W lin_l(X_{i−1}; ·)ᵀ R{D_i} + ∂_W lin_l(R{X_{i−1}}; ·)ᵀ D_i  (the weight gradient
///               formula with R{D_i}, then with D_i and R{X_{i−1}})
///               R{G_{i−1}} = lin_iᵀ(R{D_i}; W) + lin_iᵀ(D_i; V),   (a pooling: the routing of R{D_i})
///               R{D_{i−1}} = R{G_{i−1}} ⊙ φ'(Z_{i−1}) + G_{i−1} ⊙ φ''(Z_{i−1}) ⊙ R{Z_{i−1}}
///
/// with φ' = [X > 0], φ'' = 0 for ReLU (almost everywhere) and φ' = 1 − X², φ'' = −2X(1 − X²) for tanh; the
/// routing of a max-pooling is piecewise constant in its input, so its R is the same routing.
/// ``prepare(network:input:labels:batch:)`` runs the forward and gradient passes once; every product after it
/// reuses them, so a block product costs about two GEMMs (or convolutions) per stage from its layer up, and a
/// full one about twice a training step.
public final class HessianVectorProduct: @unchecked Sendable {
    /// The network's shape.
    public let architecture: Architecture
    /// The largest batch.
    public let capacity: Int
    private(set) var network: Network?
    private(set) var batch = 0
    /// The forward pass of the prepared batch (stage outputs X_i, pooling maxima, convolution scratch).
    let pass: Pass
    let layout: ParameterLayout
    /// D_i for weight stages (index i), the errors of the gradient pass.
    let errors: [FloatBuffer]
    /// G_i, ∂L/∂X_i before φ', for stages followed by tanh (its φ'' term needs them).
    let upstream: [FloatBuffer]
    /// R{Z_i} for stages followed by tanh and for the logits.
    let rPreactivations: [FloatBuffer]
    /// R{X_i} for every stage.
    let rActivations: [FloatBuffer]
    let rDelta: FloatBuffer, rDeltaBelow: FloatBuffer, scratch: FloatBuffer
    let zeroBias: FloatBuffer, biasScratch: FloatBuffer
    /// The mean cross-entropy of the prepared batch.
    public private(set) var loss = 0.0

    /// Buffers for batches of up to `capacity` rows of `architecture`.
    public init(_ architecture: Architecture, capacity: Int) {
        precondition(capacity > 0)
        self.architecture = architecture
        self.capacity = capacity
        layout = architecture.layout
        pass = Pass(architecture, capacity: capacity)
        let S = architecture.stages.count
        func size(_ i: Int) -> Int { capacity * architecture.shapes[i].count }
        let tanhAfter = (0...S).map { $0 > 0 && architecture.activation(afterStage: $0) == .tanh }
        errors = (0...S).map { i in FloatBuffer(count: i > 0 && architecture.stages[i - 1].hasWeights ? size(i) : 0) }
        upstream = (0...S).map { FloatBuffer(count: tanhAfter[$0] ? size($0) : 0) }
        rPreactivations = (0...S).map { FloatBuffer(count: tanhAfter[$0] || $0 == S ? size($0) : 0) }
        rActivations = (0...S).map { FloatBuffer(count: $0 > 0 && $0 < S ? size($0) : 0) }
        let widest = (0...S).map(size).max() ?? 0
        rDelta = FloatBuffer(count: widest)
        rDeltaBelow = FloatBuffer(count: widest)
        scratch = FloatBuffer(count: widest)
        let units = layout.layers.map(\.outputs).max() ?? 1
        zeroBias = FloatBuffer(count: units)
        biasScratch = FloatBuffer(count: units)
    }

    /// L, the number of weight layers.
    public var layerCount: Int { architecture.layerCount }

    /// N_lo + … + N_hi, the length of a packed direction on these layers.
    public func dimension(_ layers: ClosedRange<Int>) -> Int {
        layers.reduce(0) { $0 + layout[layer: $1].weightCount }
    }

    /// Runs the forward and gradient passes of `network` (its current weights) on the first `batch` rows of
    /// `input` (B, C·H·W) with `labels`, and keeps what every product needs. Call again after the weights change.
    /// The network's own gradient buffer is left untouched.
    public func prepare(network: Network, input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int) {
        precondition(network.architecture == architecture, "the network's shape differs from the product's")
        precondition(batch > 0 && batch <= capacity, "batch \(batch) outside 1…\(capacity)")
        self.network = network
        self.batch = batch
        let S = architecture.stages.count
        pass.input.update(from: input, count: batch * architecture.inputs)
        pass.forward(network, batch: batch)
        let result = SoftmaxCrossEntropy.evaluate(logits: pass.logits, labels: labels, batch: batch,
                                                  classes: architecture.classes, delta: errors[S].pointer,
                                                  scale: 1 / Float(batch))
        loss = result.lossSum / Double(batch)
        // Down the stages: G_{i−1} from stage i's error, then D_{i−1} = G_{i−1} ⊙ φ'_{i−1} (a pooling's "error"
        // is its output gradient, kept in a scratch buffer until the pooling routes it).
        var current = errors[S].pointer
        for i in stride(from: S, to: 1, by: -1) {
            let below = architecture.stages[i - 2].hasWeights ? errors[i - 1].pointer
                : (current == rDelta.pointer ? rDeltaBelow.pointer : rDelta.pointer)
            backStage(i, network: network, weights: nil, delta: current, into: below, accumulate: false)
            if let φ = architecture.activation(afterStage: i - 1) {
                let count = batch * architecture.shapes[i - 1].count
                if φ == .tanh { upstream[i - 1].pointer.update(from: below, count: count) }
                Dense.activationBackward(gradient: below, activations: pass.activations[i - 1].pointer, count: count,
                                         activation: φ)
            }
            current = below
        }
    }

    /// ∂(stage i's input) of `delta` (an error at stage i's output before φ): lin_iᵀ(delta; weights) for a weight
    /// stage (`weights` nil: the network's), the pooling's routing otherwise; added when `accumulate`.
    private func backStage(_ i: Int, network: Network, weights: UnsafePointer<Float>?, delta: UnsafePointer<Float>,
                           into target: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let shape = architecture.shapes[i - 1]
        if case .pool = architecture.stages[i - 1] {
            precondition(!accumulate)
            MaxPool.backward(outputGradient: delta, argmax: pass.argmax[i - 1]!, inputGradient: target,
                             planes: batch * shape.channels, height: shape.height, width: shape.width)
            return
        }
        let l = pass.layerIndex(ofStage: i)
        pass.inputGradientStage(i, network, weights: weights ?? UnsafePointer(network.weights(l)), delta: delta,
                                inputGradient: target, batch: batch, accumulate: accumulate, scratch: scratch.pointer)
    }

    /// y = H·x on the weights of `layers` (both packed, see the type's documentation), for the prepared batch.
    public func apply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, layers: ClosedRange<Int>) {
        guard let network else { preconditionFailure("call prepare(network:input:labels:batch:) first") }
        precondition(layers.lowerBound >= 1 && layers.upperBound <= layerCount, "layers \(layers) outside 1…\(layerCount)")
        var offsets = [Int?](repeating: nil, count: layerCount + 1)
        var offset = 0
        for l in layers { offsets[l] = offset; offset += layout[layer: l].weightCount }
        let lowest = layout[layer: layers.lowerBound].stage
        forwardR(x, offsets: offsets, from: lowest, network: network)
        logitsR(into: rDelta.pointer)
        backwardR(x, into: y, offsets: offsets, down: lowest, network: network)
    }

    /// R{X_i} for stages `lowest`…S (R{Z_S} at the logits).
    private func forwardR(_ x: UnsafePointer<Float>, offsets: [Int?], from lowest: Int, network: Network) {
        let S = architecture.stages.count, b = batch
        for i in lowest...S {
            let shape = architecture.shapes[i - 1], count = b * architecture.shapes[i].count
            let target = i == S || rPreactivations[i].count > 0 ? rPreactivations[i].pointer : rActivations[i].pointer
            switch architecture.stages[i - 1] {
            case .pool:
                // R{pool(X)}: the recorded maxima route R{X} as they route X.
                let from = rActivations[i - 1].pointer, argmax = pass.argmax[i - 1]!
                let plane = shape.height * shape.width, Ho = architecture.shapes[i].height, Wo = architecture.shapes[i].width
                let out = Ho * Wo
                for p in 0..<(b * shape.channels) {
                    for y in 0..<Ho {
                        for x in 0..<Wo {
                            let q = p * out + y * Wo + x
                            target[q] = from[p * plane + MaxPool.inputOffset(window: argmax[q], row: y, column: x, width: shape.width)]
                        }
                    }
                }
            case .dense, .convolution:
                let l = pass.layerIndex(ofStage: i)
                var started = false
                if i > lowest {  // lin(R{X_{i−1}}; W)
                    linear(i, input: rActivations[i - 1].pointer, weights: network.weights(l), into: target)
                    started = true
                }
                if let o = offsets[l] {  // + lin(X_{i−1}; V)
                    linear(i, input: pass.activations[i - 1].pointer, weights: x + o, into: started ? scratch.pointer : target)
                    if started { for q in 0..<count { target[q] += scratch.pointer[q] } }
                }
            }
            if i < S, let φ = architecture.activation(afterStage: i) {
                let out = rActivations[i].pointer
                if target != out { out.update(from: target, count: count) }
                Dense.activationBackward(gradient: out, activations: pass.activations[i].pointer, count: count, activation: φ)
            } else if i < S, target != rActivations[i].pointer {
                rActivations[i].pointer.update(from: target, count: count)
            }
        }
    }

    /// lin_i(input; weights) without bias or φ: a GEMM or a convolution.
    private func linear(_ i: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let layer = layout[layer: pass.layerIndex(ofStage: i)]
        if let g = layer.convolution {
            Convolution.forward(input: input, weights: weights, bias: zeroBias.pointer, output: output, batch: batch,
                                geometry: g, relu: false, chunk: pass.chunks[i], columns: pass.columns.pointer,
                                product: pass.product.pointer, threads: pass.threads)
        } else {
            // (B, n_out) = (B, n_in) · (n_out, n_in)ᵀ
            BLAS.sgemm(.none, .transposed, m: batch, n: layer.outputs, k: layer.inputs, a: input, lda: layer.inputs,
                       b: weights, ldb: layer.inputs, c: output, ldc: layer.outputs)
        }
    }

    /// R{D_S} = (1/B) P ⊙ (R{Z_S} − ⟨P, R{Z_S}⟩), with P = softmax(X_S) recomputed from the logits.
    private func logitsR(into rd: UnsafeMutablePointer<Float>) {
        let S = architecture.stages.count, c = architecture.classes, b = batch
        let logits = pass.logits, rz = rPreactivations[S].pointer
        for n in 0..<b {
            let row = logits + n * c, r = rz + n * c, out = rd + n * c
            var m = -Float.infinity
            for j in 0..<c { m = max(m, row[j]) }
            var sum = 0.0
            for j in 0..<c { sum += exp(Double(row[j] - m)) }
            var dot = 0.0
            for j in 0..<c { dot += exp(Double(row[j] - m)) / sum * Double(r[j]) }
            for j in 0..<c {
                let p = exp(Double(row[j] - m)) / sum
                out[j] = Float(p * (Double(r[j]) - dot) / Double(b))
            }
        }
    }

    /// The backward R-pass from the logits down to stage `lowest`, writing R{∂W_l} of the packed layers into y.
    private func backwardR(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, offsets: [Int?], down lowest: Int,
                           network: Network) {
        let S = architecture.stages.count
        var current = rDelta.pointer, below = rDeltaBelow.pointer
        for i in stride(from: S, through: lowest, by: -1) {
            let weighted = architecture.stages[i - 1].hasWeights
            let l = weighted ? pass.layerIndex(ofStage: i) : 0
            if weighted, let o = offsets[l] {
                // (H v)_l = ∂_W lin(X_{i−1})ᵀ R{D_i} + ∂_W lin(R{X_{i−1}})ᵀ D_i   (the second is zero at the lowest stage)
                weightProduct(i, delta: current, input: pass.activations[i - 1].pointer, into: y + o, accumulate: false)
                if i > lowest {
                    weightProduct(i, delta: errors[i].pointer, input: rActivations[i - 1].pointer, into: y + o, accumulate: true)
                }
            }
            guard i > lowest else { break }
            // R{G_{i−1}} = lin_iᵀ(R{D_i}; W) + lin_iᵀ(D_i; V), or the pooling's routing of R{D_i}.
            backStage(i, network: network, weights: nil, delta: current, into: below, accumulate: false)
            if weighted, let o = offsets[l] {
                backStage(i, network: network, weights: x + o, delta: errors[i].pointer, into: below, accumulate: true)
            }
            // R{D_{i−1}} = R{G_{i−1}} ⊙ φ' + G_{i−1} ⊙ φ'' ⊙ R{Z_{i−1}}.
            if let φ = architecture.activation(afterStage: i - 1) {
                let count = batch * architecture.shapes[i - 1].count, a = pass.activations[i - 1].pointer
                Dense.activationBackward(gradient: below, activations: a, count: count, activation: φ)
                if φ == .tanh {
                    let g = upstream[i - 1].pointer, rz = rPreactivations[i - 1].pointer
                    for q in 0..<count { below[q] += g[q] * (-2 * a[q] * (1 - a[q] * a[q])) * rz[q] }
                }
            }
            swap(&current, &below)
        }
    }

    /// The weight gradient formula of stage i's layer for `delta` and `input`, into `target` (added when
    /// `accumulate`): δᵀ X for a dense layer, the convolution's weight gradient otherwise.
    private func weightProduct(_ i: Int, delta: UnsafePointer<Float>, input: UnsafePointer<Float>,
                               into target: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let layer = layout[layer: pass.layerIndex(ofStage: i)]
        if let g = layer.convolution {
            Convolution.backward(delta: delta, input: input, weights: target, weightGradient: target,
                                 biasGradient: biasScratch.pointer, inputGradient: nil, batch: batch, geometry: g,
                                 chunk: pass.chunks[i], columns: pass.columns.pointer, product: pass.product.pointer,
                                 beta: accumulate ? 1 : 0, threads: pass.threads)
        } else {
            // (n_out, n_in) (+)= (B, n_out)ᵀ · (B, n_in)
            BLAS.sgemm(.transposed, .none, m: layer.outputs, n: layer.inputs, k: batch, a: delta, lda: layer.outputs,
                       b: input, ldb: layer.inputs, beta: accumulate ? 1 : 0, c: target, ldc: layer.inputs)
        }
    }
}
