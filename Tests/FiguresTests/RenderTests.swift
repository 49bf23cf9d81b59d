import Foundation
@testable import Figures
import Testing
import TestSupport

/// Every figure rendered to PNG from small data: a PNG of the requested size with a drawing in it, whose saved
/// script re-renders with plain gnuplot.
@Suite(.enabled(if: GnuplotSupport.isInstalled, "gnuplot is not installed"))
struct RenderTests {
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
