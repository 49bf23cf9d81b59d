import Foundation
@testable import Figures
import Testing
import TestSupport

/// Every figure rendered to PNG from small data: a PNG of the requested size with a drawing in it, whose saved
/// script re-renders with plain gnuplot.
@Suite(.enabled(if: GnuplotSupport.isInstalled, "gnuplot is not installed"))
struct RenderTests {
    @Test("--force with fewer data files removes the replaced figure's extra ones, and no file thermo's script did not read")
    func forceRemovesStaleDataFiles() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = { (i: Int) in CurvesRun(label: "run \(i)", epochs: [1, 2, 3], trainLoss: [0.5, 0.4, 0.3], testAccuracy: [0.8, 0.85, 0.9]) }
        let output = folder.appendingPathComponent("c.png")
        try FigureRenderer().render(CurvesFigure(runs: (1...3).map(run)), to: output, options: Fixtures.smallOptions)
        try Data("mine\n".utf8).write(to: folder.appendingPathComponent("c.mine.dat"))
        let again = try FigureRenderer(overwrite: true).render(CurvesFigure(runs: [run(1)]), to: output, options: Fixtures.smallOptions)
        #expect(again.removedDataFiles.map(\.lastPathComponent) == ["c.run2.dat", "c.run3.dat"])
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["c.gp", "c.mine.dat", "c.png", "c.run1.dat"], "\(left)")
        // A script thermo did not write (no thermo header) names nothing to remove.
        try Data("plot './c.run1.dat', './c.mine.dat'\n".utf8).write(to: folder.appendingPathComponent("c.gp"))
        try Data("x\n".utf8).write(to: folder.appendingPathComponent("c.run2.dat"))
        let foreign = try FigureRenderer(overwrite: true).render(CurvesFigure(runs: [run(1)]), to: output, options: Fixtures.smallOptions)
        #expect(foreign.removedDataFiles.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("c.run2.dat").path))
    }

    @Test("signal: two runs side by side, with regime boundaries")
    func signal() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rendered = try Fixtures.render(Fixtures.signal, in: folder)
        try Fixtures.checkPNG(rendered.output)
        #expect(rendered.dataFiles.count == 2)
        try Fixtures.checkScriptReRenders(rendered)
    }

    @Test("temperature: one panel per layer with quantile bands")
    func temperature() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rendered = try Fixtures.render(Fixtures.temperature, in: folder)
        try Fixtures.checkPNG(rendered.output)
        try Fixtures.checkScriptReRenders(rendered)
    }

    @Test("cooling: fit, collapse, residuals, effective exponents")
    func cooling() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let figure = try Fixtures.cooling
        #expect(abs(figure.fit.parameters[0].value - 0.8) < 0.05, "the synthetic decay has α = 0.8")
        let rendered = try Fixtures.render(figure, in: folder)
        try Fixtures.checkPNG(rendered.output)
        try Fixtures.checkScriptReRenders(rendered)
    }

    @Test("cooling: one key below the panels, local exponents from enough points, all inside panel (d)'s range")
    func coolingReadability() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let figure = try Fixtures.cooling
        let rendered = try Fixtures.render(figure, in: folder)
        let script = try String(contentsOf: rendered.script, encoding: .utf8)
        // No key inside a panel: each of the four unsets it, and the shared key is placed on the screen.
        #expect(script.components(separatedBy: "\nunset key").count - 1 == 4, "\(script)")
        #expect(!script.contains("set key top") && !script.contains("set key bottom"))
        #expect(script.contains("set key at screen"))
        for layer in ["layer 1", "layer 2", "layer 3"] { #expect(script.contains("title '\(layer)'"), "\(layer) in the key") }
        // The fixture's first epochs have local regressions on fewer than 5 points: they are not drawn.
        let all = figure.effectiveExponents.flatMap(\.points)
        let kept = all.filter { $0.pointsUsed >= CoolingFigure.minimumLocalPoints }
        #expect(kept.count < all.count && !kept.isEmpty)
        let exponentsFile = rendered.dataFiles.first { $0.lastPathComponent.hasSuffix(".exponents.dat") }!
        let rows = try String(contentsOf: exponentsFile, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").compactMap { Double($0) } }.filter { $0.count == 2 }
        #expect(rows.count == kept.count)
        // Panel (d)'s y range holds (nearly) every drawn local exponent.
        let panel = script.components(separatedBy: "(d) effective exponent")[1]
        let range = panel.components(separatedBy: "set yrange [")[1].prefix { $0 != "]" }.split(separator: ":").map { Double($0)! }
        let inside = rows.filter { $0[1] >= range[0] && $0[1] <= range[1] }.count
        #expect(Double(inside) >= 0.96 * Double(rows.count), "\(inside) of \(rows.count) local exponents inside \(range)")
    }

    @Test("curvature: the layers' key is shared below the panels, none inside them")
    func curvatureKey() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rendered = try Fixtures.render(CurvatureFigure(ModelTests.curvatureStudy(epochs: [1, 2, 5, 10, 20])), in: folder)
        try Fixtures.checkPNG(rendered.output)
        let script = try String(contentsOf: rendered.script, encoding: .utf8)
        #expect(script.components(separatedBy: "\nunset key").count - 1 == 3)
        #expect(!script.contains("set key top right"))
        #expect(script.contains("set key at screen") && script.contains("full H"))
        try Fixtures.checkScriptReRenders(rendered)
    }

    @Test("kernel: the paper's Figure 2")
    func kernel() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rendered = try Fixtures.render(KernelFigure(), in: folder)
        try Fixtures.checkPNG(rendered.output)
        try Fixtures.checkScriptReRenders(rendered)
    }

    @Test("sweep: seven layer sets over three layers and a cross-entropy baseline")
    func sweep() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rendered = try Fixtures.render(Fixtures.sweep, in: folder)
        try Fixtures.checkPNG(rendered.output)
        try Fixtures.checkScriptReRenders(rendered)
    }

    @Test("curves: three runs with a zoom")
    func curves() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rendered = try Fixtures.render(Fixtures.curves, in: folder)
        try Fixtures.checkPNG(rendered.output)
        try Fixtures.checkScriptReRenders(rendered)
    }

    @Test("The script and data re-render after the folder is moved (relative paths only)")
    func movedFolder() throws {
        let folder = TestPaths.temporaryFolder("figures")
        let moved = TestPaths.temporaryFolder("figures-moved").appendingPathComponent("inside")
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: moved.deletingLastPathComponent())
        }
        try Fixtures.render(Fixtures.curves, to: "curves.png", in: folder)
        try FileManager.default.moveItem(at: folder, to: moved)
        try FileManager.default.removeItem(at: moved.appendingPathComponent("curves.png"))
        let run = try GnuplotSupport.run(script: "curves.gp", in: moved)
        #expect(run.status == 0, "\(run.stderr)")
        try Fixtures.checkPNG(moved.appendingPathComponent("curves.png"))
    }

    @Test("A PNG's pixel size follows the size in cm and the dpi")
    func pixelSize() throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = FigureOptions()
        options.size = FigureSize(width: 8, height: 5)
        options.dpi = 150
        let rendered = try Fixtures.render(KernelFigure(), in: folder, options: options)
        try Fixtures.checkPNG(rendered.output, width: 472, height: 295)
    }

    @Test("pdf, svg and cairolatex outputs", arguments: ["pdf", "svg", "tex"])
    func vectorFormats(_ ext: String) throws {
        let folder = TestPaths.temporaryFolder("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rendered = try Fixtures.render(Fixtures.sweep, to: "sweep.\(ext)", in: folder)
        let text = String(decoding: try Data(contentsOf: rendered.output).prefix(4000), as: UTF8.self)
        switch ext {
        case "pdf": #expect(text.hasPrefix("%PDF"))
        case "svg": #expect(text.contains("<svg"))
        default:
            #expect(text.contains("\\begin{picture}"))
            #expect(rendered.companions.map(\.lastPathComponent) == ["sweep.pdf"])
            #expect(String(decoding: try Data(contentsOf: rendered.companions[0]).prefix(4), as: UTF8.self) == "%PDF")
        }
    }
}
