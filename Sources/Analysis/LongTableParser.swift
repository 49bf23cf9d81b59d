import Foundation

/// The C locale, so that numbers read the same whatever the process's locale ("0.5", never "0,5").
nonisolated(unsafe) private let cLocale = newlocale(1 << LC_NUMERIC, "C", nil)

/// The one pass of ``LongTable`` over a table's bytes: lines found with `memchr`, fields by scanning for the
/// delimiter up to the last column needed, numbers read in place with `strtod` in the C locale, each row appended to its
/// (run, layer) series found through one dictionary look-up. Linear in the file's size; nothing is kept per
/// row but its numbers.
struct LongTableParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let required: Set<LongTableValue>

    /// The (run, layer) series being filled.
    private struct Accumulator {
        var run: Int
        var layer: Int
        var lines: [Int] = []
        var epochs: [Double] = []
        var values: [[Double]]
        var quantiles: [[Double]]
        /// Whether the epochs arrived increasing (then no repeat is possible without a smaller or equal one).
        var increasing = true
        /// Epoch → line, built once epochs stop arriving in increasing order.
        var seen: [Double: Int]? = nil
    }

    /// A (run, layer) pair.
    private struct SeriesKey: Hashable {
        let run: Int
        let layer: Int
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, requiring required: Set<LongTableValue>) {
        self.bytes = bytes
        self.required = required
    }

    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r"), tab = UInt8(ascii: "\t"), space = UInt8(ascii: " ")
    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), hash = UInt8(ascii: "#")

    /// The table, or the first thing wrong with it (in file order).
    func parse() throws(LongTableError) -> LongTable {
        // strtod reads numbers in this thread's locale: the C locale for the parse.
        let previousLocale = uselocale(cLocale)
        defer { uselocale(previousLocale) }
        let n = bytes.count
        if n >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
            throw LongTableError(.utf16, line: 1)
        }
        if let bad = UTF8Check.firstInvalidByte(bytes) {
            let (line, column) = position(of: bad)
            throw LongTableError(.notUTF8(offset: bad, byte: bytes[bad]), line: line, column: column)
        }
        var cursor = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var lineNumber = 0

        /// The next line's content (without LF or CRLF), or nil after the last.
        func nextLine() -> (start: Int, end: Int)? {
            guard cursor <= n else { return nil }
            let start = cursor
            var end = n
            if start < n, let found = memchr(bytes.baseAddress! + start, Int32(LongTableParser.lf), n - start) {
                end = UnsafeRawPointer(bytes.baseAddress!).distance(to: UnsafeRawPointer(found))
            }
            cursor = end + 1
            lineNumber += 1
            if end > start && bytes[end - 1] == LongTableParser.cr { end -= 1 }
            return (start, end)
        }

        // The header.
        var headerLine: (start: Int, end: Int)? = nil
        while let line = nextLine() {
            if !isSkipped(line.start, line.end) { headerLine = line; break }
        }
        guard let header = headerLine else { throw LongTableError(.noHeader) }
        var delimiter = LongTableParser.comma
        for i in header.start..<header.end where bytes[i] == LongTableParser.tab { delimiter = LongTableParser.tab; break }
        let names = fields(header.start, header.end, delimiter: delimiter, limit: Int.max).map { cell in string(clean(cell)) }
        let columns = try HeaderColumns(names, requiring: required)
        let needed = columns.needed

        // The rows.
        var accumulators: [Accumulator] = []
        var index: [SeriesKey: Int] = [:]
        var runNames: [String] = [], runIndex: [String: Int] = [:]
        var lastRun: (start: Int, end: Int, index: Int)? = nil
        var labels = LayerLabels()
        var rowCount = 0
        var starts = [Int](repeating: 0, count: needed), ends = [Int](repeating: 0, count: needed)
        var scratch = [CChar](repeating: 0, count: 64)
        let valueColumns = columns.values.map(\.column), quantileColumns = columns.quantiles.map(\.column)

        /// The number in field `f` of the current line, named `name` in errors.
        func number(_ f: Int, line: Int, lineStart: Int, name: String) throws(LongTableError) -> Double {
            let (s, e) = clean((starts[f], ends[f]))
            var allowed = s < e
            for i in s..<e {
                let b = bytes[i]
                if b == 0 {
                    throw LongTableError(.nulByte(column: name), line: line, column: characterColumn(lineStart, s))
                }
                // Digits, sign, point, letters (exponents, nan, inf, hexadecimal): strtod decides the rest.
                if !((b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2D || b == 0x2E || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)) {
                    allowed = false
                }
            }
            if allowed {
                let length = e - s
                if scratch.count <= length { scratch = [CChar](repeating: 0, count: length + 1) }
                let value: Double? = scratch.withUnsafeMutableBufferPointer { buffer in
                    for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[s + k]) }
                    buffer[length] = 0
                    var end: UnsafeMutablePointer<CChar>? = nil
                    let value = strtod(buffer.baseAddress!, &end)
                    return end == buffer.baseAddress! + length ? value : nil
                }
                if let value { return value }
            }
            throw LongTableError(.nonNumeric(column: name, cell: string((s, e))), line: line, column: characterColumn(lineStart, s))
        }

        while let line = nextLine() {
            if isSkipped(line.start, line.end) { continue }
            let lineNo = lineNumber
            func numberCell(_ f: Int, _ name: String) throws(LongTableError) -> Double {
                try number(f, line: lineNo, lineStart: line.start, name: name)
            }
            func layerCell(_ f: Int) throws(LongTableError) -> Int {
                let (s, e) = clean((starts[f], ends[f]))
                var value = 0
                var valid = s < e && e - s <= 18
                for i in s..<e {
                    let b = bytes[i]
                    if b == 0 { throw LongTableError(.nulByte(column: "layer"), line: lineNo, column: characterColumn(line.start, s)) }
                    if b >= 0x30 && b <= 0x39 { value = value &* 10 &+ Int(b - 0x30) } else { valid = false }
                }
                guard valid else {
                    throw LongTableError(.invalidLayer(cell: string((s, e))), line: lineNo, column: characterColumn(line.start, s))
                }
                return value
            }
            // Fields up to the last one needed.
            var count = 0, p = line.start
            while count < needed {
                var q = p
                while q < line.end && bytes[q] != delimiter { q += 1 }
                starts[count] = p
                ends[count] = q
                count += 1
                if q >= line.end { break }
                p = q + 1
            }
            guard count >= needed else { throw LongTableError(.tooFewFields(found: count, needed: needed), line: lineNo) }

            let epoch = try numberCell(columns.epoch, "epoch")
            guard epoch.isFinite else {
                throw LongTableError(.nonFiniteEpoch(cell: string(clean((starts[columns.epoch], ends[columns.epoch])))), line: lineNo,
                                     column: characterColumn(line.start, clean((starts[columns.epoch], ends[columns.epoch])).0))
            }
            let layer = try layerCell(columns.layer)
            if let l = columns.label {
                let cell = clean((starts[l], ends[l]))
                try labels.record(layer: layer, label: cell.1 > cell.0 ? string(cell) : String(layer), line: lineNo,
                                  column: characterColumn(line.start, cell.0))
            }
            var run = 0
            if let r = columns.run {
                let cell = clean((starts[r], ends[r]))
                if let last = lastRun, last.end - last.start == cell.1 - cell.0,
                   memcmp(bytes.baseAddress! + last.start, bytes.baseAddress! + cell.0, cell.1 - cell.0) == 0 {
                    run = last.index
                } else {
                    let name = string(cell)
                    if let known = runIndex[name] { run = known } else {
                        run = runNames.count
                        runIndex[name] = run
                        runNames.append(name)
                    }
                    lastRun = (cell.0, cell.1, run)
                }
            }
            let key = SeriesKey(run: run, layer: layer)
            let slot: Int
            if let known = index[key] { slot = known } else {
                slot = accumulators.count
                index[key] = slot
                accumulators.append(Accumulator(run: run, layer: layer, values: Array(repeating: [], count: valueColumns.count),
                                                quantiles: Array(repeating: [], count: quantileColumns.count)))
            }
            // A repeated (run, epoch, layer) needs an epoch at or below the series' last one: while epochs increase,
            // no look-up is needed; from the first that does not, every epoch is looked up.
            if accumulators[slot].seen == nil, let previous = accumulators[slot].epochs.last, epoch <= previous {
                accumulators[slot].seen = Dictionary(zip(accumulators[slot].epochs, accumulators[slot].lines), uniquingKeysWith: { a, _ in a })
                accumulators[slot].increasing = false
            }
            if accumulators[slot].seen != nil {
                if let first = accumulators[slot].seen![epoch] {
                    throw LongTableError(.duplicateRow(firstLine: first, epoch: epoch, layer: String(layer),
                                                       run: columns.run == nil ? nil : runNames[run]), line: lineNo)
                }
                accumulators[slot].seen![epoch] = lineNo
            }
            for (k, c) in valueColumns.enumerated() {
                accumulators[slot].values[k].append(try numberCell(c, columns.names[c]))
            }
            for (k, c) in quantileColumns.enumerated() {
                accumulators[slot].quantiles[k].append(try numberCell(c, columns.names[c]))
            }
            accumulators[slot].epochs.append(epoch)
            accumulators[slot].lines.append(lineNo)
            rowCount += 1
        }

        // Series in order: runs by first appearance, layers numerically; each sorted by epoch.
        accumulators.sort { ($0.run, $0.layer) < ($1.run, $1.layer) }
        let series = accumulators.map { a -> LongTable.Series in
            var a = a
            if !a.increasing {
                let order = a.epochs.indices.sorted { a.epochs[$0] < a.epochs[$1] }
                a.epochs = order.map { a.epochs[$0] }
                a.lines = order.map { a.lines[$0] }
                a.values = a.values.map { v in order.map { v[$0] } }
                a.quantiles = a.quantiles.map { v in order.map { v[$0] } }
            }
            func values(_ value: LongTableValue) -> [Double]? {
                columns.values.firstIndex { $0.value == value }.map { a.values[$0] }
            }
            return LongTable.Series(run: columns.run == nil ? nil : runNames[a.run], layer: String(a.layer),
                                    label: labels.label(of: a.layer), epochs: a.epochs,
                                    lines: a.lines, signal: values(.signal), noise: values(.noise),
                                    temperature: values(.temperature), quantiles: a.quantiles)
        }
        try labels.requireDistinct()
        let layers = Set(accumulators.map(\.layer)).sorted()
        return LongTable(delimiter: delimiter == LongTableParser.tab ? "\t" : ",", values: Set(columns.values.map(\.value)),
                         quantileLevels: columns.quantiles.map(\.level),
                         layers: layers.map(String.init), labels: layers.map(labels.label(of:)), runs: runNames,
                         series: series, rowCount: rowCount)
    }

    // MARK: Bytes

    /// Whether the line is blank or a comment.
    private func isSkipped(_ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end && (bytes[i] == LongTableParser.space || bytes[i] == LongTableParser.tab) { i += 1 }
        return i == end || bytes[i] == LongTableParser.hash
    }

    /// Every field of a line (for the header).
    private func fields(_ start: Int, _ end: Int, delimiter: UInt8, limit: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var p = start
        while result.count < limit {
            var q = p
            while q < end && bytes[q] != delimiter { q += 1 }
            result.append((p, q))
            if q >= end { break }
            p = q + 1
        }
        return result
    }

    /// A cell without surrounding blanks (spaces, tabs) and one pair of surrounding double quotes.
    private func clean(_ cell: (Int, Int)) -> (Int, Int) {
        var (s, e) = cell
        while s < e && (bytes[s] == LongTableParser.space || bytes[s] == LongTableParser.tab) { s += 1 }
        while e > s && (bytes[e - 1] == LongTableParser.space || bytes[e - 1] == LongTableParser.tab) { e -= 1 }
        if e - s >= 2 && bytes[s] == LongTableParser.quote && bytes[e - 1] == LongTableParser.quote { s += 1; e -= 1 }
        return (s, e)
    }

    /// The bytes `start..<end` as a string (valid UTF-8: checked before parsing).
    private func string(_ cell: (Int, Int)) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[cell.0..<cell.1]), as: UTF8.self)
    }

    /// The column, in characters from 1, of byte `offset` on the line starting at `lineStart`.
    private func characterColumn(_ lineStart: Int, _ offset: Int) -> Int {
        var column = 1
        for i in lineStart..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return column
    }

    /// The line and column of byte `offset` (for bytes that are not UTF-8: the column counts bytes).
    private func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<offset where bytes[i] == LongTableParser.lf {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}

/// The labels of a table's layers (its `label` column), each checked to be one per layer as rows arrive.
struct LayerLabels {
    /// Layer → its label and the line that gave it first.
    private var first: [Int: (label: String, line: Int)] = [:]

    /// Records `label` for `layer` on `line`; a layer labelled otherwise before is refused at `column`.
    mutating func record(layer: Int, label: String, line: Int, column: Int) throws(LongTableError) {
        guard let known = first[layer] else { first[layer] = (label, line); return }
        guard known.label == label else {
            throw LongTableError(.conflictingLabel(layer: String(layer), label: label, firstLabel: known.label, firstLine: known.line),
                                 line: line, column: column)
        }
    }

    /// The label of `layer`: the recorded one, else its number.
    func label(of layer: Int) -> String { first[layer]?.label ?? String(layer) }

    /// Refuses one label for two layers (`--layers NAME` could not say which).
    func requireDistinct() throws(LongTableError) {
        var owner: [String: Int] = [:]
        for (layer, entry) in first.sorted(by: { $0.key < $1.key }) {
            if let other = owner[entry.label] {
                throw LongTableError(.sharedLabel(label: entry.label, layers: [String(other), String(layer)], firstLine: first[other]!.line),
                                     line: entry.line)
            }
            owner[entry.label] = layer
        }
    }
}

/// The columns a long table's header names, and which of them a row needs.
struct HeaderColumns {
    /// The header's names, trimmed.
    let names: [String]
    let epoch: Int, layer: Int
    /// The run column (`run`, else `seed`, else `trace`).
    let run: Int?
    /// The layers' names (`label`), if given.
    let label: Int?
    /// The value columns present, in the order signal, noise, temperature.
    let values: [(value: LongTableValue, column: Int)]
    /// The quantile columns, by increasing level.
    let quantiles: [(level: Double, column: Int)]
    /// Fields a data line must have: one past the last column used.
    let needed: Int

    init(_ names: [String], requiring required: Set<LongTableValue>) throws(LongTableError) {
        self.names = names
        let lower = names.map { $0.lowercased() }
        var first: [String: Int] = [:]
        for (i, name) in lower.enumerated() where !name.isEmpty {
            if first[name] != nil { throw LongTableError(.duplicateColumn(names[i]), line: nil) }
            first[name] = i
        }
        let missing = ["epoch", "layer"].filter { first[$0] == nil } + LongTableValue.allCases.filter { required.contains($0) && first[$0.rawValue] == nil }.map(\.rawValue)
        guard missing.isEmpty else { throw LongTableError(.missingColumns(missing, header: names)) }
        epoch = first["epoch"]!
        layer = first["layer"]!
        run = first["run"] ?? first["seed"] ?? first["trace"]
        label = first["label"]
        values = LongTableValue.allCases.compactMap { v in first[v.rawValue].map { (v, $0) } }
        guard !values.isEmpty else { throw LongTableError(.noValueColumn(header: names)) }
        var quantiles: [(level: Double, column: Int)] = []
        for (i, name) in lower.enumerated() where name.hasPrefix("q") {
            if let percent = Double(name.dropFirst()), percent > 0, percent < 100 { quantiles.append((percent / 100, i)) }
        }
        self.quantiles = quantiles.sorted { $0.level < $1.level }
        needed = ([epoch, layer] + [run, label].compactMap { $0 } + values.map(\.column) + self.quantiles.map(\.column)).max()! + 1
    }
}
