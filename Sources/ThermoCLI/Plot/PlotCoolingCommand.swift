import Analysis
import ArgumentParser
import Figures

/// `thermo plot cooling`: the late common cooling, its collapse, residuals and effective exponents.
struct PlotCoolingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cooling",
        abstract: "The fitted common decay of all layers: data and fit, collapse, residuals, effective exponents.",
        discussion: """
        INPUT: \(layerSeriesFormats). The shared decay is fitted as 'thermo fit-cooling' fits it: on [--from, --to], where --from defaults to the onset e* of the late common regime found by 'thermo regimes' (same --curves) and --to to the last epoch, with --model (default nested); panel (d) also shows the power-law exponent fitted on [s, --to] against the window start s (as 'thermo fit-cooling --scan' computes it).
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("The input table.", valueName: "INPUT"))
    var inputs: [String] = []
    @Option(name: .customLong("run"), help: ArgumentHelp("The run to draw when the input holds several.", valueName: "NAME"))
    var runName: String?
    @Option(help: "Decay model: nested (default), power, exponential or stretched.")
    var model: String = "nested"
    @Option(help: "Curves fitted: signal (default), noise or both.")
    var curves: String = "signal"
    @Option(parsing: .unconditional, help: ArgumentHelp("First epoch of the fit window (default: e* from the regimes analysis).", valueName: "EPOCH"))
    var from: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Last epoch of the fit window.", valueName: "EPOCH"))
    var to: Double?
    @Option(help: "Model of the window-start scan: power (default), nested, exponential, stretched or none.")
    var scanModel: String = "power"

    func run() throws {
        try plot.checkOutput()
        guard let fitModel = CoolingModel(rawValue: model) else {
            throw ValidationError("--model takes \(CoolingModel.allCases.map(\.rawValue).joined(separator: ", ")); got '\(model)'")
        }
        guard let selection = CurveSelection(rawValue: curves) else {
            throw ValidationError("--curves takes signal, noise or both; got '\(curves)'")
        }
        let scan: CoolingModel?
        if scanModel == "none" { scan = nil } else {
            guard let m = CoolingModel(rawValue: scanModel) else {
                throw ValidationError("--scan-model takes \(CoolingModel.allCases.map(\.rawValue).joined(separator: ", ")) or none; got '\(scanModel)'")
            }
            scan = m
        }
        let chosen = try selectRun(try loadLayerSeries(inputs), named: runName)
        var coolingCurves: [CoolingCurve] = []
        for record in chosen.layers {
            if selection.includes(.signal) {
                guard let signal = record.signal else { throw ValidationError("\(chosen.path) has no signal column; use --curves noise, or add one") }
                coolingCurves.append(CoolingCurve(layer: record.layer, kind: .signal, epochs: record.epochs, values: signal))
            }
            if selection.includes(.noise) {
                guard let noise = record.noise else { throw ValidationError("\(chosen.path) has no noise column; use --curves signal, or add one") }
                coolingCurves.append(CoolingCurve(layer: record.layer, kind: .noise, epochs: record.epochs, values: noise))
            }
        }
        var window = EpochWindow(from: from, to: to)
        if from == nil {
            // The window of 'thermo fit-cooling': from the onset e* of the late common regime.
            let series = chosen.layers.compactMap { record -> RegimeSeries? in
                guard let signal = record.signal ?? record.noise else { return nil }
                return RegimeSeries(layer: record.layer, positions: record.epochs, signal: signal, noise: record.noise ?? signal)
            }
            var options = RegimeOptions()
            options.curves = selection
            options.end = to
            let (onset, _) = try coolingWindowStart(series, options: options)
            window.from = onset
            plot.note("the fit starts at e* = \(formatNumber(onset)), the onset of the late common regime ('thermo regimes'); --from chooses another start")
        }
        let figure: CoolingFigure
        do {
            figure = try CoolingFigure.analysed(coolingCurves, model: fitModel, window: window, scanModel: scan)
        } catch {
            printError("error: cooling fit of \(chosen.path): \(error.description)")
            throw ExitCode(1)
        }
        for warning in figure.fit.warnings { plot.note(warning.message) }
        // A decay parameter whose standard error exceeds its size is not determined by the window: the collapse
        // panel then subtracts meaningless amplitudes. Drawn all the same (it shows the problem), but said.
        let undetermined = zip(fitModel.parameterSymbols, figure.fit.parameters).filter { _, p in
            guard let se = p.standardError else { return p.atBound == nil }  // no error at all: a singular Jacobian
            return !se.isFinite || se > abs(p.value)
        }
        if !undetermined.isEmpty {
            plot.note("the window \(figure.fit.window.description) does not determine "
                      + undetermined.map { "\($0.0) = \(formatNumber($0.1.value)) ± \($0.1.standardError.map(formatNumber) ?? "?")" }.joined(separator: ", ")
                      + ": its curves and collapse are not to be read; choose a longer window with --from, or --model power")
        }
        if !plot.quiet { print(figure.fitSentence()) }
        try plot.render(figure, inputs: inputs)
    }
}
