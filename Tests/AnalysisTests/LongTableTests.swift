import Foundation
import Testing
@testable import Analysis

/// The one long-table parser: its format (docs/analysis.md, "Long tables"), its errors with their positions, and
/// linear time.
@Suite("Long-table CSV/TSV input")
struct LongTableTests {
    /// The error that parsing `text` throws, or nil.
    func error(_ text: String, requiring required: Set<LongTableValue> = [.signal]) -> LongTableError? {
        do { _ = try LongTable(parsing: text, requiring: required); return nil } catch { return error }
    }

    /// The error that parsing `bytes` as the file `t.csv` throws, or nil.
    func error(bytes: [UInt8]) -> LongTableError? {
        bytes.withUnsafeBufferPointer { buffer -> LongTableError? in
            do throws(LongTableError) { _ = try LongTable(bytes: buffer, path: "t.csv"); return nil } catch { return error }
        }
    }

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
        #expect(table.hasNoise && table.hasSignal && !table.hasTemperature && table.runs.isEmpty)
        #expect(table.layers == ["1", "2"])
        #expect(table.rowCount == 4)
        #expect(table.series[0].epochs == [1, 2] && table.series[0].lines == [6, 4] && table.series[0].noise == [0.3, 0.2])
        let runs = try table.curves(.both)
        #expect(runs.count == 1)
        let curves = runs[0]
        #expect(curves.map(\.name) == ["layer 1 signal", "layer 1 noise", "layer 2 signal", "layer 2 noise"])
        #expect(curves[0].epochs == [1, 2] && curves[0].values == [0.8, 0.5])
        #expect(curves[3].values == [0.15, 0.1])
    }

    @Test func readsTabSeparatedWithRunsTemperatureAndQuantiles() throws {
        let text = "epoch\tlayer\ttemperature\tseed\tq95\tq5\n1\t2\t0.5\tA\t3\t1\n1\t1\t0.6\tA\t4\t2\n1\t2\t0.7\tB\t5\t3\n2\t2\t0.4\tA\t6\t4\n"
        let table = try LongTable(parsing: text, requiring: [])
        #expect(table.delimiter == "\t")
        #expect(table.values == [.temperature] && table.quantileLevels == [0.05, 0.95])
        #expect(table.layers == ["1", "2"])
        #expect(table.runs == ["A", "B"])
        #expect(table.series.map { "\($0.run!)/\($0.layer)" } == ["A/1", "A/2", "B/2"])
        let a2 = try #require(table.series(run: "A", layer: "2"))
        #expect(a2.epochs == [1, 2] && a2.temperature == [0.5, 0.4] && a2.quantiles == [[1, 4], [3, 6]] && a2.signal == nil)
        // The analyses require a signal column.
        #expect(error(text)?.reason == .missingColumns(["signal"], header: ["epoch", "layer", "temperature", "seed", "q95", "q5"]))
    }

    @Test func layersAreWholeNumbersSortedNumerically() throws {
        let table = try LongTable(parsing: "epoch,layer,signal\n1,10,1\n1,2,1\n1,\"01\",1\n1,0,1\n")
        #expect(table.layers == ["0", "1", "2", "10"])
        #expect(error("epoch,layer,signal\n1,fc1,0.5\n")?.description == "line 2, column 3: column layer: \"fc1\" is not a whole number; layers are numbered 0, 1, 2, … (thermo numbers the first weight layer 1); a name such as conv1 goes in a label column")
        #expect(error("epoch,layer,signal\n1,-2,0.5\n")?.reason == .invalidLayer(cell: "-2"))
        #expect(error("epoch,layer,signal\n1,-2,0.5\n")?.message.contains("\"-2\" is negative") == true)
        #expect(error("epoch,layer,signal\n1, 1.5 ,0.5\n")?.column == 4)
        #expect(error("epoch,layer,signal\n1,,0.5\n")?.reason == .invalidLayer(cell: ""))
        #expect(error("epoch,layer,signal\n1,99999999999999999999,0.5\n")?.reason == .invalidLayer(cell: "99999999999999999999"))
        // "01" and "1" are the same layer.
        #expect(error("epoch,layer,signal\n1,01,0.5\n1,1,0.5\n")?.reason == .duplicateRow(firstLine: 2, epoch: 1, layer: "1", run: nil))
    }

    @Test func aLabelColumnNamesTheNumberedLayers() throws {
        // thermo temperature's CSV of a network with convolutions: numbers order the layers, labels name them.
        let table = try LongTable(parsing: "epoch,layer,label,signal\n1,2,fc1,0.5\n1,1,conv1,0.25\n2,1,conv1,0.2\n2,2,fc1,0.4\n")
        #expect(table.layers == ["1", "2"] && table.labels == ["conv1", "fc1"])
        #expect(table.series.map(\.label) == ["conv1", "fc1"])
        #expect(try table.curves().first?.map(\.name) == ["layer conv1 signal", "layer fc1 signal"])
        // Without a label column, or with empty label cells, a layer's label is its number.
        #expect(try LongTable(parsing: "epoch,layer,signal\n1,3,0.5\n").labels == ["3"])
        #expect(try LongTable(parsing: "epoch,layer,label,signal\n1,3,,0.5\n").labels == ["3"])
        // One label per layer, and one layer per label.
        #expect(error("epoch,layer,label,signal\n1,1,conv1,0.5\n2,1,conv2,0.4\n")?.description
                == "line 3, column 5: column label: layer 1 is labelled \"conv2\" here but \"conv1\" on line 2; give a layer one label")
        #expect(error("epoch,layer,label,signal\n1,1,fc1,0.5\n1,2,fc1,0.4\n")?.reason == .sharedLabel(label: "fc1", layers: ["1", "2"], firstLine: 2))
    }

    @Test func windowsLineEndingsQuotedCellsAndByteOrderMark() throws {
        let table = try LongTable(parsing: "\u{FEFF}\"epoch\",\"layer\",\"signal\"\r\n1,\"1\", 0.5 \r\n\r\n2,\"1\",0.25\r\n")
        #expect(table.layers == ["1"])
        #expect(table.series[0].signal == [0.5, 0.25])
        #expect(table.series[0].lines == [2, 4])
        // The last line without its LF, ending in CR.
        #expect(try LongTable(parsing: "epoch,layer,signal\r\n1,1,0.5\r").series[0].signal == [0.5])
    }

    @Test func missingColumnsAreNamed() {
        #expect(error("epoch,layer,value\n1,1,0.5\n")?.reason == .missingColumns(["signal"], header: ["epoch", "layer", "value"]))
        #expect(error("epoch,value\n1,0.5\n", requiring: [])?.reason == .missingColumns(["layer"], header: ["epoch", "value"]))
        #expect(error("epoch,layer,loss\n1,1,0.5\n", requiring: [])?.reason == .noValueColumn(header: ["epoch", "layer", "loss"]))
        #expect(error("# only a comment\n\n")?.reason == .noHeader)
        #expect(error("")?.reason == .noHeader)
        let noNoise = try? LongTable(parsing: "epoch,layer,signal\n1,1,0.5\n")
        #expect(throws: LongTableError(.missingColumns(["noise"], header: ["epoch", "layer", "signal"]))) { try noNoise?.curves(.noise) }
    }

    @Test func badCellsNameTheLineAndColumn() throws {
        let text = "epoch,layer,signal\n1,1,0.5\n2,1,abc\n"
        #expect(error(text) == LongTableError(.nonNumeric(column: "signal", cell: "abc"), line: 3, column: 5))
        #expect(error("epoch,layer,signal\n# c\nx,1,0.5\n")?.description == "line 3, column 1: column epoch: \"x\" is not a number")
        #expect(error("epoch,layer,signal\n1,1\n") == LongTableError(.tooFewFields(found: 2, needed: 3), line: 2))
        #expect(error("epoch,layer,signal\ninf,1,0.5\n")?.reason == .nonFiniteEpoch(cell: "inf"))
        #expect(error("epoch,layer,signal\n1,1,\n")?.reason == .nonNumeric(column: "signal", cell: ""))
        #expect(error("epoch,layer,signal\n1,1,0x\n")?.reason == .nonNumeric(column: "signal", cell: "0x"))
        // Columns count characters, not bytes.
        #expect(error("epoch,note,layer,signal\n1,é,1,oops\n")?.column == 7)
        // Numbers as strtod reads them.
        let numbers = try LongTable(parsing: "epoch,layer,signal\n1,1,1e-3\n2,1,NaN\n3,1,-inf\n4,1,+.5\n")
        #expect(numbers.series[0].signal![0] == 1e-3 && numbers.series[0].signal![1].isNaN)
        #expect(numbers.series[0].signal![2] == -.infinity && numbers.series[0].signal![3] == 0.5)
    }

    @Test func nulBytesAreRefusedWhereverANumberIsRead() {
        var bytes = Array("epoch,layer,signal\n1,1,0.5".utf8) + [0] + Array("9\n".utf8)
        #expect(error(bytes: bytes)?.description == "t.csv:2:5: column signal: the cell holds a NUL byte (0x00), so the file is damaged or not text; write the table again")
        bytes = Array("epoch,layer,signal\n1".utf8) + [0] + Array(",1,0.5\n".utf8)
        #expect(error(bytes: bytes) == LongTableError(.nulByte(column: "epoch"), line: 2, column: 1, path: "t.csv"))
        bytes = Array("epoch,layer,signal\n1,".utf8) + [0, 0x31] + Array(",0.5\n".utf8)
        #expect(error(bytes: bytes)?.reason == .nulByte(column: "layer"))
    }

    @Test func textThatIsNotUTF8IsRefusedWithItsOffset() {
        let latin1 = Array("epoch,layer,signal\n1,1,0.5 # caf".utf8) + [0xE9] + Array("\n".utf8)
        let error = error(bytes: latin1)
        #expect(error == LongTableError(.notUTF8(offset: 32, byte: 0xE9), line: 2, column: 14, path: "t.csv"))
        #expect(error?.description.hasPrefix("t.csv:2:14: byte 32 (0xE9) is not UTF-8 text; save the table as UTF-8") == true)
        #expect(self.error(bytes: [0xFF, 0xFE, 0x65, 0]) == LongTableError(.utf16, line: 1, path: "t.csv"))
        // Overlong forms, surrogates and truncated sequences are not UTF-8 either.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80]] {
            let offset = bad.withUnsafeBufferPointer { UTF8Check.firstInvalidByte($0) }
            #expect(offset == 0, "\(bad)")
        }
        let fine = Array("ASCII, é, ∞, 😀 and more ASCII after it".utf8)
        #expect(fine.withUnsafeBufferPointer { UTF8Check.firstInvalidByte($0) } == nil)
    }

    @Test func duplicateRowsAndColumnsAreRejected() throws {
        let text = "epoch,layer,signal\n1,1,0.5\n2,1,0.4\n1,1,0.45\n"
        #expect(error(text) == LongTableError(.duplicateRow(firstLine: 2, epoch: 1, layer: "1", run: nil), line: 4))
        // The same (epoch, layer) in different runs is fine; out of order epochs are sorted.
        #expect(throws: Never.self) { try LongTable(parsing: "epoch,layer,signal,run\n1,1,0.5,a\n1,1,0.5,b\n") }
        #expect(throws: Never.self) { try LongTable(parsing: "epoch,layer,signal\n3,1,3\n1,1,1\n2,1,2\n") }
        #expect(try LongTable(parsing: "epoch,layer,signal\n3,1,3\n1,1,1\n2,1,2\n").series[0].signal == [1, 2, 3])
        // A repeat after the epochs stopped increasing, of an epoch above the last one.
        #expect(error("epoch,layer,signal\n1,1,1\n5,1,5\n3,1,3\n5,1,5\n")?.reason == .duplicateRow(firstLine: 3, epoch: 5, layer: "1", run: nil))
        #expect(error("epoch,layer,signal,run\n1,1,0.5,a\n1,1,0.5,a\n")?.reason == .duplicateRow(firstLine: 2, epoch: 1, layer: "1", run: "a"))
        #expect(error("epoch,layer,signal,Epoch\n")?.reason == .duplicateColumn("Epoch"))
    }

    @Test func unreadableFile() {
        do {
            _ = try LongTable(contentsOfFile: "/nonexistent/curves.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent/curves.csv: cannot be read: No such file or directory")
        }
    }

    @Test("A table of 250,000 columns and one of 100,000 rows parse in seconds, not minutes (linear time)")
    func linearTime() throws {
        let wide = "epoch,layer,signal," + (0..<250_000).map { "x\($0)" }.joined(separator: ",") + "\n1,1,0.5\n"
        var rows = "epoch,layer,signal,noise\n"
        for e in 1...25_000 { for l in 1...4 { rows += "\(e),\(l),0.00\(e),0.000\(l)\n" } }
        let clock = ContinuousClock()
        let start = clock.now
        let table = try LongTable(parsing: wide)
        let long = try LongTable(parsing: rows)
        let elapsed = start.duration(to: clock.now)
        #expect(table.rowCount == 1 && long.rowCount == 100_000 && long.series.count == 4)
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}
