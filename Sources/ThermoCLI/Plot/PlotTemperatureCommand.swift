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
    @Argument(help: ArgumentHelp("The input table.", valueName: "INPUT"))
    var inputs: [String] = []
    @Option(name: .customLong("run"), help: ArgumentHelp("The run to draw when the input holds several.", valueName: "NAME"))
    var runName: String?

    func run() throws {
        try plot.checkOutput()
        let chosen = try studied { () throws(StudyError) in try RunSeries.select(try RunSeries.loadFigureInputs(inputs), named: runName) }
        var notes: [String] = []
        let layers = try chosen.layers.map { record -> TemperatureSeries in
            guard let temperature = record.temperature else {
                throw ValidationError("\(chosen.path) has neither a temperature nor a noise column; T_l needs one of them")
            }
            var bands: [QuantileBand] = []
            var median: [Double]? = nil
            var paired = Set<Int>()
            let quantiles = zip(record.quantileLevels, record.quantiles).map { (level: $0.0, values: $0.1) }
            for (i, q) in quantiles.enumerated() {
                if abs(q.level - 0.5) < 1e-9 { median = q.values; paired.insert(i); continue }
                guard q.level < 0.5, let j = quantiles.firstIndex(where: { abs($0.level - (1 - q.level)) < 1e-9 }) else { continue }
                bands.append(QuantileBand(lower: q.level, upper: quantiles[j].level, lowerValues: q.values, upperValues: quantiles[j].values))
                paired.formUnion([i, j])
            }
            for (i, q) in quantiles.enumerated() where !paired.contains(i) {
                notes.append("quantile q\(shortValue(100 * q.level)) has no symmetric partner q\(shortValue(100 * (1 - q.level))); left out")
            }
            return TemperatureSeries(layer: record.layer, epochs: record.positions, temperature: temperature, bands: bands, median: median)
        }
        for note in Set(notes).sorted() { plot.note(note) }
        if plot.logy ?? true {
            let temperatures: (LayerSeries) -> [Double]? = { $0.temperature }
            for note in undrawableValueNotes([chosen], quantities: [("temperature", temperatures)]) { plot.note(note) }
        }
        try plot.render(TemperatureFigure(layers: layers), inputs: inputs)
    }
}
