import NumericCore
import Analysis
import Foundation

/// The temperature study (`thermo temperature`): per run, layer and position the signal S_l, the noise σ_l, the
/// temperature T_l = σ_l², the layer-mean SNR S_l/σ_l and, when recorded, the per-weight SNR ‖μ_l‖/‖√v_l‖ and
/// the spread log10(q_high/q_low) of the per-weight temperatures, as columns of a report.
public func temperatureStudy(_ runs: [RunSeries]) -> TemperatureReport { TemperatureReport(runs) }

/// What `thermo temperature` prints: per run and layer, columns of values along the positions.
public struct TemperatureReport: Codable, Sendable {
    /// One layer's columns.
    public struct Layer: Codable, Sendable {
        /// The layer's label ("3", or "conv1" in a network with convolutions).
        public var layer: String
        /// The layer number l from 1, when known: the long table's `layer` column (the label goes in `label`).
        public var number: Int?
        /// Epochs (for windows: last step / M).
        public var epoch: [Double]
        /// Last step of each epoch or window.
        public var lastStep: [Int]?
        /// M, the steps of each epoch or window.
        public var steps: [Int]?
        /// S_l = (1/M) Σ_t s_l(t) per position (empty: no signal column).
        public var signal: [Double]
        /// σ_l, the population standard deviation of s_l(t) over the M steps (empty: no noise column).
        public var noise: [Double]
        /// T_l = σ_l², or a table's own temperature column (empty: neither).
        public var temperature: [Double]
        /// S/σ (inf when σ = 0).
        public var signalToNoise: [Double]
        /// ‖μ_l‖/‖√v_l‖ and the norms, per epoch (moments only).
        public var weightSignalToNoise: [Double]?
        /// ‖μ_l‖₂ per epoch.
        public var meanGradientNorm: [Double]?
        /// ‖√v_l‖₂ per epoch.
        public var gradientStdNorm: [Double]?
        /// (1/N_l) Σ_ω v_ω.
        public var weightTemperatureMean: [Double]?
        /// The quantile levels p and the quantiles of v_ω per level ("q5": [...]).
        public var weightTemperatureQuantiles: [String: [Double]]?
        /// log10(q_max / q_min) of the per-weight temperatures, in decades (inf when the lower quantile is 0).
        public var spreadDecades: [Double]?
    }
    /// One run (input).
    public struct Run: Codable, Sendable {
        /// The input file.
        public var input: String
        /// The run's label: the table's run column, else the file's base name.
        public var run: String
        /// "trace" or "table".
        public var kind: String
        /// "per epoch" or "per window of N steps".
        public var resolution: String
        /// N, the steps of each window (nil: per epoch).
        public var windowSteps: Int?
        /// M of the trace (nil for tables).
        public var stepsPerEpoch: Int?
        /// What the trace records (nil for tables).
        public var recording: [String]?
        /// Things the reader should know (quantities not available, steps left out).
        public var notes: [String]
        /// The layers, in order.
        public var layers: [Layer]
    }
    /// The definitions of the columns, in words.
    public var definitions: [String: String] = [
        "signal": "S_l = (1/M) sum_t s_l(t), s_l(t) = mean |dL/dw| over the layer's weights",
        "noise": "sigma_l = population standard deviation of s_l(t) over the M steps",
        "temperature": "T_l = sigma_l^2",
        "signalToNoise": "S_l / sigma_l (layer-mean SNR)",
        "weightSignalToNoise": "||mu_l||_2 / ||sqrt(v_l)||_2 (per-weight SNR)",
        "weightTemperatureQuantiles": "quantiles of the per-weight gradient variances v_w over the layer's weights",
        "spreadDecades": "log10(q_high / q_low) of the per-weight temperatures",
    ]
    /// One entry per input, in order.
    public var runs: [Run]

    /// Quantile level p as a column name: 0.05 → "q5", 0.025 → "q2.5".
    public static func quantileName(_ p: Double) -> String { "q" + formatNumber((p * 1000).rounded() / 10) }

    /// The report of `statistics`: their columns, the quantiles named "q5", …, and the spread log10(q_high/q_low).
    public init(_ statistics: [RunSeries]) {
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
                    // +∞ when only q5 is 0; NaN when both are 0 (every v_ω 0: no spread to speak of) or either is NaN.
                    spread = zip(low, high).map { lo, hi in lo > 0 ? log10(hi / lo) : (hi > 0 ? .infinity : .nan) }
                }
                return Layer(layer: s.layer, number: s.number, epoch: s.positions, lastStep: s.lastSteps, steps: s.stepCounts, signal: s.signal ?? [],
                             noise: noise, temperature: s.temperature ?? [], signalToNoise: s.signalToNoise ?? [],
                             weightSignalToNoise: s.weightSignalToNoise, meanGradientNorm: s.meanGradientNorm,
                             gradientStdNorm: s.gradientStdNorm, weightTemperatureMean: s.weightTemperatureMean,
                             weightTemperatureQuantiles: quantiles, spreadDecades: spread)
            })
        }
    }

    /// The quantile names of a layer, in level order.
    public static func quantileColumns(_ layer: Layer) -> [String] {
        (layer.weightTemperatureQuantiles?.keys.map { $0 } ?? []).sorted { Double($0.dropFirst())! < Double($1.dropFirst())! }
    }

    /// Rows ordered by position, then layer: (run, layer, index).
    public func rows(_ run: Run) -> [(Layer, Int)] {
        var rows: [(Layer, Int, Double, Int)] = []
        for (k, layer) in run.layers.enumerated() {
            for i in layer.epoch.indices { rows.append((layer, i, layer.epoch[i], k)) }
        }
        rows.sort { ($0.2, $0.3) < ($1.2, $1.3) }
        return rows.map { ($0.0, $0.1) }
    }

    /// A fixed-width table per run, with a header saying what each column is.
    public func table() -> String {
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

    /// Whether some layer's label is not its number (a network with convolutions: "conv1", "fc1"), so that the
    /// long table needs a `label` column beside the numeric `layer` one to read back.
    var hasNamedLayers: Bool {
        runs.contains { run in run.layers.contains { layer in layer.number.map(String.init) != layer.layer } }
    }

    /// A long table: one row per (run, position, layer), every column that the inputs have. The `layer` column
    /// holds the layer number; layers named otherwise ("conv1") add a `label` column after it, so that the table
    /// reads back (`LongTable`) with the names kept.
    public func csv() -> String {
        let several = runs.count > 1
        let named = hasNamedLayers
        var out = ""
        var headerWritten = false
        for run in runs {
            let quantileNames = run.layers.first.map(Self.quantileColumns) ?? []
            let perWeight = run.layers.contains { $0.weightSignalToNoise != nil }
            var header = (several ? ["run"] : []) + ["epoch"] + (run.layers.first?.lastStep != nil ? ["step", "steps"] : [])
                + ["layer"] + (named ? ["label"] : []) + ["signal", "noise", "temperature", "snr"]
            if perWeight {
                header += ["weight_snr", "mean_gradient_norm", "gradient_std_norm", "weight_temperature_mean"] + quantileNames + ["spread_decades"]
            }
            if !headerWritten { out += header.joined(separator: ",") + "\n"; headerWritten = true }
            for (layer, i) in rows(run) {
                var cells = (several ? [run.run] : []) + [csvNumber(layer.epoch[i])]
                if let lastStep = layer.lastStep, let steps = layer.steps { cells += [String(lastStep[i]), String(steps[i])] }
                cells += [layer.number.map(String.init) ?? layer.layer] + (named ? [layer.layer] : [])
                cells += [layer.signal[i], layer.noise[i], layer.temperature[i], layer.signalToNoise[i]].map(csvNumber)
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
