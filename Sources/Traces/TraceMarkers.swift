/// The run-level facts that change while a trace is written, kept in scalar datasets at the root (HDF5 1.10
/// cannot change attributes under SWMR). The markers are written after the rows they count, and flushed:
/// a reader trusts them, never the datasets' own lengths.
public enum TraceMarker: String, CaseIterable, Sendable {
    /// The number of complete rows of `/epochs`.
    case completedEpochs = "completed_epochs"
    /// The number of complete rows of `/steps`.
    case completedSteps = "completed_steps"
    /// The number of complete snapshots in each `/weights/layer_<l>`.
    case completedSnapshots = "completed_snapshots"
    /// The run's state, a ``TraceStatus`` code.
    case status
    /// E, the number of epochs the run was asked for (it grows when a resumed run asks for more).
    case plannedEpochs = "planned_epochs"
    /// The process id of the last writer.
    case writerProcess = "writer_pid"
    /// When the markers were last written, in seconds since 1970-01-01 UTC (Float64).
    case lastUpdate = "last_update"
}

/// The state of the run that writes a trace, stored as an Int64 code in the `status` dataset.
public enum TraceStatus: Int64, CaseIterable, Sendable, CustomStringConvertible {
    /// Being written, or its writer was killed before it could say otherwise.
    case running = 0
    /// Every planned epoch was recorded.
    case completed = 1
    /// Stopped by a request (SIGINT/SIGTERM) at a step boundary.
    case interrupted = 2
    /// Stopped because the loss became non-finite.
    case diverged = 3
    /// Stopped by an error (e.g. a full disk).
    case failed = 4
    /// The writer was killed; `thermo recover` restored the file.
    case recovered = 5

    /// The code's name: running, completed, interrupted, diverged, failed, recovered.
    public var description: String {
        switch self {
        case .running: "running"
        case .completed: "completed"
        case .interrupted: "interrupted"
        case .diverged: "diverged"
        case .failed: "failed"
        case .recovered: "recovered"
        }
    }
}
