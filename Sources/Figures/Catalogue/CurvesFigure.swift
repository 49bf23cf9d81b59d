/// One training run's learning curves.
public struct CurvesRun: Sendable, Equatable {
    /// The run's name in the key ("no smoothing", "PLA U={2}").
    public var label: String
    /// The epochs, one per value of each curve.
    public var epochs: [Double]
    /// Train loss (mean mini-batch cross-entropy) per epoch.
    public var trainLoss: [Double]
    /// Test accuracy per epoch, as a fraction in [0, 1].
    public var testAccuracy: [Double]
    /// Train accuracy per epoch (drawn paler), if wanted.
    public var trainAccuracy: [Double]?

    /// A run's curves; every array has one value per epoch.
    public init(label: String, epochs: [Double], trainLoss: [Double], testAccuracy: [Double], trainAccuracy: [Double]? = nil) {
        precondition(epochs.count == trainLoss.count && epochs.count == testAccuracy.count
                     && (trainAccuracy?.count ?? epochs.count) == epochs.count,
                     "CurvesRun \(label): every curve needs one value per epoch")
        self.label = label
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.testAccuracy = testAccuracy
        self.trainAccuracy = trainAccuracy
    }
}

/// The paper's Figures 6–8: train loss (left) and test accuracy (right) against epochs for several runs, one
/// colour and dash per run (the first in black, as the paper's unregularised baseline), train accuracy as paler
/// thin lines, and an optional zoom on the test accuracy over a range of epochs (bottom, full width).
public struct CurvesFigure: Figure {
    /// The runs, in key order.
    public var runs: [CurvesRun]
    /// The epochs to zoom into (nil: no zoom panel).
    public var zoom: AxisRange?

    /// A figure of `runs` with an optional zoom.
    public init(runs: [CurvesRun], zoom: AxisRange? = nil) {
        self.runs = runs
        self.zoom = zoom
    }

    /// "curves", as in `thermo plot curves`.
    public var name: String { "curves" }

    /// The size used when `--size` is not given.
    public func defaultSize(_ options: FigureOptions) -> FigureSize {
        FigureSize(width: 17, height: zoom == nil ? 7 : 12.5)
    }

    /// Writes the panels, data tables and plot commands (see the type\'s documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        guard !runs.isEmpty, runs.contains(where: { !$0.epochs.isEmpty }) else {
            throw .invalidData(figure: name, reason: "no run has epochs to draw")
        }
        let logx = figure.options.logx ?? false
        if logx { try figure.checkLogRange(figure.options.xrange) }
        if let zoom, logx { try figure.checkLogRange(zoom, option: "--zoom") }
        let epochs = runs.flatMap(\.epochs)
        let lines = runs.map(\.epochs)
        try figure.checkRangeMeetsData(figure.options.xrange, data: epochs, what: "epochs", lines: lines)
        try figure.checkRangeMeetsData(zoom, option: "--zoom", data: epochs, what: "epochs", lines: lines)
        let logy = figure.options.logy ?? false
        var files: [String] = []
        var losses: [Double] = []
        for (i, run) in runs.enumerated() {
            var table = DataTable(part: "run\(i + 1)", description: [
                "run: \(run.label)",
                "per epoch: train loss (mean mini-batch cross-entropy), test accuracy and train accuracy in % (NaN if not recorded)",
            ], columns: ["epoch", "train_loss", "test_accuracy", "train_accuracy"])
            let rows = (0..<run.epochs.count).map { k in
                [run.epochs[k], run.trainLoss[k], 100 * run.testAccuracy[k], run.trainAccuracy.map { 100 * $0[k] } ?? .nan]
            }
            table.append(run.label, rows: rows)
            files.append(figure.data(table))
            losses += run.trainLoss.filter { $0.isFinite && $0 > 0 }
        }
        let hasTrainAccuracy = runs.contains { $0.trainAccuracy != nil }
        let rows = zoom == nil ? 1 : 2
        let heights = zoom == nil ? nil : [1.0, 0.85]

        figure.beginMultiplot(title: figure.title(fallback: nil))
        // Train loss.
        figure.panel(row: 0, column: 0, rows: rows, columns: 2, heights: heights)
        figure.resetPanel()
        figure.add("set title \(figure.quoted("train loss"))")
        figure.axis("x", label: "epoch", log: logx, range: figure.options.xrange)
        figure.axis("y", label: "cross-entropy", log: logy, span: (losses.min() ?? 1, losses.max() ?? 1))
        figure.add("set key top right")
        figure.plot(runs.indices.map { i in
            "\(files[i]) using 1:2 with lines lw 1.5 lc rgb '\(Palette.runColour(i))' dt \(Palette.dash(i)) title \(figure.quoted(literal: runs[i].label))"
        })
        // Test accuracy.
        figure.panel(row: 0, column: 1, rows: rows, columns: 2, heights: heights)
        figure.resetPanel()
        figure.add("set title \(figure.quoted(hasTrainAccuracy ? "test accuracy (paler: train)" : "test accuracy"))")
        figure.axis("x", label: "epoch", log: logx, range: figure.options.xrange)
        figure.axis("y", label: "accuracy (%)", log: false)
        figure.add("unset key")
        if let zoom {
            let left = zoom.lower.map { "first \(gnuplotNumber($0))" } ?? "graph 0"
            let right = zoom.upper.map { "first \(gnuplotNumber($0))" } ?? "graph 1"
            figure.add("set object 1 rectangle from \(left), graph 0 to \(right), graph 1 behind fc rgb '#F0F0F0' fs solid 1.0 noborder")
        }
        figure.plot(accuracyClauses(files, figure: figure))
        // Zoom.
        if let zoom {
            figure.panel(row: 1, column: 0, rows: 2, columns: 2, columnSpan: 2, heights: heights)
            figure.resetPanel()
            figure.add("set title \(figure.quoted(literal: "test accuracy, epochs \(zoom.lower.map(shortNumber) ?? "first")–\(zoom.upper.map(shortNumber) ?? "last")"))")
            figure.axis("x", label: "epoch", log: logx, range: zoom)
            var inRange: [Double] = []
            for run in runs {
                for (e, a) in zip(run.epochs, run.testAccuracy) where zoom.contains(e) && a.isFinite { inRange.append(100 * a) }
            }
            var yRange: AxisRange? = nil
            if let lo = inRange.min(), let hi = inRange.max() {
                let pad = max(0.08 * (hi - lo), 0.05)
                yRange = AxisRange(lower: lo - pad, upper: hi + pad)
            }
            figure.axis("y", label: "test accuracy (%)", log: false, range: yRange)
            figure.add("unset key")
            figure.plot(accuracyClauses(files, figure: figure, trainAccuracy: false))
        }
    }

    private func accuracyClauses(_ files: [String], figure: FigureBuilder, trainAccuracy: Bool = true) -> [String] {
        var clauses: [String] = []
        if trainAccuracy {
            for (i, run) in runs.enumerated() where run.trainAccuracy != nil {
                clauses.append("\(files[i]) using 1:4 with lines lw 0.9 lc rgb '\(Palette.lighter(Palette.runColour(i), 0.6))' dt \(Palette.dash(i)) notitle")
            }
        }
        for i in runs.indices {
            clauses.append("\(files[i]) using 1:3 with lines lw 1.5 lc rgb '\(Palette.runColour(i))' dt \(Palette.dash(i)) notitle")
        }
        return clauses
    }
}
