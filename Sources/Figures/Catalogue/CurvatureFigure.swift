import Studies

/// Layer curvature against the epoch, beside the layer temperature: λ_max(H_ll) (with the full H's λ_max dashed),
/// tr H_ll with its standard error, and T_l, one colour per layer, log-log; for a PLA/PLEA run a fourth panel puts
/// the loss rise its displacements predict (Σ_{l∈U} ½·E[ΔW²]·tr H_ll) beside the one the run measured. The epoch
/// axis is logarithmic when the measured epochs span a factor of 10 or more, else linear (`--logx` chooses).
public struct CurvatureFigure: Figure {
    /// The recorded curvature (``CurvatureStudy``).
    public var study: CurvatureStudy

    /// The figure of `study`.
    public init(_ study: CurvatureStudy) { self.study = study }

    /// "curvature", as in `thermo plot curvature`.
    public var name: String { "curvature" }

    /// The size used when `--size` is not given.
    public func defaultSize(_ options: FigureOptions) -> FigureSize {
        study.smoothedLayers.isEmpty ? FigureSize(width: 18, height: 7.2) : FigureSize(width: 16, height: 12.5)
    }

    /// Writes the panels, data tables and plot commands (see the type's documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        guard !study.rows.isEmpty else { throw .invalidData(figure: name, reason: "the trace has no measured epoch") }
        let layers = Array(Set(study.rows.map(\.layer))).sorted()
        var table = DataTable(part: "layers", description: [
            "curvature of each layer's Hessian block on the run's probe batch, and the layer temperature (thermo curvature)",
            "trace: \(study.trace)",
        ], columns: ["epoch", "layer", "lambda_max", "trace", "trace_se", "temperature"])
        for l in layers {
            let rows = study.rows.filter { $0.layer == l }
            table.append(layerTitle(study.label(of: l)), rows: rows.map { [Double($0.epoch), Double($0.layer), $0.lambdaMax, $0.trace, $0.traceStandardError, $0.temperature] })
        }
        let file = figure.data(table)
        var whole = DataTable(part: "network", description: ["per measured epoch: the full H's lambda_max, the predicted and measured loss rise"],
                              columns: ["epoch", "full_lambda_max", "predicted_loss_increase", "measured_loss_increase"])
        whole.append("epochs", rows: study.epochs.map { [Double($0.epoch), $0.fullLambdaMax, $0.predictedLossIncrease ?? .nan, $0.measuredLossIncrease ?? .nan] })
        let wholeFile = figure.data(whole)
        let smoothing = !study.smoothedLayers.isEmpty
        let (rows, columns) = smoothing ? (2, 2) : (1, 3)

        figure.beginMultiplot(title: figure.title(fallback: nil))
        let panels: [(column: Int, title: FigureText, label: FigureText)] = [
            (3, .markup("top eigenvalue λ_{max}(H_{ll})", latex: "top eigenvalue $\\lambda_{\\max}(H_{ll})$"), .markup("λ_{max}", latex: "$\\lambda_{\\max}$")),
            (4, .markup("trace tr H_{ll}", latex: "trace $\\mathrm{tr}\\,H_{ll}$"), .markup("tr H_{ll}", latex: "$\\mathrm{tr}\\,H_{ll}$")),
            (6, .markup("layer temperature T_l", latex: "layer temperature $T_l$"), .markup("T_l", latex: "$T_l$")),
        ]
        let epochs = study.rows.map { Double($0.epoch) }
        let epochSpan = (epochs.min()!, epochs.max()!)
        // A logarithmic epoch axis labels only powers of ten: under a decade of epochs it would show one label.
        let logx = figure.options.logx ?? (epochSpan.0 > 0 && epochSpan.1 / epochSpan.0 >= 10)
        if logx { try figure.checkLogRange(figure.options.xrange) }
        // One key below the panels for the layers and the full H: inside a panel it covers curves.
        var key = layers.enumerated().map { i, l in
            "NaN with linespoints pt \(Palette.filledPoint(i)) ps 0.5 lw 1.4 lc rgb '\(Palette.colour(i))' title \(figure.quoted(.literal(layerTitle(study.label(of: l)))))"
        }
        key.append("NaN with lines lw 1.2 dt 2 lc rgb '\(Palette.grey)' title \(figure.quoted(.markup("full H (λ_{max})", latex: "full $H$ ($\\lambda_{\\max}$)")))")
        figure.reserveKeyStrip(entries: key.count, columnWidth: 3.4)
        defer { figure.keyStrip(key) }
        for (index, panel) in panels.enumerated() {
            figure.panel(row: index / columns, column: index % columns, rows: rows, columns: columns)
            figure.resetPanel()
            figure.add("set title \(figure.quoted(panel.title))")
            figure.axis("x", label: .markup("epoch", latex: "epoch"), log: logx, range: figure.options.xrange, span: epochSpan)
            let values: [Double] = study.rows.map { row in panel.column == 3 ? row.lambdaMax : panel.column == 4 ? row.trace : row.temperature }
                + (panel.column == 3 ? study.epochs.map(\.fullLambdaMax) : [])
            figure.axis("y", label: panel.label, log: true, span: positiveSpan(values))
            figure.add("unset key")
            var clauses: [String] = []
            for i in layers.indices {
                let colour = Palette.colour(i)
                if panel.column == 4 {
                    clauses.append("\(file) index \(i) using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '\(colour)' notitle")
                }
                clauses.append("\(file) index \(i) using 1:\(panel.column) with linespoints pt \(Palette.filledPoint(i)) ps 0.5 lw 1.4 lc rgb '\(colour)' notitle")
            }
            if panel.column == 3 {
                clauses.append("\(wholeFile) using 1:2 with lines lw 1.2 dt 2 lc rgb '\(Palette.grey)' notitle")
            }
            figure.plot(clauses)
        }
        guard smoothing else { return }
        figure.panel(row: 1, column: 1, rows: rows, columns: columns)
        figure.resetPanel()
        let u = study.smoothedLayers.map(String.init).joined(separator: ",")
        let displaced = study.smoothedLayers.count == 1 ? "layer \(u) is displaced" : "layers \(u) are displaced"
        figure.add("set title \(figure.quoted(.markup("loss rise when \(displaced)", latex: "loss rise when \(displaced)")))")
        figure.axis("x", label: .markup("epoch", latex: "epoch"), log: logx, range: figure.options.xrange, span: epochSpan)
        figure.axis("y", label: .markup("ΔL", latex: "$\\Delta L$"), log: true,
                    span: positiveSpan(study.epochs.flatMap { [$0.predictedLossIncrease, $0.measuredLossIncrease].compactMap { $0 } }))
        figure.add("set key top right")
        figure.plot([
            "\(wholeFile) using 1:3 with linespoints pt 6 ps 0.6 lw 1.4 lc rgb '\(Palette.colour(0))' title \(figure.quoted(.markup("predicted ½·E[ΔW²]·Σ tr H_{ll}", latex: "predicted $\\frac12 E[\\Delta W^2] \\sum_{l\\in U} \\mathrm{tr}\\,H_{ll}$")))",
            "\(wholeFile) using 1:4 with linespoints pt 7 ps 0.6 lw 1.4 lc rgb '\(Palette.colour(1))' title \(figure.quoted(.markup("measured (1/y) Σ_a L_a − L_0", latex: "measured $\\frac1y\\sum_a L_a - L_0$")))",
        ])
    }
}

/// The smallest and largest of the positive finite `values` (what a logarithmic axis shows), nil if none is.
func positiveSpan(_ values: [Double]) -> (Double, Double)? {
    let shown = values.filter { $0.isFinite && $0 > 0 }
    guard let lo = shown.min(), let hi = shown.max() else { return nil }
    return (lo, hi)
}
