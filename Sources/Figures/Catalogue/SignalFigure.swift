import Studies

/// A vertical mark at a regime boundary (the signal peak, the onset e* of the late common regime).
public struct RegimeBoundary: Sendable, Equatable {
    /// Where the boundary lies.
    public var epoch: Double
    /// A short label drawn at the top of the line ("S peak", "e* = 40").
    public var label: String

    /// A boundary at `epoch` labelled `label`.
    public init(epoch: Double, label: String) {
        self.epoch = epoch
        self.label = label
    }
}

/// One panel of the signal figure: one run's layers (e.g. the ReLU network), with its regime boundaries.
public struct SignalPanel: Sendable, Equatable {
    /// The panel's title ("ReLU"); nil for none.
    public var title: String?
    /// The layers, in order (colours follow this order): each layer's positions (epochs, fractional for
    /// windows of steps), S_l (required) and σ_l (drawn dashed when present).
    public var layers: [LayerSeries]
    /// Regime boundaries to mark.
    public var boundaries: [RegimeBoundary]

    /// A panel of `layers` with optional `title` and `boundaries`.
    public init(title: String? = nil, layers: [LayerSeries], boundaries: [RegimeBoundary] = []) {
        self.title = title
        self.layers = layers
        self.boundaries = boundaries
    }
}

/// The paper's Figure 1: per-layer training signal S_l (solid) and noise σ_l (dashed) against epochs on a
/// logarithmic vertical axis, one colour and marker per layer, regime boundaries marked; several runs (ReLU and
/// tanh) side by side. The horizontal axis is linear unless `--logx` (the late regime is a straight line on
/// log–log axes when it decays as a power law).
public struct SignalFigure: Figure {
    /// The panels, left to right.
    public var panels: [SignalPanel]

    /// A figure of `panels` side by side.
    public init(panels: [SignalPanel]) {
        self.panels = panels
    }

    /// "signal", as in `thermo plot signal`.
    public var name: String { "signal" }

    /// The size used when `--size` is not given.
    public func defaultSize(_ options: FigureOptions) -> FigureSize {
        panels.count <= 1 ? FigureSize(width: 12, height: 8) : FigureSize(width: min(8.5 * Double(panels.count), 34), height: 8)
    }

    /// Writes the panels, data tables and plot commands (see the type\'s documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        guard !panels.isEmpty else { throw .invalidData(figure: name, reason: "no runs to draw") }
        let logx = figure.options.logx ?? false
        if logx { try figure.checkLogRange(figure.options.xrange) }
        try figure.checkRangeMeetsData(figure.options.xrange, data: panels.flatMap { $0.layers.flatMap(\.positions) }, what: "epochs")
        figure.beginMultiplot(title: figure.title(fallback: nil))
        // Several panels share one key below them; a single panel keeps its key inside.
        let shared = panels.count > 1
        let layerCount = panels.map(\.layers.count).max() ?? 0
        let widest = panels.firstIndex { $0.layers.count == layerCount } ?? 0
        let hasNoise = panels.contains { $0.layers.contains { $0.noise != nil } }
        if shared { figure.reserveKeyStrip(entries: layerCount + (hasNoise ? 2 : 0), columnWidth: 2.8) }
        var keyClauses: [String] = []
        for (p, panel) in panels.enumerated() {
            guard !panel.layers.isEmpty, panel.layers.contains(where: { !$0.positions.isEmpty }) else {
                throw .invalidData(figure: name, reason: "\(panel.title.map { "run \($0)" } ?? "panel \(p + 1)") has no layer with data")
            }
            var table = DataTable(part: "panel\(p + 1)", description: [
                "training signal S_l (mean |dL/dw| over the layer, averaged over an epoch's steps) and noise sigma_l (its standard deviation over those steps)",
                "run: \(panel.title ?? "unnamed")",
            ], columns: ["epoch", "signal", "noise"])
            var values: [Double] = []
            for layer in panel.layers {
                guard let signal = layer.signal, signal.count == layer.positions.count,
                      (layer.noise?.count ?? signal.count) == signal.count else {
                    throw .invalidData(figure: name, reason: "\(layerTitle(layer.layer)) of \(panel.title.map { "run \($0)" } ?? "panel \(p + 1)") needs one signal (and noise) value per epoch")
                }
                let noise = layer.noise ?? Array(repeating: .nan, count: layer.positions.count)
                let rows = (0..<layer.positions.count).map { [layer.positions[$0], signal[$0], noise[$0]] }
                    .filter { !logx || $0[0] > 0 }
                table.append(layerTitle(layer.layer), rows: rows)
                values += rows.flatMap { [$0[1], $0[2]] }.filter { $0 > 0 && $0.isFinite }
            }
            let file = figure.data(table)
            figure.panel(row: 0, column: p, rows: 1, columns: panels.count)
            figure.resetPanel()
            if let title = panel.title { figure.add("set title \(figure.quoted(literal: title))") }
            figure.axis("x", label: "epoch", log: logx, range: figure.options.xrange)
            let yLabel: FigureText = hasNoise ? .markup("S_l (solid), σ_l (dashed)", latex: "$S_l$ (solid), $\\sigma_l$ (dashed)")
                : .markup("signal S_l", latex: "signal $S_l$")
            figure.axis("y", label: yLabel, log: true,
                        span: (values.min() ?? 1, values.max() ?? 1))
            figure.add(shared ? "unset key" : "set key top right")
            let boundaries = panel.boundaries.filter { $0.epoch.isFinite && (!logx || $0.epoch > 0) }.sorted { $0.epoch < $1.epoch }
            for (b, boundary) in boundaries.enumerated() {
                // Staggered heights keep the labels of nearby boundaries apart.
                figure.verticalLine(at: boundary.epoch, label: .literal(boundary.label), labelHeight: 0.97 - 0.06 * Double(b % 3))
            }
            var clauses: [String] = []
            for (i, layer) in panel.layers.enumerated() {
                let colour = Palette.colour(i)
                let every = max(1, layer.positions.count / 8)
                let style = "lw 1.5 lc rgb '\(colour)' dt 1 pt \(Palette.filledPoint(i)) ps 0.5"
                let title = "title \(figure.quoted(literal: layerTitle(layer.layer)))"
                clauses.append("\(file) index \(i) using 1:2 with linespoints \(style) pi \(every) \(title)")
                if p == widest { keyClauses.append("NaN with linespoints \(style) \(title)") }
                if layer.noise != nil {
                    clauses.append("\(file) index \(i) using 1:3 with linespoints lw 1.2 lc rgb '\(colour)' dt 2 pt \(Palette.openPoint(i)) ps 0.5 pi \(every) notitle")
                }
            }
            if hasNoise {
                let kinds = ["NaN with lines lw 1.5 lc rgb 'black' dt 1 title \(figure.quoted(.markup("signal S_l", latex: "signal $S_l$")))",
                             "NaN with lines lw 1.2 lc rgb 'black' dt 2 title \(figure.quoted(.markup("noise σ_l", latex: "noise $\\sigma_l$")))"]
                clauses += kinds
                if p == widest { keyClauses += kinds }
            }
            figure.plot(clauses)
        }
        if shared { figure.keyStrip(keyClauses) }
    }
}
