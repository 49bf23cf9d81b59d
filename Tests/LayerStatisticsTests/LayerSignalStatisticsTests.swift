import Testing
import LayerStatistics

@Suite("Layer signal, noise, temperature and SNR")
struct LayerSignalStatisticsTests {
    @Test func layerSignalIsTheMeanAbsoluteGradient() {
        #expect(layerSignal(gradient: [Float(1), -2, 3, -4]) == 2.5)
    }

    @Test func statisticsPerEpochUseThePopulationStandardDeviation() {
        let steps = [1.0, 2, 3, 4, 10, 10]
        let stats = layerSignalStatistics(steps: steps, epochOfStep: [1, 1, 1, 1, 2, 2])
        #expect(stats.count == 2)
        #expect(stats[0].position == 1 && stats[0].firstStep == 0 && stats[0].stepCount == 4)
        #expect(stats[0].signal == 2.5)
        #expect(abs(stats[0].temperature - 1.25) < 1e-15)  // Σ(s − 2.5)²/4
        #expect(abs(stats[0].noise - 1.25.squareRoot()) < 1e-15)
        #expect(abs(stats[0].signalToNoise - 2.5 / 1.25.squareRoot()) < 1e-14)
        #expect(stats[1].noise == 0 && stats[1].signalToNoise == .infinity)
    }

    @Test func statisticsOverWindowsOfSteps() {
        let steps = (0..<10).map(Double.init)
        let dropped = layerSignalStatistics(steps: steps, windowSteps: 4)
        #expect(dropped.map(\.stepCount) == [4, 4])
        #expect(dropped.map(\.position) == [4, 8])
        let kept = layerSignalStatistics(steps: steps, windowSteps: 4, stepsPerEpoch: 4, keepPartialWindow: true)
        #expect(kept.map(\.stepCount) == [4, 4, 2])
        #expect(kept.map(\.position) == [1, 2, 2.5])
        #expect(kept[2].signal == 8.5)
    }

    @Test func perWeightRatio() {
        #expect(LayerStatistics.perWeightSignalToNoise(means: [3.0, 4], variances: [16.0, 9]) == 1)
    }

    @Test("σ = 0 gives SNR = +∞ whatever S is, 0 included; a σ that is no positive number too")
    func zeroNoiseConvention() {
        #expect(SignalAndNoise(signal: 2, noise: 0).signalToNoise == .infinity)
        #expect(SignalAndNoise(signal: 0, noise: 0).signalToNoise == .infinity)
        #expect(SignalAndNoise.signalToNoise(signal: 1, noise: -1) == .infinity)
        // NaN (a diverged epoch) is no ratio: NaN, not the σ = 0 convention.
        #expect(SignalAndNoise.signalToNoise(signal: 1, noise: .nan).isNaN)
        #expect(SignalAndNoise.signalToNoise(signal: .nan, noise: .nan).isNaN)
        #expect(SignalAndNoise.signalToNoise(signal: .nan, noise: 0).isNaN)
        #expect(SignalAndNoise.signalToNoise(signal: 3, noise: 2) == 1.5)
        #expect(SignalAndNoise.weightSignalToNoise(meanGradientNorm: 0, gradientStdNorm: 0) == .infinity)
        #expect(LayerStatistics.perWeightSignalToNoise(means: [0.0, 0], variances: [0.0, 0]) == .infinity)
        let constant = SignalAndNoise(steps: 3) { _ in 0.25 }
        #expect(constant.signal == 0.25 && constant.noise == 0 && constant.temperature == 0 && constant.signalToNoise == .infinity)
    }

    @Test("S and σ are the two-pass Float64 sums in step order; T is σ·σ")
    func twoPassSums() {
        let s = [0.1, 0.7, 0.3, 1e-3, 0.9]
        var sum = 0.0
        for x in s { sum += x }
        let mean = sum / 5
        var squares = 0.0
        for x in s { squares += (x - mean) * (x - mean) }
        let sigma = (squares / 5).squareRoot()
        let statistics = SignalAndNoise(steps: s.count) { s[$0] }
        #expect(statistics.signal == mean && statistics.noise == sigma)
        #expect(statistics.temperature == sigma * sigma && statistics.signalToNoise == mean / sigma)
    }
}
