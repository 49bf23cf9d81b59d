import Foundation
import Testing
@testable import Analysis
import LayerStatistics

@Suite("The cooling analysis: comparison, commonality, intervals, sentence, JSON")
struct CoolingAnalysisTests {
    static func powerLawRun(seed: UInt64 = 31, run: String? = nil) -> [CoolingCurve] {
        syntheticCurves(model: .power, theta: [0.93], amplitudes: [0, -1.1, 0.6, -2.3], epochs: (40...400).map(Double.init),
                        noise: 0.03, seed: seed, run: run)
    }

    @Test func analysisOfAPowerLawRun() throws {
        var options = CoolingAnalysisOptions()
        options.window = EpochWindow(from: 40, to: 400)
        options.blockBootstrap = BlockBootstrapOptions(replicates: 200, seed: 1)
        let analysis = try coolingAnalysis(Self.powerLawRun(), options: options)
        #expect(analysis.fit.model == .nested && analysis.runs == 1)
        #expect(analysis.reportedInterval == .blockBootstrapPercentile)
        #expect(analysis.fits.count == 4 && analysis.fits.allSatisfy { $0.fit != nil })
        // On a power law: the power law is preferred, the exponential rejected, stretched stuck at a bound.
        #expect(analysis.comparison.preferredByAIC == .power)
        #expect(try #require(analysis.comparison.entry(.exponential)?.deltaAIC) > 100)
        #expect(analysis.comparison.entry(.stretched)?.atBound == true)
        #expect(try #require(analysis.commonality).sharedPreferredByAIC)
        let s = analysis.summary
        print(s)
        #expect(s.hasPrefix("late decay [40, 400], 4 signal curves: nested α = "))
        #expect(s.contains("(block bootstrap 95%)"))
        #expect(s.contains("power-law α = 0.928"))  // shown to the precision of its error
        #expect(s.contains("AIC prefers power-law"))
        #expect(s.contains("exponential rejected by ΔAIC = "))
        #expect(s.contains("stretched exponential has no optimum inside its bounds"))
        #expect(s.contains("shared decay preferred over per-curve decays by ΔAIC = "))
        #expect(!s.contains("\n"))
    }

    @Test func severalRunsUseTheBootstrapOverTraces() throws {
        let runs = (0..<3).map { Self.powerLawRun(seed: 50 + UInt64($0)) }
        var options = CoolingAnalysisOptions()
        options.model = .power
        options.comparedModels = [.power, .exponential]
        options.commonality = false
        options.blockBootstrap = BlockBootstrapOptions(replicates: 50)
        options.traceBootstrap = TraceBootstrapOptions(replicates: 50)
        let analysis = try coolingAnalysis(runs: runs, options: options)
        #expect(analysis.runs == 3 && analysis.fit.curves.count == 12)
        #expect(analysis.fit.curves.first == "run 1 layer 1 signal")
        #expect(analysis.reportedInterval == .traceBootstrapPercentile)
        #expect(analysis.traceBootstrap != nil && analysis.blockBootstrap != nil)
        #expect(analysis.summary.contains("from 3 runs") && analysis.summary.contains("(trace bootstrap 95%)"))
        #expect(analysis.warnings.contains { $0.kind == .fewResamples })
    }

    @Test func everythingEncodesAsJSONAndRoundTrips() throws {
        var options = CoolingAnalysisOptions()
        options.blockBootstrap = BlockBootstrapOptions(replicates: 20)
        let analysis = try coolingAnalysis(Self.powerLawRun(), options: options)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(analysis)
        let decoded = try JSONDecoder().decode(CoolingAnalysis.self, from: json)
        #expect(decoded.summary == analysis.summary)
        #expect(decoded.fit.parameters.map(\.value) == analysis.fit.parameters.map(\.value))
        #expect(decoded.fit.parameters[0].bounds == .unbounded)  // infinite bounds survive as null
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"model\":\"nested\"") && text.contains("\"lower\":null"))
        // The other results encode too.
        let curves = Self.powerLawRun()
        _ = try encoder.encode(try windowScan(curves, model: .power, starts: [40, 100]))
        _ = try encoder.encode(try effectiveExponents(curves))
        _ = try encoder.encode(try commonRegimeOnset(curves, model: .power, starts: [40, 200]))
        _ = try encoder.encode(layerRegimes(layer: "1", positions: [1, 2], signal: [1, 2], noise: [0, 1]))
        _ = try encoder.encode(layerSignalStatistics(steps: [1, 1, 1], windowSteps: 3))
    }

    @Test func summaryFormatting() {
        #expect(formatValueWithInterval(0.2134, lower: 0.1734, upper: 0.2534) == "0.213 ± 0.040")
        #expect(formatValueWithInterval(0.21, lower: 0.17, upper: 0.30) == "0.210 (+0.090/−0.040)")
        #expect(formatValueWithInterval(931.2, lower: 900, upper: 960) == "931 ± 30")
        #expect(formatDelta(3810.4) == "3810" && formatDelta(1.94) == "1.9")
        #expect(formatShort(-3) == "-3" && formatShort(1e-10) == "1e-10")
    }
}
