import NumericCore

/// Why a long table could not be read: where (the file, its line and column, or a byte offset) and what is wrong,
/// as one line that says what to do.
///
/// The description is `FILE:LINE:COLUMN: message` (the GNU convention editors jump to) when the table was read
/// from a file, `line LINE, column COLUMN: message` for text parsed in memory; lines count every line of the
/// file from 1, columns count characters of the line from 1.
public struct LongTableError: Error, Equatable, Sendable, DescribedError {
    /// What is wrong.
    public enum Reason: Equatable, Sendable {
        /// The file could not be read.
        case unreadable(String)
        /// A byte that is not UTF-8 (e.g. a Latin-1 "é"), at `offset` from the start of the file (from 0).
        case notUTF8(offset: Int, byte: UInt8)
        /// The file starts with a UTF-16 byte-order mark.
        case utf16
        /// No header line (the table is empty or only comments).
        case noHeader
        /// Required columns are missing from the header.
        case missingColumns([String], header: [String])
        /// None of the value columns signal, noise, temperature.
        case noValueColumn(header: [String])
        /// The header names a column twice.
        case duplicateColumn(String)
        /// A data line has fewer fields than the columns it needs.
        case tooFewFields(found: Int, needed: Int)
        /// A cell that must be a number is not.
        case nonNumeric(column: String, cell: String)
        /// A cell holds a NUL byte.
        case nulByte(column: String)
        /// An epoch that is NaN or infinite.
        case nonFiniteEpoch(cell: String)
        /// A layer cell that is not a whole number ≥ 0.
        case invalidLayer(cell: String)
        /// Two rows for the same (run, epoch, layer).
        case duplicateRow(firstLine: Int, epoch: Double, layer: String, run: String?)
        /// Rows of one layer with different labels in the `label` column.
        case conflictingLabel(layer: String, label: String, firstLabel: String, firstLine: Int)
        /// One label for two layers.
        case sharedLabel(label: String, layers: [String], firstLine: Int)
    }

    /// The file, when the table was read from one.
    public var path: String?
    /// The line (from 1), when the problem is on one.
    public var line: Int?
    /// The column (characters from 1), when the problem is in one cell.
    public var column: Int?
    /// What is wrong.
    public var reason: Reason

    /// An error at a line and column.
    public init(_ reason: Reason, line: Int? = nil, column: Int? = nil, path: String? = nil) {
        self.reason = reason
        self.line = line
        self.column = column
        self.path = path
    }

    /// The error located in the file at `path`.
    func inFile(_ path: String?) -> LongTableError {
        var error = self
        error.path = path
        return error
    }

    /// The message, prefixed by "path:line:column: " (or "line L, column C: " without a path) where known.
    public var description: String {
        var location = ""
        if let path {
            location = path + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "") + ": "
        } else if let line {
            location = "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": "
        }
        return location + message
    }

    /// The message after the location.
    public var message: String {
        switch reason {
        case .unreadable(let reason):
            return "cannot be read: \(reason)"
        case .notUTF8(let offset, let byte):
            return "byte \(offset) (0x\(String(byte, radix: 16, uppercase: true))) is not UTF-8 text; "
                + "save the table as UTF-8 (e.g. iconv -f latin1 -t utf-8 IN.csv > OUT.csv)"
        case .utf16:
            return "is UTF-16 text (it starts with a UTF-16 byte-order mark); save the table as UTF-8"
        case .noHeader:
            return "the table has no header line (expected columns epoch, layer, signal[, noise])"
        case .missingColumns(let missing, let header):
            return "missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (header: \(LongTableError.shown(header)))"
        case .noValueColumn(let header):
            return "no signal, noise or temperature column (header: \(LongTableError.shown(header))); add one of them"
        case .duplicateColumn(let name):
            return "the header names column \(name) twice; rename or remove one"
        case .tooFewFields(let found, let needed):
            return "\(found) field\(found == 1 ? "" : "s"), at least \(needed) needed"
        case .nonNumeric(let column, let cell):
            return "column \(column): \"\(cell)\" is not a number"
        case .nulByte(let column):
            return "column \(column): the cell holds a NUL byte (0x00), so the file is damaged or not text; write the table again"
        case .nonFiniteEpoch(let cell):
            return "column epoch: \"\(cell)\" is not a finite epoch; give every row its epoch number"
        case .invalidLayer(let cell):
            let negative = cell.hasPrefix("-") && cell.dropFirst().allSatisfy(\.isASCII) && Int(cell) != nil
            return "column layer: \"\(cell)\" is \(negative ? "negative" : "not a whole number"); "
                + "layers are numbered 0, 1, 2, … (thermo numbers the first weight layer 1); a name such as conv1 goes in a label column"
        case .duplicateRow(let firstLine, let epoch, let layer, let run):
            return "repeats epoch \(formatEpoch(epoch)) of layer \(layer)\(run.map { " in run \($0)" } ?? "") (first on line \(firstLine)); "
                + "keep one row per (run, epoch, layer)"
        case .conflictingLabel(let layer, let label, let firstLabel, let firstLine):
            return "column label: layer \(layer) is labelled \"\(label)\" here but \"\(firstLabel)\" on line \(firstLine); give a layer one label"
        case .sharedLabel(let label, let layers, let firstLine):
            return "column label: \"\(label)\" labels layers \(layers.joined(separator: " and ")) (first on line \(firstLine)); give each layer its own label"
        }
    }

    /// A header for messages: at most 12 names, then how many more.
    static func shown(_ header: [String]) -> String {
        header.count <= 12 ? header.joined(separator: ", ") : header.prefix(12).joined(separator: ", ") + ", … (\(header.count) columns)"
    }
}
