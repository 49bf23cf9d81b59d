import Analysis
import ArgumentParser
import Foundation
import LayerStatistics
import NumericCore
import Traces

// The inputs of `thermo temperature`, `regimes` and `fit-cooling`: thermo traces, read through `TraceReader`
// (only the datasets a command needs, the per-step record in blocks), and CSV/TSV long tables (Analysis'
// `LongTable`), turned into per-layer series at one resolution: epochs, or windows of N steps.

/// An error found while reading or analysing inputs: one line saying what is wrong and what to do.
struct AnalysisCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The time resolution of per-layer statistics.
enum Resolution: Codable, Equatable {
    /// One group per recorded epoch.
    case epochs
    /// Consecutive windows of `steps` optimizer steps from the per-step record (`--window N`).
    case windows(steps: Int)

    /// "per epoch" or "per window of 50 steps".
    var description: String {
        switch self {
        case .epochs: "per epoch"
        case .windows(let n): "per window of \(n) step\(n == 1 ? "" : "s")"
        }
    }
}

/// `--epochs A:B`: a closed range of epochs, either end open ("40:", ":200", "40:200").
struct EpochRange: ExpressibleByArgument, Equatable {
    var from: Double?
    var to: Double?

    init(from: Double? = nil, to: Double? = nil) {
        self.from = from
        self.to = to
    }

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2 else { return nil }
        func end(_ s: String) -> Double?? {
            if s.isEmpty || s == "*" { return .some(nil) }
            guard let v = Double(s), v.isFinite else { return nil }
            return .some(v)
        }
        guard let a = end(parts[0]), let b = end(parts[1]) else { return nil }
        from = a
        to = b
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// True when both ends are given and A > B: no epoch lies in the range.
    var isEmpty: Bool { if let from, let to { from > to } else { false } }

    func contains(_ e: Double) -> Bool { (from.map { e >= $0 } ?? true) && (to.map { e <= $0 } ?? true) }

    /// "[40, 200]" with "…" for an open end.
    var description: String { EpochWindow(from: from, to: to).description }
}

/// What a command needs from its inputs.
/// `--layers`, `--epochs` and `--window`: which part of a run an analysis reads, shared by `temperature` and
/// `regimes`.
struct SeriesSelection: ParsableArguments {
    @Option(help: ArgumentHelp("Layers to use, e.g. 1,3 (default: all).", valueName: "L1,L2,…"))
    var layers: String?
    @Option(help: ArgumentHelp("Epochs to use: A:B, A: or :B (default: all).", valueName: "A:B"))
    var epochs: EpochRange?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Work on windows of N steps from the per-step record instead of epochs.", valueName: "N"))
    var window: Int?

    func validate() throws {
        if let window, window < 1 { throw ValidationError("--window takes a positive number of steps") }
        if let epochs, epochs.isEmpty {
            throw ValidationError("--epochs \(epochs.description) is empty: its first epoch comes after its last; give A:B with A ≤ B")
        }
        _ = try parseLayerList(layers)
    }

    /// The request for these layers, epochs and windows, with the per-weight quantities and the noise.
    func request() throws -> SeriesRequest {
        var request = SeriesRequest()
        request.layers = try parseLayerList(layers)
        request.epochs = epochs ?? EpochRange()
        request.window = window
        request.perWeight = true
        request.needsNoise = true
        return request
    }
}

struct SeriesRequest {
    /// The layers to keep, by label ("1", "3"); nil for all.
    var layers: [String]? = nil
    /// The epochs to keep.
    var epochs = EpochRange()
    /// Windows of N steps from the per-step record instead of epochs.
    var window: Int? = nil
    /// Whether to read the per-weight quantities (‖μ‖, ‖√v‖, their SNR, temperature mean and quantiles), when
    /// recorded.
    var perWeight = false
    /// Whether the noise σ_l is required (tables may lack it).
    var needsNoise = false
}

/// One layer's statistics at one resolution.
struct LayerStatisticsSeries: Codable {
    var layer: String
    /// Positions in training time: epochs, or for windows of steps the epoch at the window's end (last step / M).
    var positions: [Double]
    /// The last step of each epoch or window (traces only).
    var lastSteps: [Int]?
    /// M, the steps in each epoch or window (traces only).
    var stepCounts: [Int]?
    /// S_l.
    var signal: [Double]
    /// σ_l (nil: a table without a noise column).
    var noise: [Double]?
    /// Per-weight quantities, per epoch (traces recording moments, epoch resolution only).
    var weightSignalToNoise: [Double]? = nil
    var meanGradientNorm: [Double]? = nil
    var gradientStdNorm: [Double]? = nil
    var weightTemperatureMean: [Double]? = nil
    /// Quantile levels p and, per level, the quantile of the per-weight temperatures v_ω at each position.
    var quantileLevels: [Double] = []
    var quantiles: [[Double]] = []

    /// T_l = σ_l² (``SignalAndNoise/temperature(noise:)``).
    var temperature: [Double]? { noise?.map(SignalAndNoise.temperature(noise:)) }
    /// SNR_l = S_l/σ_l, +∞ when σ = 0 (``SignalAndNoise/signalToNoise(signal:noise:)``).
    var signalToNoise: [Double]? {
        noise.map { n in zip(signal, n).map { SignalAndNoise.signalToNoise(signal: $0, noise: $1) } }
    }
}

/// One run's per-layer statistics from one input.
struct RunStatistics {
    /// The run's label: the table's run column, else the file's base name.
    var label: String
    /// The input file.
    var path: String
    /// "trace" or "table".
    var kind: String
    var resolution: Resolution
    /// M of the trace (nil for tables).
    var stepsPerEpoch: Int?
    /// What the trace records (nil for tables).
    var recording: [String]?
    var layers: [LayerStatisticsSeries]
    /// Things the reader should know (quantities not available, steps left out).
    var notes: [String] = []

    /// The regime analysis' input.
    func regimeSeries(run: String?) throws -> [RegimeSeries] {
        try layers.map { layer in
            guard let noise = layer.noise else {
                throw AnalysisCommandError("\(path) has no noise column: the signal-to-noise ratio S/σ needs σ; add a noise column (epoch, layer, signal, noise)")
            }
            return RegimeSeries(layer: layer.layer, run: run, positions: layer.positions, signal: layer.signal, noise: noise,
                                perWeightSNR: layer.weightSignalToNoise)
        }
    }

    /// The cooling fit's input: every layer's signal and/or noise curve.
    func coolingCurves(_ selection: CurveSelection, run: String?) throws -> [CoolingCurve] {
        var curves: [CoolingCurve] = []
        for layer in layers {
            if selection.includes(.signal) {
                curves.append(CoolingCurve(layer: layer.layer, kind: .signal, run: run, epochs: layer.positions, values: layer.signal))
            }
            if selection.includes(.noise) {
                guard let noise = layer.noise else {
                    throw AnalysisCommandError("\(path) has no noise column, which --curves \(selection.rawValue) needs; use --curves signal or add a noise column")
                }
                curves.append(CoolingCurve(layer: layer.layer, kind: .noise, run: run, epochs: layer.positions, values: noise))
            }
        }
        return curves
    }
}

/// Reads the inputs of the analysis commands.
enum AnalysisInput {
    /// Whether `path` is read as a table (by its extension: .csv, .tsv, .txt); anything else is read as a trace.
    static func isTable(_ path: String) -> Bool {
        ["csv", "tsv", "txt"].contains((path as NSString).pathExtension.lowercased())
    }

    /// The description of the accepted inputs, for help texts.
    static let formats = "thermo traces (.h5, written by 'thermo train --trace') or CSV/TSV long tables (.csv, .tsv, .txt) with columns epoch, layer, signal[, noise][, run]"

    /// The runs of every input, in order. Run labels are made unique (a file name repeated gets "#2", …).
    static func load(_ paths: [String], request: SeriesRequest) throws -> [RunStatistics] {
        var runs: [RunStatistics] = []
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else {
                throw AnalysisCommandError("\(path) does not exist; give a trace written by 'thermo train --trace FILE.h5' or a CSV/TSV long table")
            }
            runs += isTable(path) ? try loadTable(path, request: request) : [try loadTrace(path, request: request)]
        }
        var seen: [String: Int] = [:]
        for i in runs.indices {
            let count = (seen[runs[i].label] ?? 0) + 1
            seen[runs[i].label] = count
            if count > 1 { runs[i].label += "#\(count)" }
            if let note = impossibleValuesNote(runs[i]) { runs[i].notes.append(note) }
        }
        return runs
    }

    /// A note when S or σ holds NaN, ±∞ or a negative value, which no recorded run produces (both are means and
    /// spreads of gradient magnitudes): the input is damaged or was written by something else. The values are
    /// shown as they are; each analysis says how it treats them.
    static func impossibleValuesNote(_ run: RunStatistics) -> String? {
        var count = 0
        var first: String?
        for series in run.layers {
            for (name, values) in [("S", series.signal), ("σ", series.noise ?? [])] {
                for (k, v) in values.enumerated() where !v.isFinite || v < 0 {
                    count += 1
                    if first == nil { first = "layer \(series.layer), epoch \(formatNumber(series.positions[k])), \(name) = \(formatNumber(v))" }
                }
            }
        }
        guard count > 0, let first else { return nil }
        return "\(run.path): \(count) value\(count == 1 ? " of S or σ is" : "s of S or σ are") NaN, infinite or negative "
            + "(first: \(first)); gradient magnitudes cannot be: the input may be damaged"
    }

    // MARK: Tables

    /// The runs of a long table (Analysis' `LongTable` format), restricted to the requested layers and epochs.
    static func loadTable(_ path: String, request: SeriesRequest) throws -> [RunStatistics] {
        if let window = request.window {
            throw AnalysisCommandError("--window \(window) forms statistics from the per-step record of a trace; \(path) is a table of per-epoch values. Drop --window, or give the trace")
        }
        let table: LongTable
        do { table = try LongTable(contentsOfFile: path) } catch {
            throw AnalysisCommandError(error.description)
        }
        if request.needsNoise && !table.hasNoise {
            throw AnalysisCommandError("\(path) has no noise column, which this analysis needs; add one (epoch, layer, signal, noise)")
        }
        if let wanted = request.layers {
            let missing = wanted.filter { !table.layers.contains($0) }
            guard missing.isEmpty else {
                throw AnalysisCommandError("--layers \(missing.joined(separator: ",")): \(path) has layers \(table.layers.joined(separator: ", "))")
            }
        }
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let runLabels: [String?] = table.runs.isEmpty ? [nil] : table.runs.map { Optional($0) }
        let layers = request.layers.map { wanted in table.layers.filter { wanted.contains($0) } } ?? table.layers
        let runs = runLabels.map { run in
            let series = table.series.filter { $0.run == run && layers.contains($0.layer) }.compactMap { s -> LayerStatisticsSeries? in
                let kept = s.epochs.indices.filter { request.epochs.contains(s.epochs[$0]) }
                guard !kept.isEmpty else { return nil }
                return LayerStatisticsSeries(layer: s.layer, positions: kept.map { s.epochs[$0] }, lastSteps: nil, stepCounts: nil,
                                             signal: kept.map { s.signal![$0] }, noise: s.noise.map { noise in kept.map { noise[$0] } })
            }
            return RunStatistics(label: run ?? base, path: path, kind: "table", resolution: .epochs, stepsPerEpoch: nil,
                                 recording: nil, layers: series)
        }
        guard runs.contains(where: { !$0.layers.isEmpty }) else {
            let epochs = table.series.flatMap(\.epochs)
            throw AnalysisCommandError("\(path) has no row in --epochs \(request.epochs.description)"
                + (epochs.isEmpty ? "; it has no data rows" : "; it holds epochs \(formatNumber(epochs.min()!)) … \(formatNumber(epochs.max()!))"))
        }
        return runs
    }

    // MARK: Traces

    /// One trace's per-layer statistics.
    static func loadTrace(_ path: String, request: SeriesRequest) throws -> RunStatistics {
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let header = reader.header
        let L = header.layerCount
        let labels = (1...L).map(String.init)
        let indices: [Int]
        if let wanted = request.layers {
            indices = try wanted.map { label in
                guard let i = labels.firstIndex(of: label) else {
                    throw AnalysisCommandError("--layers \(label): \(path) has layers 1…\(L)")
                }
                return i
            }
        } else {
            indices = Array(0..<L)
        }
        let epochCount = try reader.rowCount(.epoch)
        guard epochCount > 0 else {
            let status = reader.progress.status
            switch status {
            case .running:
                throw AnalysisCommandError("trace \(path) has no complete epochs yet (status running); wait for the run's first epoch, or run 'thermo inspect \(path)'")
            case .diverged:
                throw AnalysisCommandError("trace \(path) has no complete epoch: its run diverged during the first epoch, so there is nothing to analyse; 'thermo inspect \(path)' shows where, and the run needs other settings")
            default:
                throw AnalysisCommandError("trace \(path) has no complete epoch: its run ended (\(status)) during the first epoch; continue it with 'thermo train --resume CKPT --trace \(path)' or record it again")
            }
        }
        let epochs = try reader.read(.epoch).values
        guard let first = epochs.firstIndex(where: { request.epochs.contains($0) }),
              let last = epochs.lastIndex(where: { request.epochs.contains($0) }) else {
            throw AnalysisCommandError("trace \(path) has no epoch in --epochs \(request.epochs.description); it holds epochs \(formatNumber(epochs.first!)) … \(formatNumber(epochs.last!))")
        }
        let rows = first..<(last + 1)
        var run = RunStatistics(label: ((path as NSString).lastPathComponent as NSString).deletingPathExtension, path: path,
                                kind: "trace", resolution: .epochs, stepsPerEpoch: header.stepsPerEpoch,
                                recording: header.recording.levels, layers: [])
        if let window = request.window {
            run.resolution = .windows(steps: window)
            try readWindows(reader, epochRows: rows, window: window, indices: indices, labels: labels, into: &run)
            if request.perWeight {
                run.notes.append("per-weight quantities (‖μ‖, ‖√v‖, their SNR, temperature quantiles) are per-epoch records; not available for windows of steps")
            }
            return run
        }
        func columns(_ variable: TraceVariable) throws -> [[Double]] {
            let array = try reader.read(variable, rows: rows)
            return indices.map { i in array.column(i) }
        }
        let signal = try columns(.layerSignal), noise = try columns(.layerNoise)
        let steps = try reader.read(.epochSteps, rows: rows).values.map { Int($0) }
        let lastSteps = try reader.read(.lastStep, rows: rows).values.map { Int($0) }
        let positions = Array(epochs[rows])
        run.layers = indices.enumerated().map { k, i in
            LayerStatisticsSeries(layer: labels[i], positions: positions, lastSteps: lastSteps, stepCounts: steps,
                                  signal: signal[k], noise: noise[k])
        }
        guard request.perWeight else { return run }
        guard header.recording.weightMoments else {
            run.notes.append("per-weight quantities (‖μ‖, ‖√v‖, their SNR, temperature quantiles) need the 'moments' recording level; this trace records \(header.recording.levels.joined(separator: ", "))")
            return run
        }
        let weightSNR = try columns(.weightSignalToNoise)
        let meanNorm = try columns(.meanGradientNorm)
        let stdNorm = try columns(.gradientStdNorm)
        let temperatureMean = try columns(.weightTemperatureMean)
        let levels = try reader.readFixed(.quantile)
        let q = try reader.read(.weightTemperatureQuantiles, rows: rows)  // (epoch, layer, quantile)
        for (k, i) in indices.enumerated() {
            run.layers[k].weightSignalToNoise = weightSNR[k]
            run.layers[k].meanGradientNorm = meanNorm[k]
            run.layers[k].gradientStdNorm = stdNorm[k]
            run.layers[k].weightTemperatureMean = temperatureMean[k]
            run.layers[k].quantileLevels = levels
            run.layers[k].quantiles = levels.indices.map { j in
                (0..<q.rowCount).map { r in q.values[r * q.rowSize + i * levels.count + j] }
            }
        }
        return run
    }

    /// Rows of the per-step record read at a time: the per-step record is streamed, never read whole.
    static let stepBlockRows = 65_536

    /// Statistics over consecutive windows of `window` steps of the epochs `epochRows`, from
    /// `steps/layer_signal` read block by block. Windows start at the first step of the first epoch; a last
    /// window that the steps do not fill is left out (and noted). Positions are last step / M.
    static func readWindows(_ reader: TraceReader, epochRows: Range<Int>, window: Int, indices: [Int], labels: [String],
                            into run: inout RunStatistics) throws {
        let path = reader.path
        let M = reader.header.stepsPerEpoch
        let totalSteps = try reader.rowCount(.step)
        guard totalSteps > 0 else {
            throw AnalysisCommandError("trace \(path) has no complete steps; --window needs the per-step record")
        }
        let lastOfEpoch = try reader.read(.lastStep, rows: epochRows).values.map { Int($0) }
        let stepsOfEpoch = try reader.read(.epochSteps, rows: epochRows).values.map { Int($0) }
        let firstStepNumber = Int(try reader.read(.step, rows: 0..<1).values[0])
        let firstStep = lastOfEpoch[0] - stepsOfEpoch[0] + 1, lastStep = lastOfEpoch[lastOfEpoch.count - 1]
        let rows = (firstStep - firstStepNumber)..<min(totalSteps, lastStep - firstStepNumber + 1)
        guard rows.lowerBound >= 0, rows.count > 0 else {
            throw AnalysisCommandError("trace \(path): the per-step record does not cover steps \(firstStep) … \(lastStep) of the chosen epochs; the file may be damaged ('thermo inspect \(path)')")
        }
        // The per-step record must be contiguous: check the ends of the range.
        let ends = try reader.read(.step, rows: (rows.upperBound - 1)..<rows.upperBound).values[0]
        guard Int(ends) == firstStepNumber + rows.upperBound - 1 else {
            throw AnalysisCommandError("trace \(path): the per-step record is not contiguous (row \(rows.upperBound - 1) holds step \(Int(ends))); the file may be damaged")
        }
        guard rows.count >= window else {
            throw AnalysisCommandError("--window \(window) is longer than the \(rows.count) steps in the chosen epochs; choose a smaller N (an epoch has \(M) steps)")
        }
        let L = reader.header.layerCount
        var carry = [[Double]](repeating: [], count: indices.count)
        var series = indices.map { i in
            LayerStatisticsSeries(layer: labels[i], positions: [], lastSteps: [], stepCounts: [], signal: [], noise: [])
        }
        var start = rows.lowerBound
        var consumed = 0  // steps of the range already assigned to complete windows
        while start < rows.upperBound {
            let end = min(start + stepBlockRows, rows.upperBound)
            let block = try reader.read(.stepLayerSignal, rows: start..<end)
            for (k, i) in indices.enumerated() {
                var values = carry[k]
                values.reserveCapacity(values.count + block.rowCount)
                for r in 0..<block.rowCount { values.append(block.values[r * L + i]) }
                let complete = values.count / window
                values.withUnsafeBufferPointer { buffer in
                    for w in 0..<complete {
                        let lastStepOfWindow = firstStep + consumed + (w + 1) * window - 1
                        let statistics = LayerSignalStatistics(steps: buffer, range: (w * window)..<((w + 1) * window),
                                                               position: Double(lastStepOfWindow) / Double(M))
                        series[k].positions.append(statistics.position)
                        series[k].lastSteps!.append(lastStepOfWindow)
                        series[k].stepCounts!.append(window)
                        series[k].signal.append(statistics.signal)
                        series[k].noise!.append(statistics.noise)
                    }
                }
                carry[k] = Array(values[(complete * window)...])
                if k == indices.count - 1 { consumed += complete * window }
            }
            start = end
        }
        let leftOver = carry.first?.count ?? 0
        if leftOver > 0 {
            run.notes.append("the last \(leftOver) step\(leftOver == 1 ? "" : "s") do not fill a window of \(window) and are left out")
        }
        run.layers = series
    }
}

/// A number for messages: integers plainly, others with up to 6 significant digits.
func formatNumber(_ x: Double) -> String {
    NumberText.wholeOrSignificant(x, digits: 6, symbols: true)
}

/// A value for tables: 4 significant digits, "—" for nil, "∞" for infinity.
func formatCell(_ x: Double?) -> String {
    guard let x else { return "—" }
    return NumberText.short(x)
}

/// Prints `value` as pretty JSON with sorted keys; non-finite numbers are written as the strings "inf",
/// "-inf" and "nan" (JSON has no infinity).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// The layer labels of `--layers 1,3` (blank entries ignored).
func parseLayerList(_ text: String?) throws -> [String]? {
    guard let text else { return nil }
    let labels = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !labels.isEmpty else { throw ValidationError("--layers takes layer labels separated by commas, e.g. 1,3") }
    return labels
}
