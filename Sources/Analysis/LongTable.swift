import Foundation

/// Why a long table could not be read; each case reads as one clear line naming the line and column.
public enum LongTableError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// No header line (the table is empty or only comments).
    case noHeader
    /// Required columns are missing from the header.
    case missingColumns([String], header: [String])
    /// A data line has fewer fields than the columns it needs.
    case tooFewFields(line: Int, found: Int, needed: Int)
    /// A cell that must be a number is not.
    case nonNumeric(line: Int, column: String, cell: String)
    /// Two rows for the same (run, epoch, layer).
    case duplicateRow(line: Int, firstLine: Int, epoch: Double, layer: String, run: String?)
    /// The header names a column twice.
    case duplicateColumn(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .noHeader:
            return "the table has no header line (expected columns epoch, layer, signal[, noise])"
        case .missingColumns(let missing, let header):
            return "missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (header: \(header.joined(separator: ", ")))"
        case .tooFewFields(let line, let found, let needed):
            return "line \(line): \(found) field\(found == 1 ? "" : "s"), at least \(needed) needed"
        case .nonNumeric(let line, let column, let cell):
            return "line \(line), column \(column): \"\(cell)\" is not a number"
        case .duplicateRow(let line, let firstLine, let epoch, let layer, let run):
            return "line \(line) repeats epoch \(formatEpoch(epoch)) of layer \(layer)\(run.map { " in run \($0)" } ?? "") (first on line \(firstLine))"
        case .duplicateColumn(let name):
            return "the header names column \(name) twice"
        }
    }
}

/// A long table of layer curves, one row per (epoch, layer): columns `epoch`, `layer`, `signal` and optionally
/// `noise` and `run` (aliases `seed`, `trace`), so that traces from other tools can be fitted.
///
/// Format: the first line that is neither blank nor a comment is the header; a line whose first non-blank
/// character is `#` is a comment. The delimiter is a tab if the header contains one, else a comma. Column
/// names are matched case-insensitively after trimming blanks and double quotes; other columns are ignored.
/// Numbers are read with Swift's `Double(_:)` (so `1e-3`, `nan`, `inf` parse; the fit rejects the last two with
/// a clear error). Layers keep their labels; they are ordered numerically when every label is an integer,
/// otherwise by first appearance. Line numbers in errors count every line of the file from 1.
public struct LongTable: Sendable {
    /// One data row.
    public struct Row: Sendable, Equatable {
        /// The row's line number in the file.
        public var line: Int
        public var run: String?
        public var epoch: Double
        public var layer: String
        public var signal: Double
        public var noise: Double?
    }
    public var rows: [Row]
    /// The delimiter detected from the header.
    public var delimiter: Character
    /// Whether a `noise` column is present.
    public var hasNoise: Bool
    /// The layers, in order (see the type's documentation).
    public var layers: [String]
    /// The runs, in order of first appearance (empty without a run column).
    public var runs: [String]

    /// Parses the text of a table.
    public init(parsing text: String) throws(LongTableError) {
        // Lines split on LF (a CR before it is dropped), working on UTF-8 bytes: fast for large tables.
        let lines: [Substring] = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { bytes in
            var line = Substring(bytes)
            if line.utf8.last == UInt8(ascii: "\r") { line = Substring(line.utf8.dropLast()) }
            return line
        }
        /// The cell without surrounding blanks (spaces, tabs) and double quotes.
        func clean(_ s: Substring) -> String {
            var bytes = s.utf8[...]
            let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            while let b = bytes.first, blank(b) { bytes = bytes.dropFirst() }
            while let b = bytes.last, blank(b) { bytes = bytes.dropLast() }
            let quote = UInt8(ascii: "\"")
            if bytes.count >= 2, bytes.first == quote, bytes.last == quote { bytes = bytes.dropFirst().dropLast() }
            return String(Substring(bytes))
        }
        func isSkipped(_ line: Substring) -> Bool {
            guard let b = line.utf8.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return true }
            return b == UInt8(ascii: "#")
        }
        guard let headerIndex = lines.firstIndex(where: { !isSkipped($0) }) else { throw .noHeader }
        let headerLine = lines[headerIndex]
        let delimiter: Character = headerLine.contains("\t") ? "\t" : ","
        let header = headerLine.split(separator: delimiter, omittingEmptySubsequences: false).map(clean)
        let lower = header.map { $0.lowercased() }
        for (i, name) in lower.enumerated() where !name.isEmpty && lower[..<i].contains(name) {
            throw .duplicateColumn(header[i])
        }
        let missing = ["epoch", "layer", "signal"].filter { !lower.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(missing, header: header) }
        let epochColumn = lower.firstIndex(of: "epoch")!
        let layerColumn = lower.firstIndex(of: "layer")!
        let signalColumn = lower.firstIndex(of: "signal")!
        let noiseColumn = lower.firstIndex(of: "noise")
        let runColumn = lower.firstIndex(of: "run") ?? lower.firstIndex(of: "seed") ?? lower.firstIndex(of: "trace")
        let needed = ([epochColumn, layerColumn, signalColumn] + [noiseColumn, runColumn].compactMap { $0 }).max()! + 1

        var rows: [Row] = []
        struct RowKey: Hashable { let run: String?, layer: String, epoch: Double }
        var seen: [RowKey: Int] = [:]
        seen.reserveCapacity(lines.count)
        rows.reserveCapacity(lines.count)
        var layerOrder: [String] = [], layerSet = Set<String>()
        var runOrder: [String] = [], runSet = Set<String>()
        for index in (headerIndex + 1)..<lines.count where !isSkipped(lines[index]) {
            let lineNumber = index + 1
            let fields = lines[index].split(separator: delimiter, omittingEmptySubsequences: false)
            guard fields.count >= needed else { throw .tooFewFields(line: lineNumber, found: fields.count, needed: needed) }
            func number(_ column: Int) throws(LongTableError) -> Double {
                let cell = clean(fields[column])
                guard let value = Double(cell) else { throw .nonNumeric(line: lineNumber, column: header[column], cell: cell) }
                return value
            }
            let epoch = try number(epochColumn)
            let signal = try number(signalColumn)
            let noise = try noiseColumn.map { (c: Int) throws(LongTableError) -> Double in try number(c) }
            let layer = clean(fields[layerColumn])
            let run = runColumn.map { clean(fields[$0]) }
            let key = RowKey(run: run, layer: layer, epoch: epoch)
            if let first = seen[key] {
                throw .duplicateRow(line: lineNumber, firstLine: first, epoch: epoch, layer: layer, run: run)
            }
            seen[key] = lineNumber
            if layerSet.insert(layer).inserted { layerOrder.append(layer) }
            if let run, runSet.insert(run).inserted { runOrder.append(run) }
            rows.append(Row(line: lineNumber, run: run, epoch: epoch, layer: layer, signal: signal, noise: noise))
        }
        if layerOrder.allSatisfy({ Int($0) != nil }) { layerOrder.sort { Int($0)! < Int($1)! } }
        self.rows = rows
        self.delimiter = delimiter
        self.hasNoise = noiseColumn != nil
        self.layers = layerOrder
        self.runs = runOrder
    }

    /// Reads and parses the table at `url`.
    public init(contentsOf url: URL) throws(LongTableError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(parsing: text)
    }

    /// The selected curves, run by run (one run when the table has no run column): per run, the layers in
    /// order, each giving its signal and/or noise curve (signal before noise), points sorted by epoch.
    /// Asking for noise from a table without a noise column throws `missingColumns`.
    public func curves(_ selection: CurveSelection = .signal) throws(LongTableError) -> [[CoolingCurve]] {
        if selection != .signal && !hasNoise { throw .missingColumns(["noise"], header: ["epoch", "layer", "signal"]) }
        let runLabels: [String?] = runs.isEmpty ? [nil] : runs.map { Optional($0) }
        var grouped: [String: [Row]] = [:]
        for row in rows { grouped["\(row.run ?? "")\u{1}\(row.layer)", default: []].append(row) }
        return runLabels.map { run in
            var curves: [CoolingCurve] = []
            for layer in layers {
                guard let group = grouped["\(run ?? "")\u{1}\(layer)"]?.sorted(by: { $0.epoch < $1.epoch }) else { continue }
                let epochs = group.map(\.epoch)
                if selection.includes(.signal) {
                    curves.append(CoolingCurve(layer: layer, kind: .signal, run: run, epochs: epochs, values: group.map(\.signal)))
                }
                if selection.includes(.noise) {
                    curves.append(CoolingCurve(layer: layer, kind: .noise, run: run, epochs: epochs, values: group.map { $0.noise ?? .nan }))
                }
            }
            return curves
        }
    }
}
