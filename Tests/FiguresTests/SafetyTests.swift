import Foundation
@testable import Figures
import Studies
import Testing
import TestSupport

/// Titles, labels and file names reach gnuplot as inert text: quotes, backslashes, line breaks, `;`, backquotes
/// (gnuplot's command substitution), `system(…)`, macros and pipes in them run nothing.
@Suite(.enabled(if: GnuplotSupport.isInstalled, "gnuplot is not installed"))
struct SafetyTests {
    /// Hostile text that would create `marker` if any part of it ran as a command.
    static func hostile(_ marker: String) -> String {
        "x' ; system(\"touch \(marker)-a\") ; set output '\(marker)-b' ; `touch \(marker)-c` \\ \" \\\\ @foo \n print `touch \(marker)-d`\r\n!touch \(marker)-e \u{2028}system('touch \(marker)-f')"
    }

    static func markers(_ marker: String) -> [String] {
        ["a", "b", "c", "d", "e", "f"].map { "\(marker)-\($0)" }
    }

    @Test("Hostile titles, run labels and layer names execute nothing and render")
    func hostileText() throws {
        let folder = TestPaths.temporaryFolder("figures-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let marker = "/tmp/pwned-\(UUID().uuidString.prefix(8))"
        let evil = Self.hostile(marker)
        var options = Fixtures.smallOptions
        options.title = evil
        let layers = Fixtures.signalLayers().map { layer -> LayerSeries in
            var l = layer
            l.layer = evil
            return l
        }
        let figures: [any Figure] = [
            SignalFigure(panels: [SignalPanel(title: evil, layers: layers, boundaries: [RegimeBoundary(epoch: 5, label: evil)])]),
            CurvesFigure(runs: Fixtures.curves.runs.map { var r = $0; r.label = evil; return r }),
        ]
        for (i, figure) in figures.enumerated() {
            for ext in ["png", "tex"] {
                let rendered = try FigureRenderer().render(figure, to: folder.appendingPathComponent("f\(i)-\(ext).\(ext)"), options: options)
                if ext == "png" { try Fixtures.checkPNG(rendered.output) }
                // The plain script, run again by gnuplot itself, is just as inert.
                let rerun = try GnuplotSupport.run(script: rendered.script.lastPathComponent, in: folder)
                #expect(rerun.status == 0, "\(rerun.stderr)")
            }
        }
        for path in Self.markers(marker) {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) was created: text ran as a command")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(marker.split(separator: "/").last!)-b").path))
    }

    @Test("Output names with quotes, backquotes, `;` and `<` inside are plain files; a leading '<' or '|' is refused")
    func hostileFileNames() throws {
        let folder = TestPaths.temporaryFolder("figures-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let marker = "pwned-\(UUID().uuidString.prefix(8))"
        for name in ["x < touch \(marker)-1 ; x.png", "a'b `touch \(marker)-2` system(\"touch \(marker)-3\").png", "x|touch \(marker)-4.png"] {
            let rendered = try Fixtures.render(KernelFigure(), to: name, in: folder)
            #expect(rendered.output.lastPathComponent == name)
            try Fixtures.checkPNG(rendered.output)
        }
        for name in ["< touch \(marker)-5.png", "|touch \(marker)-6.png", "-x.png"] {
            #expect(throws: FigureError.self) { try Fixtures.render(KernelFigure(), to: name, in: folder) }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!left.contains { $0.hasPrefix(marker) }, "a command ran: \(left)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(marker)-2"))
    }

    @Test("A name with a line break is refused before anything is written")
    func lineBreakInName() throws {
        let folder = TestPaths.temporaryFolder("figures-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: FigureError.self) { try Fixtures.render(KernelFigure(), to: "a\nb.png", in: folder) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}

/// Escaping and quoting, checked on the text itself.
struct QuotingTests {
    @Test("Single-quoted gnuplot strings double quotes and drop control characters")
    func gnuplotStrings() {
        #expect(gnuplotString("it's") == "'it''s'")
        #expect(gnuplotString("a\nb\rc\td") == "'a b c d'")
        #expect(gnuplotString("`x` \\ \"y\"") == "'`x` \\ \"y\"'")
    }

    @Test("Enhanced-text and LaTeX escaping show every character literally")
    func markup() {
        #expect(escapeEnhanced("a_b^c{d}@e&f~g\\h") == "a\\_b\\^c\\{d\\}\\@e\\&f\\~g\\\\h")
        #expect(escapeLaTeX("50% of $x_1 & {y}#") == "50\\% of \\$x\\_1 \\& \\{y\\}\\#")
        #expect(escapeLaTeX("a\\b^c~") == "a\\textbackslash{}b\\^{}c\\~{}")
    }

    @Test("Comment lines never end in a backslash (which would swallow the next line)")
    func comments() {
        #expect(commentLine("path C:\\") .hasSuffix("(end)"))
        #expect(commentLine("two\nlines") == "# two lines")
    }

    @Test("Data file names keep only safe characters")
    func dataNames() {
        #expect(safeFileNamePart("layer 1/`x`") == "layer-1--x-")
        #expect(safeFileNamePart("") == "data")
    }
}

/// Figures cut short by a full disk (gnuplot does not report a failed write) are recognised.
@Suite("Truncated figures")
struct TruncatedFigureTests {
    @Test("A file ends complete only with its format's end marker", arguments: [
        ("png", [UInt8](repeating: 0, count: 100) + [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], true),
        ("png", [UInt8](repeating: 0, count: 4096), false),
        ("pdf", Array("%PDF-1.5\n…\nstartxref\n2879\n%%EOF\n".utf8), true),
        ("pdf", Array("%PDF-1.5\n… 4096 bytes of a page".utf8), false),
        ("svg", Array("<svg>…</svg>\n\n".utf8), true),
        ("svg", Array("<svg><path d=\"M 1 2".utf8), false),
        ("tex", Array("\\begingroup … \\end{picture}%\n\\endgroup\n".utf8), true),
        ("tex", Array("\\begingroup … \\put(0,0)".utf8), false),
    ])
    func endMarkers(_ ext: String, _ bytes: [UInt8], _ complete: Bool) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("thermo-end-\(UUID().uuidString).\(ext)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(FigureRenderer.endsComplete(url) == complete)
    }
}
