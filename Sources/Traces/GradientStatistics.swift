import LayerStatistics
import Networks
import NumericCore

/// The statistics a trace records, accumulated step by step from the gradients of one run, with no
/// allocation per step. It knows nothing of HDF5: ``TraceRecorder`` feeds it and writes what it holds.
///
/// Per step t (``observeStep(network:pass:batchSize:)``), for every layer l over its N_l weight entries
/// (biases excluded, as Ω_l excludes them):
///   s_l(t) = (1/N_l) Σ_ω |g_ω|,   ‖g_l‖₂ = (Σ_ω g_ω²)^½
/// (sums in the fixed order of ``GradientKernels``); with moments, one Welford step per weight
///   d = g − μ,  μ ← μ + d/k,  M2 ← M2 + d (g − μ)   (k = the step's index within the epoch)
/// in contiguous Float32 buffers; with batch variance, the per-weight within-batch variance
///   v^B_ω = (1/B) Σ_n g_{n,ω}² − ḡ_ω² = B·[(δ_l²)ᵀ(A_{l−1}²)]_ω − g_ω²   (clamped at 0)
/// from the pass's retained errors δ_l (which carry the loss's 1/B, so the per-sample gradient is
/// g_n = B·δ_{l,n} ⊗ a_{l−1,n}), one extra GEMM per layer.
///
/// Per epoch (``finishEpoch(network:)``): S_l, σ_l (population, over the epoch's M steps), T_l = σ_l²,
/// SNR_l = S_l/σ_l (all four as ``SignalAndNoise`` defines them, +∞ when σ_l = 0), ‖W_l‖₂; with moments
/// v_ω = M2_ω/M, ‖μ_l‖₂, ‖√v_l‖₂, their ratio (``SignalAndNoise/weightSignalToNoise(meanGradientNorm:gradientStdNorm:)``),
/// and the distribution of
/// v_ω (``TemperatureDistribution``). After `finishEpoch`, ``means(layer:)`` holds μ_ω, ``variances(layer:)``
/// v_ω and ``withinBatchVarianceMeans(layer:)`` (1/M) Σ_t v^B_ω, until the next epoch's first step.
public final class GradientStatistics: @unchecked Sendable {
    /// Where each layer's weights sit in the gradient block.
    public let layout: ParameterLayout
    /// What is recorded.
    public let recording: TraceRecording
    /// Threads that share the per-weight passes (results do not depend on it).
    public let threads: Int
    /// L.
    public var layerCount: Int { layout.layers.count }

    /// The steps of the current epoch.
    public private(set) var rows: StepRows
    /// Steps observed in the current epoch.
    public private(set) var stepsInEpoch = 0

    private let partials: [BlockPartials]       // per layer: Σ|g|, Σg², Σ v^B per block
    private let mean: [FloatBuffer]             // per layer μ_ω (moments)
    private let m2: [FloatBuffer]               // per layer M2_ω, then v_ω after finishEpoch (moments)
    private let batchSums: [FloatBuffer]        // per layer Σ_t v^B_ω, then its mean (batch-variance snapshots)
    private let squaredInputs: FloatBuffer      // A_{l−1}², (B, n_{l−1})
    private let squaredErrors: FloatBuffer      // δ_l², (B, n_l)
    private let secondMoments: FloatBuffer      // (1/B) Σ_n g_n², then v^B, (n_l, n_{l−1})
    private let imageColumns: FloatBuffer       // one image's im2col patches, K × P (convolutions, batch variance)
    private let sampleGradient: FloatBuffer     // one image's δ_n · Col_nᵀ, C_out × K (convolutions, batch variance)
    private let sortBuffer: FloatBuffer         // a copy of v_ω to sort
    private let sortScratch: FloatBuffer
    private var pendingWithinBatchVariance: [Double]  // per layer, this step's v^B mean from `observeError`
    private var pendingValid = false
    private var sampleSums = (maximum: 0.0, unperturbed: 0.0, effective: 0.0, increase: 0.0, steps: 0)
    private var epochNeedsReset = true

    /// Accumulators for a network of this layout. `batchCapacity` is the largest mini-batch (for batch
    /// variance), `stepsPerEpoch` sizes the row buffers.
    public init(layout: ParameterLayout, recording: TraceRecording, batchCapacity: Int, stepsPerEpoch: Int, threads: Int) {
        self.layout = layout
        self.recording = recording
        self.threads = max(1, threads)
        let L = layout.layers.count
        rows = StepRows(layerCount: L, capacity: stepsPerEpoch)
        pendingWithinBatchVariance = [Double](repeating: .nan, count: L)
        partials = layout.layers.map { BlockPartials(count: $0.weightCount, quantities: 3) }
        let moments = recording.weightMoments
        mean = layout.layers.map { FloatBuffer(count: moments ? $0.weightCount : 0) }
        m2 = layout.layers.map { FloatBuffer(count: moments ? $0.weightCount : 0) }
        batchSums = layout.layers.map { FloatBuffer(count: recording.snapshotBatchVariance ? $0.weightCount : 0) }
        let widest = layout.layers.filter { !$0.isConvolution }.map { max($0.inputs, $0.outputs) }.max() ?? 0
        let largest = layout.layers.map(\.weightCount).max() ?? 0
        let batch = recording.batchVariance
        squaredInputs = FloatBuffer(count: batch ? batchCapacity * widest : 0)
        squaredErrors = FloatBuffer(count: batch ? batchCapacity * widest : 0)
        secondMoments = FloatBuffer(count: batch ? largest : 0)
        let convolutions = layout.layers.compactMap(\.convolution)
        imageColumns = FloatBuffer(count: batch ? convolutions.map { $0.patch * $0.positions }.max() ?? 0 : 0)
        sampleGradient = FloatBuffer(count: batch ? convolutions.map(\.weightCount).max() ?? 0 : 0)
        sortBuffer = FloatBuffer(count: moments ? largest : 0)
        sortScratch = FloatBuffer(count: moments ? largest : 0)
    }

    /// Records step `step` (global, from 1) of epoch `epoch`: the row of `/steps` and the per-weight
    /// accumulations. `network.gradients` holds the step's ∇L; with batch variance `pass.errors` holds δ_l.
    public func observeStep(network: Network, pass: Pass?, epoch: Int, step: Int, batchSize: Int, loss: Double,
                            crossEntropy: Double, learningRate: Double,
                            sampleLosses: UnsafeBufferPointer<Double>? = nil,
                            sampleWeights: UnsafeBufferPointer<Double>? = nil) {
        if epochNeedsReset { resetEpoch() }
        stepsInEpoch += 1
        rows.step.append(Int64(step))
        rows.epoch.append(Int64(epoch))
        rows.batchSize.append(Int64(batchSize))
        rows.loss.append(loss)
        rows.crossEntropy.append(crossEntropy)
        rows.learningRate.append(learningRate)
        let inverseCount = 1 / Float(stepsInEpoch)
        for l in 1...layerCount {
            let shape = layout[layer: l]
            let n = shape.weightCount
            let g = UnsafePointer(network.weightGradient(l))
            let slots = partials[l - 1]
            let absolute = slots.slot(0), square = slots.slot(1)
            if recording.weightMoments {
                let mu = mean[l - 1].pointer, m = m2[l - 1].pointer
                GradientKernels.forEachBlock(count: n, threads: threads) { b, start, count in
                    let r = GradientKernels.welfordStep(g + start, mean: mu + start, m2: m + start, count,
                                                        inverseCount: inverseCount)
                    absolute[b] = r.absolute
                    square[b] = r.square
                }
            } else {
                GradientKernels.forEachBlock(count: n, threads: threads) { b, start, count in
                    let r = GradientKernels.absoluteAndSquareSums(g + start, count)
                    absolute[b] = r.absolute
                    square[b] = r.square
                }
            }
            rows.layerSignal.append(slots.total(0) / Double(n))
            rows.gradientNorm.append(slots.total(1).squareRoot())
            if recording.batchVariance {
                // Measured during the backward pass (`observeError`), or now from the pass's retained errors; without
                // either the step has no per-sample gradients: NaN keeps the rows aligned.
                let value: Double
                if pendingValid { value = pendingWithinBatchVariance[l - 1] }
                else if let pass, pass.retainsErrors {
                    value = withinBatchVariance(layer: l, delta: pass.errors[l].pointer, network: network, pass: pass, batch: batchSize)
                } else { value = .nan }
                rows.withinBatchVariance.append(value)
            }
        }
        if pendingValid {
            pendingValid = false
            for l in pendingWithinBatchVariance.indices { pendingWithinBatchVariance[l] = .nan }
        }
        if let sampleLosses, let sampleWeights, sampleWeights.count > 0 {
            observeSamples(losses: sampleLosses, weights: sampleWeights)
        }
    }

    /// Batch variance measured inside the backward pass: called (through ``Pass/errorObserver``) once layer l's
    /// parameter gradients are complete, while δ_l = ∂L/∂Z_l, (B, n_l), is still in the pass's δ buffer. The value
    /// waits for the step's ``observeStep(network:pass:epoch:step:batchSize:loss:crossEntropy:learningRate:sampleLosses:sampleWeights:)``.
    /// This way no copy of δ_l is kept: on paper-mnist the copies of every layer's errors (`Pass.retainsErrors`)
    /// took 111 MB.
    public func observeError(layer l: Int, delta: UnsafePointer<Float>, network: Network, pass: Pass, batch: Int) {
        guard recording.batchVariance else { return }
        if epochNeedsReset { resetEpoch() }  // the first step of an epoch: its sums start from zero
        pendingWithinBatchVariance[l - 1] = withinBatchVariance(layer: l, delta: delta, network: network, pass: pass, batch: batch)
        pendingValid = true
    }

    /// v^B of layer l for this step: the per-sample gradients' second moment (a dense layer: squares and one GEMM;
    /// a convolution: one GEMM per image, `Convolution.perSampleGradientSecondMoment`), then one pass; returns
    /// the layer mean (1/N_l) Σ_ω v^B_ω.
    private func withinBatchVariance(layer l: Int, delta d: UnsafePointer<Float>, network: Network, pass: Pass, batch: Int) -> Double {
        let shape = layout[layer: l]
        let nIn = shape.inputs, nOut = shape.outputs, n = shape.weightCount
        // The layer's input is the output of the stage below it (for an MLP, A_{l−1}).
        let a = pass.activations[shape.stage - 1].pointer
        let s = secondMoments.pointer
        if let geometry = shape.convolution {
            Convolution.perSampleGradientSecondMoment(delta: d, input: a, batch: batch, geometry: geometry,
                                                      columns: imageColumns.pointer, product: sampleGradient.pointer,
                                                      moments: s)
        } else {
            let a2 = squaredInputs.pointer, d2 = squaredErrors.pointer
            for i in 0..<(batch * nIn) { let x = a[i]; a2[i] = x * x }
            for i in 0..<(batch * nOut) { let x = d[i]; d2[i] = x * x }
            // (n_out, n_in) = B · (B, n_out)ᵀ · (B, n_in): (1/B) Σ_n g_n² with g_n = B δ_n a_nᵀ.
            BLAS.sgemm(.transposed, .none, m: nOut, n: nIn, k: batch, alpha: Float(batch), a: d2, lda: nOut,
                       b: a2, ldb: nIn, c: s, ldc: nIn)
        }
        let g = UnsafePointer(network.weightGradient(l))
        let sums: UnsafeMutablePointer<Float>? = recording.snapshotBatchVariance ? batchSums[l - 1].pointer : nil
        let slot = partials[l - 1].slot(2)
        GradientKernels.forEachBlock(count: n, threads: threads) { b, start, count in
            slot[b] = GradientKernels.withinBatchVariance(moments: s + start, gradient: g + start,
                                                          sums: sums.map { $0 + start }, count)
        }
        return partials[l - 1].total(2) / Double(n)
    }

    /// Adds one step's sample statistics (smoothing losses).
    private func observeSamples(losses: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>) {
        var total = 0.0, maximum = -Double.infinity
        for w in weights { total += w; maximum = max(maximum, w) }
        var entropy = 0.0
        if total > 0 {
            for w in weights where w > 0 { let p = w / total; entropy -= p * _log(p) }
        }
        var increase = 0.0
        if losses.count > 1 {
            var sum = 0.0
            for a in 1..<losses.count { sum += losses[a] }
            increase = sum / Double(losses.count - 1) - losses[0]
        }
        sampleSums.maximum += maximum
        sampleSums.unperturbed += weights[0]
        sampleSums.effective += _exp(entropy)
        sampleSums.increase += increase
        sampleSums.steps += 1
    }

    /// Clears the epoch's rows and per-weight accumulators (called before the first step of an epoch).
    private func resetEpoch() {
        rows.removeAll()
        stepsInEpoch = 0
        for b in mean { b.zero() }
        for b in m2 { b.zero() }
        for b in batchSums { b.zero() }
        sampleSums = (0, 0, 0, 0, 0)
        epochNeedsReset = false
    }

    /// Completes the epoch: the per-layer statistics of ``LayerEpochStatistics``, computed from the rows and
    /// the per-weight state; `network` holds the weights after the epoch's last update. The next
    /// ``observeStep`` starts a new epoch.
    public func finishEpoch(network: Network) -> LayerEpochStatistics {
        if epochNeedsReset { resetEpoch() }
        epochNeedsReset = true
        let L = layerCount, M = stepsInEpoch
        var result = LayerEpochStatistics(steps: M, layerSignal: [], layerNoise: [], layerTemperature: [],
                                          signalToNoise: [], gradientNormMean: [], weightNorm: [])
        for l in 0..<L {
            let layer = SignalAndNoise(steps: M) { t in rows.layerSignal[t * L + l] }
            var normSum = 0.0
            for t in 0..<M { normSum += rows.gradientNorm[t * L + l] }
            result.layerSignal.append(layer.signal)
            result.layerNoise.append(layer.noise)
            result.layerTemperature.append(layer.temperature)
            result.signalToNoise.append(layer.signalToNoise)
            result.gradientNormMean.append(normSum / Double(M))
            result.weightNorm.append(weightNorm(network, layer: l + 1))
        }
        if recording.weightMoments { finishMoments(into: &result, steps: M) }
        if recording.batchVariance {
            var means: [Double] = []
            for l in 0..<L {
                var s = 0.0
                for t in 0..<rows.withinBatchVariance.count / L { s += rows.withinBatchVariance[t * L + l] }
                means.append(s / Double(M))
            }
            result.withinBatchVariance = means
            if recording.snapshotBatchVariance {
                let inverse = 1 / Float(M)
                for b in batchSums { for i in 0..<b.count { b.pointer[i] *= inverse } }
            }
        }
        if sampleSums.steps > 0 {
            let n = Double(sampleSums.steps)
            result.samples = SampleStatistics(maximumWeight: sampleSums.maximum / n,
                                              unperturbedWeight: sampleSums.unperturbed / n,
                                              effectiveSamples: sampleSums.effective / n,
                                              lossIncrease: sampleSums.increase / n)
        }
        return result
    }

    /// ‖W_l‖₂ in the fixed block order.
    private func weightNorm(_ network: Network, layer l: Int) -> Double {
        let n = layout[layer: l].weightCount
        let w = UnsafePointer(network.weights(l))
        var total = 0.0
        var start = 0
        while start < n {
            let count = min(GradientKernels.blockSize, n - start)
            total += GradientKernels.absoluteAndSquareSums(w + start, count).square
            start += count
        }
        return total.squareRoot()
    }

    /// v_ω = M2_ω/M in place, then the moment norms and the temperature distribution of each layer.
    private func finishMoments(into result: inout LayerEpochStatistics, steps M: Int) {
        var meanNorms: [Double] = [], stdNorms: [Double] = [], ratios: [Double] = [], temperatureMeans: [Double] = []
        var quantiles: [Double] = [], histogram: [Int64] = []
        let inverse = 1 / Float(M)
        for l in 0..<layerCount {
            let n = layout.layers[l].weightCount
            let mu = mean[l].pointer, v = m2[l].pointer
            var squares = 0.0, variances = 0.0
            for i in 0..<n {
                let x = v[i] * inverse
                let variance: Float = x > 0 ? x : 0
                v[i] = variance
                let m = Double(mu[i])
                squares += m * m
                variances += Double(variance)
            }
            meanNorms.append(squares.squareRoot())
            stdNorms.append(variances.squareRoot())
            ratios.append(SignalAndNoise.weightSignalToNoise(meanGradientNorm: squares.squareRoot(), gradientStdNorm: variances.squareRoot()))
            temperatureMeans.append(variances / Double(n))
            let sorted = sortBuffer.pointer
            sorted.update(from: v, count: n)
            TemperatureDistribution.sortNonNegative(sorted, count: n, scratch: sortScratch.pointer)
            quantiles += TemperatureDistribution.quantiles(sorted: sorted, count: n)
            histogram += TemperatureDistribution.histogram(sorted: sorted, count: n)
        }
        result.meanGradientNorm = meanNorms
        result.gradientStdNorm = stdNorms
        result.weightSignalToNoise = ratios
        result.weightTemperatureMean = temperatureMeans
        result.weightTemperatureQuantiles = quantiles
        result.weightTemperatureHistogram = histogram
    }

    /// μ_ω of layer l (1-based), (n_l, n_{l−1}) row-major; valid after ``finishEpoch(network:)`` (moments).
    public func means(layer l: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: mean[l - 1].pointer, count: mean[l - 1].count)
    }

    /// v_ω of layer l, after ``finishEpoch(network:)`` (moments).
    public func variances(layer l: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: m2[l - 1].pointer, count: m2[l - 1].count)
    }

    /// (1/M) Σ_t v^B_ω of layer l, after ``finishEpoch(network:)`` (batch-variance snapshots).
    public func withinBatchVarianceMeans(layer l: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: batchSums[l - 1].pointer, count: batchSums[l - 1].count)
    }

    /// Discards the current epoch's partial state (a resumed run starts a fresh epoch).
    public func discardEpoch() { epochNeedsReset = true }
}
