import ArgumentParser
import Figures
import Settings

/// `thermo plot sweep`: best and final test accuracy against R, one line per layer set (Figures 3–5).
struct PlotSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Best and final test accuracy against the radius R, one line per layer set U (Figures 3–5).",
        discussion: """
        INPUTS are summary files written by 'thermo train --summary FILE', or folders of them, or a sweep folder (thermo sweep -o DIR) or one of its cells. Runs with the same loss, U, y and R that differ in the seed alone are averaged (error bars: one sample standard deviation; none for a single run); runs that differ in other settings (--lr, --epochs, …) get lines of their own, named in the key; cross-entropy runs are drawn as a horizontal reference; several y (4 and 8) give darker and lighter lines; PLA and PLEA get a row each.
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("Run summaries (JSON) or folders of them.", valueName: "SUMMARY"))
    var inputs: [String] = []

    func run() throws {
        try plot.checkOutput()
        let runs = try loadRunSummaries(inputs)
        let variants = SweepVariants(runs)
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
            var point = SweepPoint(loss: loss.kind, layers: loss.layers, radius: loss.radius, samples: loss.samples,
                                   seed: run.configuration.seed, best: best, final: final)
            point.variant = variants.label(run, baseline: run.isCrossEntropy)
            points.append(point)
        }
        if !variants.all.isEmpty {
            let flags = variants.all.map(\.flag).joined(separator: ", ")
            plot.note("the runs differ in \(flags) besides the seed: only runs that differ in the seed alone are averaged, and each value of \(flags) gets its own lines, named in the key")
        }
        try plot.render(SweepFigure(points: points), inputs: runs.map(\.path))
    }
}

/// The settings besides loss, U, y, R and the seed in which a sweep's runs differ, and each run's values of them:
/// a run's line is labelled by them ("lr = 0.01"), so that one point averages only runs that differ in the seed.
/// Smoothing settings (the kernel, k, γ) only tell smoothing runs apart; a cross-entropy run has none.
struct SweepVariants {
    /// The settings that tell cross-entropy runs apart, and those that tell smoothing runs apart.
    let baseline: [TrainingSetting]
    let smoothing: [TrainingSetting]

    init(_ runs: [PlottedRun]) {
        let figure: Set<TrainingSetting> = [.seed, .loss, .smooth, .radius, .samples]
        let general = differingSettings(runs, excluding: figure.union(TrainingSetting.allCases.filter(\.isSmoothing)))
        let smoothingRuns = runs.filter { !$0.isCrossEntropy }
        baseline = general
        smoothing = TrainingSetting.allCases.filter { general.contains($0) || (differingSettings(smoothingRuns, excluding: figure).contains($0) && $0.isSmoothing) }
    }

    /// Every setting that splits lines (the smoothing runs' settings include the baseline's).
    var all: [TrainingSetting] { smoothing }

    /// `run`'s values of the settings that tell its kind of run apart, e.g. "lr = 0.01, epochs = 2".
    func label(_ run: PlottedRun, baseline isBaseline: Bool) -> String {
        settingValues(run, isBaseline ? baseline : smoothing).joined(separator: ", ")
    }
}
