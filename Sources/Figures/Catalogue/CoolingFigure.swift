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
    public func defaultSize(_ options: FigureOptions) -> FigureSize { FigureSize(width: 17, height: 14.5) }

    /// Panel (d) draws a curve's local exponent only where its regression used at least this many points.
    public static let minimumLocalPoints = 5

    /// Writes the panels, data tables and plot commands (see the type's documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        let data = try writeData(&figure)
        figure.beginMultiplot(title: figure.title(fallback: .literal(fitSentence())))
        // One key below the four panels: inside them it would cover data (their corners all hold some).
        let key = keyEntries(figure, data)
        figure.reserveKeyStrip(entries: key.count, columnWidth: 5.6)
        dataPanel(&figure, data)
        collapsePanel(&figure, data)
        residualPanel(&figure, data)
        exponentPanel(&figure, data)
        figure.keyStrip(key)
    }

    /// Dotted lines at the fit window's ends.
    func windowLines(_ figure: inout FigureBuilder) {
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
