import Foundation
import HDF5

/// How far a trace's run has got, from the root marker datasets (``TraceMarker``).
public struct TraceProgress: Sendable, Equatable {
    /// Complete rows of `/epochs`.
    public var completedEpochs: Int
    /// Complete rows of `/steps`.
    public var completedSteps: Int
    /// Complete snapshots per layer in `/weights`.
    public var completedSnapshots: Int
    /// The run's state as last written.
    public var status: TraceStatus
    /// E, the epochs asked for.
    public var plannedEpochs: Int
    /// The process id of the last writer.
    public var writerProcess: Int
    /// When the markers were last written, seconds since 1970 (0 before the first epoch).
    public var lastUpdate: Double
}

/// A grid of values read from a trace: `shape` (rows first) and the values, row-major, as Float64.
public struct TraceArray: Sendable, Equatable {
    /// The size along each axis, the first being steps, epochs or snapshots.
    public var shape: [Int]
    /// The values, row-major.
    public var values: [Double]

    /// The number of rows (the first axis).
    public var rowCount: Int { shape.first ?? 0 }
    /// The number of values per row.
    public var rowSize: Int { shape.dropFirst().reduce(1, *) }
    /// Row `r` as a flat array.
    public func row(_ r: Int) -> ArraySlice<Double> { values[(r * rowSize)..<((r + 1) * rowSize)] }
    /// The value at row `r`, index `i` within the row (e.g. the layer index l − 1).
    public subscript(r: Int, i: Int) -> Double { values[r * rowSize + i] }
    /// Column `i` of every row: for an (epoch, layer) variable, the series of layer i + 1.
    public func column(_ i: Int) -> [Double] { (0..<rowCount).map { values[$0 * rowSize + i] } }
}

/// The one way analyses read thermo traces: opens a trace for SWMR reading (so that it works on a trace being
/// written, and on one whose writer was killed, as it is), checks that it is a thermo trace of a version this
/// thermo reads, and gives every variable cut to the rows that the markers say are complete.
///
/// Errors are ``TraceError``s that say what is wrong: not a file, not HDF5, not a thermo trace, a newer
/// major version, a missing dataset, or any other rule of ``TraceValidation``, which every open and every
/// ``refresh()`` runs.
public final class TraceReader {
    /// The trace's path.
    public let path: String
    /// The root attributes.
    public let header: TraceHeader
    /// The markers as last read (``refresh()`` reads them again).
    public private(set) var progress: TraceProgress
    /// The open file (maintenance and ``TraceReadability`` read it directly).
    let file: File

    /// Opens the trace at `path` and validates it (``TraceValidation``).
    public init(contentsOf path: String) throws {
        self.path = path
        let opened = try TraceReader.openFile(path)
        file = opened
        do {
            (header, progress) = try TraceReader.readingData(path) { try TraceValidation.validate(opened, path: path) }
        } catch {
            try? opened.close()
            throw error
        }
    }

    /// The phrase of the error about a file left open for plain writing (see ``TraceRecovery``).
    static let interruptedMaintenance = "was left open for plain (non-SWMR) writing by a process that stopped"

    /// The phrase of the error about data that HDF5 cannot read back (see ``TraceRecovery``).
    static let unreadableData = "holds data that cannot be read"

    /// Runs `body`, which reads the trace at `path`, turning HDF5's failure to read its data (a compressed chunk
    /// cut short, a damaged chunk index) into a ``TraceError`` that says what to do.
    static func readingData<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as HDF5Error {
            let object = error.object.replacingOccurrences(of: " in \"\(path)\"", with: "")
            let cause = "\(error.operation) \(object): \(error.reason)"
            throw TraceError(path: path, "\(unreadableData) (\(cause)): the file was cut short or is damaged; run 'thermo recover \(path)', which keeps the epochs whose data reads back, or use an intact copy",
                             cause: cause)
        }
    }

    /// The phrase of the error about a file cut short by a failed write (see ``TraceRecovery``).
    static let shortFile = "is shorter than the length its HDF5 superblock records"

    /// The file's actual and recorded lengths when HDF5 refused to open it because it is shorter than its
    /// superblock says ("truncated file: eof = 81920, sblock->base_addr = 0, stored_eof = 119893"), else nil.
    static func shortFileLengths(_ reason: String) -> (actual: Int, recorded: Int)? {
        guard reason.contains("truncated file") else { return nil }
        func number(after key: String) -> Int? {
            guard let range = reason.range(of: key) else { return nil }
            return Int(reason[range.upperBound...].prefix { $0.isNumber })
        }
        guard let actual = number(after: " eof = "), let recorded = number(after: "stored_eof = "), actual < recorded else { return nil }
        return (actual, recorded)
    }

    /// Opens the file for SWMR reading, or plainly when the file's format does not allow SWMR; without
    /// HDF5's file lock, so that a long-lived reader (`thermo inspect --follow`) never stops a run from
    /// resuming or a trace from being recovered (a SWMR reader would otherwise hold a shared lock until it
    /// closes). The reader re-reads the markers on every ``refresh()`` and so tolerates those changes.
    private static func openFile(_ path: String) throws -> File {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw TraceError(path: path, "does not exist; give the .h5 file written by 'thermo train --trace FILE'")
        }
        guard !isFolder.boolValue else { throw TraceError(path: path, "is a folder, not a trace file") }
        do {
            do {
                return try File.open(path, mode: .swmrRead, fileLocking: false)
            } catch let error as HDF5Error where error.reason.contains("file locking flag values don't match") {
                // This process writes the file itself (HDF5 shares one open file per process and wants the same
                // locking setting for each open of it).
                return try File.open(path, mode: .swmrRead)
            }
        } catch let swmrError as HDF5Error {
            if let lengths = shortFileLengths(swmrError.reason) {
                throw TraceError(path: path, "\(shortFile) (\(lengths.actual) of \(lengths.recorded) bytes): the disk filled up or a file size limit was reached while it was written; run 'thermo recover \(path)', which keeps every complete epoch whose data reads back")
            }
            if swmrError.reason.contains("signature") {
                throw TraceError(path: path, "is not an HDF5 file, so not a thermo trace; give the .h5 file written by 'thermo train --trace FILE'")
            }
            // Files in the older HDF5 formats cannot be opened for SWMR reading: try a plain open.
            do { return try File.open(path, mode: .readOnly, fileLocking: false) } catch let error as HDF5Error {
                if swmrError.reason.contains("not already open for SWMR writing") && error.reason.contains("already open for write") {
                    throw TraceError(path: path, "\(interruptedMaintenance) ('thermo train --resume' or 'thermo recover' stopped while preparing it); run 'thermo recover \(path)', which keeps every complete epoch")
                }
                throw TraceError(path: path, "cannot be opened: \(swmrError.reason) (plain open: \(error.reason))")
            }
        }
    }

    /// Reads the markers again and validates the rows they count (to follow a trace being written).
    public func refresh() throws {
        progress = try TraceReader.readingData(path) { try TraceValidation.validate(file, path: path, header: header).progress }
    }

    /// Closes the file.
    public func close() throws { try file.close() }

    // MARK: Reading variables

    /// Whether the trace has `variable` (e.g. ``TraceVariable/weightTemperatureQuantiles``, recorded with moments).
    public func has(_ variable: TraceVariable) throws -> Bool { try has(variable.path) }

    /// The complete rows of a record of `/steps` or `/epochs`, e.g. `read(.layerSignal)`: at most the marker's
    /// count, and at most the shortest of the variable and its group's scale (metadata of a live or killed
    /// writer can reach the disk one row apart). Integers are returned as Float64.
    public func read(_ variable: TraceVariable) throws -> TraceArray { try read(variable.path) }

    /// The number of complete rows of a record (see ``read(_:)``), without reading it.
    public func rowCount(_ variable: TraceVariable) throws -> Int { try rowCount(variable.path) }

    /// Rows `rows` of a record of `/steps` or `/epochs`, e.g. a block of steps of ``TraceVariable/stepLayerSignal``,
    /// so that long records can be read block by block (streamed) rather than whole. The range must lie within
    /// the complete rows (``rowCount(_:)``).
    public func read(_ variable: TraceVariable, rows: Range<Int>) throws -> TraceArray { try read(variable.path, rows: rows) }

    /// A scale or fixed variable of `/steps` or `/epochs` (``TraceVariable/quantile``, ``TraceVariable/binLower``,
    /// ``TraceVariable/weightCount``, …) as Float64.
    public func readFixed(_ variable: TraceVariable) throws -> [Double] { try readFixed(variable.path) }

    // By path: for the trace's own validation and maintenance, and for tests that name datasets as a user would.

    /// Whether the trace has the dataset at `path`.
    func has(_ path: String) throws -> Bool { try file.kind(of: path) == .dataset }

    /// ``read(_:)`` of the record at `variablePath` (`group/name`).
    func read(_ variablePath: String) throws -> TraceArray {
        let (rows, _) = try completeRows(variablePath)
        return try readRows(variablePath, rows: rows)
    }

    /// ``rowCount(_:)`` of the record at `variablePath`.
    func rowCount(_ variablePath: String) throws -> Int {
        let (rows, _) = try completeRows(variablePath)
        return rows
    }

    /// ``read(_:rows:)`` of the record at `variablePath`.
    func read(_ variablePath: String, rows: Range<Int>) throws -> TraceArray {
        let (complete, _) = try completeRows(variablePath)
        guard rows.lowerBound >= 0, rows.upperBound <= complete else {
            throw TraceError(path: path, "has \(complete) complete rows of /\(variablePath); rows \(rows.lowerBound)..<\(rows.upperBound) are out of range")
        }
        return try readRows(variablePath, range: rows)
    }

    /// The complete row count of an appendable variable and its group's scale.
    private func completeRows(_ variablePath: String) throws -> (rows: Int, scale: String) {
        let group = variablePath.split(separator: "/").first.map(String.init) ?? ""
        let marker: Int
        let scale: String
        switch TraceGroup(rawValue: group) {
        case .steps: marker = progress.completedSteps; scale = TraceGroup.steps.rowScale.path
        case .epochs: marker = progress.completedEpochs; scale = TraceGroup.epochs.rowScale.path
        case nil: throw TraceError(path: path, "has no appendable variable \(variablePath); use steps/NAME or epochs/NAME")
        }
        guard try has(variablePath) else {
            throw TraceError(path: path, "has no variable /\(variablePath) (recorded: \(header.recording); run 'thermo inspect' to list what it holds)")
        }
        return (min(marker, try length(of: scale), try length(of: variablePath)), scale)
    }

    /// The current first-axis length of a dataset, after a refresh.
    private func length(of name: String) throws -> Int {
        try TraceReader.readingData(path) {
            let dataset = try file.openDataset(name)
            try dataset.refresh()
            return try dataset.shape.first ?? 0
        }
    }

    /// Rows 0..<rows of a dataset as Float64.
    private func readRows(_ name: String, rows: Int) throws -> TraceArray {
        try readRows(name, range: 0..<rows)
    }

    /// Rows `range` of a dataset as Float64 (one hyperslab read).
    private func readRows(_ name: String, range: Range<Int>) throws -> TraceArray {
        try TraceReader.readingData(path) {
            let dataset = try file.openDataset(name)
            try dataset.refresh()
            var shape = try dataset.shape
            shape[0] = range.count
            return TraceArray(shape: shape, values: try dataset.doubles(rows: range))
        }
    }

    /// ``readFixed(_:)`` of the dataset at `variablePath`.
    func readFixed(_ variablePath: String) throws -> [Double] {
        guard try has(variablePath) else { throw TraceError(path: path, "has no variable /\(variablePath)") }
        return try readRows(variablePath, rows: try length(of: variablePath)).values
    }

    /// The epoch numbers of the complete epochs.
    public func epochs() throws -> [Int] { try counts(read(.epoch).values, TraceVariable.epoch.path) }

    /// The global step numbers of the complete steps.
    public func steps() throws -> [Int] { try counts(read(.step).values, TraceVariable.step.path) }

    /// Values that number epochs or steps as integers; a value that cannot be one (NaN, ±∞, a fraction, out of
    /// range) is a damaged file.
    private func counts(_ values: [Double], _ name: String) throws -> [Int] {
        try values.map { value in
            guard let n = Int(exactly: value), (0...TraceValidation.maximumCount).contains(n) else {
                throw TraceError(path: path, "holds \(value) in /\(name), which is no epoch or step number; the file is damaged")
            }
            return n
        }
    }

    /// The epochs of layer l's complete snapshots.
    public func snapshotEpochs(layer l: Int) throws -> [Int] {
        let name = SnapshotScale.epoch.path(layer: l)
        guard header.recording.takesSnapshots, try has(name) else { return [] }
        let rows = min(progress.completedSnapshots, try length(of: name))
        return try counts(readRows(name, rows: rows).values, name)
    }

    /// Snapshot `index` (0-based, among ``snapshotEpochs(layer:)``) of `variable` of layer l: W_l's shape
    /// (n_l, n_{l−1}), row-major.
    public func snapshot(_ variable: SnapshotVariable, layer l: Int, index: Int) throws -> [Float] {
        try snapshot(variable.name, layer: l, index: index)
    }

    /// ``snapshot(_:layer:index:)`` of the snapshot variable named `variable`.
    func snapshot(_ variable: String, layer l: Int, index: Int) throws -> [Float] {
        let name = TraceFormat.snapshotGroup(layer: l) + "/" + variable
        guard try has(name) else { throw TraceError(path: path, "has no snapshot variable /\(name) (recorded: \(header.recording))") }
        let available = min(progress.completedSnapshots, try length(of: name))
        guard index >= 0 && index < available else {
            throw TraceError(path: path, "has \(available) complete snapshots of layer \(l); index \(index) is out of range")
        }
        return try TraceReader.readingData(path) {
            let dataset = try file.openDataset(name)
            let shape = try dataset.shape
            return try dataset.read(as: Float.self, start: [index, 0, 0], count: [1, shape[1], shape[2]])
        }
    }
}
