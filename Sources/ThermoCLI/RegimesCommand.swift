import Analysis
import ArgumentParser
import Foundation

/// `thermo regimes TRACE…`: per layer the signal peak and the SNR = 1 crossings, and the onset e* of the late
/// common regime, each with its evidence.
struct RegimesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regimes",
        abstract: "Per layer the signal peak and SNR = 1 crossing, and the onset e* of the late common regime, with the evidence.",
        discussion: """
        Methods (docs/analysis.md): the signal peak is the first position of the largest S_l; the SNR = 1 crossing \
        is the first downward crossing SNR_{i-1} > 1 >= SNR_i, interpolated in ln SNR, on the layer-mean S/σ and, \
        when the trace records moments, on the per-weight ‖μ‖/‖√v‖; e* is the earliest window start s (about \
        --candidates starts, log-spaced from the latest signal peak) at which the shared decay of all layers on \
        [s, end] fits as well as per-layer decays: ΔAIC = AIC_shared − AIC_per-layer ≤ --threshold (2). A \
        boundary that is not there at the resolution available is reported as not found, with the reason.

        --window N works on windows of N steps from the per-step record (the per-weight SNR is per epoch only).

        INPUTS: \(AnalysisInput.formats). Several inputs (or a table's runs) are analysed together: every run's \
        layers are separate curves of the onset test.

        Examples:
          thermo regimes run.h5
          thermo regimes run.h5 --window 20 --epochs :10
          thermo regimes run.h5 --curves both --format json
        """)

    @Argument(help: ArgumentHelp("Traces or long tables.", valueName: "INPUT"))
    var inputs: [String] = []
    @OptionGroup var selection: SeriesSelection
    @Option(help: "Curves whose common decay defines the late regime: signal (default), noise or both.")
    var curves: CurveSelection = .signal
    @Option(help: "Decay model of the onset test: nested (default), power, exponential or stretched.")
    var model: CoolingModel = .nested
    @Option(parsing: .unconditional, help: ArgumentHelp("ΔAIC threshold of the onset criterion.", valueName: "D"))
    var threshold: Double = 2
    @Option(parsing: .unconditional, help: ArgumentHelp("About how many window starts the onset test tries.", valueName: "N"))
    var candidates: Int = 20
    @Option(help: "Output: table (default) or json.")
    var format: AnalysisOutputFormat = .table

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input: \(AnalysisInput.formats)") }
        guard threshold.isFinite else { throw ValidationError("--threshold takes a finite ΔAIC") }
        guard candidates >= 1 else { throw ValidationError("--candidates must be at least 1") }
        guard format != .csv else { throw ValidationError("--format takes table or json for regimes") }
    }

    func run() throws {
        let runs = try AnalysisInput.load(inputs, request: try selection.request())
        var options = RegimeOptions()
        options.curves = curves
        options.model = model
        options.threshold = threshold
        options.candidateCount = candidates
        let report = try RegimesReport(runs: runs, options: options)
        for note in report.notes { printError("note: \(note)") }
        switch format {
        case .json: try printJSON(report)
        default: print(report.table(), terminator: "")
        }
    }
}

extension CurveSelection: ExpressibleByArgument {}
extension CoolingModel: ExpressibleByArgument {}

/// The regime analysis of some runs and how it prints.
struct RegimesReport: Encodable {
    /// The inputs, with their resolution.
    struct Input: Encodable {
        var path: String
        var run: String
        var kind: String
        var resolution: String
        var positions: Int
        var first: Double?
        var last: Double?

        /// "200 epochs (1 … 200)" or "500 windows of 4 steps (epochs 0.04 … 20)".
        var extent: String {
            let plural = positions == 1 ? "" : "s"
            let span = first.map { "\(formatNumber($0)) … \(formatNumber(last ?? $0))" } ?? ""
            if resolution.hasPrefix("per window of ") {
                return "\(positions) window\(plural) of \(resolution.dropFirst("per window of ".count))" + (span.isEmpty ? "" : " (epochs \(span))")
            }
            return "\(positions) epoch\(plural)" + (span.isEmpty ? "" : " (\(span))")
        }
    }
    var inputs: [Input]
    var resolution: String
    var analysis: RegimeAnalysis
    /// Notes about the inputs (quantities not available, steps left out).
    var notes: [String]

    /// Runs the analysis on `runs`' series (run labels only when there are several).
    init(runs: [RunStatistics], options: RegimeOptions) throws {
        let labelled = runs.count > 1
        var series: [RegimeSeries] = []
        for run in runs { series += try run.regimeSeries(run: labelled ? run.label : nil) }
        inputs = runs.map { run in
            let positions = run.layers.first?.positions ?? []
            return Input(path: run.path, run: run.label, kind: run.kind, resolution: run.resolution.description,
                         positions: positions.count, first: positions.first, last: positions.last)
        }
        let resolutions = Set(runs.map(\.resolution.description))
        resolution = resolutions.count == 1 ? resolutions.first! : resolutions.sorted().joined(separator: " and ")
        analysis = regimeAnalysis(series, options: options)
        notes = runs.flatMap(\.notes)
        if runs.contains(where: { $0.layers.contains { $0.weightSignalToNoise == nil } }) && !notes.contains(where: { $0.contains("per-weight") }) {
            notes.append("the per-weight SNR ‖μ‖/‖√v‖ is not in these inputs; crossings are found on the layer-mean S/σ only")
        }
    }

    /// The table: a summary line per layer, the evidence, then the onset test candidate by candidate.
    func table() -> String {
        var out = ""
        for input in inputs {
            out += "# \(input.path) (\(input.kind)): \(input.extent)\n"
        }
        let perWeight = analysis.layers.contains { $0.regimes.crossings.count > 1 }
        var lines = [["layer", "signal peak", "SNR = 1 (S/σ)"] + (perWeight ? ["SNR = 1 (‖μ‖/‖√v‖)"] : [])]
        func crossingCell(_ c: SNRCrossing?) -> String {
            guard let c else { return "—" }
            if let p = c.position, c.found { return formatNumber((p * 1000).rounded() / 1000) }
            return c.note.contains("already") ? "not found (≤ 1 from the start)" : "not found (stays > 1)"
        }
        for layer in analysis.layers {
            let r = layer.regimes
            let peak = r.signalPeak.atFirstPoint ? "\(formatNumber(r.signalPeak.position)) (first point)" : formatNumber(r.signalPeak.position)
            var cells = [(layer.run.map { "\($0) " } ?? "") + r.layer, peak, crossingCell(r.crossings.first)]
            if perWeight { cells.append(crossingCell(r.crossings.count > 1 ? r.crossings[1] : nil)) }
            lines.append(cells)
        }
        out += "\nregimes \(resolution)\n" + alignedColumns(lines)
        out += "\nevidence\n"
        for layer in analysis.layers {
            let name = (layer.run.map { "run \($0) " } ?? "") + "layer \(layer.regimes.layer)"
            out += "  \(name): \(layer.regimes.signalPeak.note)\n"
            for c in layer.regimes.crossings { out += "  \(name): \(c.note)\n" }
        }
        let o = analysis.options
        out += "\nlate common regime (\(o.model.displayName) decay, \(o.curves == .both ? "signal and noise" : o.curves.rawValue) curves)\n"
        if let onset = analysis.onset {
            out += "  criterion: \(onset.criterion)\n"
            out += "  candidate starts from the latest signal peak (\(formatNumber(analysis.searchFrom ?? .nan)))\n"
            var rows = [["start", "points", "ΔAIC", "ΔBIC", "p (F test)", "holds"]]
            for c in onset.candidates {
                rows.append([formatNumber(c.start), String(c.pointCount), formatCell(c.deltaAIC), formatCell(c.deltaBIC),
                             formatCell(c.pValue), c.error.map { "no: \($0)" } ?? (c.holds ? "yes" : "no")])
            }
            out += alignedColumns(rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        if analysis.leftOut > 0 {
            out += "  \(analysis.leftOut) point\(analysis.leftOut == 1 ? "" : "s") with non-positive or non-finite values left out of the onset fits\n"
        }
        out += (analysis.commonOnset.map { "e* = \(formatNumber($0)): " } ?? "e* not found: ") + analysis.onsetNote + "\n"
        return out
    }
}
