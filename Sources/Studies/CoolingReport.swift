import NumericCore
import Analysis
import Foundation

/// What the cooling study finds (`thermo fit-cooling` prints it; `--format json` encodes all of it but the
/// fitted curves, which `thermo plot cooling` draws).
public struct CoolingReport: Codable, Sendable {
    /// Where the window came from.
    public struct Window: Codable, Sendable {
        /// The window's first epoch (nil: open).
        public var from: Double?
        /// The window's last epoch (nil: open, to the last recorded).
        public var to: Double?
        /// "--from/--to", or "regimes: e*" when the start is the onset of the late common regime.
        public var source: String
    }
    /// The runs read, with their resolution and extent.
    public var inputs: [RegimesReport.Input]
    /// "per epoch" or "per window of N steps" ("… and …" when the inputs differ).
    public var resolution: String
    /// The curves fitted: signal, noise or both.
    public var curves: CurveSelection
    /// The window fitted and where it came from.
    public var window: Window
    /// The regime analysis that gave the window's start, when --from was not given.
    public var regimes: RegimeAnalysis?
    /// Fit, comparison, commonality, bootstraps, warnings and summary (the Analysis module's result).
    public var analysis: CoolingAnalysis
    /// Which interval the summary shows, in words.
    public var intervalShown: String
    /// The window-start scan and effective exponents (--scan).
    public var scan: WindowScan?
    /// Each curve's smoothed α_eff(e) = −d ln S/d ln e (nil: not asked for).
    public var effectiveExponents: [CurveEffectiveExponent]?
    /// Every warning, of the primary fit, the compared models and the bootstraps.
    public var warnings: [String]
    /// The closing sentence.
    public var summary: String
    /// The curves the study fitted (every point, inside and outside the window), for a figure; not encoded.
    public var fittedCurves: [CoolingCurve] = []

    enum CodingKeys: String, CodingKey {
        case inputs, resolution, curves, window, regimes, analysis, intervalShown, scan, effectiveExponents, warnings, summary
    }

    /// A fit error with what to do about it.
    public static func advice(for error: CoolingFitError, window: EpochWindow) -> String {
        let what = error.description
        switch error {
        case .tooFewPoints: return "\(what); widen the window (--from/--to) or choose a model with fewer parameters (--model power)"
        case .tooFewEpochs: return "\(what); widen the window (--from/--to) to more epochs or choose a model with fewer parameters (--model power)"
        case .emptyWindow: return "\(what); choose --from/--to inside the recorded epochs"
        case .invalidWindow: return "\(what); give --from ≤ --to"
        case .nonPositiveValue: return "\(what); drop that row or start the window after it (--from)"
        case .nonFiniteValue: return "\(what); the data hold NaN or infinite values there: drop them or move the window"
        case .nonPositiveEpoch: return "\(what); number epochs from 1, or start the window at a positive epoch (--from)"
        case .notConverged: return "\(what); try another --model, a narrower window, tighter --bound boxes or a larger --max-iterations"
        case .noCurves: return "\(what); check --curves and --layers"
        case .blockTooLong(_, let points, _):
            return "\(what); give --block-length \(max(1, points - 1)) or less, or widen the window (--from/--to)"
        case .tooFewTraces, .tooFewCurves: return what
        }
    }

    // MARK: Table

    /// The human-readable report; the closing sentence is the last line.
    public func table() -> String {
        var out = inputsText() + primaryFitText() + modelsText() + commonalityText()
        // With a bootstrap, its description is the interval shown.
        out += "\ninterval in the closing sentence: \(intervalShown)\n"
        out += scanText() + exponentsText()
        if !warnings.isEmpty {
            out += "\nwarnings\n" + warnings.map { "  \($0)\n" }.joined()
        }
        out += "\n" + summary + "\n"
        return out
    }

    /// The inputs and the window.
    private func inputsText() -> String {
        let fit = analysis.fit
        var out = ""
        for input in inputs {
            out += "# \(input.path) (\(input.kind)\(input.run == ((input.path as NSString).lastPathComponent as NSString).deletingPathExtension ? "" : ", run \(input.run)")): "
                + input.extent + "\n"
        }
        out += "window \(fit.window.description) (\(window.source)); \(fit.curves.count) curve\(fit.curves.count == 1 ? "" : "s") (\(curves == .both ? "signal and noise" : curves.rawValue)), \(fit.pointCount) points\n\n"

        return out
    }

    /// The primary fit: parameters with their intervals, amplitudes, goodness of fit.
    private func primaryFitText() -> String {
        let fit = analysis.fit
        var out = ""
        out += "\(fit.model.rawValue): \(fit.formula)\n"
        var rows = [["parameter", "value", "std. error", "Jacobian \(formatNumber(100 * (fit.parameters.first?.interval?.level ?? 0.95)))%", "bootstrap", "bounds", "note"]]
        let boot = analysis.traceBootstrap ?? analysis.blockBootstrap
        for (k, p) in fit.parameters.enumerated() {
            let b = boot?.parameters[k]
            rows.append([fit.model.parameterSymbols[k], formatCell(p.value), formatCell(p.standardError),
                         p.interval.map { "[\(formatCell($0.lower)), \(formatCell($0.upper))]" } ?? "—",
                         b?.interval.map { "[\(formatCell($0.lower)), \(formatCell($0.upper))] (se \(formatCell(b?.standardError)))" } ?? "—",
                         "[\(formatCell(p.bounds.lower)), \(formatCell(p.bounds.upper))]",
                         p.atBound.map { "AT \($0.rawValue.uppercased()) BOUND" } ?? ""])
        }
        out += indent(alignedColumns(rows))
        var amplitudeRows = [["curve", "amplitude a", "std. error", "points"]]
        for a in fit.amplitudes { amplitudeRows.append([a.curve, formatCell(a.value), formatCell(a.standardError), String(a.pointCount)]) }
        out += indent(alignedColumns(amplitudeRows))
        out += "  χ²_red = \(formatCell(fit.reducedChiSquare)) (ν = \(fit.degreesOfFreedom)), RSS = \(formatCell(fit.residualSumOfSquares)), "
            + "AIC = \(formatCell(fit.aic)), BIC = \(formatCell(fit.bic)), k = \(fit.parameterCount); "
            + "\(fit.iterations) iteration\(fit.iterations == 1 ? "" : "s"), converged on \(fit.convergence)\n"
        if let correlation = fit.parameterCorrelation, correlation.count == 2 {
            out += "  correlation of \(fit.model.parameterSymbols.joined(separator: " and ")): \(formatCell(correlation[0][1]))\n"
        }

        return out
    }

    /// Every model on the same points, ranked by AIC and BIC.
    private func modelsText() -> String {
        var out = ""
        out += "\nmodels on the same points (AIC = 2k − 2 ln L, BIC = k ln n − 2 ln L, Gaussian log-space residuals)\n"
        var modelRows = [["model", "parameters", "χ²_red", "AIC", "ΔAIC", "BIC", "ΔBIC", "weight", "note"]]
        for entry in analysis.comparison.entries {
            let outcome = analysis.fits.first { $0.model == entry.model }
            let f = outcome?.fit
            let parameters = f.map { fit in
                fit.parameters.enumerated().map { k, p in "\(fit.model.parameterSymbols[k]) = \(formatCell(p.value))" }.joined(separator: ", ")
            } ?? "—"
            var note: [String] = []
            if entry.model == analysis.comparison.preferredByAIC { note.append("preferred by AIC") }
            if entry.model == analysis.comparison.preferredByBIC { note.append("preferred by BIC") }
            if let d = entry.deltaAIC, d > 10 { note.append("rejected (ΔAIC > 10)") }
            if entry.atBound { note.append("at a bound: no interior optimum") }
            if let error = entry.error { note.append("failed: \(error)") }
            /// Differences within 10⁻⁶ of the best are ties (the ranking's own tolerance): shown as 0.
            func delta(_ d: Double?) -> String { d.map { abs($0) < 1e-6 ? "0" : formatCell($0) } ?? "—" }
            modelRows.append([entry.model.rawValue, parameters, formatCell(f?.reducedChiSquare), formatCell(entry.aic), delta(entry.deltaAIC),
                              formatCell(entry.bic), delta(entry.deltaBIC), formatCell(entry.akaikeWeight), note.joined(separator: "; ")])
        }
        out += indent(alignedColumns(modelRows))

        return out
    }

    /// The commonality test: one shared decay against one decay per curve.
    private func commonalityText() -> String {
        var out = ""
        if let c = analysis.commonality {
            out += "\ncommonality (\(c.model.rawValue)): shared decay k = \(c.shared.parameterCount) vs per-curve decays k = \(c.perCurve.parameterCount): "
                + "ΔAIC = \(formatCell(c.deltaAIC)), ΔBIC = \(formatCell(c.deltaBIC)), F(\(c.fDegreesOfFreedom.map(String.init).joined(separator: ", "))) = \(formatCell(c.fStatistic)), p = \(formatCell(c.pValue))\n"
            out += "  \(c.sentence)\(c.bicDisagrees ? " (BIC disagrees: ΔBIC = \(formatCell(c.deltaBIC)))" : "")\n"
            var decayRows = [["curve"] + c.model.parameterSymbols + ["RSS"]]
            for d in c.curveDecays {
                decayRows.append([d.curve] + d.parameters.map { p in formatCell(p.value) + (p.atBound != nil ? " (at bound)" : "") } + [formatCell(d.residualSumOfSquares)])
            }
            out += indent(alignedColumns(decayRows))
        } else if let error = analysis.commonalityError {
            out += "\ncommonality test not made: \(error)\n"
        }

        return out
    }

    /// The window-start scan, if made.
    private func scanText() -> String {
        var out = ""
        if let scan {
            out += "\nwindow-start scan: \(scan.model.rawValue) fitted on [s, \(scan.end.map(formatNumber) ?? "last")]\n"
            var scanRows = [["start s", "points"] + scan.model.parameterSymbols.map { "\($0) ± std. error" } + ["χ²_red", "note"]]
            for p in scan.points {
                let values = p.parameters?.map { formatCell($0.value) + " ± " + formatCell($0.standardError) }
                    ?? Array(repeating: "—", count: scan.model.parameterCount)
                let undetermined = p.parameters?.contains { $0.standardError == nil } == true
                scanRows.append([formatNumber(p.start), String(p.pointCount)] + values
                                + [formatCell(p.reducedChiSquare),
                                   p.error ?? (p.atBound ? "at a bound" : (undetermined ? "not identifiable: JᵀJ (near-)singular, no standard errors" : ""))])
            }
            out += indent(alignedColumns(scanRows))
        }
        return out
    }

    /// The effective exponents on about 12 log-spaced epochs, if computed.
    private func exponentsText() -> String {
        var out = ""
        if let exponents = effectiveExponents, !exponents.isEmpty {
            let h = exponents[0].halfWidth
            out += "\neffective exponent α_eff(e) = −d ln S/d ln e (local linear fit in ln e, tricube weights, half-width \(formatNumber(h)): e·e^±\(formatNumber(h)))\n"
            let targets = Self.logSpaced(exponents.flatMap { $0.points.map(\.epoch) }, count: 12)
            var rows = [["epoch"] + exponents.map(\.curve)]
            for e in targets {
                rows.append([formatNumber(e)] + exponents.map { curve in
                    formatCell(curve.points.min { abs(log($0.epoch / e)) < abs(log($1.epoch / e)) }.flatMap { abs(log($0.epoch / e)) < 0.05 ? $0.exponent : nil })
                })
            }
            out += indent(alignedColumns(rows))
        }
        return out
    }

    /// About `count` values of `values` (positive) spaced evenly in ln, snapped to values present.
    public static func logSpaced(_ values: [Double], count: Int) -> [Double] {
        let sorted = Array(Set(values.filter { $0 > 0 && $0.isFinite })).sorted()
        guard let first = sorted.first, let last = sorted.last else { return [] }
        guard sorted.count > count, last > first else { return sorted }
        var out: [Double] = []
        for k in 0..<count {
            let target = exp(log(first) + (log(last) - log(first)) * Double(k) / Double(count - 1))
            if let e = sorted.min(by: { abs(log($0 / target)) < abs(log($1 / target)) }), out.last != e { out.append(e) }
        }
        return out
    }
}
