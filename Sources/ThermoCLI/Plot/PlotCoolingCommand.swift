import Analysis
import ArgumentParser
import Figures
import Studies

/// `thermo plot cooling`: the late common cooling, its collapse, residuals and effective exponents.
struct PlotCoolingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cooling",
        abstract: "The fitted common decay of all layers: data and fit, collapse, residuals, effective exponents.",
        discussion: """
        INPUT: \(figureInputFormats). The shared decay is fitted as 'thermo fit-cooling' fits it: on [--from, --to], where --from defaults to the onset e* of the late common regime found by 'thermo regimes' (same --curves) and --to to the last epoch, with --model (default nested); panel (d) also shows the power-law exponent fitted on [s, --to] against the window start s (as 'thermo fit-cooling --scan' computes it).
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("A trace or a long table, of one run (--run picks one from a table of several).", valueName: "INPUT"))
    var inputs: [String] = []
    @Option(name: .customLong("run"), help: ArgumentHelp("The run to draw when the input holds several.", valueName: "NAME"))
    var runName: String?
    // The same options, of the same types, as 'thermo fit-cooling': the figure draws that command's study.
    @Option(help: "Decay model.")
    var model: CoolingModel = .nested
    @Option(help: "Curves fitted.")
    var curves: CurveSelection = .signal
    @Option(parsing: .unconditional, help: ArgumentHelp("First epoch of the fit window (default: e* from the regimes analysis).", valueName: "EPOCH"))
    var from: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Last epoch of the fit window.", valueName: "EPOCH"))
    var to: Double?
    @Option(help: "Model of the window-start scan: power, nested, exponential, stretched or none.")
    var scanModel: String = "power"

    func run() throws {
        try plot.checkOutput()
        let scan: CoolingModel?
        if scanModel == "none" { scan = nil } else {
            guard let m = CoolingModel(rawValue: scanModel) else {
                throw ValidationError("--scan-model takes \(CoolingModel.allCases.map(\.rawValue).joined(separator: ", ")) or none; got '\(scanModel)'")
            }
            scan = m
        }
        let chosen = try studied { () throws(StudyError) in try RunSeries.select(try RunSeries.loadFigureInputs(inputs), named: runName) }
        // The study of 'thermo fit-cooling', with only the chosen model, the scan over all epochs and the
        // effective exponents on all epochs.
        var study = CoolingStudyRequest()
        study.model = model
        study.curves = curves
        study.from = from
        study.to = to
        study.compareModels = false
        study.scan = scan.map { CoolingScanRequest(model: $0, starts: .overAllEpochs(count: 20)) }
        study.exponents = EffectiveExponentRequest(upToWindowEnd: false)
        _ = try studied { () throws(StudyError) in try coolingCurves([chosen], selection: study.curves) }
        if from == nil {
            // The window of 'thermo fit-cooling': from the onset e* of the late common regime.
            let onset = try studied { () throws(StudyError) in try coolingWindowStart([chosen], request: study).onset }
            study.from = onset
            plot.note("the fit starts at e* = \(formatNumber(onset)), the onset of the late common regime ('thermo regimes'); --from chooses another start")
        }
        let report: CoolingReport
        do { report = try coolingStudy([chosen], request: study) } catch {
            guard let fitError = error.fitError else { throw error }
            printError("error: cooling fit of \(chosen.path): \(fitError.description)")
            throw ExitCode(1)
        }
        let fit = report.analysis.fit
        for warning in fit.warnings { plot.note(warning.message) }
        // A decay parameter whose standard error exceeds its size is not determined by the window: the collapse
        // panel then subtracts meaningless amplitudes. Drawn all the same (it shows the problem), but said.
        let undetermined = zip(model.parameterSymbols, fit.parameters).filter { _, p in
            guard let se = p.standardError else { return p.atBound == nil }  // no error at all: a singular Jacobian
            return !se.isFinite || se > abs(p.value)
        }
        if !undetermined.isEmpty {
            plot.note("the window \(fit.window.description) does not determine "
                      + undetermined.map { "\($0.0) = \(formatNumber($0.1.value)) ± \($0.1.standardError.map(formatNumber) ?? "?")" }.joined(separator: ", ")
                      + ": its curves and collapse are not to be read; choose a longer window with --from, or --model power")
        }
        let figure = CoolingFigure(curves: report.fittedCurves, fit: fit, scan: report.scan, effectiveExponents: report.effectiveExponents ?? [])
        if !plot.quiet { print(figure.fitSentence()) }
        try plot.render(figure, inputs: inputs)
    }
}
