import ArgumentParser
import Figures
import Studies

/// `thermo plot temperature`: layer temperatures with bands of per-weight variance quantiles.
struct PlotTemperatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "temperature",
        abstract: "Layer temperatures T_l = σ_l² against epochs, with bands of per-weight temperature quantiles.",
        discussion: """
        INPUT: \(figureInputFormats). T_l is read from a temperature column, else computed as noise². Quantile columns q<p> are paired symmetrically into bands (q5–q95, q25–q75); q50 is drawn as the median.
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("A trace or a long table, of one run (--run picks one from a table of several).", valueName: "INPUT"))
    var inputs: [String] = []
    @Option(name: .customLong("run"), help: ArgumentHelp("The run to draw when the input holds several.", valueName: "NAME"))
    var runName: String?

    func run() throws {
        try plot.checkOutput()
        let chosen = try studied { () throws(StudyError) in try RunSeries.select(try RunSeries.loadFigureInputs(inputs), named: runName) }
        for layer in chosen.layers where layer.temperature == nil {
            throw ValidationError("\(chosen.path) has neither a temperature nor a noise column; T_l needs one of them")
        }
        for note in TemperatureFigure.unpairedQuantileNotes(chosen.layers) { plot.note(note) }
        if plot.logy ?? true {
            let temperatures: (LayerSeries) -> [Double]? = { $0.temperature }
            for note in undrawableValueNotes([chosen], quantities: [("temperature", temperatures)]) { plot.note(note) }
        }
        try plot.render(TemperatureFigure(layers: chosen.layers), inputs: inputs)
    }
}
