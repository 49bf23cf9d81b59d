import NumericCore
import Analysis
import Foundation

/// The regimes study (`thermo regimes`): per layer the signal peak and the SNR = 1 crossings, and the onset e*
/// of the late common regime (`regimeAnalysis`), of every run's layers taken together; σ is required.
public func regimesStudy(_ runs: [RunSeries], options: RegimeOptions) throws(StudyError) -> RegimesReport {
    try RegimesReport(runs: runs, options: options)
}

/// The regime analysis of some runs and how it prints.
public struct RegimesReport: Codable, Sendable {
    /// The inputs, with their resolution.
    public struct Input: Codable, Sendable {
        /// The input file.
        public var path: String
        /// The run's label: the table's run column, else the file's base name.
        public var run: String
        /// "trace" or "table".
        public var kind: String
        /// "per epoch" or "per window of N steps".
        public var resolution: String
        /// The number of positions (epochs or windows) of the first layer.
        public var positions: Int
        /// The first position, in epochs (nil: none).
        public var first: Double?
        /// The last position, in epochs (nil: none).
        public var last: Double?

        /// The input that `run` was read from, with its extent.
        public init(_ run: RunSeries) {
            let positions = run.layers.first?.positions ?? []
            self.init(path: run.path, run: run.label, kind: run.kind, resolution: run.resolution.description,
                      positions: positions.count, first: positions.first, last: positions.last)
        }

        init(path: String, run: String, kind: String, resolution: String, positions: Int, first: Double?, last: Double?) {
            self.path = path
            self.run = run
            self.kind = kind
            self.resolution = resolution
            self.positions = positions
            self.first = first
            self.last = last
        }

        /// "200 epochs (1 … 200)" or "500 windows of 4 steps (epochs 0.04 … 20)".
        public var extent: String {
            let plural = positions == 1 ? "" : "s"
            let span = first.map { "\(formatNumber($0)) … \(formatNumber(last ?? $0))" } ?? ""
            if resolution.hasPrefix("per window of ") {
                return "\(positions) window\(plural) of \(resolution.dropFirst("per window of ".count))" + (span.isEmpty ? "" : " (epochs \(span))")
            }
            return "\(positions) epoch\(plural)" + (span.isEmpty ? "" : " (\(span))")
        }
    }
    /// The runs read, with their resolution and extent.
    public var inputs: [Input]
    /// "per epoch" or "per window of N steps" (both, joined by "and", when the inputs differ).
    public var resolution: String
    /// Signal peaks, SNR = 1 crossings and the onset e* of the late common regime.
    public var analysis: RegimeAnalysis
    /// Notes about the inputs (quantities not available, steps left out).
    public var notes: [String]

    /// Runs the analysis on `runs`' series (run labels only when there are several).
    public init(runs: [RunSeries], options: RegimeOptions) throws(StudyError) {
        let labelled = runs.count > 1
        var series: [RegimeSeries] = []
        for run in runs { series += try run.regimeSeries(run: labelled ? run.label : nil) }
        inputs = runs.map(Input.init)
        let resolutions = Set(runs.map(\.resolution.description))
        resolution = resolutions.count == 1 ? resolutions.first! : resolutions.sorted().joined(separator: " and ")
        analysis = regimeAnalysis(series, options: options)
        notes = runs.flatMap(\.notes)
        if runs.contains(where: { $0.layers.contains { $0.weightSignalToNoise == nil } }) && !notes.contains(where: { $0.contains("per-weight") }) {
            notes.append("the per-weight SNR ‖μ‖/‖√v‖ is not in these inputs; crossings are found on the layer-mean S/σ only")
        }
    }

    /// The table: a summary line per layer, the evidence, then the onset test candidate by candidate.
    public func table() -> String {
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
            let name = (layer.run.map { "run \($0) " } ?? "") + layerTitle(layer.regimes.layer)
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

/// The regimes of one run's layers as the signal figure marks them (`thermo plot signal`): `regimeAnalysis`
/// with its defaults (nested model on the signal curves, ΔAIC ≤ 2) on every layer's S_l and σ_l, σ standing in
/// as S where a table lacks it (`LayerSeries.regimeSeries`); only the signal peaks and e* are used.
public func signalRegimes(_ run: RunSeries) -> RegimeAnalysis {
    regimeAnalysis(run.layers.compactMap { $0.regimeSeries(run: nil) })
}
