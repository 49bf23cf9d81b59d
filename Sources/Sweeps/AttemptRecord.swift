import Foundation
import Training
import NumericCore

/// What the sweep knows of a cell's last attempt (`attempt.json`): written when it starts, completed when it ends.
/// An attempt without an end was killed (or its machine went down): the cell is `interrupted`.
public struct AttemptRecord: Codable, Sendable, Equatable {
    /// 1 for the first attempt, counting every start.
    public var number: Int
    /// When it started (ISO 8601).
    public var started: String
    /// The host name and process id of the process that ran it.
    public var host: String
    /// The process id.
    public var pid: Int32
    /// BLAS threads.
    public var threads: Int
    /// The epoch the attempt resumed after (0: from the start).
    public var resumedAfterEpoch: Int
    /// The `thermo train` arguments it ran with.
    public var arguments: [String]
    /// The Slurm job and array task, when run by Slurm.
    public var slurmJob: String?
    /// When it ended (ISO 8601); nil while running or when it was killed.
    public var ended: String?
    /// Its exit status (0 completed, 3 diverged, 64 bad flags, 1 other errors), when it exited.
    public var exitStatus: Int32?
    /// The signal that ended it, when one did (as recorded by the sweep that started it).
    public var signal: Int32?

    /// A record of an attempt starting now in this process.
    public init(number: Int, threads: Int, resumedAfterEpoch: Int, arguments: [String]) {
        self.number = number
        self.started = ISO8601DateFormatter().string(from: Date())
        self.host = ProcessInfo.processInfo.hostName
        self.pid = ProcessInfo.processInfo.processIdentifier
        self.threads = threads
        self.resumedAfterEpoch = resumedAfterEpoch
        self.arguments = arguments
        let env = ProcessInfo.processInfo.environment
        if let job = env["SLURM_ARRAY_JOB_ID"] ?? env["SLURM_JOB_ID"] {
            self.slurmJob = job + (env["SLURM_ARRAY_TASK_ID"].map { "_" + $0 } ?? "")
        }
    }

    /// The record with its end: now, and `exitStatus` or `signal`.
    public func ending(exitStatus: Int32?, signal: Int32? = nil) -> AttemptRecord {
        var r = self
        r.ended = ISO8601DateFormatter().string(from: Date())
        r.exitStatus = exitStatus
        r.signal = signal
        return r
    }

    /// Writes the record to `url` atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeFileAtomically(try encoder.encode(self), to: url)
    }
}

/// Writes `data` to a temporary file beside `url`, fsyncs it and renames it over `url` (Training's
/// `writeAtomically`): readers see the old file or the new one, never a part; on failure the temporary file is
/// removed and `url` is untouched.
func writeFileAtomically(_ data: Data, to url: URL) throws {
    let bytes = [UInt8](data)
    do {
        try writeAtomically(bytes, to: url.path)
    } catch {
        throw SweepError.io((error as? FileWriteError)?.description ?? "cannot write \(url.path): \(error)")
    }
}
