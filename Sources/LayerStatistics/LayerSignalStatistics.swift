/// ``SignalAndNoise`` of one layer over one group of steps (an epoch or a window of N steps), with where the
/// group sits in training time: S, σ, T = σ² and SNR = S/σ (+∞ when σ = 0) as ``SignalAndNoise`` defines them.
public struct LayerSignalStatistics: Codable, Sendable, Equatable {
    /// Where the group sits in training time: the epoch label for epoch groups; for windows of steps, the
    /// epoch at the window's end, (firstStep + stepCount)/stepsPerEpoch, when steps per epoch are known
    /// (so that one-epoch windows land on epochs 1, 2, …), else the window's end step.
    public var position: Double
    /// The 0-based index of the group's first step in the step series.
    public var firstStep: Int
    /// The group's size M.
    public var stepCount: Int
    /// S and σ over the group.
    public var statistics: SignalAndNoise

    /// S, the training signal.
    public var signal: Double { statistics.signal }
    /// σ, the noise.
    public var noise: Double { statistics.noise }
    /// T = σ².
    public var temperature: Double { statistics.temperature }
    /// S/σ; +∞ when σ = 0 (a single step, or identical steps).
    public var signalToNoise: Double { statistics.signalToNoise }

    /// The statistics of steps[range] at `position`.
    public init(steps: UnsafeBufferPointer<Double>, range: Range<Int>, position: Double) {
        precondition(!range.isEmpty, "layer statistics: an empty group of steps")
        self.position = position
        firstStep = range.lowerBound
        stepCount = range.count
        statistics = SignalAndNoise(steps: range.count) { steps[range.lowerBound + $0] }
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
