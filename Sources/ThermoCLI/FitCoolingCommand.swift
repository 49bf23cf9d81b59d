import Analysis
import ArgumentParser
import Foundation
import Studies

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

        INPUTS: \(RunSeries.analysisFormats). Several inputs (or a table's run column) are several runs (seeds).

        Examples:
          thermo fit-cooling run.h5
          thermo fit-cooling run.h5 --from 40 --to 900 --bootstrap 1000 --scan
          thermo fit-cooling seed1.h5 seed2.h5 seed3.h5 --bootstrap 1000 --curves both
          thermo fit-cooling pytorch.csv --model power --format json
        """)

    @Argument(help: ArgumentHelp("Traces or long tables.", valueName: "INPUT"))
    var inputs: [String] = []
    @Option(help: "The decay model.")
    var model: CoolingModel = .nested
    @Option(help: "Curves fitted.")
    var curves: CurveSelection = .signal
    @Option(parsing: .unconditional, help: ArgumentHelp("First epoch of the window (default: e* from the regimes analysis).", valueName: "EPOCH"))
    var from: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Last epoch of the window (default: the last epoch).", valueName: "EPOCH"))
    var to: Double?
    @Option(help: ArgumentHelp("Layers to fit, by number or by name: 1,3 or fc1,fc2 (default: all).", valueName: "L1,L2,…"))
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
    @Option(help: "Output format.")
    var format: ReportOutputFormat = .table

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input: \(RunSeries.analysisFormats)") }
        try studied { () throws(StudyError) in try SeriesRequest.checkWindow(window) }
        if let from, let to, from > to { throw ValidationError("--from \(formatNumber(from)) is after --to \(formatNumber(to)): the window is empty") }
        if let from, !from.isFinite { throw ValidationError("--from takes a finite epoch") }
        if let to, !to.isFinite { throw ValidationError("--to takes a finite epoch") }
        if let from, from <= 0 { throw ValidationError("--from takes an epoch > 0 (epochs are numbered from 1), got \(formatNumber(from))") }
        if let to, to <= 0 { throw ValidationError("--to takes an epoch > 0 (epochs are numbered from 1), got \(formatNumber(to))") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap takes a number of replicates ≥ 0") }
        if let blockLength, blockLength < 1 { throw ValidationError("--block-length takes a positive number of epochs") }
        try studied { () throws(StudyError) in try CoolingStudyRequest.checkLevel(level) }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
        guard scanStarts >= 1 else { throw ValidationError("--scan-starts must be at least 1") }
        guard halfWidth > 0 && halfWidth.isFinite else { throw ValidationError("--half-width takes a positive width in ln e") }
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
        let runs = try studied { () throws(StudyError) in try RunSeries.load(inputs, request: request) }
        for run in runs { for note in run.notes { printError("note: \(note)") } }
        let study = try study()
        let report = try studied { () throws(StudyError) in try coolingStudy(runs, request: study) }
        for warning in report.warnings { printError("warning: \(warning)") }
        switch format {
        case .json: try printJSON(report)
        case .table: print(report.table(), terminator: "")
        }
    }

    /// The cooling study these flags ask for.
    func study() throws -> CoolingStudyRequest {
        var study = CoolingStudyRequest()
        study.model = model
        study.curves = curves
        study.from = from
        study.to = to
        study.bounds = try parsedBounds()
        study.solver.maxIterations = maxIterations
        study.bootstrap = bootstrap
        study.blockLength = blockLength
        study.seed = seed
        study.level = level
        if scan {
            study.scan = CoolingScanRequest(model: model, starts: .fromSignalPeak(count: scanStarts))
            study.exponents = EffectiveExponentRequest(halfWidth: halfWidth, upToWindowEnd: true)
        }
        return study
    }
}
