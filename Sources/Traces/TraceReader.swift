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
        try TraceReader.checkHeader(header, path: path)
        try TraceReader.checkDatasets(file, header: header, path: path)
        try TraceReader.checkShapes(file, header: header, path: path)
        progress = try TraceReader.readProgress(file, path: path)
    }

    /// The phrase of the error about a file left open for plain writing (see ``TraceRecovery``).
    static let interruptedMaintenance = "was left open for plain (non-SWMR) writing by a process that stopped"

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
                throw TraceError(path: path, "\(shortFile) (\(lengths.actual) of \(lengths.recorded) bytes): the disk filled up or a file size limit was reached while it was written; run 'thermo recover \(path)', which restores every complete epoch")
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

    /// The widest layer a trace may declare: far beyond any network thermo trains, small enough that products
    /// of two widths (weights per layer) cannot overflow.
    static let maximumWidth = 1 << 24
    /// The largest count a marker or header number may hold (2^40 epochs or steps is beyond any run).
    static let maximumCount = 1 << 40

    /// The header's numbers must describe a run that can exist: at least two widths, each from 1 to
    /// ``maximumWidth``; at least one step per epoch; a first epoch from 1 on.
    private static func checkHeader(_ header: TraceHeader, path: String) throws {
        guard header.widths.count >= 2, header.widths.allSatisfy({ (1...maximumWidth).contains($0) }) else {
            throw TraceError(path: path, "declares impossible layer widths \(header.widths) in its 'widths' attribute (at least two, each from 1 to \(maximumWidth)); the file is damaged")
        }
        for (name, value) in [("steps_per_epoch", header.stepsPerEpoch), ("first_epoch", header.firstEpoch)]
            where !(1...maximumCount).contains(value) {
            throw TraceError(path: path, "declares \(name) = \(value) in its root attributes, which no run has (it is at least 1); the file is damaged")
        }
        for (name, value) in [("train_images", header.trainImages), ("validation_images", header.validationImages),
                              ("test_images", header.testImages)] where !(0...maximumCount).contains(value) {
            throw TraceError(path: path, "declares \(name) = \(value) in its root attributes, which no run has; the file is damaged")
        }
    }

    /// Every variable has the rank and the sizes along its axes after the first that the header implies
    /// (L layers, the quantile levels, the histogram bins; a snapshot is n_l × n_{l−1}), so that no read can
    /// index outside what it reads.
    private static func checkShapes(_ file: File, header: TraceHeader, path: String) throws {
        func shape(_ name: String) throws -> [Int] { try file.openDataset(name).shape }
        let quantiles = try shape("\(TraceFormat.epochsGroup)/quantile"), bins = try shape("\(TraceFormat.epochsGroup)/bin")
        for (name, s) in [("quantile", quantiles), ("bin", bins)] where s.count != 1 {
            throw TraceError(path: path, "has a /\(TraceFormat.epochsGroup)/\(name) coordinate of shape \(s), not a list; the file is damaged")
        }
        if header.recording.weightMoments && quantiles[0] != TemperatureDistribution.levels.count {
            throw TraceError(path: path, "has \(quantiles[0]) quantile levels where a version-1 trace has \(TemperatureDistribution.levels.count); the file is damaged")
        }
        func expect(_ name: String, _ sizes: [Int]) throws {
            let actual = try shape(name)
            guard actual.count == sizes.count + 1, Array(actual.dropFirst()) == sizes else {
                let wanted = (["rows"] + sizes.map(String.init)).joined(separator: " × ")
                throw TraceError(path: path, "has /\(name) of shape \(actual.map(String.init).joined(separator: " × ")) where its header implies \(wanted); the file is damaged")
            }
        }
        for group in [TraceFormat.stepsGroup, TraceFormat.epochsGroup] {
            for variable in TraceVariable.variables(in: group, recording: header.recording, smoothing: header.smoothing) {
                try expect(variable.path, variable.axes.map { $0 == "layer" ? header.layerCount : $0 == "quantile" ? quantiles[0] : bins[0] })
            }
        }
        if header.recording.takesSnapshots {
            for l in 1...header.layerCount {
                let group = TraceFormat.snapshotGroup(layer: l)
                try expect(group + "/epoch", [])
                for variable in SnapshotVariable.variables(for: header.recording) {
                    try expect(group + "/" + variable.name, [header.widths[l], header.widths[l - 1]])
                }
            }
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
        for marker in [TraceMarker.completedEpochs, .completedSteps, .completedSnapshots, .plannedEpochs] {
            let value = try int(marker)
            guard (0...maximumCount).contains(value) else {
                throw TraceError(path: path, "has the impossible marker /\(marker.rawValue) = \(value); the file is damaged (a marker counts complete rows, from 0)")
            }
        }
        let completed = try int(.completedEpochs), planned = try int(.plannedEpochs)
        guard completed <= planned else {
            throw TraceError(path: path, "counts \(completed) complete epochs of \(planned) planned in its markers; the file is damaged")
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
    public func epochs() throws -> [Int] { try counts(read("epochs/epoch").values, "epochs/epoch") }

    /// The global step numbers of the complete steps.
    public func steps() throws -> [Int] { try counts(read("steps/step").values, "steps/step") }

    /// Values that number epochs or steps as integers; a value that cannot be one (NaN, ±∞, a fraction, out of
    /// range) is a damaged file.
    private func counts(_ values: [Double], _ name: String) throws -> [Int] {
        try values.map { value in
            guard let n = Int(exactly: value), (0...TraceReader.maximumCount).contains(n) else {
                throw TraceError(path: path, "holds \(value) in /\(name), which is no epoch or step number; the file is damaged")
            }
            return n
        }
    }

    /// The epochs of layer l's complete snapshots.
    public func snapshotEpochs(layer l: Int) throws -> [Int] {
        let name = TraceFormat.snapshotGroup(layer: l) + "/epoch"
        guard header.recording.takesSnapshots, try has(name) else { return [] }
        let rows = min(progress.completedSnapshots, try length(of: name))
        return try counts(readRows(name, rows: rows).values, name)
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
