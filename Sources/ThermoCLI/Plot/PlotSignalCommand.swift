import ArgumentParser
import Figures
import Studies

/// `thermo plot signal`: per-layer signal and noise against epochs, runs side by side (Figure 1).
struct PlotSignalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal",
        abstract: "Per-layer signal S (solid) and noise σ (dashed) against epochs on a log axis (Figure 1).",
        discussion: """
        INPUTS: \(figureInputFormats). Each run (each file, or each value of a run column) gets a panel; two runs (ReLU and tanh) are drawn side by side. Regime boundaries — the median signal peak and the onset e* of the late common cooling — are found and marked unless --no-regimes.
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("Input tables, one or more runs each.", valueName: "INPUT"))
    var inputs: [String] = []
    @Option(help: ArgumentHelp("A panel's title, in run order (repeat once per run).", valueName: "NAME"))
    var label: [String] = []
    @Flag(help: "Do not look for and mark regime boundaries.")
    var noRegimes = false

    func run() throws {
        try plot.checkOutput()
        let runs = try studied { () throws(StudyError) in try RunSeries.loadFigureInputs(inputs) }
        guard label.isEmpty || label.count == runs.count else {
            throw ValidationError("--label was given \(label.count) time\(label.count == 1 ? "" : "s") for \(runs.count) runs (\(runs.map(\.label).joined(separator: ", "))); give one per run")
        }
        for note in undrawableValueNotes(runs, quantities: [("signal", { $0.signal }), ("noise", { $0.noise })]) { plot.note(note) }
        var panels: [SignalPanel] = []
        for (i, run) in runs.enumerated() {
            for layer in run.layers where layer.signal == nil {
                throw ValidationError("\(run.path) has no signal column; the signal figure needs epoch, layer, signal[, noise]")
            }
            let title = label.isEmpty ? run.label : label[i]
            var panel = SignalPanel(title: title, layers: run.layers)
            if !noRegimes {
                let (boundaries, notes) = SignalPanel.boundaries(of: signalRegimes(run))
                panel.boundaries = boundaries
                for note in notes { plot.note("\(title): \(note)") }
            }
            panels.append(panel)
        }
        try plot.render(SignalFigure(panels: panels), inputs: inputs)
    }
}
