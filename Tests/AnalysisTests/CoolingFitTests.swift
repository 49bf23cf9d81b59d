import Foundation
import Testing
@testable import Analysis

@Suite("Cooling fits on synthetic curves")
struct CoolingFitTests {
    static let epochs = stride(from: 5.0, through: 200, by: 5).map { $0 }

    @Test(arguments: CoolingModel.allCases)
    func recoversKnownParametersWithinTheirIntervals(model: CoolingModel) throws {
        let amplitudes = [0.0, -1, 0.5]
        let curves = syntheticCurves(model: model, theta: truth(model), amplitudes: amplitudes, epochs: Self.epochs,
                                     noise: 0.02, seed: 11)
        let fit = try coolingFit(curves, model: model)
        #expect(fit.warnings.isEmpty, "\(fit.warnings)")
        #expect(fit.pointCount == 120 && fit.degreesOfFreedom == 120 - 3 - model.parameterCount)
        for (k, p) in fit.parameters.enumerated() {
            let interval = try #require(p.interval)
            #expect(interval.contains(truth(model)[k]), "\(model) \(p.name) = \(p.value), interval \(interval), truth \(truth(model)[k])")
            #expect(interval.method == .jacobianStudentT && interval.level == 0.95)
        }
        for (c, a) in fit.amplitudes.enumerated() {
            let se = try #require(a.standardError)
            #expect(abs(a.value - amplitudes[c]) < 4 * se, "\(model) amplitude \(c): \(a.value) ± \(se)")
        }
        #expect(abs(fit.reducedChiSquare / (0.02 * 0.02) - 1) < 0.35)
    }

    @Test(arguments: CoolingModel.allCases)
    func noiseFreeCurvesAreFittedToRounding(model: CoolingModel) throws {
        let curves = syntheticCurves(model: model, theta: truth(model), amplitudes: [0.3, -1], epochs: Self.epochs,
                                     noise: 0, seed: 1)
        let fit = try coolingFit(curves, model: model)
        for (k, p) in fit.parameters.enumerated() {
            #expect(relativelyClose(p.value, truth(model)[k], 1e-8), "\(model) \(p.name) = \(p.value) (\(fit.convergence))")
        }
        #expect(fit.residualSumOfSquares < 1e-20)
    }

    /// Over 200 seeded trials with independent noise, the Jacobian 95% intervals cover the truth in 90–99%.
    @Test(arguments: CoolingModel.allCases)
    func jacobianIntervalsHaveTheirNominalCoverage(model: CoolingModel) throws {
        let epochs = stride(from: 5.0, through: 200, by: 10).map { $0 }  // 20 epochs
        let trials = 200
        var covered = [Int](repeating: 0, count: model.parameterCount)
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for trial in 0..<trials {
                let curves = syntheticCurves(model: model, theta: truth(model), amplitudes: [0, -0.7], epochs: epochs,
                                             noise: 0.05, seed: 1000 + UInt64(trial))
                let fit = try coolingFit(curves, model: model)
                for k in 0..<model.parameterCount where fit.parameters[k].interval?.contains(truth(model)[k]) == true {
                    covered[k] += 1
                }
            }
        }
        for k in 0..<model.parameterCount {
            let rate = Double(covered[k]) / Double(trials)
            #expect(rate >= 0.90 && rate <= 0.99, "\(model) \(model.parameterNames[k]): coverage \(rate)")
        }
        print("coverage \(model): \(covered.map { Double($0) / Double(trials) }) in \(elapsed)")
    }

    @Test(arguments: CoolingModel.allCases)
    func modelSelectionPicksTheGeneratingModel(model: CoolingModel) throws {
        let epochs = (1...200).map(Double.init)
        let curves = syntheticCurves(model: model, theta: truth(model), amplitudes: [0, -1, 0.5], epochs: epochs,
                                     noise: 0.05, seed: 21)
        var options = CoolingAnalysisOptions()
        options.blockBootstrap = nil
        options.commonality = false
        let analysis = try coolingAnalysis(curves, options: options)
        let comparison = analysis.comparison
        if model == .stretched {
            // For 0 < β < 1 the nested family is the stretched one (the amplitude absorbs α/β): a tie,
            // resolved in favour of nested by the documented order.
            #expect(comparison.preferredByAIC == .nested || comparison.preferredByAIC == .stretched)
            let tie = try #require(comparison.entry(.stretched)?.deltaAIC)
            #expect(tie < 1e-6)
        } else {
            #expect(comparison.preferredByAIC == model, "\(model): \(comparison.entries.map { ($0.model, $0.deltaAIC ?? .nan) })")
            #expect(comparison.preferredByBIC == model)
        }
    }

    @Test func onAPurePowerLawStretchedHitsABoundWhileNestedConvergesToBetaZero() throws {
        let epochs = (1...300).map(Double.init)
        let curves = syntheticCurves(model: .power, theta: [0.93], amplitudes: [0, -1.2, 0.4, -2], epochs: epochs,
                                     noise: 0.03, seed: 5)
        let stretched = try coolingFit(curves, model: .stretched)
        #expect(stretched.hasParameterAtBound)
        #expect(stretched.warnings.contains { $0.kind == .parameterAtBound })
        let warning = try #require(stretched.warnings.first { $0.kind == .parameterAtBound })
        #expect(warning.message.contains("bound") && !warning.message.contains("\n"))

        let nested = try coolingFit(curves, model: .nested)
        #expect(!nested.hasParameterAtBound && nested.warnings.isEmpty)
        let beta = try #require(nested.parameter("beta"))
        #expect(abs(beta.value) < 0.05)
        #expect(try #require(beta.interval).contains(0))
        #expect(abs(try #require(nested.parameter("alpha")).value - 0.93) < 0.05)
    }

    @Test func differentExponentsFailTheCommonalityTestAndEqualOnesPass() throws {
        let epochs = stride(from: 10.0, through: 400, by: 5).map { $0 }
        let different = curvesWithOwnDecays(model: .power, thetas: [[0.7], [0.9], [1.1]], epochs: epochs, noise: 0.03, seed: 3)
        let failing = try commonalityTest(different, model: .power)
        #expect(!failing.sharedPreferredByAIC && !failing.sharedPreferredByBIC)
        #expect(failing.deltaAIC > 100 && failing.pValue < 1e-6)
        #expect(failing.curveDecays.count == 3)
        #expect(abs(failing.curveDecays[2].parameters[0].value - 1.1) < 0.05)
        #expect(failing.sentence.contains("per-curve decays preferred"))

        // Equal exponents: with independent noise ΔAIC > 0 happens by chance in ~14% of seeds (the likelihood-ratio
        // statistic is χ²₂); seed 2 is a typical one.
        let equal = curvesWithOwnDecays(model: .power, thetas: [[0.9], [0.9], [0.9]], epochs: epochs, noise: 0.03, seed: 2)
        let passing = try commonalityTest(equal, model: .power)
        #expect(passing.sharedPreferredByAIC && passing.sharedPreferredByBIC)
        #expect(passing.deltaAIC < 0 && passing.pValue > 0.05)
        #expect(passing.sentence.contains("shared decay preferred"))

        // The nested model too (two decay parameters per curve).
        let nestedEqual = curvesWithOwnDecays(model: .nested, thetas: [[0.8, -0.3], [0.8, -0.3]], epochs: epochs, noise: 0.03, seed: 4)
        #expect(try commonalityTest(nestedEqual, model: .nested).sharedPreferredByBIC)
        let nestedDifferent = curvesWithOwnDecays(model: .nested, thetas: [[0.8, -0.3], [0.8, 0.1]], epochs: epochs, noise: 0.03, seed: 4)
        #expect(try !commonalityTest(nestedDifferent, model: .nested).sharedPreferredByAIC)
    }

    @Test func commonalityVerdictFollowsTheDocumentedCriterion() throws {
        // The words of each side of the criterion ΔAIC ≤ 2.
        #expect(CommonDecayCriterion.verdict(deltaAIC: -7.87) == "common decay holds: shared decay preferred over per-curve decays by ΔAIC = 7.9")
        #expect(CommonDecayCriterion.verdict(deltaAIC: 0.8) == "common decay holds: per-curve decays fit better by only ΔAIC = 0.8 (≤ 2)")
        #expect(CommonDecayCriterion.verdict(deltaAIC: 2) == "common decay holds: per-curve decays fit better by only ΔAIC = 2.0 (≤ 2)")
        #expect(CommonDecayCriterion.verdict(deltaAIC: 8.04) == "common decay does not hold: per-curve decays preferred over a shared one by ΔAIC = 8.0 (> 2)")
        #expect(CommonDecayCriterion.verdict(deltaAIC: 1.5, threshold: 1) .hasPrefix("common decay does not hold"))

        // Equal exponents whose ΔAIC falls by chance in (0, 2]: the commonality test (fit-cooling) and the onset
        // test on the same window (regimes, plot signal) give the same verdict, "holds".
        let epochs = stride(from: 10.0, through: 400, by: 5).map { $0 }
        var found: (curves: [CoolingCurve], test: CommonalityTest)? = nil
        for seed in UInt64(1)...80 where found == nil {
            let curves = curvesWithOwnDecays(model: .power, thetas: [[0.9], [0.9], [0.9]], epochs: epochs, noise: 0.03, seed: seed)
            let test = try commonalityTest(curves, model: .power)
            if test.deltaAIC > 0 && test.deltaAIC <= 2 { found = (curves, test) }
        }
        let (curves, test) = try #require(found, "no seed in 1…80 gives 0 < ΔAIC ≤ 2")
        #expect(test.commonDecayHolds && !test.sharedPreferredByAIC)
        #expect(test.sentence.hasPrefix("common decay holds: per-curve decays fit better by only ΔAIC = "), "\(test.sentence)")
        #expect(!test.sentence.contains("not"), "\(test.sentence)")
        let onset = try commonRegimeOnset(curves, model: .power, starts: [10])
        #expect(onset.candidates[0].holds && onset.onset == 10)
        #expect(abs((onset.candidates[0].deltaAIC ?? .nan) - test.deltaAIC) < 1e-9)
        var options = CoolingAnalysisOptions()
        options.model = .power
        options.blockBootstrap = nil
        let summary = try coolingAnalysis(curves, options: options).summary
        #expect(summary.hasSuffix(test.sentence), "\(summary)")
    }

    @Test func signalAndNoiseCurvesShareTheDecayWithTheirOwnAmplitudes() throws {
        let epochs = stride(from: 5.0, through: 200, by: 5).map { $0 }
        let signal = syntheticCurves(model: .nested, theta: truth(.nested), amplitudes: [0, -1], epochs: epochs, noise: 0.02, seed: 8)
        let noise = syntheticCurves(model: .nested, theta: truth(.nested), amplitudes: [0.3, -0.6], epochs: epochs, noise: 0.02,
                                    seed: 9, kind: .noise)
        var options = CoolingAnalysisOptions()
        options.curves = .both
        options.blockBootstrap = nil
        let both = try coolingAnalysis(signal + noise, options: options)
        #expect(both.fit.curves.count == 4)
        #expect(both.fit.curves.contains("layer 1 noise"))
        #expect(try #require(both.fit.parameter("beta")?.interval).contains(-0.3))
        options.curves = .noise
        let onlyNoise = try coolingAnalysis(signal + noise, options: options)
        #expect(onlyNoise.fit.curves == ["layer 1 noise", "layer 2 noise"])
        #expect(abs(onlyNoise.fit.amplitudes[0].value - 0.3) < 0.05)
    }
}
