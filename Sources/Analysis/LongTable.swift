import Foundation

/// A value column of a long table.
public enum LongTableValue: String, CaseIterable, Sendable {
    /// S_l, the layer signal.
    case signal
    /// σ_l, the layer noise.
    case noise
    /// T_l, the layer temperature.
    case temperature
}

/// A long table of layer curves, one row per (run, epoch, layer): thermo's one reader of CSV/TSV tables, used by
/// the analyses (`temperature`, `regimes`, `fit-cooling`) and the figures (`plot signal|temperature|cooling`).
///
/// Format (docs/analysis.md, "Long tables"):
/// - UTF-8 text (a UTF-8 byte-order mark is skipped); lines end in LF or CRLF;
/// - the first line that is neither blank nor a comment is the header; a line whose first non-blank character
///   is `#` is a comment; blank lines are skipped;
/// - the delimiter is a tab if the header contains one, else a comma; cells are trimmed of spaces and tabs and
///   of one pair of surrounding double quotes (there is no quoting of delimiters);
/// - column names are matched case-insensitively: `epoch`, `layer`, the values `signal`, `noise`,
///   `temperature`, the run `run` (aliases `seed`, `trace`, in that order), the layer's name `label` (optional:
///   "conv1", "fc1", as `thermo temperature --format csv` writes for a network with convolutions) and quantiles of the per-weight
///   temperatures `q<percent>` (`q5`, `q2.5`, 0 < percent < 100); other columns are ignored; a name given twice
///   is refused;
/// - epochs are finite numbers; layers are whole numbers 0, 1, 2, … (written with digits only); values are
///   numbers as C's `strtod` reads them (`1e-3`, `nan`, `inf`); a NUL byte is refused;
/// - one row per (run, epoch, layer): a repeated one is refused, naming both lines;
/// - a layer has one label (an empty label cell stands for the layer's number) and no two layers share one.
///
/// Layers are ordered numerically, runs by first appearance, each series by epoch. Parsing is one pass over
/// the bytes (linear in the file's size: 10⁶ rows in well under a second).
public struct LongTable: Sendable {
    /// One (run, layer) curve set, sorted by epoch.
    public struct Series: Sendable, Equatable {
        /// The run (nil without a run column).
        public var run: String?
        /// The layer, as a decimal number ("1").
        public var layer: String
        /// The layer's label: the `label` column's ("conv1"), else the number.
        public var label: String
        /// The epochs, increasing.
        public var epochs: [Double]
        /// The line of each point in the file (from 1).
        public var lines: [Int]
        /// The values of each value column the table has, per epoch.
        public var signal: [Double]?, noise: [Double]?, temperature: [Double]?
        /// The quantile columns' values, one array per level of ``LongTable/quantileLevels``.
        public var quantiles: [[Double]]
    }

    /// The delimiter found in the header.
    public var delimiter: Character
    /// The value columns present.
    public var values: Set<LongTableValue>
    /// The quantile levels of the `q<percent>` columns, in (0, 1), increasing.
    public var quantileLevels: [Double]
    /// The layers, in numeric order.
    public var layers: [String]
    /// The label of each layer of `layers`: the `label` column's, else the number itself.
    public var labels: [String]
    /// The runs in order of first appearance (empty without a run column).
    public var runs: [String]
    /// Every (run, layer) series: runs in order, then layers in order.
    public var series: [Series]
    /// The number of data rows.
    public var rowCount: Int

    /// Whether a `signal` column is present.
    public var hasSignal: Bool { values.contains(.signal) }
    /// Whether a `noise` column is present.
    public var hasNoise: Bool { values.contains(.noise) }
    /// Whether a `temperature` column is present.
    public var hasTemperature: Bool { values.contains(.temperature) }
}

extension LongTable {
    /// Parses the text of a table that must have the value columns `required` (and at least one value column).
    public init(parsing text: String, requiring required: Set<LongTableValue> = [.signal]) throws(LongTableError) {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(LongTableError) in try LongTable(bytes: bytes, path: nil, requiring: required) } }
        self = try result.get()
    }

    /// Reads and parses the table at `url` (see ``init(parsing:requiring:)``); errors name the file by its path.
    public init(contentsOf url: URL, requiring required: Set<LongTableValue> = [.signal]) throws(LongTableError) {
        try self.init(contentsOfFile: url.path, requiring: required)
    }

    /// Reads and parses the table at `path` (see ``init(parsing:requiring:)``); errors name the file as `path`.
    public init(contentsOfFile path: String, requiring required: Set<LongTableValue> = [.signal]) throws(LongTableError) {
        let bytes: [UInt8]
        do { bytes = try LongTable.contents(of: path) } catch { throw LongTableError(.unreadable(error.reason), path: path) }
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(LongTableError) in try LongTable(bytes: buffer, path: path, requiring: required) }
        }
        self = try result.get()
    }

    /// Parses the bytes of a table; `path` names the file in errors.
    public init(bytes: UnsafeBufferPointer<UInt8>, path: String?, requiring required: Set<LongTableValue> = [.signal]) throws(LongTableError) {
        do { self = try LongTableParser(bytes, requiring: required).parse() } catch { throw error.inFile(path) }
    }

    /// The series of `layer` in `run` (nil: the table without a run column).
    public func series(run: String?, layer: String) -> Series? {
        series.first { $0.run == run && $0.layer == layer }
    }

    /// The selected curves, run by run (one run when the table has no run column): per run, the layers in
    /// order, each giving its signal and/or noise curve (signal before noise), points sorted by epoch.
    /// Asking for a curve whose column the table lacks throws `missingColumns`.
    public func curves(_ selection: CurveSelection = .signal) throws(LongTableError) -> [[CoolingCurve]] {
        let header = ["epoch", "layer"] + LongTableValue.allCases.filter { values.contains($0) }.map(\.rawValue)
        if selection.includes(.signal) && !hasSignal { throw LongTableError(.missingColumns(["signal"], header: header)) }
        if selection.includes(.noise) && !hasNoise { throw LongTableError(.missingColumns(["noise"], header: header)) }
        let runLabels: [String?] = runs.isEmpty ? [nil] : runs.map { Optional($0) }
        return runLabels.map { run in
            var curves: [CoolingCurve] = []
            for s in series where s.run == run {
                if selection.includes(.signal), let signal = s.signal {
                    curves.append(CoolingCurve(layer: s.label, kind: .signal, run: run, epochs: s.epochs, values: signal))
                }
                if selection.includes(.noise), let noise = s.noise {
                    curves.append(CoolingCurve(layer: s.label, kind: .noise, run: run, epochs: s.epochs, values: noise))
                }
            }
            return curves
        }
    }

    /// A file that cannot be read, with the system's reason.
    struct ReadFailure: Error { let reason: String }

    /// The bytes of the file at `path`, read with POSIX calls so that failures carry the system's reason
    /// ("No such file or directory", "Is a directory", "Permission denied").
    static func contents(of path: String) throws(ReadFailure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadFailure(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ReadFailure(reason: String(cString: strerror(errno))) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw ReadFailure(reason: String(cString: strerror(EISDIR))) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(max(0, status.st_size)) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
