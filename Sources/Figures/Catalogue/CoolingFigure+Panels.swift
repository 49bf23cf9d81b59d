import Analysis
import Foundation
import Studies

/// What the four panels of a cooling figure share: the fitted curves and their layers, the data files written
/// for them, and the axes' ranges.
struct CoolingFigureData {
    /// The curves the fit has an amplitude for, in input order, and their layers in order of appearance.
    var fitted: [CoolingCurve]
    var layers: [String]
    /// Whether epochs are on a logarithmic axis.
    var logx: Bool
    /// Every drawn value of panel (a), for its vertical span.
    var values: [Double]
    /// Rows (epoch, −g(e), dg/d ln e) of the model on a fine grid over the window (none for a window of one epoch).
    var modelRows: [[Double]]
    /// The data files: curves, model, effective exponents and window scan (the last two when computed).
    var curvesFile: String
    var modelFile: String
    var exponentFile: String?
    var scanFile: String?
    /// One epoch range for every panel, so that the panels line up; panel (d)'s vertical range.
    var xRange: AxisRange
    var exponentRange: AxisRange?
    /// Which parameter of the scan's model is its exponent, and whether it shares panel (d)'s axis (a power law's α
    /// does; others get the right-hand axis).
    var scanIndex: Int
    var scanOnSameAxis: Bool

    /// Whether noise curves are drawn beside the signals.
    var hasNoise: Bool { fitted.contains { $0.kind == .noise } }

    /// Curve i's colour (its layer's) and kind.
    func style(_ i: Int) -> (colour: String, kind: CurveKind) {
        let curve = fitted[i]
        return (Palette.colour(layers.firstIndex(of: curve.layer) ?? i), curve.kind)
    }

    /// Curve i's point type: filled for a signal, open for a noise curve, one shape per layer.
    func pointType(_ i: Int) -> Int {
        let layerIndex = layers.firstIndex(of: fitted[i].layer) ?? i
        return fitted[i].kind == .signal ? Palette.filledPoint(layerIndex) : Palette.openPoint(layerIndex)
    }
}

extension CoolingFigure {
    /// The shared decay g(e; θ̂) of the fit.
    private var decay: (Double) -> Double {
        let model = fit.model, theta = fit.parameters.map(\.value)
        return { (e: Double) -> Double in model.decay(epoch: e, parameters: theta) }
    }

    /// Writes the data tables and works out the axes (everything the panels draw from).
    func writeData(_ figure: inout FigureBuilder) throws(FigureError) -> CoolingFigureData {
        let amplitudes = Dictionary(fit.amplitudes.map { ($0.curve, $0.value) }, uniquingKeysWith: { a, _ in a })
        let fitted = curves.filter { amplitudes[$0.name] != nil }
        guard !fitted.isEmpty else {
            throw .invalidData(figure: name, reason: "none of the \(curves.count) curves was fitted (the fit names \(fit.curves.joined(separator: ", ")))")
        }
        let logx = figure.options.logx ?? true
        if logx { try figure.checkLogRange(figure.options.xrange) }
        var layers: [String] = []
        for curve in fitted where !layers.contains(curve.layer) { layers.append(curve.layer) }

        let (curvesTable, values) = curvesTable(fitted, amplitudes: amplitudes)
        let curvesFile = figure.data(curvesTable)
        let (modelTable, modelRows) = modelTable()
        let modelFile = figure.data(modelTable)
        let exponentFile = exponentsTable(fitted).map { figure.data($0) }
        let scanFile = scanTable().map { figure.data($0) }

        let positive = fitted.flatMap { $0.epochs.filter { $0 > 0 && $0.isFinite } }
        let xRange = figure.options.xrange ?? AxisRange(lower: positive.min(), upper: positive.max())
        return CoolingFigureData(fitted: fitted, layers: layers, logx: logx, values: values, modelRows: modelRows,
                                 curvesFile: curvesFile, modelFile: modelFile, exponentFile: exponentFile, scanFile: scanFile,
                                 xRange: xRange, exponentRange: exponentRange(modelRows: modelRows, fitted: fitted),
                                 scanIndex: scan?.model.exponentIndex ?? 0, scanOnSameAxis: scan?.model == .power)
    }

    /// Per curve: epoch, value, value inside the window, value outside, collapse, fitted value and residual; and
    /// every value drawn.
    private func curvesTable(_ fitted: [CoolingCurve], amplitudes: [String: Double]) -> (DataTable, [Double]) {
        let window = fit.window, g = decay
        var table = DataTable(part: "curves", description: [
            "cooling fit: \(fit.formula), model \(fit.model.rawValue), window \(window.description)",
            "per curve: epoch, value, value inside the window (else NaN), value outside, ln(value) - a_c (collapse), fitted value exp(a_c - g(e)) inside the window, residual ln(value) - (a_c - g(e)) inside the window",
        ], columns: ["epoch", "value", "inside", "outside", "collapse", "fitted", "residual"])
        var values: [Double] = []
        for curve in fitted {
            let a = amplitudes[curve.name]!
            var rows: [[Double]] = []
            for (e, v) in zip(curve.epochs, curve.values).sorted(by: { $0.0 < $1.0 }) where e > 0 && v > 0 && e.isFinite && v.isFinite {
                let inside = window.contains(e)
                let fittedLog = a - g(e)
                rows.append([e, v, inside ? v : .nan, inside ? .nan : v, log(v) - a, inside ? exp(fittedLog) : .nan,
                             inside ? log(v) - fittedLog : .nan])
                values.append(v)
            }
            table.append(curve.name, rows: rows)
        }
        return (table, values)
    }

    /// The common decay and the model's effective exponent on a fine logarithmic grid over the window.
    private func modelTable() -> (DataTable, [[Double]]) {
        let model = fit.model, theta = fit.parameters.map(\.value), g = decay
        let lo = fit.window.from ?? 1, hi = fit.window.to ?? lo
        var table = DataTable(part: "model", description: [
            "the shared decay over the window: epoch, -g(e), and the model's effective exponent dg/dln e",
            "parameters: " + zip(model.parameterNames, theta).map { "\($0) = \($1)" }.joined(separator: ", "),
        ], columns: ["epoch", "minus_g", "alpha_eff"])
        var rows: [[Double]] = []
        if lo > 0, hi > lo {
            for i in 0...200 {
                let e = exp(log(lo) + (log(hi) - log(lo)) * Double(i) / 200)
                let h = 1e-4
                let slope = (g(e * (1 + h)) - g(e * (1 - h))) / (log(1 + h) - log(1 - h))
                rows.append([e, -g(e), slope])
            }
        }
        table.append("model", rows: rows)
        return (table, rows)
    }

    /// The smoothed effective exponents of the fitted curves, if computed, at the epochs whose local regression
    /// used at least ``CoolingFigure/minimumLocalPoints`` points (fewer give a slope too noisy to read).
    private func exponentsTable(_ fitted: [CoolingCurve]) -> DataTable? {
        guard !effectiveExponents.isEmpty else { return nil }
        var table = DataTable(part: "exponents", description: [
            "smoothed effective exponent alpha_eff(e) = -dln S/dln e per curve (local linear regression in ln e, tricube weights)",
            "epochs whose regression used fewer than \(CoolingFigure.minimumLocalPoints) points are left out",
        ], columns: ["epoch", "alpha_eff"])
        for curve in fitted {
            table.append(curve.name, rows: drawnExponents(of: curve).map { [$0.epoch, $0.exponent] })
        }
        return table
    }

    /// The effective exponents of `curve` that panel (d) draws.
    func drawnExponents(of curve: CoolingCurve) -> [EffectiveExponentPoint] {
        let points = effectiveExponents.first { $0.curve == curve.name }?.points ?? []
        return points.filter { $0.pointsUsed >= CoolingFigure.minimumLocalPoints && $0.exponent.isFinite }
    }

    /// The fitted exponent against the window start, if scanned and any window gave one.
    private func scanTable() -> DataTable? {
        guard let scan else { return nil }
        let k = scan.model.exponentIndex
        var table = DataTable(part: "scan", description: [
            "\(scan.model.displayName) fits on [s, \(scan.end.map(shortNumber) ?? "last epoch")]: window start s, fitted \(scan.model.parameterNames[k]), its Jacobian 95% interval (NaN if unknown), 1 if a parameter is at a bound",
        ], columns: ["start", "value", "lower", "upper", "at_bound"])
        let rows: [[Double]] = scan.points.compactMap { point in
            guard let p = point.parameters?[k] else { return nil }
            return [point.start, p.value, p.interval?.lower ?? .nan, p.interval?.upper ?? .nan, point.atBound ? 1 : 0]
        }
        table.append("scan", rows: rows)
        return rows.isEmpty ? nil : table
    }

    /// Panel (d)'s vertical range: the model's exponent, the scanned exponents, and the bulk (2–98 %) of the drawn
    /// local exponents over the whole epoch axis, so that no drawn curve leaves the panel except at its outliers
    /// (the wide intervals of the last scan windows may).
    private func exponentRange(modelRows: [[Double]], fitted: [CoolingCurve]) -> AxisRange? {
        let local = fitted.flatMap { drawnExponents(of: $0).map(\.exponent) }.sorted()
        var exponents = modelRows.map { $0[2] }
        let scanIndex = scan?.model.exponentIndex ?? 0
        if scan?.model == .power, let scan { exponents += scan.points.compactMap { $0.parameters?[scanIndex].value } }
        if local.count >= 2 {
            exponents += [local[Int(0.02 * Double(local.count - 1))], local[Int((0.98 * Double(local.count - 1)).rounded(.up))]]
        }
        exponents = exponents.filter(\.isFinite).sorted()
        guard exponents.count >= 2 else { return nil }
        let lo = exponents[0], hi = exponents[exponents.count - 1]
        let pad = max(0.08 * (hi - lo), 0.05 * max(abs(lo), abs(hi)), 0.02)
        return AxisRange(lower: lo - pad, upper: hi + pad)
    }

    /// The shared key's entries: one per layer (its colour and marker; its line in panel (d)), filled and open
    /// markers when noise curves are drawn, the fitted model's line and the scanned exponents.
    func keyEntries(_ figure: FigureBuilder, _ data: CoolingFigureData) -> [String] {
        var entries: [String] = data.layers.indices.map { i in
            "NaN with linespoints pt \(Palette.filledPoint(i)) ps 0.5 lw 1.2 lc rgb '\(Palette.colour(i))' title \(figure.quoted(literal: layerTitle(data.layers[i])))"
        }
        if data.hasNoise {
            entries.append("NaN with linespoints pt 7 ps 0.5 lw 1.2 lc rgb '#444444' title \(figure.quoted(.markup("signal S_l (filled, solid)", latex: "signal $S_l$ (filled, solid)")))")
            entries.append("NaN with linespoints pt 6 ps 0.5 lw 1.2 dt 2 lc rgb '#444444' title \(figure.quoted(.markup("noise σ_l (open, dashed)", latex: "noise $\\sigma_l$ (open, dashed)")))")
        }
        entries.append("NaN with lines lw 1.8 lc rgb 'black' title \(figure.quoted(.markup("\(fit.model.displayName) fit: S (a), −g(e) (b), dg/d ln e (d)", latex: "\(fit.model.displayName) fit: $S$ (a), $-g(e)$ (b), $\\mathrm{d}g/\\mathrm{d}\\ln e$ (d)")))")
        if data.scanFile != nil, let scan {
            let symbol = scan.model.parameterSymbols[data.scanIndex]
            entries.append("NaN with points pt 6 ps 0.6 lc rgb 'black' title \(figure.quoted(literal: "(d) \(scan.model.displayName) \(symbol) fitted on [s, end], at s"))")
        }
        return entries
    }

    /// (a) The data and the shared fit.
    func dataPanel(_ figure: inout FigureBuilder, _ data: CoolingFigureData) {
        let fitted = data.fitted
        let symbol: FigureText = data.hasNoise ? .markup("S_l, σ_l", latex: "$S_l$, $\\sigma_l$") : .markup("S_l", latex: "$S_l$")
        figure.panel(row: 0, column: 0, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted("(a) data and shared fit"))")
        figure.axis("x", label: "epoch", log: data.logx, range: data.xRange)
        figure.axis("y", label: symbol, log: true, span: (data.values.min() ?? 1, data.values.max() ?? 1))
        windowLines(&figure)
        figure.add("unset key")
        var clauses: [String] = []
        for i in fitted.indices {
            let (colour, kind) = data.style(i)
            let pt = data.pointType(i)
            clauses.append("\(data.curvesFile) index \(i) using 1:4 with points pt \(pt) ps 0.22 lc rgb '\(Palette.lighter(colour, 0.55))' notitle")
            clauses.append("\(data.curvesFile) index \(i) using 1:3 with points pt \(pt) ps 0.22 lc rgb '\(colour)' notitle")
            clauses.append("\(data.curvesFile) index \(i) using 1:6 with lines lw 1.1 lc rgb 'black' dt \(kind == .signal ? "1" : "2") notitle")
        }
        figure.plot(clauses)
    }

    /// (b) The collapse ln S_c − a_c of every curve onto −g(e).
    func collapsePanel(_ figure: inout FigureBuilder, _ data: CoolingFigureData) {
        figure.panel(row: 0, column: 1, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted(.markup("(b) collapse: ln S_c − a_c", latex: "(b) collapse: $\\ln S_c - a_c$")))")
        figure.axis("x", label: "epoch", log: data.logx, range: data.xRange)
        figure.axis("y", label: .markup("ln S_c − a_c", latex: "$\\ln S_c - a_c$"), log: false)
        windowLines(&figure)
        figure.add("unset key")
        var clauses = data.fitted.indices.map { i in
            "\(data.curvesFile) index \(i) using 1:5 with points pt \(data.pointType(i)) ps 0.22 lc rgb '\(data.style(i).colour)' notitle"
        }
        clauses.append("\(data.modelFile) using 1:2 with lines lw 1.8 lc rgb 'black' notitle")
        figure.plot(clauses)
    }

    /// (c) The residuals of the fit in the window.
    func residualPanel(_ figure: inout FigureBuilder, _ data: CoolingFigureData) {
        figure.panel(row: 1, column: 0, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted("(c) residuals in the window"))")
        figure.axis("x", label: "epoch", log: data.logx, range: data.xRange)
        figure.axis("y", label: .markup("ln S_c − fit", latex: "$\\ln S_c - $ fit"), log: false)
        figure.add("unset key")
        figure.add("set arrow from graph 0, first 0 to graph 1, first 0 nohead back lc rgb '\(Palette.grey)' lw 1 dt 1")
        figure.plot(data.fitted.indices.map { i in
            "\(data.curvesFile) index \(i) using 1:7 with points pt \(data.pointType(i)) ps 0.25 lc rgb '\(data.style(i).colour)' notitle"
        })
    }

    /// (d) The effective exponents, the model's own, and the window scan.
    func exponentPanel(_ figure: inout FigureBuilder, _ data: CoolingFigureData) {
        figure.panel(row: 1, column: 1, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted("(d) effective exponent"))")
        figure.axis("x", label: "epoch", log: data.logx, range: data.xRange)
        figure.axis("y", label: .markup("α_{eff} = −d ln S / d ln e", latex: "$\\alpha_\\mathrm{eff} = -\\mathrm{d}\\ln S / \\mathrm{d}\\ln e$"), log: false,
                    range: data.exponentRange)
        windowLines(&figure)
        figure.add("unset key")
        var clauses: [String] = []
        if let exponentFile = data.exponentFile {
            for i in data.fitted.indices {
                let (colour, kind) = data.style(i)
                clauses.append("\(exponentFile) index \(i) using 1:2 with lines lw 1.2 lc rgb '\(colour)' dt \(kind == .signal ? "1" : "2") notitle")
            }
        }
        if !data.modelRows.isEmpty {
            clauses.append("\(data.modelFile) using 1:3 with lines lw 2 lc rgb 'black' notitle")
        }
        if let scanFile = data.scanFile, let scan {
            let symbol = scan.model.parameterSymbols[data.scanIndex]
            if !data.scanOnSameAxis {
                figure.add("set y2tics nomirror")
                figure.add("set y2label \(figure.quoted(literal: "\(scan.model.displayName) \(symbol) on [s, end]"))")
            }
            let axes = data.scanOnSameAxis ? "" : " axes x1y2"
            clauses.append("\(scanFile) using 1:2:3:4 with yerrorbars pt 6 ps 0.5 lw 1 lc rgb 'black'\(axes) notitle")
        }
        if clauses.isEmpty { clauses.append("NaN notitle") }
        figure.plot(clauses)
    }
}
