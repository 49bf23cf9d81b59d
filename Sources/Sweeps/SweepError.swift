import NumericCore

/// What can go wrong in a sweep, phrased for the user: what is wrong and what to do.
public enum SweepError: Error, DescribedError, Equatable {
    /// The grid or the flags are wrong (checked before any work starts; exit status 64).
    case invalid(String)
    /// The output folder holds something else: another sweep's manifest, or files that are no sweep's.
    case conflict(String)
    /// A file cannot be read or written.
    case io(String)
    /// The folder is not a sweep folder, or its manifest is damaged.
    case notASweep(String)
    /// An external program (sbatch) failed.
    case external(String)

    /// The message, one line.
    public var description: String {
        switch self {
        case .invalid(let m), .conflict(let m), .io(let m), .notASweep(let m), .external(let m): return m
        }
    }

    /// Whether the error is about flags or the grid (exit status 64) rather than a failure while working.
    public var isUsageError: Bool {
        switch self {
        case .invalid, .conflict: return true
        default: return false
        }
    }
}
