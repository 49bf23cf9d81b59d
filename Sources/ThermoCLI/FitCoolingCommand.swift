import Analysis
import ArgumentParser
import Foundation

/// `thermo fit-cooling TRACE…`: the joint fit of the late common cooling of all layers, the model comparison,
/// the commonality test, bootstrap intervals, the window-start scan and effective exponents, and one sentence.
struct FitCoolingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-cooling",
        abstract: "Fit the late common cooling of all layers: shared decay, model comparison, commonality, bootstrap, scan.",
        discussion: """
        Fits ln S_c(e) = a_c − g(e; θ) to every selected curve c (each layer's signal and/or noise, of every \
        run) at once: a per-curve amplitude a_c, decay parameters θ shared by all curves, in log space, by \
        bound-constrained Levenberg–Marquardt in Float64. Models: nested (default; g = α(e^β − 1)/β, the power \
        law at β = 0, the exponential at β = 1), power (α ln e), exponential (e/τ), stretched ((e/τ)^β). All four \
        are fitted on the same points and compared by AIC and BIC; the commonality test compares the shared \
        decay with per-curve decays. Without --from, the window starts at the onset e* of the late common \
        regime found by 'thermo regimes' (same --curves); without --to it ends at the last epoch.

        Intervals: Jacobian (Student t, 95%) by default; --bootstrap N adds a moving-block bootstrap over \
        epochs (one run) or a bootstrap over traces (several runs), and the closing sentence then shows that \
        interval (the output says which). Any parameter that ends on a bound of its box is reported with a \
        warning saying why. --scan adds the fitted parameters against the window start and the smoothed \
        effective exponent α_eff(e) = −d ln S/d ln e of every curve.

        INPUTS: \(AnalysisInput.formats). Several inputs (or a table's run column) are several runs (seeds).

        Examples:
          thermo fit-cooling run.h5
          thermo fit-cooling run.h5 --from 40 --to 900 --bootstrap 1000 --scan
          thermo fit-cooling seed1.h5 seed2.h5 seed3.h5 --bootstrap 1000 --curves both
          thermo fit-cooling pytorch.csv --model power --format json
        """)

    @Argument(help: ArgumentHelp("Traces or long tables.", valueName: "INPUT"))
    var inputs: [String] = []
    @Option(help: "The model: nested (default), power, exponential or stretched.")
    var model: CoolingModel = .nested
    @Option(help: "Curves fitted: signal (default), noise or both.")
    var curves: CurveSelection = .signal
    @Option(parsing: .unconditional, help: ArgumentHelp("First epoch of the window (default: e* from the regimes analysis).", valueName: "EPOCH"))
    var from: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Last epoch of the window (default: the last epoch).", valueName: "EPOCH"))
    var to: Double?
    @Option(help: ArgumentHelp("Layers to fit, e.g. 1,3 (default: all).", valueName: "L1,L2,…"))
    var layers: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Fit statistics over windows of N steps from the per-step record instead of epochs.", valueName: "N"))
    var window: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Bootstrap replicates: over epochs in blocks (one run) or over traces (several runs); 0 for none.", valueName: "N"))
    var bootstrap: Int = 0
    @Option(parsing: .unconditional, help: ArgumentHelp("Block length of the block bootstrap, in epochs (default ⌈n^(1/3)⌉).", valueName: "B"))
    var blockLength: Int?
    @Option(parsing: .unconditional, help: "Seed of the bootstrap's resampling.")
    var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: ArgumentHelp("Confidence level of the intervals.", valueName: "P"))
    var level: Double = 0.95
    @Option(name: .customLong("bound"),
            help: ArgumentHelp("A parameter's box for the chosen model, e.g. beta=-2:2 or tau=1:1e6 (repeatable).", valueName: "NAME=LO:HI"))
    var bounds: [String] = []
    @Option(parsing: .unconditional, help: ArgumentHelp("Levenberg–Marquardt's iteration limit.", valueName: "N"))
    var maxIterations: Int = 200
    @Flag(help: "Also print the fitted parameters against the window start and the effective exponents.")
    var scan = false
    @Option(parsing: .unconditional, help: ArgumentHelp("With --scan: about how many window starts.", valueName: "N"))
    var scanStarts: Int = 20
    @Option(parsing: .unconditional, help: ArgumentHelp("With --scan: the half-width h in ln e of the effective exponent's smoothing.", valueName: "H"))
    var halfWidth: Double = 0.25
    @Option(help: "Output: table (default) or json.")
    var format: AnalysisOutputFormat = .table

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input: \(AnalysisInput.formats)") }
        if let window, window < 1 { throw ValidationError("--window takes a positive number of steps") }
        if let from, let to, from > to { throw ValidationError("--from \(formatNumber(from)) is after --to \(formatNumber(to)): the window is empty") }
        if let from, !from.isFinite { throw ValidationError("--from takes a finite epoch") }
        if let to, !to.isFinite { throw ValidationError("--to takes a finite epoch") }
        if let from, from <= 0 { throw ValidationError("--from takes an epoch > 0 (epochs are numbered from 1), got \(formatNumber(from))") }
        if let to, to <= 0 { throw ValidationError("--to takes an epoch > 0 (epochs are numbered from 1), got \(formatNumber(to))") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap takes a number of replicates ≥ 0") }
        if let blockLength, blockLength < 1 { throw ValidationError("--block-length takes a positive number of epochs") }
        guard level > 0 && level < 1 else { throw ValidationError("--level takes a confidence level in (0, 1), e.g. 0.95") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
        guard scanStarts >= 1 else { throw ValidationError("--scan-starts must be at least 1") }
        guard halfWidth > 0 && halfWidth.isFinite else { throw ValidationError("--half-width takes a positive width in ln e") }
        guard format != .csv else { throw ValidationError("--format takes table or json for fit-cooling") }
        _ = try parseLayerList(layers)
        _ = try parsedBounds()
    }

    /// The primary model's bounds with the --bound replacements.
    func parsedBounds() throws -> [ParameterBounds] {
        var result = model.defaultBounds
        for text in bounds {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let range = EpochRange(argument: parts[1]), !range.isEmpty else {
                throw ValidationError("--bound takes NAME=LO:HI, e.g. beta=-2:2; got '\(text)'")
            }
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            let names = model.parameterNames
            let symbols = model.parameterSymbols
            guard let k = names.firstIndex(of: name) ?? symbols.firstIndex(of: name) else {
                throw ValidationError("--bound \(name): the \(model.rawValue) model's parameters are \(names.joined(separator: ", "))")
            }
            let bound = ParameterBounds(lower: range.from ?? -.infinity, upper: range.to ?? .infinity)
            if model.logScaled[k] && !(bound.lower > 0) {
                throw ValidationError("--bound \(name): \(names[k]) is positive (fitted as ln \(names[k])); give a lower bound > 0")
            }
            result[k] = bound
        }
        return result
    }

    func run() throws {
        var request = SeriesRequest()
        request.layers = try parseLayerList(layers)
        request.window = window
        request.needsNoise = curves != .signal
        let runs = try AnalysisInput.load(inputs, request: request)
        for run in runs { for note in run.notes { printError("note: \(note)") } }
        var solver = LevenbergMarquardt.Options()
        solver.maxIterations = maxIterations
        let report = try FitCoolingReport.make(
            runs: runs, model: model, curves: curves, from: from, to: to, bounds: try parsedBounds(), solver: solver,
            bootstrap: bootstrap, blockLength: blockLength, seed: seed, level: level,
            scan: scan ? (starts: scanStarts, halfWidth: halfWidth) : nil)
        for warning in report.warnings { printError("warning: \(warning)") }
        switch format {
        case .json: try printJSON(report)
        default: print(report.table(), terminator: "")
        }
    }
}

/// What `thermo fit-cooling` computes and prints; `--format json` encodes all of it.
struct FitCoolingReport: Encodable {
    /// Where the window came from.
    struct Window: Encodable {
        var from: Double?
        var to: Double?
        /// "--from/--to", or "regimes: e*" when the start is the onset of the late common regime.
        var source: String
    }
    var inputs: [RegimesReport.Input]
    var resolution: String
    var curves: CurveSelection
    var window: Window
    /// The regime analysis that gave the window's start, when --from was not given.
    var regimes: RegimeAnalysis?
    /// Fit, comparison, commonality, bootstraps, warnings and summary (the Analysis module's result).
    var analysis: CoolingAnalysis
    /// Which interval the summary shows, in words.
    var intervalShown: String
    /// The window-start scan and effective exponents (--scan).
    var scan: WindowScan?
    var effectiveExponents: [CurveEffectiveExponent]?
    /// Every warning, of the primary fit, the compared models and the bootstraps.
    var warnings: [String]
    /// The closing sentence.
    var summary: String

    /// Loads the curves, chooses the window, and runs the analysis.
    static func make(runs: [RunStatistics], model: CoolingModel, curves selection: CurveSelection, from: Double?, to: Double?,
                     bounds: [ParameterBounds], solver: LevenbergMarquardt.Options, bootstrap: Int, blockLength: Int?,
                     seed: UInt64, level: Double, scan: (starts: Int, halfWidth: Double)?) throws -> FitCoolingReport {
        let labelled = runs.count > 1
        let curveRuns = try runs.map { try $0.coolingCurves(selection, run: labelled ? $0.label : nil) }
        let inputs = runs.map { run in
            let positions = run.layers.first?.positions ?? []
            return RegimesReport.Input(path: run.path, run: run.label, kind: run.kind, resolution: run.resolution.description,
                                       positions: positions.count, first: positions.first, last: positions.last)
        }
        let resolutions = Set(runs.map(\.resolution.description))
        // The regimes (for the window's start and the scan's first start).
        let regimeSeries = runs.flatMap { run in
            run.layers.map { layer in
                RegimeSeries(layer: layer.layer, run: labelled ? run.label : nil, positions: layer.positions,
                             signal: layer.signal, noise: layer.noise ?? layer.signal)
            }
        }
        var regimeOptions = RegimeOptions()
        regimeOptions.curves = selection
        regimeOptions.end = to
        var regimes: RegimeAnalysis? = nil
        var window = Window(from: from, to: to, source: "--from/--to")
        if from == nil {
            let (onset, analysis) = try coolingWindowStart(regimeSeries, options: regimeOptions)
            regimes = analysis
            window = Window(from: onset, to: to, source: "regimes: e* = \(formatNumber(onset)), the onset of the late common regime")
        }

        var options = CoolingAnalysisOptions()
        options.window = EpochWindow(from: window.from, to: window.to)
        options.curves = selection
        options.model = model
        options.level = level
        options.solver = solver
        options.bounds = [model.rawValue: bounds]
        options.blockBootstrap = bootstrap > 0 && runs.count == 1
            ? BlockBootstrapOptions(replicates: bootstrap, blockLength: blockLength, level: level, seed: seed) : nil
        options.traceBootstrap = bootstrap > 0 && runs.count > 1
            ? TraceBootstrapOptions(replicates: bootstrap, level: level, seed: seed) : nil
        let analysis: CoolingAnalysis
        do { analysis = try coolingAnalysis(runs: curveRuns, options: options) } catch {
            throw AnalysisCommandError(advice(for: error, window: options.window))
        }

        var scanResult: WindowScan? = nil
        var exponents: [CurveEffectiveExponent]? = nil
        if let scan {
            let fitted = curveRuns.flatMap { $0 }
            let latestPeak = (regimes ?? regimeAnalysis(regimeSeries, options: { var o = regimeOptions; o.candidateCount = 1; return o }()))
                .searchFrom ?? -Double.infinity
            let scanFrom = min(window.from ?? latestPeak, latestPeak)
            let positions = fitted.flatMap(\.epochs).filter { e in to.map { e <= $0 } ?? true }
            let keep = max(10, fitted.count + model.parameterCount + 1)
            let starts = regimeCandidateStarts(positions, from: scanFrom, keep: keep, count: scan.starts)
            do {
                scanResult = try windowScan(fitted, model: model, starts: starts, end: to, bounds: bounds, options: solver)
                let positive = fitted.map { curve -> CoolingCurve in
                    var c = curve
                    let points = zip(curve.epochs, curve.values).filter { $0.0 > 0 && $0.1 > 0 && $0.0.isFinite && $0.1.isFinite }
                    c.epochs = points.map(\.0)
                    c.values = points.map(\.1)
                    return c
                }
                exponents = try Analysis.effectiveExponents(positive, window: EpochWindow(from: nil, to: to), halfWidth: scan.halfWidth)
            } catch {
                throw AnalysisCommandError("the scan failed: \(error.description)")
            }
        }

        var warnings = analysis.warnings.map(\.message)
        for outcome in analysis.fits where outcome.model != model {
            for warning in outcome.fit?.warnings ?? [] where !warnings.contains(warning.message) { warnings.append(warning.message) }
        }
        if let error = analysis.commonalityError { warnings.append("commonality test not made: \(error)") }
        let shown: String
        switch analysis.reportedInterval {
        case .traceBootstrapPercentile: shown = analysis.traceBootstrap?.description ?? "bootstrap over traces"
        case .blockBootstrapPercentile: shown = analysis.blockBootstrap?.description ?? "block bootstrap over epochs"
        case .jacobianStudentT:
            shown = "Jacobian s²(JᵀJ)⁻¹ with Student t quantile, \(formatNumber(100 * level))% (assumes independent residuals: optimistic when they are autocorrelated; --bootstrap N gives honest intervals)"
        }
        return FitCoolingReport(inputs: inputs, resolution: resolutions.sorted().joined(separator: " and "), curves: selection,
                                window: window, regimes: regimes, analysis: analysis, intervalShown: shown, scan: scanResult,
                                effectiveExponents: exponents, warnings: warnings, summary: analysis.summary)
    }

    /// A fit error with what to do about it.
    static func advice(for error: CoolingFitError, window: EpochWindow) -> String {
        let what = error.description
        switch error {
        case .tooFewPoints: return "\(what); widen the window (--from/--to) or choose a model with fewer parameters (--model power)"
        case .emptyWindow: return "\(what); choose --from/--to inside the recorded epochs"
        case .invalidWindow: return "\(what); give --from ≤ --to"
        case .nonPositiveValue: return "\(what); drop that row or start the window after it (--from)"
        case .nonFiniteValue: return "\(what); the data hold NaN or infinite values there: drop them or move the window"
        case .nonPositiveEpoch: return "\(what); number epochs from 1, or start the window at a positive epoch (--from)"
        case .notConverged: return "\(what); try another --model, a narrower window, tighter --bound boxes or a larger --max-iterations"
        case .noCurves: return "\(what); check --curves and --layers"
        case .tooFewTraces, .tooFewCurves: return what
        }
    }

    // MARK: Table

    /// The human-readable report; the closing sentence is the last line.
    func table() -> String {
        let fit = analysis.fit
        var out = ""
        for input in inputs {
            out += "# \(input.path) (\(input.kind)\(input.run == ((input.path as NSString).lastPathComponent as NSString).deletingPathExtension ? "" : ", run \(input.run)")): "
                + input.extent + "\n"
        }
        out += "window \(fit.window.description) (\(window.source)); \(fit.curves.count) curve\(fit.curves.count == 1 ? "" : "s") (\(curves == .both ? "signal and noise" : curves.rawValue)), \(fit.pointCount) points\n\n"

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

        if let c = analysis.commonality {
            out += "\ncommonality (\(c.model.rawValue)): shared decay k = \(c.shared.parameterCount) vs per-curve decays k = \(c.perCurve.parameterCount): "
                + "ΔAIC = \(formatCell(c.deltaAIC)), ΔBIC = \(formatCell(c.deltaBIC)), F(\(c.fDegreesOfFreedom.map(String.init).joined(separator: ", "))) = \(formatCell(c.fStatistic)), p = \(formatCell(c.pValue))\n"
            out += "  \(c.sentence)\(c.sharedPreferredByBIC == c.sharedPreferredByAIC ? "" : " (BIC disagrees)")\n"
            var decayRows = [["curve"] + c.model.parameterSymbols + ["RSS"]]
            for d in c.curveDecays {
                decayRows.append([d.curve] + d.parameters.map { p in formatCell(p.value) + (p.atBound != nil ? " (at bound)" : "") } + [formatCell(d.residualSumOfSquares)])
            }
            out += indent(alignedColumns(decayRows))
        } else if let error = analysis.commonalityError {
            out += "\ncommonality test not made: \(error)\n"
        }

        // With a bootstrap, its description is the interval shown.
        out += "\ninterval in the closing sentence: \(intervalShown)\n"

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
        if !warnings.isEmpty {
            out += "\nwarnings\n" + warnings.map { "  \($0)\n" }.joined()
        }
        out += "\n" + summary + "\n"
        return out
    }

    /// About `count` values of `values` (positive) spaced evenly in ln, snapped to values present.
    static func logSpaced(_ values: [Double], count: Int) -> [Double] {
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

/// The default start of a cooling fit's window (`thermo fit-cooling` and `thermo plot cooling` without
/// --from): the onset e* of the late common regime from `regimeAnalysis`; an error with the evidence when there is
/// none.
func coolingWindowStart(_ series: [RegimeSeries], options: RegimeOptions) throws -> (onset: Double, analysis: RegimeAnalysis) {
    let analysis = regimeAnalysis(series, options: options)
    guard let onset = analysis.commonOnset else {
        throw AnalysisCommandError("no window was given and the regimes analysis found no late common regime (\(analysis.onsetNote)); give the window with --from EPOCH [--to EPOCH] ('thermo regimes' shows the evidence)")
    }
    return (onset, analysis)
}

/// Every line indented by two spaces.
func indent(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
}
