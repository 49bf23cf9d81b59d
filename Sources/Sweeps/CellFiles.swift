import Foundation
import NumericCore

/// The files of one cell, in `DIR/cells/ID/`: what the run writes and what the sweep keeps about it.
public struct CellFiles: Sendable {
    /// The cell's folder (absolute).
    public let folder: URL

    /// The files of the cell whose folder is `folder`.
    public init(folder: URL) {
        self.folder = folder
    }

    /// `summary.json`, written by `thermo train --summary` when the run ends (completed, diverged or failed).
    public var summary: URL { folder.appendingPathComponent("summary.json") }
    /// `checkpoint.ckpt`, written after every epoch; a cell that has one resumes from it.
    public var checkpoint: URL { folder.appendingPathComponent("checkpoint.ckpt") }
    /// `log.txt`: everything the cell's runs printed, attempt after attempt.
    public var log: URL { folder.appendingPathComponent("log.txt") }
    /// `trace.h5`, with `trace = yes`.
    public var trace: URL { folder.appendingPathComponent("trace.h5") }
    /// `attempt.json`: the last attempt (start, host, pid, end, exit status).
    public var attempt: URL { folder.appendingPathComponent("attempt.json") }
    /// `.lock`: held (flock) by the process running the cell.
    public var lock: URL { folder.appendingPathComponent(".lock") }

    /// The cell's summary, if it has a readable one.
    public func result() -> CellResult? {
        guard let data = FileManager.default.contents(atPath: summary.path) else { return nil }
        return try? ThermoJSON.decoder().decode(CellResult.self, from: data)
    }

    /// The last attempt, if any.
    public func lastAttempt() -> AttemptRecord? {
        guard let data = FileManager.default.contents(atPath: attempt.path) else { return nil }
        return try? JSONDecoder().decode(AttemptRecord.self, from: data)
    }

    /// Whether a checkpoint is there to resume from.
    public var hasCheckpoint: Bool { FileManager.default.fileExists(atPath: checkpoint.path) }

    /// The cell's state, from its files alone:
    /// 1. a process holds its lock: `running`;
    /// 2. its summary says `completed` or `diverged`: that;
    /// 3. its last attempt has no end (killed), or ended by a stop signal (exit status 128 + SIGHUP, SIGINT, SIGQUIT or SIGTERM:
    ///    `thermo train` then stopped at a step boundary and wrote its checkpoint): `interrupted` (it resumes
    ///    from its checkpoint);
    /// 4. its last attempt ended otherwise (an error): `failed` (retried);
    /// 5. no attempt but a checkpoint: `interrupted`; nothing: `pending`.
    /// `checkingLock: false` skips step 1 (for the process that holds the lock itself).
    public func state(checkingLock: Bool = true) -> CellState {
        if checkingLock && CellLock.isHeld(at: lock) { return .running }
        if let result = result() {
            if result.status == "completed" { return .completed }
            if result.status == "diverged" { return .diverged }
        }
        if let attempt = lastAttempt() {
            if attempt.ended == nil { return .interrupted }
            // thermo train stops in order, writing its checkpoint, on SIGHUP, SIGINT, SIGQUIT and SIGTERM.
            let stopped = [SIGHUP, SIGINT, SIGQUIT, SIGTERM].contains { attempt.exitStatus == 128 + $0 }
            return stopped && hasCheckpoint ? .interrupted : .failed
        }
        return hasCheckpoint ? .interrupted : .pending
    }
}

/// The fields of a cell's `summary.json` (a `thermo train` run summary) that the sweep reads; other fields are
/// ignored, so summaries of newer versions still load.
public struct CellResult: Codable, Sendable, Equatable {
    /// The training configuration's seed.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The run's seed.
        public var seed: UInt64?
    }
    /// One epoch's test accuracy.
    public struct Epoch: Codable, Sendable, Equatable {
        /// e, from 1.
        public var epoch: Int
        /// Test accuracy in [0, 1].
        public var testAccuracy: Double
    }
    /// `completed`, `diverged` or `interrupted`.
    public var status: String
    /// Why the run stopped early, when it did.
    public var message: String?
    /// The configuration (only the seed is read).
    public var configuration: Configuration?
    /// The epochs run.
    public var epochs: [Epoch]
    /// Best test accuracy over the epochs, in [0, 1].
    public var bestTestAccuracy: Double?
    /// The epoch of the best test accuracy.
    public var bestEpoch: Int?
    /// Test accuracy after the last epoch, in [0, 1].
    public var finalTestAccuracy: Double?
    /// Seconds of the whole run.
    public var wallSeconds: Double?
}
