import Analysis
import ArgumentParser
import Foundation

/// `thermo temperature TRACE`: per layer and epoch (or window of steps) the signal, noise, temperature, both
/// signal-to-noise ratios and the spread of the per-weight temperatures.
struct TemperatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "temperature",
        abstract: "Per layer and epoch: signal S, noise σ, temperature T = σ², both SNRs and the spread of per-weight temperatures.",
        discussion: """
        S_l = mean_t s_l(t), σ_l = the population standard deviation of s_l(t) over the epoch's M steps, T_l = σ_l², \
        SNR = S_l/σ_l (the layer-mean SNR); with the 'moments' recording also the per-weight SNR ‖μ_l‖/‖√v_l‖, the \
        norms ‖μ_l‖ and ‖√v_l‖, the mean of the per-weight temperatures v_ω, their quantiles q5 … q95 and their \
        spread log10(q95/q5) in decades (docs/analysis.md).

        --window N forms S, σ, T and SNR over consecutive windows of N optimizer steps from the per-step record \
        instead of epochs (the per-weight quantities exist per epoch only); a window's position is the epoch at \
        its last step, t/M. The per-step record is read in blocks, never whole.

        --format csv writes a long table (epoch, layer, signal, noise, …) that 'thermo fit-cooling', \
        'thermo regimes' and 'thermo plot' read back.

        Examples:
          thermo temperature run.h5
          thermo temperature run.h5 --layers 1,3 --epochs 40:120 --format csv > late.csv
          thermo temperature run.h5 --window 50 --epochs :3
        """)

    @Argument(help: ArgumentHelp("The trace (or a CSV/TSV long table with epoch, layer, signal, noise).", valueName: "TRACE"))
    var input: String
    @OptionGroup var selection: SeriesSelection
    @Option(help: "Output: table (default), csv or json.")
    var format: AnalysisOutputFormat = .table

    func run() throws {
        let runs = try AnalysisInput.load([input], request: try selection.request())
        for run in runs { for note in run.notes { printError("note: \(note)") } }
        let report = TemperatureReport(runs)
        switch format {
        case .table: print(report.table(), terminator: "")
        case .csv: print(report.csv(), terminator: "")
        case .json: try printJSON(report)
        }
    }
}

/// `--format` of the analysis commands.
enum AnalysisOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// What `thermo temperature` prints: per run and layer, columns of values along the positions.
struct TemperatureReport: Encodable {
    /// One layer's columns.
    struct Layer: Encodable {
        var layer: String
        /// Epochs (for windows: last step / M).
        var epoch: [Double]
        /// Last step of each epoch or window.
        var lastStep: [Int]?
        /// M, the steps of each epoch or window.
        var steps: [Int]?
        var signal: [Double]
        var noise: [Double]
        var temperature: [Double]
        /// S/σ (inf when σ = 0).
        var signalToNoise: [Double]
        /// ‖μ_l‖/‖√v_l‖ and the norms, per epoch (moments only).
        var weightSignalToNoise: [Double]?
        var meanGradientNorm: [Double]?
        var gradientStdNorm: [Double]?
        /// (1/N_l) Σ_ω v_ω.
        var weightTemperatureMean: [Double]?
        /// The quantile levels p and the quantiles of v_ω per level ("q5": [...]).
        var weightTemperatureQuantiles: [String: [Double]]?
        /// log10(q_max / q_min) of the per-weight temperatures, in decades (inf when the lower quantile is 0).
        var spreadDecades: [Double]?
    }
    /// One run (input).
    struct Run: Encodable {
        var input: String
        var run: String
        var kind: String
        /// "per epoch" or "per window of N steps".
        var resolution: String
        var windowSteps: Int?
        var stepsPerEpoch: Int?
        var recording: [String]?
        var notes: [String]
        var layers: [Layer]
    }
    /// The definitions of the columns, in words.
    var definitions: [String: String] = [
        "signal": "S_l = (1/M) sum_t s_l(t), s_l(t) = mean |dL/dw| over the layer's weights",
        "noise": "sigma_l = population standard deviation of s_l(t) over the M steps",
        "temperature": "T_l = sigma_l^2",
        "signalToNoise": "S_l / sigma_l (layer-mean SNR)",
        "weightSignalToNoise": "||mu_l||_2 / ||sqrt(v_l)||_2 (per-weight SNR)",
        "weightTemperatureQuantiles": "quantiles of the per-weight gradient variances v_w over the layer's weights",
        "spreadDecades": "log10(q_high / q_low) of the per-weight temperatures",
    ]
    var runs: [Run]

    /// Quantile level p as a column name: 0.05 → "q5", 0.025 → "q2.5".
    static func quantileName(_ p: Double) -> String { "q" + formatNumber((p * 1000).rounded() / 10) }

    init(_ statistics: [RunStatistics]) {
        runs = statistics.map { run in
            let windowSteps: Int? = if case .windows(let n) = run.resolution { n } else { nil }
            return Run(input: run.path, run: run.label, kind: run.kind, resolution: run.resolution.description,
                       windowSteps: windowSteps, stepsPerEpoch: run.stepsPerEpoch, recording: run.recording,
                       notes: run.notes, layers: run.layers.map { s in
                let noise = s.noise ?? []
                var quantiles: [String: [Double]]? = nil
                var spread: [Double]? = nil
                if !s.quantileLevels.isEmpty {
                    quantiles = Dictionary(uniqueKeysWithValues: zip(s.quantileLevels.map(Self.quantileName), s.quantiles))
                    let low = s.quantiles.first!, high = s.quantiles.last!
                    spread = zip(low, high).map { lo, hi in lo > 0 ? log10(hi / lo) : (hi > 0 ? .infinity : 0) }
                }
                return Layer(layer: s.layer, epoch: s.positions, lastStep: s.lastSteps, steps: s.stepCounts, signal: s.signal,
                             noise: noise, temperature: s.temperature ?? [], signalToNoise: s.signalToNoise ?? [],
                             weightSignalToNoise: s.weightSignalToNoise, meanGradientNorm: s.meanGradientNorm,
                             gradientStdNorm: s.gradientStdNorm, weightTemperatureMean: s.weightTemperatureMean,
                             weightTemperatureQuantiles: quantiles, spreadDecades: spread)
            })
        }
    }

    /// The quantile names of a layer, in level order.
    static func quantileColumns(_ layer: Layer) -> [String] {
        (layer.weightTemperatureQuantiles?.keys.map { $0 } ?? []).sorted { Double($0.dropFirst())! < Double($1.dropFirst())! }
    }

    /// Rows ordered by position, then layer: (run, layer, index).
    func rows(_ run: Run) -> [(Layer, Int)] {
        var rows: [(Layer, Int, Double, Int)] = []
        for (k, layer) in run.layers.enumerated() {
            for i in layer.epoch.indices { rows.append((layer, i, layer.epoch[i], k)) }
        }
        rows.sort { ($0.2, $0.3) < ($1.2, $1.3) }
        return rows.map { ($0.0, $0.1) }
    }

    /// A fixed-width table per run, with a header saying what each column is.
    func table() -> String {
        var out = ""
        for run in runs {
            let first = run.layers.first
            let positions = first?.epoch ?? []
            let groups = run.windowSteps.map { "window\(positions.count == 1 ? "" : "s") of \($0) steps" } ?? "epoch\(positions.count == 1 ? "" : "s")"
            out += "# \(run.input) (\(run.kind)): \(positions.count) \(groups)"
                + (positions.isEmpty ? "" : " (\(run.windowSteps == nil ? "" : "epochs ")\(formatNumber(positions.first!)) … \(formatNumber(positions.last!)))")
                + ", \(run.layers.count) layer\(run.layers.count == 1 ? "" : "s")"
                + (run.stepsPerEpoch.map { ", M = \($0) steps per epoch" } ?? "")
                + (run.recording.map { "; recorded: \($0.joined(separator: ", "))" } ?? "") + "\n"
            let perWeight = run.layers.contains { $0.weightSignalToNoise != nil }
            out += "# S = signal, σ = noise (population std over steps), T = σ², SNR = S/σ"
                + (perWeight ? ", SNR_w = ‖μ‖/‖√v‖ (per-weight), v q5 … q95 = quantiles of the per-weight temperatures, spread = log10(q95/q5) decades" : "") + "\n"
            var header = ["epoch"] + (run.windowSteps != nil ? ["step"] : []) + ["layer", "S", "σ", "T", "SNR"]
            let quantileNames = first.map(Self.quantileColumns) ?? []
            let shownQuantiles = quantileNames.filter { ["q5", "q50", "q95"].contains($0) }
            if perWeight { header += ["SNR_w"] + shownQuantiles.map { "v \($0)" } + ["spread"] }
            var lines = [header]
            for (layer, i) in rows(run) {
                var cells = [formatNumber(layer.epoch[i])]
                if run.windowSteps != nil { cells.append(layer.lastStep.map { String($0[i]) } ?? "—") }
                cells += [layer.layer, formatCell(layer.signal[i]), formatCell(layer.noise[i]), formatCell(layer.temperature[i]),
                          formatCell(layer.signalToNoise[i])]
                if perWeight {
                    cells.append(formatCell(layer.weightSignalToNoise?[i]))
                    for name in shownQuantiles { cells.append(formatCell(layer.weightTemperatureQuantiles?[name]?[i])) }
                    cells.append(formatCell(layer.spreadDecades?[i]))
                }
                lines.append(cells)
            }
            out += alignedColumns(lines)
        }
        return out
    }

    /// A long table: one row per (run, position, layer), every column that the inputs have.
    func csv() -> String {
        let several = runs.count > 1
        var out = ""
        var headerWritten = false
        for run in runs {
            let quantileNames = run.layers.first.map(Self.quantileColumns) ?? []
            let perWeight = run.layers.contains { $0.weightSignalToNoise != nil }
            var header = (several ? ["run"] : []) + ["epoch"] + (run.layers.first?.lastStep != nil ? ["step", "steps"] : [])
                + ["layer", "signal", "noise", "temperature", "snr"]
            if perWeight {
                header += ["weight_snr", "mean_gradient_norm", "gradient_std_norm", "weight_temperature_mean"] + quantileNames + ["spread_decades"]
            }
            if !headerWritten { out += header.joined(separator: ",") + "\n"; headerWritten = true }
            for (layer, i) in rows(run) {
                var cells = (several ? [run.run] : []) + [csvNumber(layer.epoch[i])]
                if let lastStep = layer.lastStep, let steps = layer.steps { cells += [String(lastStep[i]), String(steps[i])] }
                cells += [layer.layer] + [layer.signal[i], layer.noise[i], layer.temperature[i], layer.signalToNoise[i]].map(csvNumber)
                if perWeight {
                    cells += [layer.weightSignalToNoise?[i], layer.meanGradientNorm?[i], layer.gradientStdNorm?[i],
                              layer.weightTemperatureMean?[i]].map { $0.map(csvNumber) ?? "nan" }
                    cells += quantileNames.map { (layer.weightTemperatureQuantiles?[$0]?[i]).map(csvNumber) ?? "nan" }
                    cells.append((layer.spreadDecades?[i]).map(csvNumber) ?? "nan")
                }
                out += cells.joined(separator: ",") + "\n"
            }
        }
        return out
    }
}

/// A number for CSV: the shortest representation that reads back exactly ("inf", "nan" for non-finite).
func csvNumber(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}

/// Lines of cells padded to aligned columns (two spaces apart), each line ending in a newline.
func alignedColumns(_ lines: [[String]]) -> String {
    let columns = lines.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for line in lines { for (j, cell) in line.enumerated() { widths[j] = max(widths[j], cell.count) } }
    var out = ""
    for line in lines {
        for (j, cell) in line.enumerated() {
            out += cell
            if j < line.count - 1 { out += String(repeating: " ", count: widths[j] - cell.count + 2) }
        }
        out += "\n"
    }
    return out
}
