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
    /// The final epoch's test accuracy, a fraction in [0, 1].
    public var final: Double
    /// The other settings that tell this run's line apart, e.g. "lr = 0.01" ("" when every run shares them):
    /// runs are averaged only when loss, U, y, R and `variant` agree, so that a point's runs differ in the seed
    /// alone; each variant gets its own line (and cross-entropy reference), named in the key.
    public var variant: String

    /// A run's point.
    public init(loss: String, layers: [Int], radius: Double, samples: Int, seed: UInt64? = nil, best: Double, final: Double,
                variant: String = "") {
        self.loss = loss
        self.layers = layers
        self.radius = radius
        self.samples = samples
        self.seed = seed
        self.best = best
        self.final = final
        self.variant = variant
    }

    /// Whether the run is plain cross-entropy (ce, R = 0 or y = 0: eq. 4), the sweep's baseline.
    public var isBaseline: Bool { loss == "ce" || radius == 0 || samples == 0 || layers.isEmpty }
}

/// Mean and sample standard deviation of best and final accuracy over the seeds of one (loss, U, y, R).
public struct SweepAggregate: Sendable, Equatable {
    /// R, the smoothing radius of the runs averaged.
    public var radius: Double
    /// The number of runs (seeds) averaged.
    public var count: Int
    /// The mean best test accuracy over the runs.
    public var bestMean: Double
    /// Sample standard deviation (n − 1); NaN for a single run, whose spread is unknown (drawn without an error bar).
    public var bestDeviation: Double
    /// The mean final test accuracy over the runs.
    public var finalMean: Double
    /// Sample standard deviation (n − 1) of the final accuracy; NaN for a single run.
    public var finalDeviation: Double

    init(radius: Double, _ points: [SweepPoint]) {
        self.radius = radius
        count = points.count
        (bestMean, bestDeviation) = meanAndDeviation(points.map(\.best))
        (finalMean, finalDeviation) = meanAndDeviation(points.map(\.final))
    }
}

/// One line of the sweep figure: a loss, a layer set, a sample count and a variant of the other settings, over R.
public struct SweepSeries: Sendable, Equatable {
    /// "ce", "pla" or "plea".
    public var loss: String
    /// U, sorted.
    public var layers: [Int]
    /// y, the number of displaced samples.
    public var samples: Int
    /// The other settings the line's runs share (``SweepPoint/variant``).
    public var variant: String
    /// One aggregate per R, increasing.
    public var points: [SweepAggregate]
}

/// The paper's Figures 3–5: best and final test accuracy against the smoothing radius R, one line per layer set
/// U (and per y when several are present: y = 4 darker with filled markers, y = 8 lighter with open ones), with
/// error bars of one standard deviation over seeds. One row of panels per loss (PLA, PLEA). Layer sets within
/// {1, 2, 3} follow the paper's RGB nomenclature (red = layer 1, green = 2, blue = 3, mixed for sets) in
/// Okabe–Ito's colours, and differ also by dash and marker. Cross-entropy runs (R = 0) are drawn as a horizontal
/// reference with a ±1 s.d. band. R is on a logarithmic axis when it spans a factor of 20 or more. Runs that differ
/// in other settings (``SweepPoint/variant``) are never averaged: each variant has its own lines, dashed apart.
public struct SweepFigure: Figure {
    /// Every run.
    public var points: [SweepPoint]

    /// A figure of `points`.
    public init(points: [SweepPoint]) {
        self.points = points
    }

    /// "sweep", as in `thermo plot sweep`.
    public var name: String { "sweep" }

    /// The lines: runs grouped by (loss, U, y, variant), aggregated over seeds per R; ordered by loss, then by the
    /// size and members of U, then by y, then by variant.
    public var series: [SweepSeries] {
        struct Key: Hashable { let loss: String, layers: [Int], samples: Int, variant: String }
        var groups: [Key: [SweepPoint]] = [:]
        for p in points where !p.isBaseline {
            groups[Key(loss: p.loss, layers: Array(Set(p.layers)).sorted(), samples: p.samples, variant: p.variant), default: []].append(p)
        }
        return groups.map { key, runs in
            let byRadius = Dictionary(grouping: runs, by: \.radius)
            return SweepSeries(loss: key.loss, layers: key.layers, samples: key.samples, variant: key.variant,
                               points: byRadius.keys.sorted().map { SweepAggregate(radius: $0, byRadius[$0]!) })
        }.sorted { a, b in
            if a.loss != b.loss { return a.loss < b.loss }
            if a.layers != b.layers { return a.layers.count != b.layers.count ? a.layers.count < b.layers.count : a.layers.lexicographicallyPrecedes(b.layers) }
            return a.samples != b.samples ? a.samples < b.samples : a.variant < b.variant
        }
    }

    /// The cross-entropy runs aggregated over seeds, one aggregate per variant (sorted by variant; empty when
    /// there are none).
    public var baselines: [(variant: String, runs: SweepAggregate)] {
        let byVariant = Dictionary(grouping: points.filter(\.isBaseline), by: \.variant)
        return byVariant.keys.sorted().map { ($0, SweepAggregate(radius: 0, byVariant[$0]!)) }
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
        let bases = baselines
        let style = SweepLineStyle(all, baselineVariants: bases.map(\.variant))
        let baselineFile = baselineTable(bases, axis).map { figure.data($0) }

        let losses = self.losses
        figure.beginMultiplot(title: figure.title(fallback: nil))
        let keyLines = Array(Set(all.map { KeyLine(layers: $0.layers, samples: $0.samples, variant: $0.variant) })).sorted { a, b in
            if a.layers != b.layers { return style.sets.firstIndex(of: a.layers)! < style.sets.firstIndex(of: b.layers)! }
            return a.samples != b.samples ? a.samples < b.samples : a.variant < b.variant
        }
        figure.reserveKeyStrip(entries: keyLines.count + bases.count)
        for (r, loss) in losses.enumerated() {
            lossPanels(&figure, loss: loss, row: r, rows: losses.count, lines: all.filter { $0.loss == loss }, axis: axis,
                       style: style, baselines: bases.map(\.variant), baselineFile: baselineFile)
        }
        var keys: [String] = []
        for variant in bases.map(\.variant) {
            let suffix = variant.isEmpty ? "" : ", \(variant)"
            keys.append("NaN with lines lw 1.2 lc rgb '\(Palette.grey)' dt \(style.baselineDash(variant)) title \(figure.quoted(.markup("cross-entropy (R = 0)", latex: "cross-entropy ($R = 0$)") + .literal(suffix)))")
        }
        for line in keyLines {
            let (colour, dash, pt) = style(line.layers, line.samples, line.variant)
            keys.append("NaN with linespoints lw 1.5 lc rgb '\(colour)' dt \(dash) pt \(pt) ps 0.6 title \(figure.quoted(.literal(lineLabel(layers: line.layers, samples: style.sampleCounts.count > 1 ? line.samples : nil, variant: line.variant))))")
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
        try figure.checkRangeMeetsData(figure.options.xrange, data: radii, what: "radii R")
        let padded: AxisRange = figure.options.xrange ?? {
            if rMin == rMax {
                // One radius: half of it either side (a radius of 0 gets ±0.5), never below R = 0 when R ≥ 0.
                if logx { return AxisRange(lower: rMin / 2, upper: rMax * 2) }
                let pad = rMin == 0 ? 0.5 : abs(rMin) * 0.5
                return AxisRange(lower: rMin >= 0 ? max(0, rMin - pad) : rMin - pad, upper: rMax + pad)
            }
            if logx { let f = pow(rMax / rMin, 0.05); return AxisRange(lower: rMin / f, upper: rMax * f) }
            let pad = 0.05 * (rMax - rMin)
            return AxisRange(lower: max(0, rMin - pad), upper: rMax + pad)
        }()
        return (logx, padded, rMin, rMax)
    }

    /// The cross-entropy bands, one block per variant, at both ends of the R axis, when there are cross-entropy runs.
    private func baselineTable(_ bases: [(variant: String, runs: SweepAggregate)],
                               _ axis: (logx: Bool, range: AxisRange, rMin: Double, rMax: Double)) -> DataTable? {
        guard !bases.isEmpty else { return nil }
        var t = DataTable(part: "baseline", description: [
            "cross-entropy runs (R = 0): mean and sample s.d. (NaN for one run) over the runs, accuracies in %, at both ends of the R axis",
        ], columns: ["R", "runs", "best_mean", "best_sd", "final_mean", "final_sd"])
        for (variant, base) in bases {
            let row = { (r: Double) in [r, Double(base.count), 100 * base.bestMean, 100 * base.bestDeviation, 100 * base.finalMean, 100 * base.finalDeviation] }
            t.append(variant.isEmpty ? "cross-entropy" : "cross-entropy, \(variant)", rows: [row(axis.range.lower ?? axis.rMin), row(axis.range.upper ?? axis.rMax)])
        }
        return t
    }

    /// One loss's row of panels: best and final test accuracy against R, one line per layer set, sample count and
    /// variant, over the cross-entropy bands. Lines and points are drawn apart from the error bars, so that a point
    /// of one run (s.d. NaN) still shows, without a bar.
    private func lossPanels(_ figure: inout FigureBuilder, loss: String, row r: Int, rows: Int, lines: [SweepSeries],
                            axis: (logx: Bool, range: AxisRange, rMin: Double, rMax: Double), style: SweepLineStyle,
                            baselines: [String], baselineFile: String?) {
        var table = DataTable(part: loss, description: [
            "\(loss.uppercased()) runs by layer set U and sample count y: R, runs averaged, mean and sample s.d. (NaN for one run) of best and final test accuracy (%)",
        ], columns: ["R", "runs", "best_mean", "best_sd", "final_mean", "final_sd"])
        for line in lines {
            table.append(lineLabel(layers: line.layers, samples: line.samples, variant: line.variant), rows: line.points.map {
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
            let m = c == 0 ? 3 : 5
            var clauses: [String] = []
            if let baselineFile {
                for (b, variant) in baselines.enumerated() {
                    clauses.append("\(baselineFile) index \(b) using 1:(column(\(m)) - column(\(m + 1))):(column(\(m)) + column(\(m + 1))) with filledcurves fc rgb '\(Palette.grey)' fs transparent solid 0.15 noborder notitle")
                    clauses.append("\(baselineFile) index \(b) using 1:\(m) with lines lw 1.2 lc rgb '\(Palette.grey)' dt \(style.baselineDash(variant)) notitle")
                }
            }
            for (i, line) in lines.enumerated() {
                let (colour, dash, pt) = style(line.layers, line.samples, line.variant)
                clauses.append("\(file) index \(i) using 1:\(m) with linespoints lw 1.5 lc rgb '\(colour)' dt \(dash) pt \(pt) ps 0.6 notitle")
                clauses.append("\(file) index \(i) using 1:\(m):\(m + 1) with yerrorbars lw 1.5 lc rgb '\(colour)' dt 1 pt \(pt) ps 0.6 notitle")
            }
            figure.plot(clauses)
        }
    }

    /// A line of the key: a layer set, a sample count and a variant (the same in every loss's panels).
    struct KeyLine: Hashable {
        let layers: [Int]
        let samples: Int
        let variant: String
    }

    /// "U = {1,2}", with ", y = 8" when `samples` is given and ", lr = 0.01" for a variant.
    func lineLabel(layers: [Int], samples: Int?, variant: String) -> String {
        "U = {" + layers.map(String.init).joined(separator: ",") + "}" + (samples.map { ", y = \($0)" } ?? "")
            + (variant.isEmpty ? "" : ", \(variant)")
    }
}

/// The colour, dash and point type of a sweep figure's line: one colour and marker per layer set (the paper's RGB
/// colours when every set lies within layers 1–3), lighter colours and open points for further sample counts; one
/// dash per layer set, or, when the runs fall into several variants of their other settings, one dash per variant.
struct SweepLineStyle {
    /// The layer sets, smallest first, the sample counts and the variants, in the order they are styled.
    let sets: [[Int]]
    let sampleCounts: [Int]
    let variants: [String]
    let rgb: Bool

    init(_ all: [SweepSeries], baselineVariants: [String] = []) {
        sets = Array(Set(all.map(\.layers))).sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
        rgb = sets.allSatisfy { set in set.allSatisfy { (1...3).contains($0) } }
        sampleCounts = Array(Set(all.map(\.samples))).sorted()
        variants = Array(Set(all.map(\.variant) + baselineVariants)).sorted()
    }

    /// The colour, dash and point type of the line of `layers` at `samples` in `variant`.
    func callAsFunction(_ layers: [Int], _ samples: Int, _ variant: String = "") -> (colour: String, dash: String, point: Int) {
        let s = sets.firstIndex(of: layers) ?? 0
        let base = rgb ? (Palette.layerSetColour(layers) ?? Palette.colour(s)) : Palette.colour(s)
        let shade = sampleCounts.firstIndex(of: samples) ?? 0
        let colour = shade == 0 ? base : Palette.lighter(base, min(0.6, 0.4 * Double(shade)))
        let dash = variants.count > 1 ? Palette.dash(variants.firstIndex(of: variant) ?? 0) : Palette.dash(s)
        // Several variants: each its own point type too, so that lines told apart by their dash alone stay apart
        // where the dash cannot show (a single radius draws points without a line between them).
        let v = variants.count > 1 ? variants.firstIndex(of: variant) ?? 0 : 0
        let point = s + v * sets.count
        return (colour, dash, shade == 0 ? Palette.filledPoint(point) : Palette.openPoint(point))
    }

    /// The dash of the cross-entropy reference of `variant`: dotted, or the variant's dash when there are several.
    func baselineDash(_ variant: String) -> String {
        variants.count > 1 ? Palette.dash(variants.firstIndex(of: variant) ?? 0) : "3"
    }
}

/// The mean and the sample standard deviation (n − 1; NaN for one value, whose spread is undefined).
func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, .nan) }
    let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, (ss / Double(values.count - 1)).squareRoot())
}
