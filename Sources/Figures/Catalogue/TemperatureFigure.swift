import Foundation
import Studies

/// A band between two quantiles of the per-weight gradient variances v_ω of one layer, per epoch.
struct QuantileBand: Sendable, Equatable {
    /// The quantile levels in [0, 1], lower < upper (e.g. 0.05 and 0.95).
    var lower: Double
    var upper: Double
    /// The quantiles' values at each epoch.
    var lowerValues: [Double]
    var upperValues: [Double]

    /// "5–95%".
    var label: String { "\(shortNumber(100 * lower))–\(shortNumber(100 * upper))%" }
}

/// One layer as the temperature figure draws it: T_l(e) = σ_l(e)² and the bands and median of its per-weight
/// gradient variances v_ω(e) (docs/definitions.md: the weights of one layer do not share one temperature).
struct TemperatureSeries: Sendable, Equatable {
    /// The layer's label.
    var layer: String
    var epochs: [Double]
    /// T_l at each epoch.
    var temperature: [Double]
    /// Bands of per-weight variance quantiles (drawn widest first).
    var bands: [QuantileBand]
    /// The median per-weight variance at each epoch, if known.
    var median: [Double]?
    /// The quantile levels that have no symmetric partner (left out).
    var unpaired: [Double]

    /// The layer's temperature, with its quantile levels paired symmetrically into bands (q5–q95, q25–q75)
    /// and q50 as the median.
    init(pairing layer: LayerSeries) {
        self.layer = layer.layer
        epochs = layer.positions
        temperature = layer.temperature ?? []
        let quantiles = zip(layer.quantileLevels, layer.quantiles).map { (level: $0.0, values: $0.1) }
        bands = []
        median = nil
        var paired = Set<Int>()
        for (i, q) in quantiles.enumerated() {
            if abs(q.level - 0.5) < 1e-9 { median = q.values; paired.insert(i); continue }
            guard q.level < 0.5, let j = quantiles.firstIndex(where: { abs($0.level - (1 - q.level)) < 1e-9 }) else { continue }
            bands.append(QuantileBand(lower: q.level, upper: quantiles[j].level, lowerValues: q.values, upperValues: quantiles[j].values))
            paired.formUnion([i, j])
        }
        unpaired = quantiles.indices.filter { !paired.contains($0) }.map { quantiles[$0].level }
    }
}

/// Layer temperatures T_l = σ_l² against epochs on a logarithmic axis, with the band of per-weight temperature
/// quantiles of each layer. Without bands all layers share one panel; with bands each layer gets its own panel
/// (same vertical range), so that bands do not hide one another.
public struct TemperatureFigure: Figure {
    /// The layers, in order: each layer's positions, T_l (required) and, when known, the quantiles of its
    /// per-weight temperatures, paired symmetrically into bands (q5–q95, q25–q75) with q50 as the median.
    public var layers: [LayerSeries]

    /// A figure of `layers`.
    public init(layers: [LayerSeries]) {
        self.layers = layers
    }

    /// One note per quantile level without a symmetric partner (left out of the bands), sorted.
    public static func unpairedQuantileNotes(_ layers: [LayerSeries]) -> [String] {
        let notes = layers.flatMap { TemperatureSeries(pairing: $0).unpaired }.map { level in
            "quantile q\(shortNumber(100 * level)) has no symmetric partner q\(shortNumber(100 * (1 - level))); left out"
        }
        return Set(notes).sorted()
    }

    /// The layers as drawn.
    var drawn: [TemperatureSeries] { layers.map(TemperatureSeries.init(pairing:)) }

    /// "temperature", as in `thermo plot temperature`.
    public var name: String { "temperature" }

    var separatePanels: Bool { layers.count > 1 && drawn.contains { !$0.bands.isEmpty || $0.median != nil } }

    var grid: (rows: Int, columns: Int) {
        guard separatePanels else { return (1, 1) }
        let columns = layers.count <= 3 ? layers.count : 2
        return ((layers.count + columns - 1) / columns, columns)
    }

    /// The size used when `--size` is not given.
    public func defaultSize(_ options: FigureOptions) -> FigureSize {
        let (rows, columns) = grid
        return rows * columns == 1 ? FigureSize(width: 12, height: 8)
            : FigureSize(width: columns == 2 ? 16 : 8 * Double(columns), height: 6.5 * Double(rows) + 0.8)
    }

    /// Writes the panels, data tables and plot commands (see the type\'s documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        guard !layers.isEmpty, layers.contains(where: { !$0.positions.isEmpty }) else {
            throw .invalidData(figure: name, reason: "no layer has data")
        }
        for layer in layers {
            let n = layer.positions.count
            guard layer.temperature?.count == n, layer.quantiles.allSatisfy({ $0.count == n }) else {
                throw .invalidData(figure: name, reason: "\(layerTitle(layer.layer)) needs one temperature (and quantile) value per epoch")
            }
        }
        let layers = drawn
        let logx = figure.options.logx ?? false
        if logx { try figure.checkLogRange(figure.options.xrange) }
        let logy = figure.options.logy ?? true
        var files: [String] = []
        var values: [Double] = []
        for layer in layers {
            let bands = layer.bands.sorted { ($0.upper - $0.lower) > ($1.upper - $1.lower) }
            var columns = ["epoch", "temperature"]
            for band in bands { columns += ["q\(shortNumber(100 * band.lower))", "q\(shortNumber(100 * band.upper))"] }
            columns.append("median")
            var table = DataTable(part: "layer-\(layer.layer)", description: [
                "\(layerTitle(layer.layer)): temperature T_l = sigma_l^2 (variance over an epoch's steps of the layer signal)"
                + (bands.isEmpty ? "" : ", and quantiles of the per-weight gradient variances v_w"),
            ], columns: columns)
            var rows: [[Double]] = []
            for i in 0..<layer.epochs.count where !logx || layer.epochs[i] > 0 {
                var row = [layer.epochs[i], layer.temperature[i]]
                for band in bands { row += [band.lowerValues[i], band.upperValues[i]] }
                row.append(layer.median?[i] ?? .nan)
                rows.append(row)
                values += row.dropFirst().filter { $0.isFinite && (!logy || $0 > 0) }
            }
            table.append(layerTitle(layer.layer), rows: rows)
            files.append(figure.data(table))
        }
        let span = (values.min() ?? 1, values.max() ?? 1)
        let (rows, columns) = grid
        let yLabel: FigureText = .markup("temperature", latex: "temperature")
        figure.beginMultiplot(title: figure.title(fallback: nil))
        if !separatePanels {
            figure.panel(row: 0, column: 0, rows: 1, columns: 1)
            figure.resetPanel()
            figure.axis("x", label: "epoch", log: logx, range: figure.options.xrange)
            figure.axis("y", label: yLabel, log: logy, span: span)
            figure.add("set key top right")
            var clauses: [String] = []
            for (i, layer) in layers.enumerated() {
                clauses += layerClauses(layer, index: i, colour: Palette.colour(i), file: files[i], figure: figure,
                                        title: .markup("T_{\(escapeEnhanced(layer.layer))}", latex: "$T_{\\mathrm{\(escapeLaTeX(layer.layer))}}$"), keyBands: i == 0)
            }
            figure.plot(clauses)
            return
        }
        // One key for all panels, in neutral colours (each panel's colour is its layer's).
        let reference = layers.first { !$0.bands.isEmpty || $0.median != nil } ?? layers[0]
        let keyClauses = keyEntries(reference, figure: figure)
        figure.reserveKeyStrip(entries: keyClauses.count, columnWidth: 5)
        for (i, layer) in layers.enumerated() {
            figure.panel(row: i / columns, column: i % columns, rows: rows, columns: columns)
            figure.resetPanel()
            figure.add("set title \(figure.quoted(literal: layerTitle(layer.layer)))")
            figure.axis("x", label: "epoch", log: logx, range: figure.options.xrange)
            figure.axis("y", label: i % columns == 0 ? yLabel : nil, log: logy, span: span)
            if logy, span.0 > 0 { figure.add("set yrange [\(gnuplotNumber(span.0 / 1.5, digits: 6)):\(gnuplotNumber(span.1 * 1.5, digits: 6))]") }
            figure.add("unset key")
            figure.plot(layerClauses(layer, index: i, colour: Palette.colour(i), file: files[i], figure: figure,
                                     title: .markup("T_l = σ_l^2", latex: "$T_l = \\sigma_l^2$"), keyBands: false))
        }
        figure.keyStrip(keyClauses)
    }

    /// Key entries for the shared key, in grey: the bands of `layer`, the median, the temperature.
    private func keyEntries(_ layer: TemperatureSeries, figure: FigureBuilder) -> [String] {
        let bands = layer.bands.sorted { ($0.upper - $0.lower) > ($1.upper - $1.lower) }
        var clauses = ["NaN with linespoints lw 1.6 lc rgb '#444444' pt 7 ps 0.5 title \(figure.quoted(.markup("layer temperature T_l = σ_l^2", latex: "layer temperature $T_l = \\sigma_l^2$")))"]
        for (b, band) in bands.enumerated() {
            let opacity = bands.count == 1 ? 0.25 : 0.14 + 0.12 * Double(b)
            clauses.append("NaN with filledcurves fc rgb '#444444' fs transparent solid \(gnuplotNumber(opacity, digits: 3)) noborder title \(figure.quoted(.markup("per-weight v_ω, \(band.label)", latex: "per-weight $v_\\omega$, \(escapeLaTeX(band.label))")))")
        }
        if layer.median != nil {
            clauses.append("NaN with lines lw 1 lc rgb '#444444' dt 2 title \(figure.quoted(.markup("per-weight v_ω, median", latex: "per-weight $v_\\omega$, median")))")
        }
        return clauses
    }

    /// The bands (widest, most transparent first), the median and the temperature line of one layer.
    private func layerClauses(_ layer: TemperatureSeries, index: Int, colour: String, file: String, figure: FigureBuilder,
                              title: FigureText, keyBands: Bool) -> [String] {
        var clauses: [String] = []
        let bands = layer.bands.sorted { ($0.upper - $0.lower) > ($1.upper - $1.lower) }
        for (b, band) in bands.enumerated() {
            let opacity = bands.count == 1 ? 0.25 : 0.14 + 0.12 * Double(b)
            let key: FigureText = .markup("per-weight v_ω, \(band.label)", latex: "per-weight $v_\\omega$, \(escapeLaTeX(band.label))")
            clauses.append("\(file) using 1:\(3 + 2 * b):\(4 + 2 * b) with filledcurves fc rgb '\(colour)' fs transparent solid \(gnuplotNumber(opacity, digits: 3)) noborder "
                           + (keyBands ? "title \(figure.quoted(key))" : "notitle"))
        }
        if layer.median != nil {
            let key: FigureText = .markup("per-weight v_ω, median", latex: "per-weight $v_\\omega$, median")
            clauses.append("\(file) using 1:\(3 + 2 * bands.count) with lines lw 1 lc rgb '\(colour)' dt 2 " + (keyBands ? "title \(figure.quoted(key))" : "notitle"))
        }
        let every = max(1, layer.epochs.count / 8)
        clauses.append("\(file) using 1:2 with linespoints lw 1.6 lc rgb '\(colour)' pt \(Palette.filledPoint(index)) ps 0.5 pi \(every) title \(figure.quoted(title))")
        return clauses
    }
}
