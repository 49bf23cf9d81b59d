import Foundation
import Testing
import Networks
import NumericCore
@testable import Traces

@Suite("Statistics kernels")
struct StatisticsTests {
    @Test("Radix sort of non-negative floats equals a comparison sort")
    func radixSort() {
        var random = RandomStream(seed: 3, purpose: "sort")
        var values: [Float] = (0..<10_000).map { i in
            i % 17 == 0 ? 0 : Float(random.nextUnitDouble() * pow(10, Double(random.nextIndex(below: 30)) - 25))
        }
        values += [Float.infinity, 0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        var sorted = values
        var scratch = [Float](repeating: 0, count: values.count)
        sorted.withUnsafeMutableBufferPointer { v in
            scratch.withUnsafeMutableBufferPointer { s in
                TemperatureDistribution.sortNonNegative(v.baseAddress!, count: v.count, scratch: s.baseAddress!)
            }
        }
        #expect(sorted == values.sorted())
    }

    @Test("Quantiles interpolate linearly between order statistics (numpy's default)")
    func quantiles() {
        let values: [Float] = [4, 1, 3, 2, 0]  // sorted: 0 1 2 3 4
        let sorted = values.sorted()
        let q = sorted.withUnsafeBufferPointer { TemperatureDistribution.quantiles(sorted: $0.baseAddress!, count: 5) }
        // np.quantile([0,1,2,3,4], [.05,.25,.5,.75,.95]) = [0.2, 1, 2, 3, 3.8]
        for (a, b) in zip(q, [0.2, 1, 2, 3, 3.8]) { #expect(abs(a - b) < 1e-12) }
        let one: [Float] = [7]
        let single = one.withUnsafeBufferPointer { TemperatureDistribution.quantiles(sorted: $0.baseAddress!, count: 1) }
        #expect(single == [7, 7, 7, 7, 7])
    }

    @Test("Histogram bins are [e_{i−1}, e_i) on quarter decades, with underflow and overflow bins")
    func histogram() {
        let edges = TemperatureDistribution.edges
        #expect(edges.count == 81 && edges[0] == 1e-20 && abs(edges[80] - 1) < 1e-15 && abs(edges[4] / 1e-19 - 1) < 1e-12)
        let values: [Float] = [0, 1e-21, 2e-20, 3e-10, 0.5, 1, 2, .infinity]
        let sorted = values.sorted()
        let counts = sorted.withUnsafeBufferPointer { TemperatureDistribution.histogram(sorted: $0.baseAddress!, count: $0.count) }
        #expect(counts.count == TemperatureDistribution.binCount)
        #expect(counts.reduce(0, +) == Int64(values.count))
        var expected = [Int64](repeating: 0, count: TemperatureDistribution.binCount)
        for v in values { expected[TemperatureDistribution.bin(of: Double(v))] += 1 }
        #expect(counts == expected)
        #expect(counts[0] == 2)          // 0 and 1e-21
        #expect(counts[81] == 3)         // 1, 2, ∞
        #expect(TemperatureDistribution.bin(of: 3e-10) == 42)  // e_41 = 10^−9.75 ≤ 3e-10 < e_42 = 10^−9.5
    }

    @Test("Per-step and per-epoch statistics have the same bits for 1 and 2 threads")
    func threadIndependence() {
        let architecture = Architecture(widths: [300, 200, 10], activation: .relu)  // 60,000 weights: split in two
        var random = RandomStream(seed: 9, purpose: "init")
        let network = Network(architecture, initialization: .kaimingNormal, random: &random)
        let recording = TraceRecording(weightMoments: true, snapshotMoments: true, batchVariance: false,
                                       snapshotBatchVariance: false, snapshotEvery: 1)
        let one = GradientStatistics(layout: network.layout, recording: recording, batchCapacity: 8, stepsPerEpoch: 5, threads: 1)
        let two = GradientStatistics(layout: network.layout, recording: recording, batchCapacity: 8, stepsPerEpoch: 5, threads: 2)
        var draws = RandomStream(seed: 4, purpose: "gradients")
        for t in 1...5 {
            for i in 0..<network.gradients.count { network.gradients.pointer[i] = Float(draws.nextGaussian() * 1e-3) + 2e-4 }
            for s in [one, two] {
                s.observeStep(network: network, pass: nil, epoch: 1, step: t, batchSize: 8, loss: 1, crossEntropy: 1, learningRate: 0.1)
            }
        }
        #expect(one.rows == two.rows)
        #expect(one.finishEpoch(network: network) == two.finishEpoch(network: network))
        for l in 1...2 {
            #expect(Array(one.means(layer: l)) == Array(two.means(layer: l)))
            #expect(Array(one.variances(layer: l)) == Array(two.variances(layer: l)))
        }
    }
}
