import Foundation
import Sweeps
import Testing

/// Parses `text` as a grid file named grid.txt.
func parseGrid(_ text: String, flags: [String] = [], fixed: [String] = []) throws -> Grid {
    var parser = GridParser()
    try parser.addFile(text, name: "grid.txt")
    for (i, f) in flags.enumerated() { try parser.addFlag(f, index: i + 1) }
    if !fixed.isEmpty { try parser.addFixed(fixed) }
    return parser.grid()
}

@Suite struct GridParserTests {
    @Test("The paper's grid: lists, a log range, a whole-number range, fixed flags, comments")
    func paperGrid() throws {
        let grid = try parseGrid("""
            # Figure 3
            loss   = pla | plea
            smooth = 1 | 2 | 1,2          # U
            radius = 0.001 … 0.1 log 7
            samples = 4
            seed   = 1…3
            fixed  = --layers 784,784,784,10 --epochs 120 --dataset fashion-mnist
            """)
        #expect(grid.settings.map(\.name) == ["loss", "smooth", "radius", "samples", "seed"])
        #expect(grid.setting("smooth")?.values == ["1", "2", "1,2"])
        #expect(grid.setting("radius")?.values == ["0.001", "0.00215443", "0.00464159", "0.01", "0.0215443", "0.0464159", "0.1"])
        #expect(grid.setting("seed")?.values == ["1", "2", "3"])
        #expect(grid.setting("radius")?.source == "grid.txt line 4")
        #expect(grid.fixed == ["--layers", "784,784,784,10", "--epochs", "120", "--dataset", "fashion-mnist"])
        #expect(grid.variedNames == ["loss", "smooth", "radius", "seed"])
        #expect(!grid.trace)
        #expect(try grid.cells().count == 2 * 3 * 7 * 3)
    }

    @Test("ASCII '...', lin ranges, ranges among listed values, CRLF lines, --grid flags, flags after --, trace")
    func otherForms() throws {
        let grid = try parseGrid("lr = 0...1 lin 5\r\nseed = 1...2 | 10\r\n", flags: ["radius=0.01|0.1", "trace = yes"],
                                 fixed: ["--loss", "pla", "--smooth", "2"])
        #expect(grid.setting("lr")?.values == ["0", "0.25", "0.5", "0.75", "1"])
        #expect(grid.setting("seed")?.values == ["1", "2", "10"])
        #expect(grid.setting("radius")?.values == ["0.01", "0.1"])
        #expect(grid.setting("radius")?.source == "--grid 1")
        #expect(grid.fixed == ["--loss", "pla", "--smooth", "2"])
        #expect(grid.trace)
    }

    @Test("fixed = … splits like a shell: quotes, escapes, '#' inside quotes")
    func fixedWords() throws {
        let grid = try parseGrid(#"fixed = --data "/data/my mnist" --validation '1000'  # a comment"#)
        #expect(grid.fixed == ["--data", "/data/my mnist", "--validation", "1000"])
        let quoted = try parseGrid(#"fixed = --data '/a#b' --lr 0.1"#)
        #expect(quoted.fixed == ["--data", "/a#b", "--lr", "0.1"])
    }

    @Test("A value in quotes is the value without them; empty quotes are no value")
    func quotedValues() throws {
        let grid = try parseGrid(#"augment = "paper-cifar,flip=0.5" | 'none' | paper-stl"# + "\nsmooth = \"1, 2\" | 2")
        #expect(grid.setting("augment")?.values == ["paper-cifar,flip=0.5", "none", "paper-stl"])
        #expect(grid.setting("smooth")?.values == ["1,2", "2"])
        #expect(throws: GridError.self) { try parseGrid(#"augment = "" | none"#) }
        #expect(throws: GridError.self) { try parseGrid(#"augment = none | "none""#) }  // the same value twice
    }

    @Test("Underscores stand for dashes; values are normalised (no spaces in layer sets)")
    func normalisation() throws {
        let grid = try parseGrid("weight_decay = 0 | 1e-4\nsmooth = 1, 2 | hidden\nnesterov = yes | no")
        #expect(grid.settings.map(\.name) == ["weight-decay", "smooth", "nesterov"])
        #expect(grid.setting("smooth")?.values == ["1,2", "hidden"])
        let cells = try grid.cells()
        #expect(cells[0].arguments == ["--weight-decay", "0", "--smooth", "1,2", "--nesterov"])
        #expect(cells[1].arguments == ["--weight-decay", "0", "--smooth", "1,2"])
    }

    @Test("A setting may hold 10,000 values (checked for repeats through a set) and no more, however they are listed")
    func tenThousandValues() throws {
        // The fuzzer's slow input (Fuzz/corpus/grid/regression-slow-lin-9252) searched the list for repeats.
        let grid = try parseGrid("lr = 0.001 … 5.1 lin 10000")
        #expect(grid.setting("lr")?.values.count == 10_000)
        #expect(Set(grid.setting("lr")?.values ?? []).count == 10_000)
        for text in ["lr = 0.001 … 5.1 lin 9000 | 6 … 9 lin 1001", "seed = 1…9999 | 20000 | 20001"] {
            #expect(throws: GridError.self) { try parseGrid(text) }
            do { _ = try parseGrid(text) } catch let error as GridError {
                #expect(error.message.contains("at most 10,000"), "\(error)")
            } catch {}
        }
    }

    /// A bad grid, where the error must point, and what its message must say.
    struct Bad: CustomTestStringConvertible, Sendable {
        let text: String
        let source: String
        let column: Int?
        let says: String
        var testDescription: String { text.replacingOccurrences(of: "\n", with: "⏎") }
    }

    static let badGrids: [Bad] = [
        Bad(text: "radius =", source: "grid.txt line 1", column: 9, says: "radius has no values"),
        Bad(text: "radius = 0.1 | | 0.2", source: "grid.txt line 1", column: 15, says: "empty value"),
        Bad(text: "radius = 0.1 |", source: "grid.txt line 1", column: 15, says: "empty value"),
        Bad(text: "seed = 1\nradus = 0.1", source: "grid.txt line 2", column: 1, says: "did you mean 'radius'"),
        Bad(text: "radius = 0.1 | abc", source: "grid.txt line 1", column: 16, says: "'abc' is not one"),
        Bad(text: "radius = 0.001 … 0.1", source: "grid.txt line 1", column: 10, says: "needs a spacing"),
        Bad(text: "radius = 0.1 … 0.001 log 3", source: "grid.txt line 1", column: 10, says: "smaller end first"),
        Bad(text: "radius = 0 … 1 log 3", source: "grid.txt line 1", column: 10, says: "positive ends"),
        Bad(text: "radius = 0.001 … 0.1 log 1", source: "grid.txt line 1", column: 10, says: "count of values"),
        Bad(text: "radius = 0.001 … 0.1 cubic 3", source: "grid.txt line 1", column: 10, says: "'lin N' or 'log N'"),
        Bad(text: "seed = 3…1", source: "grid.txt line 1", column: 8, says: "runs downwards"),
        Bad(text: "seed = 1 … 10 log 4", source: "grid.txt line 1", column: 8, says: "whole numbers"),
        Bad(text: "seed = 1 | 1", source: "grid.txt line 1", column: 12, says: "lists 1 twice"),
        Bad(text: "seed = 1 | 01", source: "grid.txt line 1", column: 12, says: "lists 1 and 01, the same value,"),
        Bad(text: "lr = 0.1 | 0.2 | 1e-1", source: "grid.txt line 1", column: 18, says: "lists 0.1 and 1e-1, the same value,"),
        Bad(text: "samples = -1", source: "grid.txt line 1", column: 11, says: "at least 0"),
        Bad(text: "loss = ce | adam", source: "grid.txt line 1", column: 13, says: "one of ce, pla, plea"),
        Bad(text: "smooth = 1,,2", source: "grid.txt line 1", column: 10, says: "weight layers"),
        Bad(text: "layers = 784", source: "grid.txt line 1", column: 10, says: "widths"),
        Bad(text: "loss = pla…plea", source: "grid.txt line 1", column: 8, says: "takes no ranges"),
        Bad(text: "radius 0.1", source: "grid.txt line 1", column: 1, says: "expected 'name = value"),
        Bad(text: "  = 0.1", source: "grid.txt line 1", column: 3, says: "needs a name"),
        Bad(text: "threads = 2", source: "grid.txt line 1", column: 1, says: "cannot be varied"),
        Bad(text: "\n\nfixed = --epochs 3 --summary s.json", source: "grid.txt line 3", column: 20, says: "--summary is set by the sweep"),
        Bad(text: "fixed = --lr '0.1", source: "grid.txt line 1", column: 14, says: "never closed"),
        Bad(text: "data = \"/runs/mnist", source: "grid.txt line 1", column: 8, says: "this quote is never closed"),
        Bad(text: "radius = 0.1 | 0.2'", source: "grid.txt line 1", column: 19, says: "this quote closes nothing"),
        Bad(text: "fixed =", source: "grid.txt line 1", column: 8, says: "has no flags"),
        Bad(text: "seed = 1\nseed = 2", source: "grid.txt line 2", column: 1, says: "already set (grid.txt line 1)"),
        Bad(text: "radius = 0.1 | 0.2\nfixed = --radius 0.3", source: "grid.txt line 2", column: 9, says: "also varied"),
        Bad(text: "fixed = --radius=0.3\nradius = 0.1", source: "grid.txt line 2", column: 1, says: "also a fixed flag"),
        Bad(text: "trace = maybe", source: "grid.txt line 1", column: 8, says: "yes or no"),
        Bad(text: "nesterov = true", source: "grid.txt line 1", column: 12, says: "yes or no"),
        Bad(text: "lr = 0.1\u{7}", source: "grid.txt line 1", column: 9, says: "control character"),
    ]

    @Test("Bad grids are refused with the line, the column and what to write", arguments: badGrids)
    func badGrid(_ bad: Bad) {
        do {
            _ = try parseGrid(bad.text)
            Issue.record("accepted \(bad.text)")
        } catch let error as GridError {
            #expect(error.source == bad.source, "\(error)")
            #expect(error.column == bad.column, "\(error)")
            #expect(error.message.contains(bad.says), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("A --grid flag holds one setting; the flags after -- are checked like fixed = …")
    func badFlags() {
        var parser = GridParser()
        #expect(throws: GridError.self) { try parser.addFlag("seed = 1\nlr = 2", index: 1) }
        #expect(throws: GridError.self) { try parser.addFlag("  # nothing", index: 2) }
        do {
            try parser.addFixed(["--epochs", "2", "--checkpoint", "x"])
            Issue.record("accepted --checkpoint")
        } catch {
            #expect(error.source == "the flags after --")
            #expect(error.message.contains("--checkpoint is set by the sweep"))
        }
    }

    @Test("Shell words split and quote")
    func shellWords() throws {
        #expect(try ShellWords.split(#"a "b c" 'd e' f\ g"#).map(\.word) == ["a", "b c", "d e", "f g"])
        #expect(try ShellWords.split("  x  y").map(\.column) == [3, 6])
        #expect(ShellWords.quoted("it's") == #"'it'\''s'"#)
        #expect(ShellWords.display(["--data", "a b", "0.1"]) == "--data 'a b' 0.1")
    }
}
