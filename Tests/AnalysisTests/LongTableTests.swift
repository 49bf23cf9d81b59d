import Foundation
import Testing
@testable import Analysis

@Suite("Long-table CSV/TSV input")
struct LongTableTests {
    @Test func readsCommaSeparatedWithCommentsExtraColumnsAndNoise() throws {
        let text = """
        # exported by another tool
        step, Epoch ,layer,"signal",noise,lr

        100,2,1,0.5,0.2,0.01
        100,2,2,0.25,0.1,0.01
        50,1,1,0.8,0.3,0.01
          # a comment in the middle
        50,1,2,0.4,0.15,0.01
        """
        let table = try LongTable(parsing: text)
        #expect(table.delimiter == ",")
        #expect(table.hasNoise && table.runs.isEmpty)
        #expect(table.layers == ["1", "2"])
        #expect(table.rows.count == 4)
        #expect(table.rows[0].line == 4 && table.rows[0].epoch == 2 && table.rows[0].noise == 0.2)
        let runs = try table.curves(.both)
        #expect(runs.count == 1)
        let curves = runs[0]
        #expect(curves.map(\.name) == ["layer 1 signal", "layer 1 noise", "layer 2 signal", "layer 2 noise"])
        #expect(curves[0].epochs == [1, 2] && curves[0].values == [0.8, 0.5])
        #expect(curves[3].values == [0.15, 0.1])
    }

    @Test func readsTabSeparatedWithRunsAndNamedLayers() throws {
        let text = "epoch\tlayer\tsignal\tseed\n1\tfc2\t0.5\tA\n1\tfc1\t0.6\tA\n1\tfc2\t0.7\tB\n2\tfc2\t0.4\tA\n"
        let table = try LongTable(parsing: text)
        #expect(table.delimiter == "\t")
        #expect(table.layers == ["fc2", "fc1"])  // not all integers: first appearance
        #expect(table.runs == ["A", "B"])
        let runs = try table.curves(.signal)
        #expect(runs.count == 2)
        #expect(runs[0].map(\.name) == ["run A layer fc2 signal", "run A layer fc1 signal"])
        #expect(runs[0][0].epochs == [1, 2])
        #expect(runs[1].count == 1)
    }

    @Test func integerLayersSortNumerically() throws {
        let table = try LongTable(parsing: "epoch,layer,signal\n1,10,1\n1,2,1\n1,1,1\n")
        #expect(table.layers == ["1", "2", "10"])
    }

    @Test func windowsLineEndingsAndQuotedCells() throws {
        let table = try LongTable(parsing: "\"epoch\",\"layer\",\"signal\"\r\n1,\"fc 1\", 0.5 \r\n2,\"fc 1\",0.25\r\n")
        #expect(table.layers == ["fc 1"])
        #expect(table.rows.map(\.signal) == [0.5, 0.25])
        #expect(table.rows.map(\.line) == [2, 3])
    }

    @Test func missingColumnsAreNamed() {
        #expect(throws: LongTableError.missingColumns(["signal"], header: ["epoch", "layer", "value"])) {
            try LongTable(parsing: "epoch,layer,value\n1,1,0.5\n")
        }
        #expect(throws: LongTableError.noHeader) { try LongTable(parsing: "# only a comment\n\n") }
        let noNoise = try? LongTable(parsing: "epoch,layer,signal\n1,1,0.5\n")
        #expect(throws: LongTableError.missingColumns(["noise"], header: ["epoch", "layer", "signal"])) {
            try noNoise?.curves(.noise)
        }
    }

    @Test func nonNumericCellsNameTheLineAndColumn() throws {
        let text = "epoch,layer,signal\n1,1,0.5\n2,1,abc\n"
        #expect(throws: LongTableError.nonNumeric(line: 3, column: "signal", cell: "abc")) { try LongTable(parsing: text) }
        do {
            _ = try LongTable(parsing: "epoch,layer,signal\n# c\nx,1,0.5\n")
        } catch {
            #expect(error.description == "line 3, column epoch: \"x\" is not a number")
        }
        #expect(throws: LongTableError.tooFewFields(line: 2, found: 2, needed: 3)) {
            try LongTable(parsing: "epoch,layer,signal\n1,1\n")
        }
    }

    @Test func duplicateRowsAreRejected() {
        let text = "epoch,layer,signal\n1,1,0.5\n2,1,0.4\n1,1,0.45\n"
        #expect(throws: LongTableError.duplicateRow(line: 4, firstLine: 2, epoch: 1, layer: "1", run: nil)) {
            try LongTable(parsing: text)
        }
        // The same (epoch, layer) in different runs is fine.
        #expect(throws: Never.self) { try LongTable(parsing: "epoch,layer,signal,run\n1,1,0.5,a\n1,1,0.5,b\n") }
        #expect(throws: LongTableError.duplicateColumn("Epoch")) { try LongTable(parsing: "epoch,layer,signal,Epoch\n") }
    }

    @Test func unreadableFile() {
        let url = URL(fileURLWithPath: "/nonexistent/curves.csv")
        do {
            _ = try LongTable(contentsOf: url)
            Issue.record("expected an error")
        } catch {
            guard case .unreadable(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "/nonexistent/curves.csv")
        }
    }
}
