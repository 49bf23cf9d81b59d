import ArgumentParser
import Figures

/// `thermo plot sweep`: best and final test accuracy against R, one line per layer set (Figures 3–5).
struct PlotSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Best and final test accuracy against the radius R, one line per layer set U (Figures 3–5).",
        discussion: """
        INPUTS are summary files written by 'thermo train --summary FILE', or folders of them, or a sweep folder (thermo sweep -o DIR). Runs with the same loss, U, y and R are averaged over seeds (error bars: one standard deviation); cross-entropy runs are drawn as a horizontal reference; several y (4 and 8) give darker and lighter lines; PLA and PLEA get a row each.
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("Run summaries (JSON) or folders of them.", valueName: "SUMMARY"))
    var inputs: [String] = []

    func run() throws {
        try plot.checkOutput()
        let runs = try loadRunSummaries(inputs)
        var points: [SweepPoint] = []
        for run in runs {
            if let status = run.status, status != "completed" {
                plot.note("\(run.path): the run is \(status); its accuracies are those reached before it stopped")
            }
            guard let best = run.bestTestAccuracy ?? run.epochs.map(\.testAccuracy).max(),
                  let final = run.finalTestAccuracy ?? run.epochs.last?.testAccuracy else {
                plot.note("\(run.path) has no epochs; left out")
                continue
            }
            let loss = run.configuration.loss
            points.append(SweepPoint(loss: loss.kind, layers: loss.layers, radius: loss.radius, samples: loss.samples,
                                     seed: run.configuration.seed, best: best, final: final))
        }
        for (name, values) in [("datasets", Set(runs.compactMap(\.configuration.dataset))),
                               ("architectures", Set(runs.compactMap { $0.configuration.architecture.map { "\($0.widths.map(String.init).joined(separator: ",")) \($0.activation)" } }))]
            where values.count > 1 {
            plot.note("the runs mix \(name) (\(values.sorted().joined(separator: "; "))); they are drawn together")
        }
        try plot.render(SweepFigure(points: points), inputs: runs.map(\.path))
    }
}
