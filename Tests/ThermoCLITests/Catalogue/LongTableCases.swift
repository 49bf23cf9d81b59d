import Foundation

/// The catalogue's long tables that the one long-table parser (`LongTable`) refuses or reads, for an analysis
/// (`temperature`, status 1) and a figure (`plot signal`, a usage error, status 64): both read them alike.
extension BadInput {
    /// ``table()`` with line `index` (0 is the header) replaced by `line`, as bytes.
    static func tableBytes(line index: Int, _ line: [UInt8]) -> [UInt8] {
        var lines = table().split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        lines[index] = line
        return Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    /// ``table()`` with a label column after the layer: conv1 for layer 1, fc1 for layer 2.
    static func labelled(_ text: String) -> String {
        text.split(separator: "\n").enumerated().map { k, line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let label = k == 0 ? "label" : (cells[1] == "1" ? "conv1" : "fc1")
            return ([cells[0], cells[1], label] + cells[2...]).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    /// The cases of one command: `arguments` get the table's name appended; `status` is the command's status for
    /// a refused table.
    static func longTableCases(_ command: String, _ arguments: [String], status: Int32, absent: [String] = []) -> [BadInput] {
        func refused(_ name: String, _ message: String, _ bytes: @escaping @Sendable () -> [UInt8]) -> BadInput {
            BadInput(command: command, name: name, arguments: arguments + ["t.csv"], status: status, message: message,
                     setup: { try $0.write("t.csv", bytes: bytes()) }, unchanged: ["t.csv"], absent: absent)
        }
        func read(_ name: String, _ message: String, _ bytes: @escaping @Sendable () -> [UInt8]) -> BadInput {
            BadInput(command: command, name: name, arguments: arguments + ["t.csv"], status: 0, message: message,
                     setup: { try $0.write("t.csv", bytes: bytes()) }, unchanged: ["t.csv"])
        }
        let done = command == "temperature" ? "40 epochs (1 … 40), 2 layers" : "wrote fig.png"
        return [
            read("CRLF line ends (read as LF)", done, { Array(table().replacingOccurrences(of: "\n", with: "\r\n").utf8) }),
            read("a UTF-8 byte-order mark (skipped)", done, { [0xEF, 0xBB, 0xBF] + Array(table().utf8) }),
            refused("a layer that is no whole number", "t.csv:3:3: column layer: \"fc1\" is not a whole number; layers are numbered 0, 1, 2",
                    { tableBytes(line: 2, Array("1,fc1,0.5,0.1".utf8)) }),
            refused("a fractional layer", "t.csv:3:3: column layer: \"1.5\" is not a whole number",
                    { tableBytes(line: 2, Array("1,1.5,0.5,0.1".utf8)) }),
            refused("a negative layer", "t.csv:3:3: column layer: \"-1\" is negative",
                    { tableBytes(line: 2, Array("1,-1,0.5,0.1".utf8)) }),
            refused("a NUL byte inside a number", "t.csv:3:5: column signal: the cell holds a NUL byte (0x00)",
                    { tableBytes(line: 2, Array("1,2,0.5".utf8) + [0] + Array("7,0.1".utf8)) }),
            refused("a NUL byte inside a layer", "t.csv:3:3: column layer: the cell holds a NUL byte (0x00)",
                    { tableBytes(line: 2, Array("1,2".utf8) + [0] + Array(",0.5,0.1".utf8)) }),
            refused("Latin-1 text", "t.csv:2:8: byte 32 (0xE9) is not UTF-8 text; save the table as UTF-8",
                    { Array("epoch,layer,signal,noise\n# mesur".utf8) + [0xE9] + Array("\n".utf8) + Array(table().utf8.dropFirst(25)) }),
            refused("UTF-16 text", "t.csv:1: is UTF-16 text", { [0xFF, 0xFE] + Array(table().utf8).flatMap { [$0, 0] } }),
            refused("a NaN epoch", "t.csv:3:1: column epoch: \"nan\" is not a finite epoch",
                    { tableBytes(line: 2, Array("nan,2,0.5,0.1".utf8)) }),
            refused("a repeated (epoch, layer) row", "t.csv:6: repeats epoch 1 of layer 2 (first on line 3)",
                    { tableBytes(line: 5, Array("1,2,0.5,0.1".utf8)) }),
            read("a label column naming the layers (as temperature writes for convolutions)", command == "temperature" ? "conv1" : "wrote fig.png",
                 { Array(labelled(table()).utf8) }),
            refused("two labels for one layer", "t.csv:4:5: column label: layer 1 is labelled \"conv2\" here but \"conv1\" on line 2; give a layer one label",
                    { Array(labelled(table()).replacingOccurrences(of: "\n2,1,conv1,", with: "\n2,1,conv2,").utf8) }),
        ]
    }

    static let longTables: [BadInput] = longTableCases("temperature", ["temperature"], status: 1)
        + longTableCases("plot signal", ["plot", "signal", "-o", "fig.png"], status: 64, absent: ["fig.png"])
}
