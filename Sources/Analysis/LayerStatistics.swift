// Layer signal, noise, temperature and signal-to-noise ratio from per-step layer signals (docs/definitions.md,
// "Training signal, noise and layer temperature"). Pure functions, so that the trace layer can reuse them.

/// The layer signal of one step, s_l(t) = (1/N_l)·Σ_{ω∈Ω_l} |∂L/∂ω| — the mean absolute gradient entry of the
/// layer's weights (paper eq. 2). Summed in index order in Float64, so the result does not depend on
/// vectorisation.
public func layerSignal(gradient: some Collection<Float>) -> Double {
    precondition(!gradient.isEmpty, "layerSignal: a layer has at least one weight")
    var sum = 0.0
    for g in gradient { sum += Double(abs(g)) }
    return sum / Double(gradient.count)
}

/// Signal, noise, temperature and SNR of one layer over one group of steps (an epoch or a window of N steps).
///
/// Over the M step signals s_l(t) of the group, summed in step order in Float64 (two passes):
/// S = (1/M)·Σ s,  σ = √((1/M)·Σ (s − S)²) (the population standard deviation, **choice** of
/// docs/definitions.md),  T = σ² (the layer temperature),  SNR = S/σ (+∞ when σ = 0).
public struct LayerSignalStatistics: Codable, Sendable, Equatable {
    /// Where the group sits in training time: the epoch label for epoch groups; for windows of steps, the
    /// epoch at the window's end, (firstStep + stepCount)/stepsPerEpoch, when steps per epoch are known
    /// (so that one-epoch windows land on epochs 1, 2, …), else the window's end step.
    public var position: Double
    /// The 0-based index of the group's first step in the step series, and the group's size M.
    public var firstStep: Int
    public var stepCount: Int
    /// S, the training signal.
    public var signal: Double
    /// σ, the noise.
    public var noise: Double
    /// T = σ².
    public var temperature: Double
    /// S/σ; nil when σ = 0 (a single step, or identical steps).
    public var signalToNoise: Double?

    /// The statistics of steps[range] at `position`.
    public init(steps: UnsafeBufferPointer<Double>, range: Range<Int>, position: Double) {
        precondition(!range.isEmpty, "layer statistics: an empty group of steps")
        var sum = 0.0
        for t in range { sum += steps[t] }
        let m = Double(range.count)
        let mean = sum / m
        var ss = 0.0
        for t in range {
            let d = steps[t] - mean
            ss += d * d
        }
        let variance = ss / m
        self.position = position
        firstStep = range.lowerBound
        stepCount = range.count
        signal = mean
        noise = variance.squareRoot()
        temperature = variance
        signalToNoise = noise > 0 ? mean / noise : nil
    }
}

/// Statistics of one layer's step signals grouped by epoch: `epochOfStep[t]` labels step t, and each run of
/// consecutive equal labels is one group (steps must be in training order).
public func layerSignalStatistics(steps: [Double], epochOfStep: [Int]) -> [LayerSignalStatistics] {
    precondition(steps.count == epochOfStep.count, "layerSignalStatistics: \(steps.count) steps, \(epochOfStep.count) labels")
    return steps.withUnsafeBufferPointer { s in
        var result: [LayerSignalStatistics] = []
        var start = 0
        while start < s.count {
            var end = start + 1
            while end < s.count && epochOfStep[end] == epochOfStep[start] { end += 1 }
            result.append(LayerSignalStatistics(steps: s, range: start..<end, position: Double(epochOfStep[start])))
            start = end
        }
        return result
    }
}

/// Statistics of one layer's step signals over consecutive windows of `windowSteps` steps (`--window N`).
/// A last, partial window is dropped unless `keepPartialWindow` (its M is then smaller; it is marked by its
/// `stepCount`). See `LayerSignalStatistics.position` for the time axis.
public func layerSignalStatistics(steps: [Double], windowSteps: Int, stepsPerEpoch: Int? = nil,
                                  keepPartialWindow: Bool = false) -> [LayerSignalStatistics] {
    precondition(windowSteps > 0, "layerSignalStatistics: windows of at least one step")
    if let stepsPerEpoch { precondition(stepsPerEpoch > 0, "layerSignalStatistics: stepsPerEpoch must be positive") }
    return steps.withUnsafeBufferPointer { s in
        var result: [LayerSignalStatistics] = []
        var start = 0
        while start < s.count {
            let end = min(start + windowSteps, s.count)
            if end - start < windowSteps && !keepPartialWindow { break }
            let position = stepsPerEpoch.map { Double(end) / Double($0) } ?? Double(end)
            result.append(LayerSignalStatistics(steps: s, range: start..<end, position: position))
            start = end
        }
        return result
    }
}

/// The per-weight signal-to-noise ratio of a layer, ‖μ_l‖₂ / ‖√v_l‖₂, from the per-weight gradient means μ_ω
/// and variances v_ω over a group of steps (docs/definitions.md, "Which SNR matters"). Fixed-order Float64 sums.
public func perWeightSignalToNoise(means: some Collection<Double>, variances: some Collection<Double>) -> Double {
    precondition(means.count == variances.count, "perWeightSignalToNoise: \(means.count) means, \(variances.count) variances")
    var mm = 0.0, vv = 0.0
    for m in means { mm += m * m }
    for v in variances { vv += v }
    return vv > 0 ? (mm / vv).squareRoot() : .infinity
}
