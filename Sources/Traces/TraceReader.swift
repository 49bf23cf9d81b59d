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
/// major version, a missing dataset.
public final class TraceReader {
    /// The trace's path.
    public let path: String
    /// The root attributes.
    public let header: TraceHeader
    /// The markers as last read (``refresh()`` reads them again).
    public private(set) var progress: TraceProgress
    private let file: File

    /// Opens and validates the trace at `path`.
    public init(contentsOf path: String) throws {
        self.path = path
        file = try TraceReader.openFile(path)
        try TraceReader.checkFormat(file, path: path)
        header = try TraceHeader.read(from: file, path: path)
        try TraceReader.checkDatasets(file, header: header, path: path)
        progress = try TraceReader.readProgress(file, path: path)
    }

    /// The phrase of the error about a file left open for plain writing (see ``TraceRecovery``).
    static let interruptedMaintenance = "was left open for plain (non-SWMR) writing by a process that stopped"

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

    /// Refuses files that are not thermo traces, or of a newer major version.
    private static func checkFormat(_ file: File, path: String) throws {
        guard try file.hasAttribute("format"),
              let format = try? file.attribute("format", as: String.self), format == TraceFormat.name else {
            throw TraceError(path: path, "is an HDF5 file but not a thermo trace (its root lacks the attribute format = \"\(TraceFormat.name)\"); thermo reads traces written by 'thermo train --trace'")
        }
        guard let major = try? file.attribute("format_version_major", as: Int.self) else {
            throw TraceError(path: path, "is a thermo trace without a readable 'format_version_major' attribute; the file is damaged")
        }
        let minor = (try? file.attribute("format_version_minor", as: Int.self)) ?? 0
        guard major <= TraceFormat.majorVersion else {
            throw TraceError(path: path, "is a thermo trace of format version \(major).\(minor), newer than the version \(TraceFormat.majorVersion) this thermo reads; update thermo to read it")
        }
        guard major >= 1 else {
            throw TraceError(path: path, "claims format version \(major).\(minor), which never existed; the file is damaged")
        }
    }

    /// Every dataset that the header's recording implies must exist.
    private static func checkDatasets(_ file: File, header: TraceHeader, path: String) throws {
        var required = TraceMarker.allCases.map(\.rawValue)
        for group in [TraceFormat.stepsGroup, TraceFormat.epochsGroup] {
            required += TraceVariable.variables(in: group, recording: header.recording, smoothing: header.smoothing).map(\.path)
        }
        required += ["\(TraceFormat.epochsGroup)/layer", "\(TraceFormat.epochsGroup)/quantile", "\(TraceFormat.epochsGroup)/bin"]
        if header.recording.takesSnapshots {
            for l in 1...header.layerCount {
                required.append(TraceFormat.snapshotGroup(layer: l) + "/epoch")
                required += SnapshotVariable.variables(for: header.recording).map { TraceFormat.snapshotGroup(layer: l) + "/" + $0.name }
            }
        }
        for name in required where try file.kind(of: name) != .dataset {
            throw TraceError(path: path, "lacks the dataset /\(name) that a version-1 trace recording \(header.recording) has; the file is damaged or incomplete")
        }
    }

    /// Reads the markers.
    private static func readProgress(_ file: File, path: String) throws -> TraceProgress {
        func int(_ marker: TraceMarker) throws -> Int {
            let dataset = try file.openDataset(marker.rawValue)
            try dataset.refresh()
            return Int(try dataset.read(as: Int64.self).first ?? 0)
        }
        let update = try file.openDataset(TraceMarker.lastUpdate.rawValue)
        try update.refresh()
        let code = try int(.status)
        guard let status = TraceStatus(rawValue: Int64(code)) else {
            throw TraceError(path: path, "has an unknown status code \(code); it may come from a newer thermo")
        }
        return TraceProgress(completedEpochs: try int(.completedEpochs), completedSteps: try int(.completedSteps),
                             completedSnapshots: try int(.completedSnapshots), status: status,
                             plannedEpochs: try int(.plannedEpochs), writerProcess: try int(.writerProcess),
                             lastUpdate: try update.read(as: Double.self).first ?? 0)
    }

    /// Reads the markers again (to follow a trace being written).
    public func refresh() throws { progress = try TraceReader.readProgress(file, path: path) }

    /// Closes the file.
    public func close() throws { try file.close() }

    // MARK: Reading variables

    /// Whether the trace has the dataset at `path` (e.g. "epochs/weight_temperature_quantiles").
    public func has(_ path: String) throws -> Bool { try file.kind(of: path) == .dataset }

    /// The complete rows of an appendable variable of `/steps` or `/epochs`, e.g. `read("epochs/layer_signal")`:
    /// at most the marker's count, and at most the shortest of the variable and its group's scale (metadata of
    /// a live or killed writer can reach the disk one row apart). Integers are returned as Float64.
    public func read(_ variablePath: String) throws -> TraceArray {
        let (rows, _) = try completeRows(variablePath)
        return try readRows(variablePath, rows: rows)
    }

    /// The number of complete rows of an appendable variable (see ``read(_:)``), without reading it.
    public func rowCount(_ variablePath: String) throws -> Int {
        let (rows, _) = try completeRows(variablePath)
        return rows
    }

    /// Rows `rows` of an appendable variable of `/steps` or `/epochs`, e.g. a block of steps of
    /// `steps/layer_signal`, so that long records can be read block by block (streamed) rather than whole.
    /// The range must lie within the complete rows (``rowCount(_:)``).
    public func read(_ variablePath: String, rows: Range<Int>) throws -> TraceArray {
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
        switch group {
        case TraceFormat.stepsGroup: marker = progress.completedSteps; scale = "\(group)/step"
        case TraceFormat.epochsGroup: marker = progress.completedEpochs; scale = "\(group)/epoch"
        default: throw TraceError(path: path, "has no appendable variable \(variablePath); use steps/NAME or epochs/NAME")
        }
        guard try has(variablePath) else {
            throw TraceError(path: path, "has no variable /\(variablePath) (recorded: \(header.recording); run 'thermo inspect' to list what it holds)")
        }
        return (min(marker, try length(of: scale), try length(of: variablePath)), scale)
    }

    /// The current first-axis length of a dataset, after a refresh.
    private func length(of name: String) throws -> Int {
        let dataset = try file.openDataset(name)
        try dataset.refresh()
        return try dataset.shape.first ?? 0
    }

    /// Rows 0..<rows of a dataset as Float64.
    private func readRows(_ name: String, rows: Int) throws -> TraceArray {
        try readRows(name, range: 0..<rows)
    }

    /// Rows `range` of a dataset as Float64 (one hyperslab read).
    private func readRows(_ name: String, range: Range<Int>) throws -> TraceArray {
        let dataset = try file.openDataset(name)
        try dataset.refresh()
        var shape = try dataset.shape
        shape[0] = range.count
        var start = [Int](repeating: 0, count: shape.count)
        start[0] = range.lowerBound
        if range.isEmpty { return TraceArray(shape: shape, values: []) }
        let values: [Double]
        switch try dataset.elementType {
        case .int64: values = try dataset.read(as: Int64.self, start: start, count: shape).map { Double($0) }
        case .float32: values = try dataset.read(as: Float.self, start: start, count: shape).map { Double($0) }
        default: values = try dataset.read(as: Double.self, start: start, count: shape)
        }
        return TraceArray(shape: shape, values: values)
    }

    /// A fixed variable of `/epochs` (`layer`, `quantile`, `bin`, `bin_lower`, `bin_upper`, `weight_count`,
    /// `fan_in`, `fan_out`) as Float64.
    public func readFixed(_ variablePath: String) throws -> [Double] {
        guard try has(variablePath) else { throw TraceError(path: path, "has no variable /\(variablePath)") }
        return try readRows(variablePath, rows: try length(of: variablePath)).values
    }

    /// The epoch numbers of the complete epochs.
    public func epochs() throws -> [Int] { try read("epochs/epoch").values.map { Int($0) } }

    /// The global step numbers of the complete steps.
    public func steps() throws -> [Int] { try read("steps/step").values.map { Int($0) } }

    /// The epochs of layer l's complete snapshots.
    public func snapshotEpochs(layer l: Int) throws -> [Int] {
        let name = TraceFormat.snapshotGroup(layer: l) + "/epoch"
        guard header.recording.takesSnapshots, try has(name) else { return [] }
        let rows = min(progress.completedSnapshots, try length(of: name))
        return try readRows(name, rows: rows).values.map { Int($0) }
    }

    /// Snapshot `index` (0-based, among ``snapshotEpochs(layer:)``) of `variable` (`gradient_mean`,
    /// `gradient_variance`, `within_batch_variance`) of layer l: W_l's shape (n_l, n_{l−1}), row-major.
    public func snapshot(_ variable: String, layer l: Int, index: Int) throws -> [Float] {
        let name = TraceFormat.snapshotGroup(layer: l) + "/" + variable
        guard try has(name) else { throw TraceError(path: path, "has no snapshot variable /\(name) (recorded: \(header.recording))") }
        let available = min(progress.completedSnapshots, try length(of: name))
        guard index >= 0 && index < available else {
            throw TraceError(path: path, "has \(available) complete snapshots of layer \(l); index \(index) is out of range")
        }
        let dataset = try file.openDataset(name)
        let shape = try dataset.shape
        return try dataset.read(as: Float.self, start: [index, 0, 0], count: [1, shape[1], shape[2]])
    }
}
