import Foundation

/// One training run of a sweep over the smoothing radius R: its loss, layer set U, R, y, seed and accuracies.
public struct SweepPoint: Sendable, Equatable {
    /// "ce", "pla" or "plea".
    public var loss: String
    /// U, the smoothed weight layers (1-based, any order).
    public var layers: [Int]
    /// R, the half-edge of the hypercube.
    public var radius: Double
    /// y, the number of displaced samples.
    public var samples: Int
    /// The run's seed, if known (runs are averaged over seeds).
    public var seed: UInt64?
    /// Best and final test accuracy, as fractions in [0, 1].
    public var best: Double
    public var final: Double

    /// A run's point.
    public init(loss: String, layers: [Int], radius: Double, samples: Int, seed: UInt64? = nil, best: Double, final: Double) {
        self.loss = loss
        self.layers = layers
        self.radius = radius
        self.samples = samples
        self.seed = seed
        self.best = best
        self.final = final
    }

    /// Whether the run is plain cross-entropy (ce, R = 0 or y = 0: eq. 4), the sweep's baseline.
    public var isBaseline: Bool { loss == "ce" || radius == 0 || samples == 0 || layers.isEmpty }
}

/// Mean and sample standard deviation of best and final accuracy over the seeds of one (loss, U, y, R).
public struct SweepAggregate: Sendable, Equatable {
    public var radius: Double
    /// The number of runs (seeds) averaged.
    public var count: Int
    public var bestMean: Double
    /// Sample standard deviation (n − 1); 0 for a single run.
    public var bestDeviation: Double
    public var finalMean: Double
    public var finalDeviation: Double

    init(radius: Double, _ points: [SweepPoint]) {
        self.radius = radius
        count = points.count
        (bestMean, bestDeviation) = meanAndDeviation(points.map(\.best))
        (finalMean, finalDeviation) = meanAndDeviation(points.map(\.final))
    }
}

/// One line of the sweep figure: a loss, a layer set and a sample count, over R.
public struct SweepSeries: Sendable, Equatable {
    public var loss: String
    /// U, sorted.
    public var layers: [Int]
    public var samples: Int
    /// One aggregate per R, increasing.
    public var points: [SweepAggregate]
}

/// The paper's Figures 3–5: best and final test accuracy against the smoothing radius R, one line per layer set
/// U (and per y when several are present: y = 4 darker with filled markers, y = 8 lighter with open ones), with
/// error bars of one standard deviation over seeds. One row of panels per loss (PLA, PLEA). Layer sets within
/// {1, 2, 3} follow the paper's RGB nomenclature (red = layer 1, green = 2, blue = 3, mixed for sets) in
/// Okabe–Ito's colours, and differ also by dash and marker. Cross-entropy runs (R = 0) are drawn as a horizontal
/// reference with a ±1 s.d. band. R is on a logarithmic axis when it spans a factor of 20 or more.
public struct SweepFigure: Figure {
    /// Every run.
    public var points: [SweepPoint]

    /// A figure of `points`.
    public init(points: [SweepPoint]) {
        self.points = points
    }

    /// "sweep", as in `thermo plot sweep`.
    public var name: String { "sweep" }

    /// The lines: runs grouped by (loss, U, y), aggregated over seeds per R; ordered by loss, then by the size and
    /// members of U, then by y.
    public var series: [SweepSeries] {
        struct Key: Hashable { let loss: String, layers: [Int], samples: Int }
        var groups: [Key: [SweepPoint]] = [:]
        for p in points where !p.isBaseline {
            groups[Key(loss: p.loss, layers: Array(Set(p.layers)).sorted(), samples: p.samples), default: []].append(p)
        }
        return groups.map { key, runs in
            let byRadius = Dictionary(grouping: runs, by: \.radius)
            return SweepSeries(loss: key.loss, layers: key.layers, samples: key.samples,
                               points: byRadius.keys.sorted().map { SweepAggregate(radius: $0, byRadius[$0]!) })
        }.sorted { a, b in
            if a.loss != b.loss { return a.loss < b.loss }
            if a.layers != b.layers { return a.layers.count != b.layers.count ? a.layers.count < b.layers.count : a.layers.lexicographicallyPrecedes(b.layers) }
            return a.samples < b.samples
        }
    }

    /// The cross-entropy runs aggregated over seeds (nil when there are none).
    public var baseline: SweepAggregate? {
        let runs = points.filter(\.isBaseline)
        return runs.isEmpty ? nil : SweepAggregate(radius: 0, runs)
    }

    var losses: [String] { Array(Set(series.map(\.loss))).sorted() }

    /// The size used when `--size` is not given.
    public func defaultSize(_ options: FigureOptions) -> FigureSize {
        FigureSize(width: 17, height: 6.5 * Double(max(1, losses.count)) + 0.8)
    }

    /// Writes the panels, data tables and plot commands (see the type's documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        let all = series
        guard !all.isEmpty else {
            throw .invalidData(figure: name, reason: "no smoothing run (PLA or PLEA with R > 0 and y > 0) among the \(points.count) runs")
        }
        for p in points where !(p.best.isFinite && p.final.isFinite) || !p.radius.isFinite {
            throw .invalidData(figure: name, reason: "a run (\(p.loss) U={\(p.layers.map(String.init).joined(separator: ","))} R=\(p.radius)) has a non-finite accuracy or radius")
        }
        let axis = try radiusAxis(&figure, all)
        let style = SweepLineStyle(all)
        let baselineFile = baselineTable(axis).map { figure.data($0) }

        let losses = self.losses
        figure.beginMultiplot(title: figure.title(fallback: nil))
        let keyLines = Array(Set(all.map { KeyLine(layers: $0.layers, samples: $0.samples) }))
            .sorted { a, b in a.layers != b.layers ? (style.sets.firstIndex(of: a.layers)! < style.sets.firstIndex(of: b.layers)!) : a.samples < b.samples }
        figure.reserveKeyStrip(entries: keyLines.count + (baselineFile == nil ? 0 : 1))
        for (r, loss) in losses.enumerated() {
            lossPanels(&figure, loss: loss, row: r, rows: losses.count, lines: all.filter { $0.loss == loss }, axis: axis,
                       style: style, baselineFile: baselineFile)
        }
        var keys: [String] = []
        if baselineFile != nil {
            keys.append("NaN with lines lw 1.2 lc rgb '\(Palette.grey)' dt 3 title \(figure.quoted(.markup("cross-entropy (R = 0)", latex: "cross-entropy ($R = 0$)")))")
        }
        for line in keyLines {
            let (colour, dash, pt) = style(line.layers, line.samples)
            keys.append("NaN with linespoints lw 1.5 lc rgb '\(colour)' dt \(dash) pt \(pt) ps 0.6 title \(figure.quoted(.literal(keyLabel(line, withSamples: style.sampleCounts.count > 1))))")
        }
        figure.keyStrip(keys)
    }

    /// The R axis of every panel: logarithmic (by default when R spans a factor 20 or more), its padded range and
    /// the radii's extremes.
    private func radiusAxis(_ figure: inout FigureBuilder, _ all: [SweepSeries]) throws(FigureError) -> (logx: Bool, range: AxisRange, rMin: Double, rMax: Double) {
        let radii = all.flatMap { $0.points.map(\.radius) }
        let rMin = radii.min()!, rMax = radii.max()!
        let logx = figure.options.logx ?? (rMin > 0 && rMax / rMin >= 20)
        if logx {
            try figure.checkLogRange(figure.options.xrange)
            guard rMin > 0 else { throw .invalidOption(option: "--logx", reason: "needs R > 0 in every smoothing run; the smallest is \(rMin)") }
        }
        let padded: AxisRange = figure.options.xrange ?? {
            if rMin == rMax { return AxisRange(lower: logx ? rMin / 2 : rMin - max(abs(rMin) * 0.5, 0.5), upper: logx ? rMax * 2 : rMax + max(abs(rMax) * 0.5, 0.5)) }
            if logx { let f = pow(rMax / rMin, 0.05); return AxisRange(lower: rMin / f, upper: rMax * f) }
            let pad = 0.05 * (rMax - rMin)
            return AxisRange(lower: max(0, rMin - pad), upper: rMax + pad)
        }()
        return (logx, padded, rMin, rMax)
    }

    /// The cross-entropy band, at both ends of the R axis, when there are cross-entropy runs.
    private func baselineTable(_ axis: (logx: Bool, range: AxisRange, rMin: Double, rMax: Double)) -> DataTable? {
        guard let base = baseline else { return nil }
        var t = DataTable(part: "baseline", description: [
            "cross-entropy runs (R = 0): mean and sample s.d. over \(base.count) run\(base.count == 1 ? "" : "s"), accuracies in %, at both ends of the R axis",
        ], columns: ["R", "runs", "best_mean", "best_sd", "final_mean", "final_sd"])
        let row = { (r: Double) in [r, Double(base.count), 100 * base.bestMean, 100 * base.bestDeviation, 100 * base.finalMean, 100 * base.finalDeviation] }
        t.append("cross-entropy", rows: [row(axis.range.lower ?? axis.rMin), row(axis.range.upper ?? axis.rMax)])
        return t
    }

    /// One loss's row of panels: best and final test accuracy against R, one line per layer set and sample count,
    /// over the cross-entropy band.
    private func lossPanels(_ figure: inout FigureBuilder, loss: String, row r: Int, rows: Int, lines: [SweepSeries],
                            axis: (logx: Bool, range: AxisRange, rMin: Double, rMax: Double), style: SweepLineStyle,
                            baselineFile: String?) {
        var table = DataTable(part: loss, description: [
            "\(loss.uppercased()) runs by layer set U and sample count y: R, runs averaged, mean and sample s.d. of best and final test accuracy (%)",
        ], columns: ["R", "runs", "best_mean", "best_sd", "final_mean", "final_sd"])
        for line in lines {
            table.append(seriesLabel(line, withSamples: true), rows: line.points.map {
                [$0.radius, Double($0.count), 100 * $0.bestMean, 100 * $0.bestDeviation, 100 * $0.finalMean, 100 * $0.finalDeviation]
            })
        }
        let file = figure.data(table)
        for (c, column) in ["best", "final"].enumerated() {
            figure.panel(row: r, column: c, rows: rows, columns: 2)
            figure.resetPanel()
            let lossName = loss.uppercased()
            figure.add("set title \(figure.quoted(literal: "\(lossName): \(column) test accuracy"))")
            figure.axis("x", label: .markup("radius R", latex: "radius $R$"), log: axis.logx, range: axis.range, span: (axis.rMin, axis.rMax))
            figure.axis("y", label: c == 0 ? "test accuracy (%)" : nil, log: figure.options.logy ?? false)
            figure.add("unset key")
            var clauses: [String] = []
            if let baselineFile {
                let m = c == 0 ? 3 : 5
                clauses.append("\(baselineFile) using 1:(column(\(m)) - column(\(m + 1))):(column(\(m)) + column(\(m + 1))) with filledcurves fc rgb '\(Palette.grey)' fs transparent solid 0.15 noborder notitle")
                clauses.append("\(baselineFile) using 1:\(m) with lines lw 1.2 lc rgb '\(Palette.grey)' dt 3 notitle")
            }
            for (i, line) in lines.enumerated() {
                let (colour, dash, pt) = style(line.layers, line.samples)
                let m = c == 0 ? 3 : 5
                clauses.append("\(file) index \(i) using 1:\(m):\(m + 1) with yerrorlines lw 1.5 lc rgb '\(colour)' dt \(dash) pt \(pt) ps 0.6 notitle")
            }
            figure.plot(clauses)
        }
    }

    /// A line of the key: a layer set and a sample count (the same in every loss's panels).
    struct KeyLine: Hashable {
        let layers: [Int]
        let samples: Int
    }

    /// "U = {1,2}", with ", y = 8" when several sample counts are drawn.
    func keyLabel(_ line: KeyLine, withSamples: Bool) -> String {
        "U = {" + line.layers.map(String.init).joined(separator: ",") + "}" + (withSamples ? ", y = \(line.samples)" : "")
    }

    /// "U = {1,2}", with ", y = 8" when several sample counts are drawn.
    func seriesLabel(_ line: SweepSeries, withSamples: Bool) -> String {
        "U = {" + line.layers.map(String.init).joined(separator: ",") + "}" + (withSamples ? ", y = \(line.samples)" : "")
    }
}

/// The colour, dash and point type of a sweep figure's line: one colour and dash per layer set (the paper's RGB
/// colours when every set lies within layers 1–3), lighter colours and open points for further sample counts.
struct SweepLineStyle {
    /// The layer sets, smallest first, and the sample counts, in the order they are styled.
    let sets: [[Int]]
    let sampleCounts: [Int]
    let rgb: Bool

    init(_ all: [SweepSeries]) {
        sets = Array(Set(all.map(\.layers))).sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
        rgb = sets.allSatisfy { set in set.allSatisfy { (1...3).contains($0) } }
        sampleCounts = Array(Set(all.map(\.samples))).sorted()
    }

    /// The colour, dash and point type of the line of `layers` at `samples`.
    func callAsFunction(_ layers: [Int], _ samples: Int) -> (colour: String, dash: String, point: Int) {
        let s = sets.firstIndex(of: layers) ?? 0
        let base = rgb ? (Palette.layerSetColour(layers) ?? Palette.colour(s)) : Palette.colour(s)
        let variant = sampleCounts.firstIndex(of: samples) ?? 0
        let colour = variant == 0 ? base : Palette.lighter(base, min(0.6, 0.4 * Double(variant)))
        return (colour, Palette.dash(s), variant == 0 ? Palette.filledPoint(s) : Palette.openPoint(s))
    }
}

/// The mean and the sample standard deviation (n − 1; 0 for one value).
func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, 0) }
    let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, (ss / Double(values.count - 1)).squareRoot())
}
