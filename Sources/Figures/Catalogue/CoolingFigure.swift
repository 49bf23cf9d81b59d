import Analysis
import Foundation

/// The late-time cooling of a run: (a) the layers' curves with the fitted common decay ln S_c = a_c − g(e; θ)
/// over the fit window, (b) the collapse ln S_c − a_c of all curves onto the one curve −g(e), (c) the residuals
/// of the fit along training time, and (d) the smoothed effective exponent α_eff(e) = −d ln S/d ln e of every
/// curve, the fitted model's own α_eff(e) = dg/d ln e, and the exponent fitted on [s, end] against the window
/// start s (`windowScan`). Signal curves are drawn with filled markers and solid lines, noise curves with open
/// markers and dashed lines; one colour per layer. Epochs are on a logarithmic axis unless `--no-logx`.
public struct CoolingFigure: Figure {
    /// The curves (signal and/or noise of every layer), with points inside and outside the fit window.
    public var curves: [CoolingCurve]
    /// The common fit; its amplitudes are matched to `curves` by `CoolingCurve.name`.
    public var fit: CoolingFit
    /// The fitted exponent against the window start, if computed.
    public var scan: WindowScan?
    /// The per-curve effective exponents, if computed.
    public var effectiveExponents: [CurveEffectiveExponent]

    /// A figure of a fit made elsewhere (the Studies module's `coolingStudy`, as `thermo plot cooling` makes it):
    /// the figure draws the results it is handed and fits nothing itself.
    public init(curves: [CoolingCurve], fit: CoolingFit, scan: WindowScan? = nil, effectiveExponents: [CurveEffectiveExponent] = []) {
        self.curves = curves
        self.fit = fit
        self.scan = scan
        self.effectiveExponents = effectiveExponents
    }

    /// "cooling", as in `thermo plot cooling`.
    public var name: String { "cooling" }

    /// The size used when `--size` is not given.
    public func defaultSize(_ options: FigureOptions) -> FigureSize { FigureSize(width: 17, height: 13.5) }

    /// Writes the panels, data tables and plot commands (see the type\'s documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        let amplitudes = Dictionary(fit.amplitudes.map { ($0.curve, $0.value) }, uniquingKeysWith: { a, _ in a })
        let fitted = curves.filter { amplitudes[$0.name] != nil }
        guard !fitted.isEmpty else {
            throw .invalidData(figure: name, reason: "none of the \(curves.count) curves was fitted (the fit names \(fit.curves.joined(separator: ", ")))")
        }
        let logx = figure.options.logx ?? true
        if logx { try figure.checkLogRange(figure.options.xrange) }
        let theta = fit.parameters.map(\.value)
        let model = fit.model
        let window = fit.window
        let g = { (e: Double) -> Double in model.decay(epoch: e, parameters: theta) }
        var layers: [String] = []
        for curve in fitted where !layers.contains(curve.layer) { layers.append(curve.layer) }

        // Curves: values, collapse, fitted values and residuals.
        var table = DataTable(part: "curves", description: [
            "cooling fit: \(fit.formula), model \(model.rawValue), window \(window.description)",
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
        let curvesFile = figure.data(table)

        // The common decay and the model's effective exponent on a fine logarithmic grid over the window.
        let lo = window.from ?? 1, hi = window.to ?? lo
        var modelTable = DataTable(part: "model", description: [
            "the shared decay over the window: epoch, -g(e), and the model's effective exponent dg/dln e",
            "parameters: " + zip(model.parameterNames, theta).map { "\($0) = \($1)" }.joined(separator: ", "),
        ], columns: ["epoch", "minus_g", "alpha_eff"])
        var modelRows: [[Double]] = []
        if lo > 0, hi > lo {
            for i in 0...200 {
                let e = exp(log(lo) + (log(hi) - log(lo)) * Double(i) / 200)
                let h = 1e-4
                let slope = (g(e * (1 + h)) - g(e * (1 - h))) / (log(1 + h) - log(1 - h))
                modelRows.append([e, -g(e), slope])
            }
        }
        modelTable.append("model", rows: modelRows)
        let modelFile = figure.data(modelTable)

        // Effective exponents.
        var exponentFile: String? = nil
        if !effectiveExponents.isEmpty {
            var t = DataTable(part: "exponents", description: [
                "smoothed effective exponent alpha_eff(e) = -dln S/dln e per curve (local linear regression in ln e, tricube weights)",
            ], columns: ["epoch", "alpha_eff"])
            for curve in fitted {
                let points = effectiveExponents.first { $0.curve == curve.name }?.points ?? []
                t.append(curve.name, rows: points.map { [$0.epoch, $0.exponent] })
            }
            exponentFile = figure.data(t)
        }

        // The window scan.
        var scanFile: String? = nil
        if let scan {
            let k = scan.model.exponentIndex
            var t = DataTable(part: "scan", description: [
                "\(scan.model.displayName) fits on [s, \(scan.end.map(shortNumber) ?? "last epoch")]: window start s, fitted \(scan.model.parameterNames[k]), its Jacobian 95% interval (NaN if unknown), 1 if a parameter is at a bound",
            ], columns: ["start", "value", "lower", "upper", "at_bound"])
            let rows: [[Double]] = scan.points.compactMap { point in
                guard let p = point.parameters?[k] else { return nil }
                return [point.start, p.value, p.interval?.lower ?? .nan, p.interval?.upper ?? .nan, point.atBound ? 1 : 0]
            }
            t.append("scan", rows: rows)
            if !rows.isEmpty { scanFile = figure.data(t) }
        }

        // One epoch range for every panel, so that the panels line up.
        let positive = fitted.flatMap { $0.epochs.filter { $0 > 0 && $0.isFinite } }
        let xRange = figure.options.xrange ?? AxisRange(lower: positive.min(), upper: positive.max())

        // Panel (d)'s vertical range: the bulk (2–98%) of the exponents in the window, so that the unstable ends of
        // the local slopes and the wide intervals of the last scan windows do not flatten the rest.
        let local = effectiveExponents.flatMap { $0.points.filter { window.contains($0.epoch) }.map(\.exponent) }.filter(\.isFinite).sorted()
        var exponents = modelRows.map { $0[2] }
        let scanIndex = scan?.model.exponentIndex ?? 0
        let scanOnSameAxis = scan?.model == .power
        if scanOnSameAxis, let scan { exponents += scan.points.compactMap { $0.parameters?[scanIndex].value } }
        if local.count >= 2 {
            exponents += [local[Int(0.02 * Double(local.count - 1))], local[Int((0.98 * Double(local.count - 1)).rounded(.up))]]
        }
        exponents = exponents.filter(\.isFinite).sorted()
        var exponentRange: AxisRange? = nil
        if exponents.count >= 2 {
            let lo = exponents[0], hi = exponents[exponents.count - 1]
            let pad = max(0.15 * (hi - lo), 0.05 * max(abs(lo), abs(hi)), 0.02)
            exponentRange = AxisRange(lower: lo - pad, upper: hi + pad)
        }

        let style = { (i: Int) -> (colour: String, kind: CurveKind) in
            let curve = fitted[i]
            return (Palette.colour(layers.firstIndex(of: curve.layer) ?? i), curve.kind)
        }
        let hasNoise = fitted.contains { $0.kind == .noise }
        let symbol: FigureText = hasNoise ? .markup("S_l, σ_l", latex: "$S_l$, $\\sigma_l$") : .markup("S_l", latex: "$S_l$")

        figure.beginMultiplot(title: figure.title(fallback: .literal(fitSentence())))
        let xLabel: FigureText = "epoch"
        // (a) Data and fit.
        figure.panel(row: 0, column: 0, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted("(a) data and shared fit"))")
        figure.axis("x", label: xLabel, log: logx, range: xRange)
        figure.axis("y", label: symbol, log: true, span: (values.min() ?? 1, values.max() ?? 1))
        windowLines(&figure)
        figure.add("set key top right")
        var clauses: [String] = []
        for i in fitted.indices {
            let (colour, kind) = style(i)
            let layerIndex = layers.firstIndex(of: fitted[i].layer) ?? i
            let pt = kind == .signal ? Palette.filledPoint(layerIndex) : Palette.openPoint(layerIndex)
            let firstOfLayer = fitted.firstIndex { $0.layer == fitted[i].layer } == i
            let title = firstOfLayer ? "title \(figure.quoted(literal: "layer \(fitted[i].layer)"))" : "notitle"
            clauses.append("\(curvesFile) index \(i) using 1:4 with points pt \(pt) ps 0.22 lc rgb '\(Palette.lighter(colour, 0.55))' notitle")
            clauses.append("\(curvesFile) index \(i) using 1:3 with points pt \(pt) ps 0.22 lc rgb '\(colour)' \(title)")
            clauses.append("\(curvesFile) index \(i) using 1:6 with lines lw 1.1 lc rgb 'black' dt \(kind == .signal ? "1" : "2") notitle")
        }
        if hasNoise {
            clauses.append("NaN with points pt 7 ps 0.4 lc rgb '#444444' title \(figure.quoted(.markup("signal S_l (filled)", latex: "signal $S_l$ (filled)")))")
            clauses.append("NaN with points pt 6 ps 0.4 lc rgb '#444444' title \(figure.quoted(.markup("noise σ_l (open, dashed fit)", latex: "noise $\\sigma_l$ (open, dashed fit)")))")
        }
        clauses.append("NaN with lines lw 1.1 lc rgb 'black' title \(figure.quoted(literal: "\(model.displayName) fit"))")
        figure.plot(clauses)

        // (b) Collapse.
        figure.panel(row: 0, column: 1, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted(.markup("(b) collapse: ln S_c − a_c", latex: "(b) collapse: $\\ln S_c - a_c$")))")
        figure.axis("x", label: xLabel, log: logx, range: xRange)
        figure.axis("y", label: .markup("ln S_c − a_c", latex: "$\\ln S_c - a_c$"), log: false)
        windowLines(&figure)
        figure.add("set key bottom left")
        clauses = []
        for i in fitted.indices {
            let (colour, kind) = style(i)
            let layerIndex = layers.firstIndex(of: fitted[i].layer) ?? i
            let pt = kind == .signal ? Palette.filledPoint(layerIndex) : Palette.openPoint(layerIndex)
            clauses.append("\(curvesFile) index \(i) using 1:5 with points pt \(pt) ps 0.22 lc rgb '\(colour)' notitle")
        }
        clauses.append("\(modelFile) using 1:2 with lines lw 1.8 lc rgb 'black' title \(figure.quoted(.markup("−g(e), shared", latex: "$-g(e)$, shared")))")
        figure.plot(clauses)

        // (c) Residuals.
        figure.panel(row: 1, column: 0, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted("(c) residuals in the window"))")
        figure.axis("x", label: xLabel, log: logx, range: xRange)
        figure.axis("y", label: .markup("ln S_c − fit", latex: "$\\ln S_c - $ fit"), log: false)
        figure.add("unset key")
        figure.add("set arrow from graph 0, first 0 to graph 1, first 0 nohead back lc rgb '\(Palette.grey)' lw 1 dt 1")
        clauses = []
        for i in fitted.indices {
            let (colour, kind) = style(i)
            let layerIndex = layers.firstIndex(of: fitted[i].layer) ?? i
            let pt = kind == .signal ? Palette.filledPoint(layerIndex) : Palette.openPoint(layerIndex)
            clauses.append("\(curvesFile) index \(i) using 1:7 with points pt \(pt) ps 0.25 lc rgb '\(colour)' notitle")
        }
        figure.plot(clauses)

        // (d) Effective exponents and the window scan.
        figure.panel(row: 1, column: 1, rows: 2, columns: 2)
        figure.resetPanel()
        figure.add("set title \(figure.quoted("(d) effective exponent"))")
        figure.axis("x", label: xLabel, log: logx, range: xRange)
        figure.axis("y", label: .markup("α_{eff} = −d ln S / d ln e", latex: "$\\alpha_\\mathrm{eff} = -\\mathrm{d}\\ln S / \\mathrm{d}\\ln e$"), log: false,
                    range: exponentRange)
        windowLines(&figure)
        figure.add("set key bottom right")
        clauses = []
        if let exponentFile {
            for i in fitted.indices {
                let (colour, kind) = style(i)
                clauses.append("\(exponentFile) index \(i) using 1:2 with lines lw 1.2 lc rgb '\(colour)' dt \(kind == .signal ? "1" : "2") notitle")
            }
        }
        if !modelRows.isEmpty {
            clauses.append("\(modelFile) using 1:3 with lines lw 2 lc rgb 'black' title \(figure.quoted(literal: "\(model.displayName) fit, dg/dln e"))")
        }
        if let scanFile, let scan {
            let symbol = scan.model.parameterSymbols[scanIndex]
            if !scanOnSameAxis {
                figure.add("set y2tics nomirror")
                figure.add("set y2label \(figure.quoted(literal: "\(scan.model.displayName) \(symbol) on [s, end]"))")
            }
            let axes = scanOnSameAxis ? "" : " axes x1y2"
            clauses.append("\(scanFile) using 1:2:3:4 with yerrorbars pt 6 ps 0.5 lw 1 lc rgb 'black'\(axes) title \(figure.quoted(literal: "\(scan.model.displayName) \(symbol) fitted on [s, end] vs s"))")
        }
        if clauses.isEmpty { clauses.append("NaN notitle") }
        figure.plot(clauses)
    }

    /// Dotted lines at the fit window's ends.
    private func windowLines(_ figure: inout FigureBuilder) {
        if let from = fit.window.from, from > 0 { figure.verticalLine(at: from, label: "window") }
        if let to = fit.window.to, to > 0, to != fit.window.from { figure.verticalLine(at: to, label: nil) }
    }

    /// One line describing the fit: "nested decay on [40, 900]: α = 0.93 ± 0.02, β = 0.21 ± 0.04 (Jacobian), χ²_ν = 1.1".
    public func fitSentence() -> String {
        let parameters = zip(fit.model.parameterSymbols, fit.parameters).map { symbol, p -> String in
            var text = "\(symbol) = "
            if let se = p.standardError, se > 0, se.isFinite, abs(p.value) < 1e6 {
                // The error with two significant digits, the value rounded to the same place.
                let decimals = max(0, 1 - Int(floor(log10(se))))
                text += String(format: "%.\(decimals)f ± %.\(decimals)f", p.value, se)
            } else {
                text += shortNumber(p.value)
            }
            return text + (p.atBound != nil ? " (at its bound)" : "")
        }
        return "\(fit.model.displayName) decay on \(fit.window.description): " + parameters.joined(separator: ", ")
            + " (Jacobian s.e.), reduced χ² = \(String(format: "%.3g", fit.reducedChiSquare))"
    }
}
