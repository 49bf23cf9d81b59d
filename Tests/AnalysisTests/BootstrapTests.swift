import Foundation
import NumericCore
import Testing
@testable import Analysis

@Suite("Block bootstrap over epochs and bootstrap over traces")
struct BootstrapTests {
    static let epochs = stride(from: 5.0, through: 300, by: 5).map { $0 }  // 60 epochs

    @Test func blockBootstrapIsReproducibleAndCoversTheTruth() throws {
        let curves = syntheticCurves(model: .power, theta: [0.9], amplitudes: [0, -1], epochs: Self.epochs, noise: 0.03, seed: 4)
        let options = BlockBootstrapOptions(replicates: 300, seed: 7)
        let a = try blockBootstrap(curves, model: .power, options: options)
        let b = try blockBootstrap(curves, model: .power, options: options)
        #expect(a.parameters[0].interval == b.parameters[0].interval)
        let c = try blockBootstrap(curves, model: .power, options: BlockBootstrapOptions(replicates: 300, seed: 8))
        #expect(a.parameters[0].interval != c.parameters[0].interval)
        #expect(a.method == .blockBootstrapPercentile && a.replicatesUsed == 300 && a.warnings.isEmpty)
        #expect(a.blockLength == 4)  // ⌈60^(1/3)⌉
        #expect(a.description.contains("blocks of 4 epochs") && a.description.contains("the same blocks in every curve"))
        let interval = try #require(a.parameters[0].interval)
        #expect(interval.contains(0.9) && interval.method == .blockBootstrapPercentile)
        let fit = try coolingFit(curves, model: .power)
        #expect(a.parameters[0].estimate == fit.parameters[0].value)
        // With independent residuals, the bootstrap and Jacobian errors agree roughly.
        let ratio = try #require(a.parameters[0].standardError) / (try #require(fit.parameters[0].standardError))
        #expect(ratio > 0.6 && ratio < 1.6, "bootstrap/Jacobian standard error ratio \(ratio)")
    }

    @Test func aBlockAsLongAsTheWindowIsRefusedNotClamped() throws {
        let curves = syntheticCurves(model: .power, theta: [0.9], amplitudes: [0, -1], epochs: Self.epochs, noise: 0.03, seed: 4)
        let window = EpochWindow(from: 5, to: 300)
        for length in [60, 100] {
            #expect(throws: CoolingFitError.blockTooLong(length: length, points: 60, window: window)) {
                try blockBootstrap(curves, model: .power, options: BlockBootstrapOptions(replicates: 50, blockLength: length))
            }
        }
        let message = CoolingFitError.blockTooLong(length: 100, points: 60, window: window).description
        #expect(message.contains("not shorter than the 60 epochs in the window [5, 300]") && message.contains("the largest block is 59"), "\(message)")
        // The largest allowed block still varies the fit.
        let longest = try blockBootstrap(curves, model: .power, options: BlockBootstrapOptions(replicates: 50, blockLength: 59))
        #expect(longest.blockLength == 59 && longest.givesIntervals)
        // The analysis refuses it too, instead of quoting a zero-width interval.
        var options = CoolingAnalysisOptions()
        options.model = .power
        options.blockBootstrap = BlockBootstrapOptions(replicates: 50, blockLength: 60)
        #expect(throws: CoolingFitError.blockTooLong(length: 60, points: 60, window: window)) { try coolingAnalysis(curves, options: options) }
    }

    @Test func aDegenerateBootstrapGivesNoIntervalAndIsNotQuoted() throws {
        // Noise-free curves: every replicate is the data, so every θ* is θ̂.
        let curves = syntheticCurves(model: .power, theta: [0.9], amplitudes: [0, -1], epochs: Self.epochs, noise: 0, seed: 4)
        let boot = try blockBootstrap(curves, model: .power, options: BlockBootstrapOptions(replicates: 50, seed: 1))
        #expect(!boot.givesIntervals && boot.parameters[0].interval == nil && boot.parameters[0].standardError == nil)
        #expect(boot.warnings.contains { $0.kind == .degenerateBootstrap && $0.message.contains("gives no interval") }, "\(boot.warnings)")
        var options = CoolingAnalysisOptions()
        options.model = .power
        options.blockBootstrap = BlockBootstrapOptions(replicates: 50, seed: 1)
        let analysis = try coolingAnalysis(curves, options: options)
        #expect(analysis.reportedInterval == .jacobianStudentT)
        #expect(analysis.summary.contains("(Jacobian 95%)") && !analysis.summary.contains("bootstrap"), "\(analysis.summary)")
        #expect(analysis.warnings.contains { $0.kind == .degenerateBootstrap })
    }

    @Test func blocksWidenTheIntervalWhenResidualsAreAutocorrelated() throws {
        // AR(1) noise along epochs, φ = 0.9: the Jacobian errors (which assume independence) are optimistic.
        var stream = RandomStream(seed: 12, purpose: "ar1")
        let epochs = (1...200).map { Double($0) + 20 }
        let curves = [0.0, -1].enumerated().map { c, a -> CoolingCurve in
            var eta = 0.0
            let values = epochs.map { e -> Double in
                eta = 0.9 * eta + 0.03 * stream.nextGaussian()
                return exp(a - 0.9 * log(e) + eta)
            }
            return CoolingCurve(layer: String(c + 1), epochs: epochs, values: values)
        }
        let fit = try coolingFit(curves, model: .power)
        for scheme in [BlockScheme.moving, .circular] {
            let boot = try blockBootstrap(curves, model: .power,
                                          options: BlockBootstrapOptions(replicates: 300, blockLength: 20, scheme: scheme, seed: 1))
            let bootWidth = try #require(boot.parameters[0].interval).upper - (try #require(boot.parameters[0].interval)).lower
            let jacobianWidth = try #require(fit.parameters[0].interval).upper - (try #require(fit.parameters[0].interval)).lower
            #expect(bootWidth > 1.5 * jacobianWidth, "\(scheme): bootstrap width \(bootWidth), Jacobian \(jacobianWidth)")
            #expect(boot.scheme == scheme && boot.blockLength == 20)
        }
    }

    @Test func traceBootstrapSeesRunToRunVariation() throws {
        // Six runs whose exponents differ a little; within each run the noise is small.
        var stream = RandomStream(seed: 3, purpose: "runs")
        let alphas = (0..<6).map { _ in 0.9 + 0.04 * stream.nextGaussian() }
        let runs = alphas.enumerated().map { r, alpha in
            syntheticCurves(model: .power, theta: [alpha], amplitudes: [0, -1], epochs: Self.epochs, noise: 0.01,
                            seed: 100 + UInt64(r), run: "seed\(r)")
        }
        let boot = try traceBootstrap(runs: runs, model: .power, options: TraceBootstrapOptions(replicates: 300, seed: 2))
        #expect(boot.method == .traceBootstrapPercentile)
        #expect(boot.warnings.contains { $0.kind == .fewResamples })  // only 6 traces
        let interval = try #require(boot.parameters[0].interval)
        let mean = alphas.reduce(0, +) / Double(alphas.count)
        #expect(interval.contains(mean))
        let pooled = try coolingFit(runs.flatMap { $0 }, model: .power)
        let jacobian = try #require(pooled.parameters[0].interval)
        #expect(interval.upper - interval.lower > 3 * (jacobian.upper - jacobian.lower))
        #expect(abs(boot.parameters[0].estimate - pooled.parameters[0].value) < 1e-9)
    }

    @Test func percentilesInterpolateBetweenOrderStatistics() {
        let sorted = [1.0, 2, 3, 4, 5]
        #expect(percentile(sorted, 0.5) == 3)
        #expect(percentile(sorted, 0.25) == 2)
        #expect(abs(percentile(sorted, 0.1) - 1.4) < 1e-15)
        #expect(percentile([], 0.5).isNaN)
    }
}
