import HDF5

/// The first row of a dataset whose data does not read back (a compressed chunk cut short by a truncated copy or
/// a failed write, a damaged chunk index), and why.
public struct UnreadableRow: Sendable, Equatable, CustomStringConvertible {
    /// The dataset, as an HDF5 path ("/epochs/weight_temperature_quantiles").
    public var dataset: String
    /// The first row (0-based) that cannot be read.
    public var row: Int
    /// HDF5's reason ("inflate() failed").
    public var reason: String

    /// "/epochs/weight_temperature_quantiles from row 32 (inflate() failed)".
    public var description: String { "\(dataset) from row \(row) (\(reason))" }
}

/// How much of a trace reads back: the complete epochs (a prefix of them) whose every row — of `/epochs`, of their
/// steps in `/steps` and of the snapshots taken in them — HDF5 can read, and the first row that it cannot.
struct ReadableExtent: Equatable {
    /// The readable prefix of the complete epochs, and the steps and snapshots that go with it.
    var epochs: Int, steps: Int, snapshots: Int
    /// The first unreadable row that limits the prefix; nil when every complete row reads back.
    var firstUnreadable: UnreadableRow?
}

/// Reads back every row a trace's markers count, to find how many complete epochs `thermo recover` can keep.
///
/// HDF5 opens a trace whose data chunks are damaged — only a read of such a chunk fails — so a trace can pass
/// ``TraceValidation`` and still fail when an analysis reads a variable. Data is read in blocks; a block that
/// fails is bisected to its first unreadable row.
enum TraceReadability {
    /// At most this many values are read at once.
    static let blockValues = 1 << 22

    /// The readable extent of the complete epochs of the trace `reader` has open (its markers as last read).
    static func extent(of reader: TraceReader) -> ReadableExtent {
        let header = reader.header, progress = reader.progress
        let M = header.stepsPerEpoch, E = progress.completedEpochs
        var all = ReadableExtent(epochs: E, steps: progress.completedSteps, snapshots: progress.completedSnapshots)
        if let broken = firstUnreadableFixed(reader) { return ReadableExtent(epochs: 0, steps: 0, snapshots: 0, firstUnreadable: broken) }
        var limit = E, first: UnreadableRow? = nil
        func lower(to epochs: Int, _ row: UnreadableRow) {
            if epochs < limit { limit = epochs; first = row }
        }
        for variable in TraceVariable.records(in: .epochs, recording: header.recording, smoothing: header.smoothing) {
            if let row = reader.firstUnreadableRow("/" + variable.path, rows: E) { lower(to: row.row, row) }
        }
        for variable in TraceVariable.records(in: .steps, recording: header.recording, smoothing: header.smoothing) {
            if let row = reader.firstUnreadableRow("/" + variable.path, rows: progress.completedSteps) { lower(to: row.row / M, row) }
        }
        if header.recording.takesSnapshots, let (epochs, row) = snapshotLimit(reader) { lower(to: epochs, row) }
        guard limit < E else { return all }
        all.epochs = limit
        all.steps = limit * M
        let lastEpoch = header.firstEpoch + limit - 1
        all.snapshots = header.recording.takesSnapshots
            ? min(progress.completedSnapshots, readableSnapshotEpochs(reader).filter { $0 <= lastEpoch }.count) : 0
        all.firstUnreadable = first
        return all
    }

    /// The first unreadable row of the scales and fixed variables (`layer`, `quantile`, `bin_lower`…), which
    /// every epoch needs.
    private static func firstUnreadableFixed(_ reader: TraceReader) -> UnreadableRow? {
        for group in [TraceGroup.steps, .epochs] {
            for variable in TraceVariable.all(in: group) where variable.kind != .record {
                guard (try? reader.has(variable.path)) == true else { continue }
                let rows: Int? = try? reader.file.openDataset(variable.path).shape.first
                if let row = reader.firstUnreadableRow("/" + variable.path, rows: rows ?? 0) { return row }
            }
        }
        return nil
    }

    /// The epochs that the snapshots allow to keep, when a complete snapshot does not read back: those before
    /// that snapshot's epoch (or up to the previous snapshot's, when its epoch cannot be read either).
    private static func snapshotLimit(_ reader: TraceReader) -> (epochs: Int, row: UnreadableRow)? {
        let header = reader.header, count = reader.progress.completedSnapshots
        var first: UnreadableRow? = nil
        for l in 1...header.layerCount {
            for name in [SnapshotScale.epoch.path(layer: l)] + SnapshotVariable.variables(for: header.recording).map({ $0.path(layer: l) }) {
                if let row = reader.firstUnreadableRow("/" + name, rows: count), row.row < (first?.row ?? count) { first = row }
            }
        }
        guard let first else { return nil }
        let epochs = readableSnapshotEpochs(reader)
        // Epochs before the unreadable snapshot's, or up to the last readable one's.
        let lastKept = first.row < epochs.count ? epochs[first.row] - 1 : (first.row > 0 ? epochs[first.row - 1] : 0)
        return (max(0, min(reader.progress.completedEpochs, lastKept - header.firstEpoch + 1)), first)
    }

    /// The snapshot epochs of layer 1 up to the first that cannot be read.
    private static func readableSnapshotEpochs(_ reader: TraceReader) -> [Int] {
        let name = SnapshotScale.epoch.path(layer: 1)
        let count = reader.progress.completedSnapshots
        let readable = reader.firstUnreadableRow("/" + name, rows: count)?.row ?? count
        guard readable > 0, let values = try? reader.file.openDataset(name).doubles(rows: 0..<readable) else { return [] }
        return values.map { Int(exactly: $0) ?? Int.max }
    }
}

extension TraceReader {
    /// The first of rows 0..<`rows` of the dataset `name` that HDF5 cannot read, or nil when all read back.
    func firstUnreadableRow(_ name: String, rows: Int) -> UnreadableRow? {
        let dataset: Dataset, rowSize: Int
        do {
            dataset = try file.openDataset(name)
            rowSize = max(1, try dataset.shape.dropFirst().reduce(1, *))
        } catch {
            return UnreadableRow(dataset: name, row: 0, reason: TraceReader.reason(of: error))
        }
        let block = max(1, TraceReadability.blockValues / rowSize)
        for start in stride(from: 0, to: rows, by: block) {
            if let row = firstUnreadableRow(dataset, name, in: start..<min(rows, start + block)) { return row }
        }
        return nil
    }

    /// The first unreadable row of `range` (bisecting a block that fails), or nil.
    private func firstUnreadableRow(_ dataset: Dataset, _ name: String, in range: Range<Int>) -> UnreadableRow? {
        var failure: Error
        do { _ = try dataset.doubles(rows: range); return nil } catch { failure = error }
        // Rows lowerBound..<good read back; [good, bad) holds an unreadable row.
        var good = range.lowerBound, bad = range.upperBound
        while bad - good > 1 {
            let middle = (good + bad) / 2
            do { _ = try dataset.doubles(rows: good..<middle); good = middle } catch { bad = middle; failure = error }
        }
        return UnreadableRow(dataset: name, row: good, reason: TraceReader.reason(of: failure))
    }

    /// HDF5's reason for a failure, without the operation and object it names.
    static func reason(of error: Error) -> String { (error as? HDF5Error)?.reason ?? String(describing: error) }
}
