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
