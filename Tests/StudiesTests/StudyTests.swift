import Analysis
import Foundation
import Studies
import Testing

/// The temperature, regimes and cooling studies on series whose truth is known.
@Suite("Studies")
struct StudyTests {
    /// One run of one layer with the given S and σ.
    static func run(signal: [Double], noise: [Double]?) -> RunSeries {
        RunSeries(label: "r", path: "r.csv", kind: "table",
                  layers: [LayerSeries(layer: "1", positions: signal.indices.map { Double($0 + 1) }, signal: signal, noise: noise)])
    }

    @Test("temperature: T = σ², SNR = S/σ and +∞ where σ = 0")
    func temperature() throws {
        let report = temperatureStudy([Self.run(signal: [2, 3, 1], noise: [1, 0.5, 0])])
        let layer = report.runs[0].layers[0]
        #expect(layer.temperature == [1, 0.25, 0])
        #expect(layer.signalToNoise == [2, 6, .infinity])
        #expect(report.csv() == "epoch,layer,signal,noise,temperature,snr\n1,1,2,1,1,2\n2,1,3,0.5,0.25,6\n3,1,1,0,0,inf\n")
    }

    @Test("regimes: the signal peak and the SNR = 1 crossing; σ is required")
    func regimes() throws {
        let signal = [1, 2, 4, 3, 2, 1.5, 1.2, 1.0]
        let noise = [0.2, 0.4, 1, 1.5, 2, 2, 2, 2]
        let report = try regimesStudy([Self.run(signal: signal, noise: noise)], options: RegimeOptions())
        let layer = report.analysis.layers[0].regimes
        #expect(layer.signalPeak.position == 3)
        let crossing = try #require(layer.crossings.first?.position)
        #expect(crossing > 4 && crossing <= 5, "S/σ = 2, 4, 4, 2, 1, 0.75 falls through 1 at epoch 5")
        #expect(throws: StudyError(.input, "r.csv has no noise column: the signal-to-noise ratio S/σ needs σ; add a noise column (epoch, layer, signal, noise)")) {
            try regimesStudy([Self.run(signal: signal, noise: nil)], options: RegimeOptions())
        }
    }

    @Test("cooling: the study recovers the synthetic trace's decay, and the figure's request fits the same primary fit")
    func cooling() throws {
        var request = SeriesRequest()
        request.needsNoise = true
        let runs = try RunSeries.load([Fixtures.cooling], request: request)
        var study = CoolingStudyRequest()
        study.from = 8
        study.model = .nested
        let report = try coolingStudy(runs, request: study)
        let theta = report.analysis.fit.parameters.map(\.value)
        let alphaError: Double = abs(theta[0] - 0.9), betaError: Double = abs(theta[1] - 0.2)
        #expect(alphaError < 0.1, "nested α = 0.9: got \(theta)")
        #expect(betaError < 0.15, "nested β = 0.2: got \(theta)")
        #expect(report.window.source == "--from/--to")
        #expect(report.analysis.fits.count == CoolingModel.allCases.count)
        #expect(report.fittedCurves.count == 4)

        var figure = study
        figure.compareModels = false
        figure.scan = CoolingScanRequest(model: .power, starts: .overAllEpochs(count: 5))
        figure.exponents = EffectiveExponentRequest(upToWindowEnd: false)
        let drawn = try coolingStudy(runs, request: figure)
        #expect(drawn.analysis.fit.parameters.map(\.value) == theta, "one pipeline: the same primary fit")
        #expect(drawn.analysis.fits.count == 1 && drawn.analysis.commonality == nil)
        #expect(drawn.scan?.model == .power && drawn.scan?.points.isEmpty == false)
        #expect(drawn.effectiveExponents?.count == 4)
        // The report's JSON leaves the fitted curves out.
        let json = String(decoding: try JSONEncoder().encode(drawn), as: UTF8.self)
        #expect(!json.contains("fittedCurves"))
    }

    @Test("cooling: without --from the window starts at the onset e* of the regimes study")
    func coolingWindowFromRegimes() throws {
        let runs = try RunSeries.load([Fixtures.cooling], request: SeriesRequest())
        let report = try coolingStudy(runs, request: CoolingStudyRequest())
        let onset = try #require(report.regimes?.commonOnset)
        #expect(report.window.from == onset)
        #expect(report.window.source.hasPrefix("regimes: e* = "))
        #expect(try coolingWindowStart(runs, request: CoolingStudyRequest()).onset == onset)
    }

    @Test("cooling: a fit that cannot be made is an input error with advice and the fit's own error")
    func coolingFailure() throws {
        let runs = [Self.run(signal: [3, 2, 1], noise: [1, 1, 1])]
        var study = CoolingStudyRequest()
        study.from = 1
        #expect {
            try coolingStudy(runs, request: study)
        } throws: { error in
            guard let error = error as? StudyError, let fitError = error.fitError else { return false }
            return error.kind == .input && error.description.hasPrefix(fitError.description) && error.description.contains("--from/--to")
        }
    }
}
