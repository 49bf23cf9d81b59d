import Foundation
@testable import Figures
import Studies
import Testing
import TestSupport

/// Failures say what is wrong and leave nothing half-written.
struct ErrorTests {
    @Test("Without gnuplot on PATH the message names the Debian package, and nothing is written")
    func gnuplotMissing() throws {
        let folder = TestPaths.temporaryFolder("figures-errors")
        let empty = TestPaths.temporaryFolder("figures-empty-path")
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: empty)
        }
        let renderer = FigureRenderer(gnuplot: Gnuplot(environment: ["PATH": empty.path]))
        do {
            try renderer.render(KernelFigure(), to: folder.appendingPathComponent("k.png"), options: Fixtures.smallOptions)
            Issue.record("rendering without gnuplot succeeded")
        } catch {
            guard case .gnuplotMissing = error else { Issue.record("unexpected error \(error)"); return }
            #expect(error.description.contains("gnuplot-nox"))
            #expect(error.description.contains("apt-get install"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("A gnuplot error is quoted, and nothing is left behind", .enabled(if: GnuplotSupport.isInstalled))
    func scriptError() throws {
        let folder = TestPaths.temporaryFolder("figures-errors")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Fixtures.smallOptions
        options.extraCommands = ["set nonsense-option 3"]
        do {
            try FigureRenderer().render(KernelFigure(), to: folder.appendingPathComponent("k.png"), options: options)
            Issue.record("a broken script rendered")
        } catch {
            guard case .gnuplotFailed(let script, let status, let message) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(script == "k.gp")
            #expect(status != 0)
            #expect(message.contains("line"), "gnuplot names the line: \(message)")
            #expect(message.contains("unrecognized option") || message.contains("unknown"), "gnuplot's own words: \(message)")
            #expect(error.description.contains(message))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "no staging folder, no partial files")
    }

    @Test("Existing files are not overwritten unless allowed", .enabled(if: GnuplotSupport.isInstalled))
    func overwrite() throws {
        let folder = TestPaths.temporaryFolder("figures-errors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("k.png")
        try FigureRenderer().render(KernelFigure(), to: output, options: Fixtures.smallOptions)
        let before = try Data(contentsOf: output)
        var options = Fixtures.smallOptions
        options.dpi = 50
        #expect(throws: FigureError.self) { try FigureRenderer().render(KernelFigure(), to: output, options: options) }
        #expect(try Data(contentsOf: output) == before)
        // Only the script existing is enough to refuse.
        try FileManager.default.removeItem(at: output)
        #expect(throws: FigureError.self) { try FigureRenderer().render(KernelFigure(), to: output, options: options) }
        try FigureRenderer(overwrite: true).render(KernelFigure(), to: output, options: options)
        #expect(PNGImage.size(of: try Data(contentsOf: output))?.width == 197)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["k.gp", "k.kernel.dat", "k.png"])
    }

    @Test("Unknown extensions, bad sizes and ranges are refused with the accepted forms")
    func badOptions() throws {
        #expect(throws: FigureError.self) { try FigureFormat(path: "figure.jpg") }
        #expect(FigureError.unsupportedFormat(path: "f.jpg").description.contains(".pdf, .png, .svg, .tex"))
        #expect(throws: FigureError.self) { try FigureSize(parsing: "12") }
        #expect(throws: FigureError.self) { try FigureSize(parsing: "0.5,3") }
        #expect(try FigureSize(parsing: "12x8") == FigureSize(width: 12, height: 8))
        #expect(try FigureSize(parsing: "17.5cm,9cm") == FigureSize(width: 17.5, height: 9))
        #expect(throws: FigureError.self) { try AxisRange(parsing: "5:1") }
        #expect(throws: FigureError.self) { try AxisRange(parsing: "a:b") }
        #expect(try AxisRange(parsing: "10:") == AxisRange(lower: 10, upper: nil))
        #expect(try AxisRange(parsing: "*:1e3") == AxisRange(lower: nil, upper: 1000))
        var options = FigureOptions()
        options.dpi = 5
        #expect(throws: FigureError.self) { try options.validate() }
    }

    @Test("Empty data is refused with the figure's name")
    func emptyData() throws {
        let renderer = FigureRenderer()
        #expect(throws: FigureError.self) { try renderer.document(SignalFigure(panels: []), outputName: "s.png") }
        #expect(throws: FigureError.self) { try renderer.document(SweepFigure(points: [SweepPoint(loss: "ce", layers: [], radius: 0, samples: 4, best: 0.9, final: 0.9)]), outputName: "s.png") }
        #expect(throws: FigureError.self) { try renderer.document(CurvesFigure(runs: []), outputName: "c.png") }
        var options = FigureOptions()
        options.logx = true
        options.xrange = AxisRange(lower: 0, upper: 10)
        #expect(throws: FigureError.self) { try renderer.document(Fixtures.curves, outputName: "c.png", options: options) }
    }

    @Test("An --xrange beside the data's epochs is refused, naming the range and the data's extent; one that overlaps them is drawn")
    func rangeBesideTheData() throws {
        let renderer = FigureRenderer()
        var options = FigureOptions()
        options.xrange = AxisRange(lower: 10_000, upper: 20_000)
        for figure in [Fixtures.signal as any Figure, Fixtures.curves] {
            do {
                _ = try renderer.document(figure, outputName: "f.png", options: options)
                Issue.record("\(figure.name): a range beside the data was drawn")
            } catch {
                #expect("\(error)".contains("--xrange 10000:20000 holds none of the data's epochs"), "\(error)")
            }
        }
        options.xrange = AxisRange(lower: 2, upper: nil)
        _ = try renderer.document(Fixtures.signal, outputName: "f.png", options: options)
    }

    @Test("A --zoom or --xrange holding one epoch of a curves figure is refused (a line needs two); one holding two is drawn")
    func lineRangeOfOneEpoch() throws {
        let renderer = FigureRenderer()
        let runs = Fixtures.curves.runs
        do {
            _ = try renderer.document(CurvesFigure(runs: runs, zoom: AxisRange(lower: 50, upper: 60)), outputName: "c.png")
            Issue.record("a zoom on one epoch was drawn")
        } catch {
            #expect("\(error)".contains("--zoom 50:60 holds 1 of the data's epochs (50); a line needs two"), "\(error)")
        }
        var options = FigureOptions()
        options.xrange = AxisRange(lower: 6.5, upper: 7.5)
        do {
            _ = try renderer.document(CurvesFigure(runs: runs), outputName: "c.png", options: options)
            Issue.record("an --xrange on one epoch was drawn")
        } catch {
            #expect("\(error)".contains("--xrange 6.5:7.5 holds 1 of the data's epochs (7); a line needs two"), "\(error)")
        }
        _ = try renderer.document(CurvesFigure(runs: runs, zoom: AxisRange(lower: 49, upper: 60)), outputName: "c.png")
        options.xrange = AxisRange(lower: 6.5, upper: 8)
        _ = try renderer.document(CurvesFigure(runs: runs), outputName: "c.png", options: options)
    }

    @Test("A range holding one epoch of each of two runs (two epochs in all) draws no line and is refused; one holding two of one run is drawn")
    func lineRangeOfOneEpochPerRun() throws {
        let run = { (label: String, epochs: [Double]) in
            CurvesRun(label: label, epochs: epochs, trainLoss: epochs.map { 1 / $0 }, testAccuracy: epochs.map { 0.9 + $0 / 100 })
        }
        let figure = CurvesFigure(runs: [run("odd", [1, 3, 5]), run("even", [2, 4, 6])])
        var options = FigureOptions()
        options.xrange = AxisRange(lower: 2.5, upper: 4.5)
        do {
            _ = try FigureRenderer().document(figure, outputName: "c.png", options: options)
            Issue.record("a range of one epoch per run was drawn")
        } catch {
            #expect("\(error)".contains("--xrange 2.5:4.5 holds at most 1 of the epochs of each line (3, 4 in all), and a line needs two"), "\(error)")
        }
        options.xrange = AxisRange(lower: 2.5, upper: 5.5)
        _ = try FigureRenderer().document(figure, outputName: "c.png", options: options)
    }

    @Test("One radius: the linear R axis stays at R ≥ 0, padded by half the radius either side")
    func singleRadiusAxis() throws {
        let figure = SweepFigure(points: [1, 2].map { SweepPoint(loss: "pla", layers: [1], radius: 0.01, samples: 4, seed: UInt64($0), best: 0.9, final: 0.9) })
        let script = try FigureRenderer().document(figure, outputName: "s.png").script
        #expect(script.contains("set xrange [0.005:0.015]"), "\(script)")
        let zero = SweepFigure(points: [SweepPoint(loss: "pla", layers: [1], radius: 1, samples: 4, best: 0.9, final: 0.9)])
        let text = try FigureRenderer().document(zero, outputName: "s.png").script
        #expect(text.contains("set xrange [0.5:1.5]"), "\(text)")
        #expect(!text.contains("set xrange [-"), "\(text)")
    }

    @Test("Lines that differ only in a training setting (variants) get point types of their own, in the plot and in the key")
    func variantsHaveOwnPoints() throws {
        let points = [0.01, 0.1].map { lr in
            SweepPoint(loss: "pla", layers: [1], radius: 0.01, samples: 4, seed: 1, best: 0.9 + lr, final: 0.9, variant: "lr = \(lr)")
        }
        let script = try FigureRenderer().document(SweepFigure(points: points), outputName: "s.png").script
        let keys = script.split(separator: "\n").filter { $0.contains("NaN with linespoints") }
        let types = Set(keys.compactMap { line in line.range(of: " pt ").map { line[$0.upperBound...].prefix { $0.isNumber } } })
        #expect(keys.count == 2 && types.count == 2, "\(keys)")
    }
}

/// The data model's arithmetic: sweep aggregation and the script's terminal line.
struct ModelTests {
    @Test("Sweep runs are averaged over seeds per (loss, U, y, R), with the sample standard deviation")
    func sweepAggregation() {
        let points = [
            SweepPoint(loss: "pla", layers: [2], radius: 0.01, samples: 4, seed: 1, best: 0.90, final: 0.88),
            SweepPoint(loss: "pla", layers: [2], radius: 0.01, samples: 4, seed: 2, best: 0.92, final: 0.90),
            SweepPoint(loss: "pla", layers: [2], radius: 0.1, samples: 4, seed: 1, best: 0.80, final: 0.79),
            SweepPoint(loss: "pla", layers: [2, 1], radius: 0.01, samples: 8, seed: 1, best: 0.85, final: 0.84),
            SweepPoint(loss: "ce", layers: [], radius: 0, samples: 4, seed: 1, best: 0.89, final: 0.87),
            SweepPoint(loss: "pla", layers: [1], radius: 0, samples: 4, seed: 1, best: 0.91, final: 0.89),
        ]
        let figure = SweepFigure(points: points)
        let series = figure.series
        #expect(series.map(\.layers) == [[2], [1, 2]])
        let first = series[0].points
        #expect(first.map(\.radius) == [0.01, 0.1])
        #expect(first[0].count == 2)
        #expect(abs(first[0].bestMean - 0.91) < 1e-12)
        #expect(abs(first[0].bestDeviation - 0.02 / 2.0.squareRoot()) < 1e-12)
        #expect(first[1].bestDeviation.isNaN, "the s.d. of one run is undefined")
        let baseline = figure.baselines.first?.runs
        #expect(figure.baselines.count == 1)
        #expect(baseline?.count == 2, "ce runs and R = 0 runs are the baseline")
        #expect(abs((baseline?.bestMean ?? 0) - 0.90) < 1e-12)
    }

    @Test("Runs that differ in more than the seed (a variant) are never averaged: each variant is its own line")
    func sweepVariants() throws {
        let points = [0.01, 0.1].flatMap { lr in
            [1, 2].flatMap { seed in
                [SweepPoint(loss: "pla", layers: [1], radius: 0.01, samples: 4, seed: UInt64(seed), best: 0.9 + lr, final: 0.9, variant: "lr = \(lr)"),
                 SweepPoint(loss: "ce", layers: [], radius: 0, samples: 4, seed: UInt64(seed), best: 0.8 + lr, final: 0.8, variant: "lr = \(lr)")]
            }
        }
        let figure = SweepFigure(points: points)
        #expect(figure.series.map(\.variant) == ["lr = 0.01", "lr = 0.1"])
        #expect(figure.series.map { $0.points[0].count } == [2, 2])
        #expect(abs(figure.series[1].points[0].bestMean - 1.0) < 1e-12)
        #expect(figure.baselines.map(\.variant) == ["lr = 0.01", "lr = 0.1"])
        let document = try FigureRenderer().document(figure, outputName: "s.png")
        #expect(document.script.contains("U = \\{1\\}, lr = 0.01'") && document.script.contains("U = \\{1\\}, lr = 0.1'"))
        #expect(document.script.contains("cross-entropy (R = 0), lr = 0.1"))
    }

    @Test("A point of one run has no error bar: its s.d. is written as NaN and its line and point are drawn apart from the bars")
    func singleRunHasNoErrorBar() throws {
        let figure = SweepFigure(points: [
            SweepPoint(loss: "pla", layers: [1], radius: 0.01, samples: 4, seed: 1, best: 0.9, final: 0.9),
            SweepPoint(loss: "pla", layers: [1], radius: 0.1, samples: 4, seed: 1, best: 0.8, final: 0.8),
            SweepPoint(loss: "pla", layers: [1], radius: 0.1, samples: 4, seed: 2, best: 0.82, final: 0.8),
        ])
        let document = try FigureRenderer().document(figure, outputName: "s.png")
        let table = try #require(document.dataFiles.first { $0.name == "s.pla.dat" }?.text)
        let rows = table.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
        #expect(rows.count == 2 && rows[0][1] == "1" && rows[0][3] == "NaN" && rows[1][3] != "NaN", "\(table)")
        #expect(document.script.contains("using 1:3 with linespoints") && document.script.contains("using 1:3:4 with yerrorbars"))
    }

    /// A curvature study measured at `epochs`, its temperatures around 1e-6 (T_l of a small MLP).
    static func curvatureStudy(epochs: [Int]) throws -> CurvatureStudy {
        let rows: [[String: Any]] = epochs.flatMap { e in
            [1, 2].map { l -> [String: Any] in
                ["epoch": e, "layer": l, "lambdaMax": 10.0 * Double(l), "lambdaMaxResidual": 0.01, "trace": 100.0 / Double(l),
                 "traceStandardError": 1.0, "temperature": 3e-6 / Double(l * e), "lambdaMaxOverTemperature": 1.0, "traceOverTemperature": 1.0]
            }
        }
        let study: [String: Any] = ["trace": "run.h5", "smoothedLayers": [Int](), "rows": rows, "layerLabels": [String](),
                                    "epochs": epochs.map { ["epoch": $0, "probeLoss": 0.3, "fullLambdaMax": 25.0] }]
        return try JSONDecoder().decode(CurvatureStudy.self, from: JSONSerialization.data(withJSONObject: study))
    }

    @Test("Curvature: the epoch axis is linear under a decade of epochs, logarithmic from one on; T_l's ticks read 10^{-n}")
    func curvatureAxes() throws {
        let short = try FigureRenderer().document(CurvatureFigure(Self.curvatureStudy(epochs: [10, 20, 30, 40])), outputName: "c.png").script
        #expect(!short.contains("set logscale x"), "10–40 is under a decade: a log axis would label only 10")
        #expect(short.contains("set format y '10^{%T}'"), "T_l near 1e-6 has power-of-ten ticks, not 1e-06")
        #expect(!short.contains("set format y '%g'\nplot './c.layers.dat' index 0 using 1:6"))
        let long = try FigureRenderer().document(CurvatureFigure(Self.curvatureStudy(epochs: [1, 10, 100])), outputName: "c.png").script
        #expect(long.contains("set logscale x 10"))
        var options = FigureOptions()
        options.logx = true
        let forced = try FigureRenderer().document(CurvatureFigure(Self.curvatureStudy(epochs: [10, 20, 30, 40])), outputName: "c.png", options: options).script
        #expect(forced.contains("set logscale x 10"), "--logx still chooses")
    }

    @Test("PNG terminal: pixels from cm and dpi; PDF: cm")
    func terminals() throws {
        var options = FigureOptions()
        options.size = FigureSize(width: 2.54, height: 1.27)
        options.dpi = 200
        let png = try FigureRenderer().document(KernelFigure(), outputName: "k.png", options: options)
        #expect(png.script.contains("set terminal pngcairo enhanced color size 200,100 "))
        let pdf = try FigureRenderer().document(KernelFigure(), outputName: "k.pdf", options: options)
        #expect(pdf.script.contains("set terminal pdfcairo enhanced color size 2.54cm,1.27cm "))
        let tex = try FigureRenderer().document(KernelFigure(), outputName: "k.tex", options: options)
        #expect(tex.script.contains("set terminal cairolatex pdf"))
        #expect(tex.companionNames == ["k.pdf"])
        #expect(tex.script.contains("$k = 4$"), "LaTeX markup for cairolatex")
        #expect(png.dataFiles.map(\.name) == ["k.kernel.dat"])
        #expect(png.dataFiles[0].text.hasPrefix("# "))
    }
}
