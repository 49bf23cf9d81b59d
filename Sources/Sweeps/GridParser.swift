import Foundation
import NumericCore

/// Reads grids: files of settings, one per line, and `--grid` flags, one setting each.
///
///     # the paper's Figure 3, one seed per line of the figure
///     loss   = pla | plea
///     smooth = 1 | 2 | 1,2
///     radius = 0.001 … 0.1 log 7        # 7 values, evenly spaced in log R ("..." works too)
///     samples = 4
///     seed   = 1…3                       # whole numbers 1, 2, 3
///     fixed  = --layers 784,784,784,10 --epochs 120 --dataset fashion-mnist
///     trace  = no
///
/// A setting is `name = value | value | …`; a value may be a range `a … b lin N` / `a … b log N` (N values,
/// ends included) or, for whole numbers, `a … b`. Names are `thermo train` flags without `--` (see `GridKey`).
/// `fixed = …` lines (and words after `--` on the command line) are flags every cell shares. `#` starts a comment.
public struct GridParser {
    private var settings: [GridSetting] = []
    private var fixed: [String] = []
    private var fixedSources: [String] = []
    private var trace: (value: Bool, source: String)? = nil

    /// An empty parser.
    public init() {}

    /// Reads every line of a grid file; `name` is how messages call the file.
    public mutating func addFile(_ text: String, name: String) throws(GridError) {
        // "\r\n" is one Character in Swift, and a newline like "\n".
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            try addLine(String(line), source: "\(name) line \(n + 1)")
        }
    }

    /// Reads one setting given on the command line (`--grid 'radius = 0.01 | 0.1'`); `index` counts from 1.
    public mutating func addFlag(_ text: String, index: Int) throws(GridError) {
        if text.contains("\n") {
            throw GridError(source: "--grid \(index)", column: nil, "one --grid flag holds one setting; put several in a grid file, one per line")
        }
        let before = settings.count + fixedSources.count + (trace == nil ? 0 : 1)
        try addLine(text, source: "--grid \(index)")
        if settings.count + fixedSources.count + (trace == nil ? 0 : 1) == before {
            throw GridError(source: "--grid \(index)", column: nil, "holds no setting; write e.g. --grid 'radius = 0.01 | 0.1'")
        }
    }

    /// Adds `thermo train` flags every cell shares (the words after `--` on the command line).
    public mutating func addFixed(_ words: [String], source: String = "the flags after --") throws(GridError) {
        try appendFixed(words.map { ($0, nil) }, source: source)
    }

    /// The grid read so far.
    public func grid() -> Grid {
        Grid(settings: settings, fixed: fixed, trace: trace?.value ?? false)
    }

    // MARK: Lines

    mutating func addLine(_ raw: String, source: String) throws(GridError) {
        let line = Self.strippingComment(raw)
        guard !line.allSatisfy(\.isWhitespace) else { return }
        if let bad = line.firstIndex(where: { $0.asciiValue.map { $0 < 32 && $0 != 9 } ?? false }) {
            throw GridError(source: source, column: line.distance(from: line.startIndex, to: bad) + 1, "a control character; grids are plain text")
        }
        guard let eq = line.firstIndex(of: "=") else {
            throw GridError(source: source, column: 1, "expected 'name = value | value …' (or 'fixed = --flag value …'), got '\(line.trimmingCharacters(in: .whitespaces))'")
        }
        let nameText = String(line[..<eq])
        let nameColumn = (nameText.firstIndex { !$0.isWhitespace }.map { nameText.distance(from: nameText.startIndex, to: $0) } ?? 0) + 1
        var name = nameText.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("--") { name.removeFirst(2) }
        guard !name.isEmpty else {
            throw GridError(source: source, column: line.distance(from: line.startIndex, to: eq) + 1,
                            "a setting needs a name before '=', e.g. 'radius = 0.01 | 0.1'")
        }
        let valueStart = line.distance(from: line.startIndex, to: eq) + 2 // column of the first character after '='
        let valueText = String(line[line.index(after: eq)...])

        switch name {
        case "fixed":
            let words: [(word: String, column: Int)]
            do { words = try ShellWords.split(valueText) } catch {
                throw GridError(source: source, column: valueStart + error.column - 1, error.message)
            }
            guard !words.isEmpty else {
                throw GridError(source: source, column: valueStart, "'fixed' has no flags; write e.g. 'fixed = --layers 784,256,10 --epochs 20'")
            }
            try appendFixed(words.map { ($0.word, valueStart + $0.column - 1) }, source: source)
        case "trace":
            let v = valueText.trimmingCharacters(in: .whitespaces)
            guard v == "yes" || v == "no" else {
                throw GridError(source: source, column: valueStart, "trace takes one value, yes or no (yes: each cell records DIR/cells/ID/trace.h5)")
            }
            if let trace { throw GridError(source: source, column: nameColumn, "trace is already set (\(trace.source))") }
            trace = (v == "yes", source)
        default:
            guard let key = GridKey.named(name) else {
                if let reason = GridKey.reservedFlags["--" + name] {
                    throw GridError(source: source, column: nameColumn, "'\(name)' cannot be varied: \(reason)")
                }
                throw GridError(source: source, column: nameColumn, Self.unknownKeyMessage(name))
            }
            if let earlier = settings.first(where: { $0.name == key.name }) {
                throw GridError(source: source, column: nameColumn, "\(key.name) is already set (\(earlier.source)); give all its values in one line, separated by '|'")
            }
            if let index = fixed.firstIndex(where: { Self.flagName($0) == key.flag }) {
                throw GridError(source: source, column: nameColumn, "\(key.name) is also a fixed flag (\(fixedSources[index])); vary it or fix it, not both")
            }
            let values = try parseValues(valueText, column: valueStart, key: key, source: source)
            settings.append(GridSetting(name: key.name, values: values, source: source))
        }
    }

    mutating func appendFixed(_ words: [(String, Int?)], source: String) throws(GridError) {
        for (word, column) in words {
            if let f = Self.flagName(word) {
                if let reason = GridKey.reservedFlags[f] {
                    throw GridError(source: source, column: column, "\(f) is set by the sweep: \(reason)")
                }
                if let setting = settings.first(where: { "--" + $0.name == f }) {
                    throw GridError(source: source, column: column, "\(f) is also varied (\(setting.source)); vary it or fix it, not both")
                }
            }
            fixed.append(word)
            fixedSources.append(source)
        }
    }

    /// `--lr` for `--lr` and `--lr=0.1`; nil for words that are not long flags.
    static func flagName(_ word: String) -> String? {
        guard word.hasPrefix("--"), word.count > 2 else { return nil }
        return String(word.split(separator: "=", maxSplits: 1)[0])
    }

    /// The line without its comment: from the first `#` outside quotes.
    static func strippingComment(_ line: String) -> String {
        var quote: Character? = nil, escaped = false
        for i in line.indices {
            let c = line[i]
            if escaped { escaped = false; continue }
            if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "\\" {
                escaped = true
            } else if c == "#" {
                return String(line[..<i])
            }
        }
        return line
    }

    static func unknownKeyMessage(_ name: String) -> String {
        let names = GridKey.all.map(\.name)
        let close = names.map { ($0, editDistance($0, name)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }
        let hint = close.map { " (did you mean '\($0.0)'?)" } ?? ""
        return "unknown setting '\(name)'\(hint); a grid varies thermo train flags: \(names.joined(separator: ", ")), "
            + "and 'trace = yes|no'; put any other flag in 'fixed = …'"
    }

    // MARK: Values

    func parseValues(_ text: String, column: Int, key: GridKey, source: String) throws(GridError) -> [String] {
        var values: [String] = []
        var seen = Set<String>()
        var itemStart = 0
        let chars = Array(text)
        var items: [(text: String, column: Int)] = []
        for i in 0...chars.count where i == chars.count || chars[i] == "|" {
            items.append((String(chars[itemStart..<i]), column + itemStart))
            itemStart = i + 1
        }
        for (raw, rawColumn) in items {
            let leading = raw.prefix { $0.isWhitespace }.count
            var item = raw.trimmingCharacters(in: .whitespaces)
            let itemColumn = rawColumn + leading
            // A value in quotes is that value ('paper-cifar,flip=0.5' as a user would quote it for a shell); the
            // quotes go, and so does a value left empty by them (refused below).
            if item.count >= 2, let q = item.first, q == "\"" || q == "'", item.last == q {
                item = String(item.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
            } else if let q = item.first, q == "\"" || q == "'" {
                // `data = "/runs/mnist` would otherwise pass the quote on as part of the value.
                throw GridError(source: source, column: itemColumn, "this quote is never closed; close it, or drop it")
            } else if let q = item.last, q == "\"" || q == "'" {
                throw GridError(source: source, column: itemColumn + item.count - 1, "this quote closes nothing; drop it, or open it before the value")
            }
            guard !item.isEmpty else {
                let itemColumn = rawColumn
                let message = items.count == 1
                    ? "\(key.name) has no values; write e.g. '\(key.name) = \(Self.example(key))'"
                    : "an empty value between '|'s; write '\(key.name) = \(Self.example(key))'"
                throw GridError(source: source, column: itemColumn, message)
            }
            let expanded = try expandRange(item, column: itemColumn, key: key, source: source) ?? [item]
            guard values.count + expanded.count <= 10_000 else {
                throw GridError(source: source, column: column,
                                "\(key.name) has \(values.count + expanded.count) values or more; a sweep varies a setting over at most 10,000")
            }
            for value in expanded {
                let normal = try check(value, key: key, column: itemColumn, source: source)
                // A set beside the list: a linear search made a 10,000-value setting take seconds (found by fuzzing).
                // Values are compared as what they mean: seed 1 and 01, lr 0.1, 0.10 and 1e-1 are one run each.
                guard seen.insert(Self.identity(normal, key: key)).inserted else {
                    let first = values.first { Self.identity($0, key: key) == Self.identity(normal, key: key) } ?? normal
                    let written = first == normal ? "\(normal) twice" : "\(first) and \(normal), the same value,"
                    throw GridError(source: source, column: itemColumn, "\(key.name) lists \(written); give each value once")
                }
                values.append(normal)
            }
        }
        return values
    }

    /// The values of `a … b`, `a … b lin N` or `a … b log N`, or nil when `item` is not a range.
    func expandRange(_ item: String, column: Int, key: GridKey, source: String) throws(GridError) -> [String]? {
        let separator: String
        if item.contains("…") { separator = "…" } else if item.contains("...") { separator = "..." } else { return nil }
        let parts = item.components(separatedBy: separator)
        let fail = { (message: String) in GridError(source: source, column: column, message) }
        guard parts.count == 2 else { throw fail("'\(item)' is not a range; write 'a … b', 'a … b lin N' or 'a … b log N'") }
        switch key.kind {
        case .integer, .number: break
        default: throw fail("\(key.name) takes no ranges; list its values separated by '|'")
        }
        let lowText = parts[0].trimmingCharacters(in: .whitespaces)
        let rest = parts[1].split(whereSeparator: \.isWhitespace).map(String.init)
        guard !lowText.isEmpty, let highText = rest.first else {
            throw fail("'\(item)' needs both ends, e.g. '0.001 … 0.1 log 7' or '1 … 3'")
        }
        if rest.count == 1 {
            guard let a = Int(lowText), let b = Int(highText) else {
                throw fail("'\(item)': a range of non-whole numbers needs a spacing and a count, e.g. '\(lowText) … \(highText) log 7' or '… lin 5'")
            }
            guard a <= b else { throw fail("'\(item)' runs downwards; write the smaller end first") }
            guard b - a < 10_000 else { throw fail("'\(item)' has \(b - a + 1) values; at most 10,000") }
            return (a...b).map(String.init)
        }
        guard rest.count == 3, rest[1] == "lin" || rest[1] == "log" else {
            throw fail("'\(item)': after the upper end write 'lin N' or 'log N' (N values, ends included), e.g. '0.001 … 0.1 log 7'")
        }
        guard let a = Double(lowText), a.isFinite else { throw fail("'\(lowText)' is not a number") }
        guard let b = Double(highText), b.isFinite else { throw fail("'\(highText)' is not a number") }
        guard let n = Int(rest[2]), n >= 2, n <= 10_000 else {
            throw fail("'\(rest[2])' is not a count of values from 2 to 10,000 (the N of '\(rest[1]) N')")
        }
        guard a < b else { throw fail("'\(item)' needs the smaller end first (got \(lowText) ≥ \(highText))") }
        var values: [Double]
        if rest[1] == "log" {
            guard a > 0 else { throw fail("'\(item)': a log range needs positive ends (got \(lowText))") }
            let la = Foundation.log(a), lb = Foundation.log(b)
            values = (0..<n).map { i in Foundation.exp((la * Double(n - 1 - i) + lb * Double(i)) / Double(n - 1)) }
        } else {
            values = (0..<n).map { i in (a * Double(n - 1 - i) + b * Double(i)) / Double(n - 1) }
        }
        values[0] = a
        values[n - 1] = b
        let texts = values.enumerated().map { i, v in i == 0 ? lowText : i == n - 1 ? highText : Self.format(v) }
        if case .integer = key.kind, let odd = texts.first(where: { Int($0) == nil }) {
            throw fail("\(key.name) takes whole numbers, but '\(item)' gives \(odd); choose ends and a count that land on whole numbers, or list the values")
        }
        return texts
    }

    /// A range's value as text: 6 significant digits, no trailing zeros (0.00215443, 0.01, 25).
    static func format(_ x: Double) -> String {
        NumberText.significant(x, digits: 6)
    }

    /// Checks one value against its key and returns it in the form passed to `thermo train`.
    /// What a checked value means, for finding repeats: whole numbers and numbers by their value, others as written.
    static func identity(_ value: String, key: GridKey) -> String {
        switch key.kind {
        case .integer: Int(value).map(String.init) ?? value
        case .number: Double(value).map { "\($0)" } ?? value
        default: value
        }
    }

    func check(_ value: String, key: GridKey, column: Int, source: String) throws(GridError) -> String {
        let fail = { (message: String) in GridError(source: source, column: column, message) }
        switch key.kind {
        case .integer(let minimum):
            guard let n = Int(value) else { throw fail("\(key.name) takes whole numbers; '\(value)' is not one") }
            guard n >= minimum else { throw fail("\(key.name) must be at least \(minimum); got \(value)") }
            return value
        case .number:
            guard let x = Double(value), x.isFinite, !value.lowercased().hasPrefix("0x") else {
                throw fail("\(key.name) takes numbers like 0.01 or 1e-3; '\(value)' is not one")
            }
            return value
        case .choice(let options):
            guard options.contains(value) else { throw fail("\(key.name) is one of \(options.joined(separator: ", ")); got '\(value)'") }
            return value
        case .layerSet:
            let compact = value.filter { !$0.isWhitespace }
            if compact == "hidden" || compact == "all" { return compact }
            let parts = compact.split(separator: ",", omittingEmptySubsequences: false)
            func isLayer(_ part: Substring) -> Bool {
                if let n = Int(part) { return n >= 1 }
                if part == "conv" || part == "head" { return true }
                for prefix in ["fc", "conv"] where part.hasPrefix(prefix) { return Int(part.dropFirst(prefix.count)).map { $0 >= 1 } ?? false }
                return false
            }
            guard parts.allSatisfy(isLayer) else {
                throw fail("smooth takes weight layers like 2 or 1,3 (counted from 1), hidden, all, conv, head, fcN or convN; got '\(value)'")
            }
            guard Set(parts).count == parts.count else { throw fail("smooth lists a layer twice in '\(value)'") }
            return compact
        case .widths:
            let compact = value.filter { !$0.isWhitespace }
            let parts = compact.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts.allSatisfy({ Int($0).map { $0 >= 1 } ?? false }) else {
                throw fail("layers takes widths from the input size to the class count, like 784,256,10; got '\(value)'")
            }
            return compact
        case .text:
            return value
        case .flag:
            guard value == "yes" || value == "no" else { throw fail("\(key.name) is yes or no; got '\(value)'") }
            return value
        }
    }

    static func example(_ key: GridKey) -> String {
        switch key.kind {
        case .integer: return key.name == "seed" ? "1 | 2 | 3" : "4 | 8"
        case .number: return "0.001 … 0.1 log 7"
        case .choice(let options): return options.prefix(2).joined(separator: " | ")
        case .layerSet: return "1 | 2 | 1,2"
        case .widths: return "784,256,10 | 784,784,10"
        case .text: return "a | b"
        case .flag: return "yes | no"
        }
    }
}

/// The Levenshtein distance, for suggesting the key a typo meant.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
