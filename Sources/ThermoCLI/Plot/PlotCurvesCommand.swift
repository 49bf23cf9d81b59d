import ArgumentParser
import Figures

/// `thermo plot curves`: train loss and test accuracy against epochs for several runs (Figures 6–8).
struct PlotCurvesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curves",
        abstract: "Train loss and test accuracy against epochs for several runs (Figures 6–8).",
        discussion: """
        INPUTS are summary files written by 'thermo train --summary FILE', or folders of them, or a sweep folder or one of its cells. Runs are named by their loss settings, and, where several share a name, by the settings that tell them apart (ce seed 1, ce seed 2). The first run is drawn in black (the paper's unregularised baseline); train accuracy appears as paler lines.
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("Run summaries (JSON) or folders of them.", valueName: "SUMMARY"))
    var inputs: [String] = []
    @Option(help: ArgumentHelp("A run's name in the key, in input order (repeat once per run).", valueName: "NAME"))
    var label: [String] = []
    @Option(parsing: .unconditional, help: ArgumentHelp("Add a panel zooming into the test accuracy over these epochs.", valueName: "FROM:TO"))
    var zoom: String?
    @Flag(help: "Leave out the paler train-accuracy lines.")
    var noTrainAccuracy = false

    func run() throws {
        try plot.checkOutput()
        let zoomRange: AxisRange?
        do { zoomRange = try zoom.map { try AxisRange(parsing: $0, option: "--zoom") } } catch let error as FigureError {
            throw ValidationError(error.description)
        }
        let runs = try loadRunSummaries(inputs)
        guard label.isEmpty || label.count == runs.count else {
            throw ValidationError("--label was given \(label.count) time\(label.count == 1 ? "" : "s") for \(runs.count) runs; give one per run, in input order")
        }
        let names = label.isEmpty ? distinctLabels(runs) : label
        let curves = runs.enumerated().map { i, run in
            CurvesRun(label: names[i],
                      epochs: run.epochs.map { Double($0.epoch) },
                      trainLoss: run.epochs.map(\.trainLoss),
                      testAccuracy: run.epochs.map(\.testAccuracy),
                      trainAccuracy: noTrainAccuracy || run.epochs.contains { $0.trainAccuracy == nil } ? nil : run.epochs.map { $0.trainAccuracy! })
        }
        try plot.render(CurvesFigure(runs: curves, zoom: zoomRange), inputs: runs.map(\.path))
    }
}
