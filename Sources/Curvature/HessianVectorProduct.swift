import Foundation
import Networks
import NumericCore

/// Exact Hessian-vector products of the mean cross-entropy of one fixed batch, H·v, by forward-over-reverse
/// differentiation (Pearlmutter's R-operator), for fully-connected networks with ReLU or tanh.
///
/// The curvature is taken over the **weights** only (biases are held fixed, as the smoothing never displaces
/// them and Ω_l never counts them). A direction v is given *packed*: the entries of V_lo, V_lo+1, …, V_hi, each
/// (n_l, n_{l−1}) row-major as W_l, one after the other; the product H·v is returned packed the same way, read on
/// the same layers. With lo = hi = l this is the layer block H_ll·v_l; with lo = 1, hi = L the full H·v.
///
/// Notation (row form, B rows): Z_l = A_{l−1} W_lᵀ + b_l, A_l = φ(Z_l) for l < L, A_L = Z_L (logits),
/// P = softmax(A_L), L = (1/B) Σ_n −log P_{n,y_n}. The gradient pass: D_L = (P − Y)/B, ∂W_l = D_lᵀ A_{l−1},
/// G_{l−1} = D_l W_l, D_{l−1} = G_{l−1} ⊙ φ'(Z_{l−1}). The R-operator R{·} = d/dε (·)(W + εV) at ε = 0:
///
///     forward   R{Z_k} = R{A_{k−1}} W_kᵀ + A_{k−1} V_kᵀ,   R{A_k} = φ'(Z_k) ⊙ R{Z_k}       (R{A} = 0 below lo)
///     logits    R{D_L} = (1/B) P ⊙ (R{Z_L} − ⟨P, R{Z_L}⟩_row)
///     backward  (H v)_k = R{∂W_k} = R{D_k}ᵀ A_{k−1} + D_kᵀ R{A_{k−1}}
///               R{G_{k−1}} = R{D_k} W_k + D_k V_k
///               R{D_{k−1}} = R{G_{k−1}} ⊙ φ'(Z_{k−1}) + G_{k−1} ⊙ φ''(Z_{k−1}) ⊙ R{Z_{k−1}}
///
/// with φ' = [A > 0], φ'' = 0 for ReLU (almost everywhere) and φ' = 1 − A², φ'' = −2A(1 − A²) for tanh.
/// ``prepare(network:input:labels:batch:)`` runs the forward and gradient passes once; every product after it
/// reuses them, so a block product costs about 2(L − l) + 2 GEMMs and a full one about twice a training step.
public final class HessianVectorProduct: @unchecked Sendable {
    /// The network's shape.
    public let architecture: Architecture
    /// The largest batch.
    public let capacity: Int
    private(set) var network: Network?
    private(set) var batch = 0
    /// A_0 … A_L (A_0 is the input batch).
    let activations: [FloatBuffer]
    /// D_1 … D_L (index l), the errors of the gradient pass.
    let errors: [FloatBuffer]
    /// G_1 … G_{L−1} (index l), ∂L/∂A_l before φ' (tanh's φ'' term needs them).
    let upstream: [FloatBuffer]
    /// R{Z_l}, then R{A_l} in `rActivations` (index l).
    let rPreactivations: [FloatBuffer]
    let rActivations: [FloatBuffer]
    let rDelta: FloatBuffer
    let rDeltaBelow: FloatBuffer
    /// The mean cross-entropy of the prepared batch.
    public private(set) var loss = 0.0

    /// Buffers for batches of up to `capacity` rows of `architecture`.
    public init(_ architecture: Architecture, capacity: Int) {
        precondition(capacity > 0)
        precondition(architecture.isFullyConnected, "Hessian-vector products are formed for fully-connected networks only")
        self.architecture = architecture
        self.capacity = capacity
        let widths = architecture.widths
        activations = widths.map { FloatBuffer(count: capacity * $0) }
        errors = widths.enumerated().map { l, n in FloatBuffer(count: l == 0 ? 0 : capacity * n) }
        upstream = widths.enumerated().map { l, n in FloatBuffer(count: l == 0 || l == widths.count - 1 ? 0 : capacity * n) }
        rPreactivations = widths.enumerated().map { l, n in FloatBuffer(count: l == 0 ? 0 : capacity * n) }
        rActivations = widths.enumerated().map { l, n in FloatBuffer(count: l == 0 ? 0 : capacity * n) }
        rDelta = FloatBuffer(count: capacity * architecture.maxWidth)
        rDeltaBelow = FloatBuffer(count: capacity * architecture.maxWidth)
    }

    /// L, the number of weight layers.
    public var layerCount: Int { architecture.layerCount }

    /// N_lo + … + N_hi, the length of a packed direction on these layers.
    public func dimension(_ layers: ClosedRange<Int>) -> Int {
        layers.reduce(0) { $0 + architecture.layout[layer: $1].weightCount }
    }

    /// Runs the forward and gradient passes of `network` (its current weights) on the first `batch` rows of
    /// `input` (B, n_0) with `labels`, and keeps what every product needs. Call again after the weights change.
    public func prepare(network: Network, input: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int) {
        precondition(network.architecture == architecture, "the network's shape differs from the product's")
        precondition(batch > 0 && batch <= capacity, "batch \(batch) outside 1…\(capacity)")
        self.network = network
        self.batch = batch
        let L = layerCount, widths = architecture.widths
        activations[0].pointer.update(from: input, count: batch * widths[0])
        for l in 1...L {
            Dense.forward(input: activations[l - 1].pointer, weights: network.weights(l), bias: network.bias(l),
                          output: activations[l].pointer, batch: batch, inputs: widths[l - 1], outputs: widths[l],
                          activation: l < L ? architecture.activation : nil)
        }
        // D_L = (P − Y)/B, then D_{l−1} = (D_l W_l) ⊙ φ'(Z_{l−1}), keeping G_{l−1} = D_l W_l.
        let result = SoftmaxCrossEntropy.evaluate(logits: activations[L].pointer, labels: labels, batch: batch,
                                                  classes: architecture.classes, delta: errors[L].pointer,
                                                  scale: 1 / Float(batch))
        loss = result.lossSum / Double(batch)
        for l in stride(from: L, to: 1, by: -1) {
            BLAS.sgemm(.none, .none, m: batch, n: widths[l - 1], k: widths[l], a: errors[l].pointer, lda: widths[l],
                       b: network.weights(l), ldb: widths[l - 1], c: upstream[l - 1].pointer, ldc: widths[l - 1])
            let count = batch * widths[l - 1]
            errors[l - 1].pointer.update(from: upstream[l - 1].pointer, count: count)
            Dense.activationBackward(gradient: errors[l - 1].pointer, activations: activations[l - 1].pointer,
                                     count: count, activation: architecture.activation)
        }
    }

    /// y = H·x on the weights of `layers` (both packed, see the type's documentation), for the prepared batch.
    public func apply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, layers: ClosedRange<Int>) {
        guard let network else { preconditionFailure("call prepare(network:input:labels:batch:) first") }
        precondition(layers.lowerBound >= 1 && layers.upperBound <= layerCount, "layers \(layers) outside 1…\(layerCount)")
        let lo = layers.lowerBound, L = layerCount, widths = architecture.widths, b = batch
        var offsets: [Int: Int] = [:]
        var offset = 0
        for l in layers { offsets[l] = offset; offset += architecture.layout[layer: l].weightCount }

        // Forward: R{Z_k} = R{A_{k−1}} W_kᵀ + A_{k−1} V_kᵀ for k = lo…L; R{A_k} = φ'(Z_k) ⊙ R{Z_k}.
        for k in lo...L {
            let nIn = widths[k - 1], nOut = widths[k], rz = rPreactivations[k].pointer
            var beta: Float = 0
            if k > lo {
                BLAS.sgemm(.none, .transposed, m: b, n: nOut, k: nIn, a: rActivations[k - 1].pointer, lda: nIn,
                           b: network.weights(k), ldb: nIn, c: rz, ldc: nOut)
                beta = 1
            }
            if let o = offsets[k] {
                BLAS.sgemm(.none, .transposed, m: b, n: nOut, k: nIn, a: activations[k - 1].pointer, lda: nIn,
                           b: x + o, ldb: nIn, beta: beta, c: rz, ldc: nOut)
            }
            if k < L {
                let ra = rActivations[k].pointer
                ra.update(from: rz, count: b * nOut)
                Dense.activationBackward(gradient: ra, activations: activations[k].pointer, count: b * nOut,
                                         activation: architecture.activation)
            }
        }
        logitsR(into: rDelta.pointer)
        backwardR(x, into: y, lo: lo, offsets: offsets, network: network)
    }

    /// R{D_L} = (1/B) P ⊙ (R{Z_L} − ⟨P, R{Z_L}⟩), with P = softmax(A_L) = B·D_L + Y read back from D_L.
    private func logitsR(into rd: UnsafeMutablePointer<Float>) {
        let L = layerCount, c = architecture.classes, b = batch
        let logits = activations[L].pointer, rz = rPreactivations[L].pointer
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

    /// The backward R-pass from the logits down to layer lo, writing R{∂W_k} for the packed layers into y.
    private func backwardR(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, lo: Int,
                           offsets: [Int: Int], network: Network) {
        let L = layerCount, widths = architecture.widths, b = batch
        var current = rDelta.pointer, below = rDeltaBelow.pointer
        for k in stride(from: L, through: lo, by: -1) {
            let nIn = widths[k - 1], nOut = widths[k]
            if let o = offsets[k] {
                // (H v)_k = R{D_k}ᵀ A_{k−1} + D_kᵀ R{A_{k−1}}   (the second term is zero at k = lo).
                BLAS.sgemm(.transposed, .none, m: nOut, n: nIn, k: b, a: current, lda: nOut,
                           b: activations[k - 1].pointer, ldb: nIn, c: y + o, ldc: nIn)
                if k > lo {
                    BLAS.sgemm(.transposed, .none, m: nOut, n: nIn, k: b, a: errors[k].pointer, lda: nOut,
                               b: rActivations[k - 1].pointer, ldb: nIn, beta: 1, c: y + o, ldc: nIn)
                }
            }
            guard k > lo else { break }
            // R{G_{k−1}} = R{D_k} W_k + D_k V_k.
            BLAS.sgemm(.none, .none, m: b, n: nIn, k: nOut, a: current, lda: nOut, b: network.weights(k), ldb: nIn,
                       c: below, ldc: nIn)
            if let o = offsets[k] {
                BLAS.sgemm(.none, .none, m: b, n: nIn, k: nOut, a: errors[k].pointer, lda: nOut, b: x + o, ldb: nIn,
                           beta: 1, c: below, ldc: nIn)
            }
            // R{D_{k−1}} = R{G_{k−1}} ⊙ φ'(Z_{k−1}) + G_{k−1} ⊙ φ''(Z_{k−1}) ⊙ R{Z_{k−1}}.
            let count = b * nIn, a = activations[k - 1].pointer
            Dense.activationBackward(gradient: below, activations: a, count: count, activation: architecture.activation)
            if architecture.activation == .tanh {
                let g = upstream[k - 1].pointer, rz = rPreactivations[k - 1].pointer
                for i in 0..<count { below[i] += g[i] * (-2 * a[i] * (1 - a[i] * a[i])) * rz[i] }
            }
            swap(&current, &below)
        }
    }
}
