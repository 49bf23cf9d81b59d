import Networks
import NumericCore

/// PLA and PLEA with shared-prefix evaluation: the cost of smoothing is paid only where the y + 1 samples
/// actually differ.
///
/// With m = min(U) and S = y + 1 samples (a = 0 is the unperturbed network):
///
/// Forward.  Layers 1…m−1 see the same weights and inputs in every sample: they run once, on B rows.
/// From layer m up, each sample has its own activations; they are stacked sample-major into S·B rows
/// (sample a in rows a·B…a·B+B−1), so a layer outside U runs as one GEMM on S·B rows, and a layer in U as
/// S GEMMs of B rows, each with its own weights P(a, l) = W_l + ΔW^a_l.
///
/// Loss.  L_a is the mean cross-entropy of block a; the loss and the coefficients c_a come from
/// `SampleCombination`; the error at the logits of block a is c_a (softmax − onehot)/B.
///
/// Backward, l = L…m+1 on the stacked rows:  ∂W_l = Σ_a δ^a_lᵀ A^a_{l−1} as one GEMM with inner size S·B;
/// δ_{l−1} = δ_l W_l (one GEMM) or δ^a_l P(a, l) (S GEMMs when l ∈ U), times φ'.
/// At l = m the input A_{m−1} is shared, so ∂W_m = (Σ_a δ^a_m)ᵀ A_{m−1} is one GEMM on B rows, and the error
/// below is Σ_a δ^a_m P(a, m); from there on back-propagation is linear and runs once, on B rows.
public final class SmoothedObjective: TrainingObjective {
    /// The loss (PLA or PLEA), U, R, y, k and kernel.
    public let configuration: LossConfiguration
    let architecture: Architecture
    let inU: [Bool]
    let m: Int
    let s: Int
    let capacity: Int
    let perturbations: Perturbations
    /// A_l for l = 1…L, (S·B, n_l) each (layers below m use the first B rows).
    let activations: [FloatBuffer]
    let delta: FloatBuffer
    let deltaBelow: FloatBuffer
    let ones: FloatBuffer
    /// For a network with convolutions or poolings whose first smoothed layer is dense: the stage buffers, S·B
    /// rows from min U up (see `SmoothedObjective+Stages.swift`); nil for an MLP, which keeps the dense path
    /// above, and when min U is a convolution, whose samples run in turn.
    let stacked: Pass?
    /// When min U is a convolution, its samples run one after the other on the trainer's own pass (see
    /// `SmoothedObjective+InTurn.swift`): S·B rows of its activations would cost hundreds of megabytes.
    let samplesInTurn: Bool
    /// In turn: Σ_a c_a δ^a at stage s_m's output, (B, size(s_m)), and the sum of the input gradients below it,
    /// (B, size(s_m − 1)); empty otherwise.
    let errorSum: FloatBuffer
    let inputGradientSum: FloatBuffer
    /// B·(size of stage s_m's input) floats when stage s_m is a convolution below other layers, for summing its
    /// per-sample input gradients; empty otherwise.
    let scratch: FloatBuffer

    /// An objective for batches of up to `batchCapacity` rows; perturbations are keyed by `seed`. A smoothed layer
    /// keeps its y displaced copies when they take at most `displacedCopyBudget` bytes, else one at a time.
    public init(_ configuration: LossConfiguration, architecture: Architecture, batchCapacity: Int, seed: UInt64,
                threads: Int = 1, displacedCopyBudget: Int = 128 << 20) {
        precondition(configuration.kind != .ce && !configuration.layers.isEmpty && configuration.samples > 0)
        self.configuration = configuration
        self.architecture = architecture
        let L = architecture.layerCount
        inU = (0...L).map { configuration.layers.contains($0) }
        m = configuration.layers[0]
        s = configuration.samples + 1
        capacity = batchCapacity
        perturbations = Perturbations(configuration, architecture: architecture, seed: seed, copyBudget: displacedCopyBudget)
        perturbations.sampler.threads = threads
        let rows = (configuration.samples + 1) * batchCapacity
        samplesInTurn = !architecture.isFullyConnected && architecture.layout[layer: m].isConvolution
        let sm = architecture.layout[layer: m].stage, shapes = architecture.shapes
        errorSum = FloatBuffer(count: samplesInTurn ? batchCapacity * shapes[sm].count : 0)
        inputGradientSum = FloatBuffer(count: samplesInTurn && m > 1 ? batchCapacity * shapes[sm - 1].count : 0)
        if architecture.isFullyConnected {
            activations = architecture.widths.enumerated().map { l, n in FloatBuffer(count: l == 0 ? 0 : rows * n) }
            delta = FloatBuffer(count: s * batchCapacity * architecture.maxWidth)
            deltaBelow = FloatBuffer(count: s * batchCapacity * architecture.maxWidth)
            ones = FloatBuffer([Float](repeating: 1, count: s * batchCapacity))
            stacked = nil
            scratch = FloatBuffer(count: 0)
        } else {
            (activations, delta, deltaBelow, ones) = ([], FloatBuffer(count: 0), FloatBuffer(count: 0), FloatBuffer(count: 0))
            stacked = samplesInTurn ? nil : Pass(architecture, capacity: batchCapacity, samples: s, stackedFrom: sm)
            stacked?.threads = threads
            let inputSize = m > 1 ? architecture.layout[layer: m].convolution?.inputSize ?? 0 : 0
            scratch = FloatBuffer(count: batchCapacity * inputSize)
        }
    }

    /// L_a for a = 0…y after the last step (L_0 at W).
    public var sampleLosses: UnsafeBufferPointer<Double>? { perturbations.lossView }
    /// c_a for a = 0…y after the last step: the weight of ∇L(W + ΔW^a) in the step's gradient.
    public var sampleWeights: UnsafeBufferPointer<Double>? { perturbations.coefficientView }

    /// L_PLA or L_PLEA of the first `b` rows and Σ_a c_a ∇L(W + ΔW^a) into `network.gradients`, by shared-prefix
    /// evaluation; crossEntropy and correct are sample 0's (at W).
    public func lossAndGradient(_ network: Network, pass: Pass, batch b: Int, step: Int) -> ObjectiveValue {
        precondition(b <= capacity, "batch \(b) exceeds the smoothing buffers' capacity \(capacity)")
        if let stacked { return stagedLossAndGradient(network, pass: pass, stacked: stacked, batch: b, step: step) }
        if samplesInTurn { return inTurnLossAndGradient(network, pass: pass, batch: b, step: step) }
        let L = network.layerCount, widths = architecture.widths, act = architecture.activation
        perturbations.draw(network, step: step)

        // A_{l} as a pointer, with A_0 the pass's input rows.
        func input(_ l: Int) -> UnsafeMutablePointer<Float> { l == 0 ? pass.input : activations[l].pointer }

        // Forward: the shared prefix once, then every sample from layer m up.
        for l in 1..<m {
            Dense.forward(input: input(l - 1), weights: network.weights(l), bias: network.bias(l),
                          output: activations[l].pointer, batch: b, inputs: widths[l - 1], outputs: widths[l],
                          activation: act)
        }
        for l in m...L {
            let nIn = widths[l - 1], nOut = widths[l]
            let φ: Activation? = l < L ? act : nil
            if l == m || inU[l] {
                for a in 0..<s {
                    let source = l == m ? input(l - 1) : activations[l - 1].pointer + a * b * nIn
                    Dense.forward(input: source, weights: perturbations.weights(network, layer: l, sample: a),
                                  bias: network.bias(l), output: activations[l].pointer + a * b * nOut, batch: b,
                                  inputs: nIn, outputs: nOut, activation: φ)
                }
            } else {
                Dense.forward(input: activations[l - 1].pointer, weights: network.weights(l), bias: network.bias(l),
                              output: activations[l].pointer, batch: s * b, inputs: nIn, outputs: nOut, activation: φ)
            }
        }

        // Losses L_a, unit-scale errors at the logits, then the combination and its coefficients.
        let classes = architecture.classes
        var correct = 0
        for a in 0..<s {
            let r = SoftmaxCrossEntropy.evaluate(logits: activations[L].pointer + a * b * classes, labels: pass.labels,
                                                 batch: b, classes: classes, delta: delta.pointer + a * b * classes,
                                                 scale: 1 / Float(b))
            perturbations.losses[a] = r.lossSum / Double(b)
            if a == 0 { correct = r.correct }
        }
        let loss = perturbations.combine(configuration.kind)
        for a in 0..<s {
            let c = Float(perturbations.coefficients[a]), block = delta.pointer + a * b * classes
            for i in 0..<(b * classes) { block[i] *= c }
        }

        // Backward over the stacked rows, l = L…m+1.
        var current = delta.pointer, spare = deltaBelow.pointer
        var l = L
        while l > m {
            let nIn = widths[l - 1], nOut = widths[l]
            Dense.backward(delta: current, input: activations[l - 1].pointer, weights: network.weights(l),
                           weightGradient: network.weightGradient(l), biasGradient: network.biasGradient(l),
                           inputGradient: nil, batch: s * b, inputs: nIn, outputs: nOut, ones: ones.pointer)
            if inU[l] {
                for a in 0..<s {
                    BLAS.sgemm(.none, .none, m: b, n: nIn, k: nOut, a: current + a * b * nOut, lda: nOut,
                               b: perturbations.weights(network, layer: l, sample: a), ldb: nIn,
                               c: spare + a * b * nIn, ldc: nIn)
                }
            } else {
                BLAS.sgemm(.none, .none, m: s * b, n: nIn, k: nOut, a: current, lda: nOut,
                           b: network.weights(l), ldb: nIn, c: spare, ldc: nIn)
            }
            Dense.activationBackward(gradient: spare, activations: activations[l - 1].pointer, count: s * b * nIn,
                                     activation: act)
            swap(&current, &spare)
            l -= 1
        }

        // Layer m. The error below it, Σ_a δ^a_m P(a, m), needs each sample's block (S GEMMs, accumulated);
        // its own gradients need only their sum, because its input A_{m−1} is the same for every sample.
        let nIn = widths[m - 1], nOut = widths[m]
        if m > 1 {
            for a in 0..<s {
                BLAS.sgemm(.none, .none, m: b, n: nIn, k: nOut, a: current + a * b * nOut, lda: nOut,
                           b: perturbations.weights(network, layer: m, sample: a), ldb: nIn,
                           beta: a == 0 ? 0 : 1, c: spare, ldc: nIn)
            }
        }
        for a in 1..<s {  // Σ_a δ^a_m into block 0, in a fixed order
            let block = current + a * b * nOut
            for i in 0..<(b * nOut) { current[i] += block[i] }
        }
        Dense.backward(delta: current, input: input(m - 1), weights: network.weights(m),
                       weightGradient: network.weightGradient(m), biasGradient: network.biasGradient(m),
                       inputGradient: nil, batch: b, inputs: nIn, outputs: nOut, ones: ones.pointer)

        // Below m: plain back-propagation of the summed error, once, on B rows.
        if m > 1 {
            Dense.activationBackward(gradient: spare, activations: input(m - 1), count: b * nIn, activation: act)
            swap(&current, &spare)
            for l in stride(from: m - 1, through: 1, by: -1) {
                let below: UnsafeMutablePointer<Float>? = l > 1 ? spare : nil
                Dense.backward(delta: current, input: input(l - 1), weights: network.weights(l),
                               weightGradient: network.weightGradient(l), biasGradient: network.biasGradient(l),
                               inputGradient: below, batch: b, inputs: widths[l - 1], outputs: widths[l],
                               ones: ones.pointer)
                if let below {
                    Dense.activationBackward(gradient: below, activations: input(l - 1), count: b * widths[l - 1],
                                             activation: act)
                    swap(&current, &spare)
                }
            }
        }
        return ObjectiveValue(loss: loss, crossEntropy: perturbations.losses[0], correct: correct)
    }
}
