import Analysis
import Foundation
import Studies
import Testing

/// The one loader: traces and long tables into `RunSeries`.
@Suite("RunSeries loader")
struct RunSeriesTests {
    /// The request of `thermo temperature`.
    static var analysisRequest: SeriesRequest {
        var request = SeriesRequest()
        request.perWeight = true
        request.needsNoise = true
        return request
    }

    @Test("a trace and the long table the temperature study writes from it read to the same series")
    func traceAndTableAgree() throws {
        let trace = try RunSeries.readTrace(Fixtures.cooling, request: Self.analysisRequest)
        let csv = temperatureStudy([trace]).csv()
        let tablePath = Fixtures.write(csv, "cooling.csv")
        let table = try RunSeries.load([tablePath], request: Self.analysisRequest)
        #expect(table.count == 1)
        #expect(table[0].label == trace.label, "both are named after the file")
        #expect(table[0].kind == "table" && trace.kind == "trace")
        #expect(table[0].layers.count == trace.layers.count && trace.layers.count == 4)
        for (a, b) in zip(trace.layers, table[0].layers) {
            #expect(a.layer == b.layer)
            #expect(a.positions == b.positions)
            #expect(a.signal == b.signal, "CSV numbers read back exactly")
            #expect(a.noise == b.noise)
            #expect(a.temperature == b.temperature)
            #expect(a.signalToNoise == b.signalToNoise)
        }
        // The figures read the table's per-weight quantiles too (the analyses do not).
        let drawn = try RunSeries.loadFigureInputs([tablePath])
        #expect(drawn[0].layers[0].quantileLevels == trace.layers[0].quantileLevels)
        #expect(drawn[0].layers[0].quantiles == trace.layers[0].quantiles)
        #expect(table[0].layers[0].quantileLevels.isEmpty)
    }

    @Test("the trace's statistics are its layers' S, σ, T = σ² and SNR = S/σ, with the per-weight quantities")
    func traceStatistics() throws {
        let run = try RunSeries.readTrace(Fixtures.cooling, request: Self.analysisRequest)
        #expect(run.resolution == .epochs && run.stepsPerEpoch == 16)
        let layer = run.layers[0]
        let epochs: [Double] = (1...60).map(Double.init)
        let lastSteps: [Int] = (1...60).map { 16 * $0 }
        #expect(layer.positions == epochs)
        #expect(layer.stepCounts == Array(repeating: 16, count: 60))
        #expect(layer.lastSteps == lastSteps)
        let signal = try #require(layer.signal), noise = try #require(layer.noise)
        let temperature: [Double] = noise.map { $0 * $0 }
        let snr: [Double] = zip(signal, noise).map { $0 / $1 }
        #expect(layer.temperature == temperature)
        #expect(layer.signalToNoise == snr)
        #expect(layer.weightSignalToNoise?.count == 60)
        #expect(layer.quantiles.count == layer.quantileLevels.count && !layer.quantileLevels.isEmpty)
    }

    @Test("windows of N steps: positions at the window's last step / M, a last partial window left out and noted")
    func windows() throws {
        var request = Self.analysisRequest
        request.window = 10
        request.epochs = EpochRange(from: nil, to: 2)
        let run = try RunSeries.readTrace(Fixtures.cooling, request: request)
        #expect(run.resolution == .windows(steps: 10))
        let layer = run.layers[0]
        let expected: [Double] = [10, 20, 30].map { $0 / 16 }
        #expect(layer.positions == expected)
        #expect(layer.stepCounts == [10, 10, 10])
        #expect(run.notes.contains("the last 2 steps do not fill a window of 10 and are left out"))
    }

    @Test("layers and epochs are selected; a layer the input lacks is an input error naming what it has")
    func selection() throws {
        var request = Self.analysisRequest
        request.layers = ["2", "4"]
        request.epochs = EpochRange(from: 10, to: 20)
        let run = try RunSeries.readTrace(Fixtures.cooling, request: request)
        #expect(run.layers.map(\.layer) == ["2", "4"])
        #expect(run.layers[0].positions.first == 10 && run.layers[0].positions.last == 20)
        request.layers = ["7"]
        #expect(throws: StudyError(.input, "--layers 7: \(Fixtures.cooling) has layers 1…4 (fc1…fc4)")) {
            try RunSeries.readTrace(Fixtures.cooling, request: request)
        }
        // A fully-connected network's layers are also its dense layers fc1…fcL.
        request.layers = ["fc4", "fc2"]
        #expect(try RunSeries.readTrace(Fixtures.cooling, request: request).layers.map(\.layer) == ["4", "2"])
    }

    @Test("a table without a signal column: the figures draw its noise, the analyses refuse it")
    func tableWithoutSignal() throws {
        let path = Fixtures.write("epoch,layer,noise\n1,1,0.5\n2,1,0.25\n", "noise-only.csv")
        let drawn = try RunSeries.loadFigureInputs([path])
        #expect(drawn[0].layers[0].signal == nil)
        #expect(drawn[0].layers[0].temperature == [0.25, 0.0625])
        #expect(drawn[0].layers[0].regimeSeries(run: nil)?.signal == [0.5, 0.25], "the noise stands in for the signal")
        #expect {
            try RunSeries.load([path], request: Self.analysisRequest)
        } throws: { error in
            (error as? StudyError)?.kind == .input && "\(error)".contains("signal")
        }
    }

    @Test("a figure's missing input is an input error, as an analysis's; its other input errors are request errors; an impossible value is noted")
    func figureErrorsAndNotes() throws {
        #expect(throws: StudyError(.input, "/nonexistent/x.csv does not exist; give a trace written by 'thermo train --trace FILE.h5' or a CSV/TSV long table")) {
            try RunSeries.loadFigureInputs(["/nonexistent/x.csv"])
        }
        #expect(throws: StudyError(.request, "cannot read \(Fixtures.write("x", "x.dat")): the accepted inputs are " + RunSeries.figureFormats.joined(separator: ", "))) {
            try RunSeries.loadFigureInputs([Fixtures.write("x", "x.dat")])
        }
        let path = Fixtures.write("epoch,layer,signal,noise\n1,1,-1,0.5\n2,1,1,0.25\n", "negative.csv")
        let runs = try RunSeries.load([path], request: Self.analysisRequest)
        #expect(runs[0].notes.first?.hasPrefix("\(path): 1 value of S or σ is NaN, infinite or negative (first: layer 1, epoch 1, S = -1)") == true)
        #expect(throws: StudyError(.request, "the inputs hold 2 runs (negative, negative); choose one with --run NAME")) {
            try RunSeries.select(runs + runs, named: nil)
        }
    }
}
