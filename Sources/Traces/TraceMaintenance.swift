#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HDF5

/// What a truncation removed: rows beyond the kept counts.
public struct TruncatedRows: Sendable, Equatable {
    /// Rows removed from `/steps`.
    public var steps: Int
    /// Rows removed from `/epochs`.
    public var epochs: Int
    /// Snapshots removed from each `/weights/layer_<l>`.
    public var snapshots: Int
}

/// Operations on a closed trace in plain read-write mode (never under SWMR): opening a trace whose writer
/// was killed, cutting datasets back to complete rows, rewriting markers and attributes.
enum TraceMaintenance {
    /// The name of this host (gethostname).
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the last writer of a trace may still be running: the status says running, the last session
    /// ran on this host, and process `pid` exists, is not a zombie and runs thermo (its command line
    /// mentions "thermo"), or is this very process. Across hosts nothing can be known: assumed gone.
    static func writerMayBeAlive(_ reader: TraceReader) -> Bool {
        guard reader.progress.status == .running else { return false }
        let pid = reader.progress.writerProcess
        // A process id that no process can have (a damaged marker) names no live writer.
        guard pid > 0, let id = pid_t(exactly: pid), reader.header.sessions.last?.host == hostName else { return false }
        if id == getpid() { return true }
        guard kill(id, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let parenthesis = stat.lastIndex(of: ")") {
            // /proc/PID/stat: "pid (command) state …"; Z is a zombie (killed, not yet reaped), X dead.
            let state = String(stat[stat.index(after: parenthesis)...]).trimmingSpaces().first
            if state == "Z" || state == "X" { return false }
        }
        // The process id may have been reused by an unrelated program since the writer died: a thermo writer's
        // command line names thermo. A trace written by the Python package (thermo_version "thermo_trace …") is
        // written from any Python program, whose command line need not: then a live process of that id counts.
        if reader.header.thermoVersion.hasPrefix("thermo_trace") { return true }
        if let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") {
            return String(decoding: cmdline, as: UTF8.self).contains("thermo")
        }
        return true
    }

    /// Opens the trace at `path` read-write. A trace whose writer died keeps HDF5's open-for-write flags,
    /// which refuse this open; they are then cleared with ``File/clearStatusFlags(at:increment:)`` (the
    /// equivalent of `h5clear -s --increment`) and the open retried. `reader` must be closed by the caller
    /// first; it is only consulted to refuse a writer that may be alive.
    static func openReadWrite(_ path: String, checkedWith reader: TraceReader) throws -> (file: File, clearedFlags: Bool) {
        do {
            return (try openWaitingForLock(path), false)
        } catch let error as HDF5Error where error.reason.contains("already open") {
            if writerMayBeAlive(reader) {
                throw TraceError(path: path, "is being written by process \(reader.progress.writerProcess) on this host; wait for that run to end or stop it first")
            }
            do { try File.clearStatusFlags(at: path) } catch let clear as HDF5Error {
                throw TraceError(path: path, "was left open by a killed writer and its status flags cannot be cleared: \(clear.reason)")
            }
            return (try openWaitingForLock(path), true)
        } catch let error as HDF5Error where error.reason.contains("lock") {
            throw TraceError(path: path, "is open in another program that holds HDF5's file lock (h5py, h5dump, HDFView…); close it and try again")
        } catch let error as HDF5Error {
            throw TraceError(path: path, "cannot be opened for writing: \(error.reason)")
        }
    }

    /// Opens read-write, retrying for up to `patience` seconds while another process holds HDF5's file lock
    /// (a reader such as h5py holds a shared lock while it has the file open).
    private static func openWaitingForLock(_ path: String, patience: Double = 10) throws -> File {
        let deadline = Date().addingTimeInterval(patience)
        while true {
            do { return try File.open(path, mode: .readWrite) } catch let error as HDF5Error
                where error.reason.contains("unable to lock") && Date() < deadline {
                usleep(100_000)
            }
        }
    }

    /// Cuts every appendable dataset of the trace back to `steps` rows (`/steps`), `epochs` rows (`/epochs`)
    /// and `snapshots` snapshots (`/weights/layer_<l>`), and sets the three `completed_*` markers to them.
    /// The markers are written and flushed first: a process killed in the middle leaves markers that count no
    /// more rows than any dataset holds, which is all a reader needs. They are lowered in the reverse of the
    /// order a writer raises them (epochs, snapshots, then steps), so that at every moment the steps counted
    /// cover the epochs counted (``TraceValidation``'s rule 5).
    static func truncate(_ file: File, header: TraceHeader, steps: Int, epochs: Int, snapshots: Int) throws -> TruncatedRows {
        try writeMarker(file, .completedEpochs, epochs)
        try writeMarker(file, .completedSnapshots, snapshots)
        try writeMarker(file, .completedSteps, steps)
        try file.flush()
        var removed = TruncatedRows(steps: 0, epochs: 0, snapshots: 0)
        func cut(_ name: String, to rows: Int) throws -> Int {
            let dataset = try file.openDataset(name)
            var shape = try dataset.shape
            let extra = max(0, shape[0] - rows)
            if shape[0] != rows {
                shape[0] = min(shape[0], rows)
                try dataset.resize(to: shape)
            }
            return extra
        }
        for variable in TraceVariable.records(in: .steps, recording: header.recording, smoothing: header.smoothing) {
            removed.steps = max(removed.steps, try cut(variable.path, to: steps))
        }
        for variable in TraceVariable.records(in: .epochs, recording: header.recording, smoothing: header.smoothing) {
            removed.epochs = max(removed.epochs, try cut(variable.path, to: epochs))
        }
        if header.recording.takesSnapshots {
            for l in 1...header.layerCount {
                removed.snapshots = max(removed.snapshots, try cut(SnapshotScale.epoch.path(layer: l), to: snapshots))
                for variable in SnapshotVariable.variables(for: header.recording) {
                    removed.snapshots = max(removed.snapshots, try cut(variable.path(layer: l), to: snapshots))
                }
            }
        }
        return removed
    }

    /// Opens a trace for reading; when HDF5 refuses it because a maintenance phase (a resume's preparation,
    /// a recovery) was killed while the file was open for plain writing, clears those flags first. Such a
    /// phase lasts milliseconds and writes its markers before anything else, so the data is consistent.
    ///
    /// A trace cut short by a failed write (a full disk, a file size limit: HDF5 had recorded a longer file in
    /// the superblock than the system let it write) is first extended to its recorded length: the missing tail
    /// holds only what the failed writes were writing, never a complete epoch (whose data and markers were
    /// flushed before the next epoch began), and reads as zeros. `originalLength` is then its length before, which
    /// ``putBack(_:length:)`` restores when the recovery finds nothing to keep.
    static func openReaderClearingMaintenanceFlags(_ path: String) throws -> (reader: TraceReader, clearedFlags: Bool, originalLength: Int?) {
        var originalLength: Int? = nil
        do {
            _ = try TraceReader(contentsOf: path).close()
        } catch let error as TraceError where error.message.contains(TraceReader.shortFile) {
            originalLength = try extendToRecordedLength(path)
        } catch {
            // Reported below, by the open that follows.
        }
        do {
            let opened = try openReaderClearingFlags(path)
            return (opened.reader, opened.clearedFlags, originalLength)
        } catch {
            // Not a trace cut short by a full disk, but a damaged or truncated copy: leave it as it was.
            guard let originalLength else {
                // Its coordinates do not read back: advice to run recover would go round in a circle.
                if let unreadable = error as? TraceError, unreadable.message.hasPrefix(TraceReader.unreadableData) {
                    throw nothingReadable(path, unreadable.cause ?? unreadable.message)
                }
                throw error
            }
            putBack(path, length: originalLength)
            let reason = (error as? TraceError)?.cause ?? String(describing: error)
            throw TraceError(path: path, "\(TraceReader.shortFile), and at that length it is no readable trace either (\(reason)); it is damaged beyond what recovery can restore and was left as it was")
        }
    }

    /// The refusal of a trace of which no complete epoch reads back, left as it was.
    static func nothingReadable(_ path: String, _ cause: String) -> TraceError {
        TraceError(path: path, "has no complete epoch whose data reads back (\(cause)): the file was cut short or is damaged beyond what recovery can restore, and was left as it was; use an intact copy of it or record the run again")
    }

    /// Cuts a file that ``openReaderClearingMaintenanceFlags(_:)`` extended back to its original length, so that
    /// a recovery that keeps nothing leaves it exactly as it was.
    static func putBack(_ path: String, length: Int) {
        _ = Glibc.truncate(path, off_t(length))
    }

    /// Extends a file that HDF5 says is shorter than its superblock records to that length (zeros); returns
    /// its length before, or nil when it was not short.
    private static func extendToRecordedLength(_ path: String) throws -> Int? {
        let reason: String
        do { try File.open(path, mode: .readOnly, fileLocking: false).close(); return nil } catch let error as HDF5Error {
            reason = error.reason
        }
        guard let lengths = TraceReader.shortFileLengths(reason) else { return nil }
        guard Glibc.truncate(path, off_t(lengths.recorded)) == 0 else {
            throw TraceError(path: path, "\(TraceReader.shortFile) and cannot be extended to its \(lengths.recorded) bytes: \(String(cString: strerror(errno)))\(TraceError.hint(String(cString: strerror(errno)))); free some space and run 'thermo recover \(path)' again")
        }
        return lengths.actual
    }

    /// ``openReaderClearingMaintenanceFlags(_:)`` once the file has its full length.
    private static func openReaderClearingFlags(_ path: String) throws -> (reader: TraceReader, clearedFlags: Bool) {
        do {
            return (try TraceReader(contentsOf: path), false)
        } catch let error as TraceError where error.message.contains(TraceReader.interruptedMaintenance) {
            do { try File.clearStatusFlags(at: path) } catch let clear as HDF5Error {
                throw TraceError(path: path, "was left open for writing and its status flags cannot be cleared: \(clear.reason)")
            }
            return (try TraceReader(contentsOf: path), true)
        }
    }

    /// Writes an Int64 marker.
    static func writeMarker(_ file: File, _ marker: TraceMarker, _ value: Int) throws {
        try file.openDataset(marker.rawValue).write([Int64(value)])
    }

    /// Writes `last_update` = now.
    static func touch(_ file: File) throws {
        try file.openDataset(TraceMarker.lastUpdate.rawValue).write([Date().timeIntervalSince1970])
    }
}
