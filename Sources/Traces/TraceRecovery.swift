import HDF5

/// What ``TraceRecovery/recover(_:)`` did.
public struct RecoveryReport: Sendable, Equatable {
    /// Whether HDF5's open-for-write flags of a dead writer were cleared (false for a cleanly closed trace).
    public var clearedFlags: Bool
    /// The status before and after.
    public var statusBefore: TraceStatus, statusAfter: TraceStatus
    /// The complete epochs, steps and snapshots kept (all of them).
    public var epochs: Int, steps: Int, snapshots: Int
    /// Incomplete rows removed (written after the last complete epoch's markers).
    public var removed: TruncatedRows
    /// Whether the file had been cut short by a failed write (a full disk) and was extended to the length
    /// its superblock records.
    public var extendedFile = false
    /// Complete epochs cut because their data does not read back (a file cut short or damaged), and the first
    /// row that does not; 0 and nil when every complete row reads back.
    public var unreadableEpochs = 0
    /// The first row that does not read back (nil when every complete row does).
    public var firstUnreadable: UnreadableRow? = nil
}

/// `thermo recover`: makes a trace whose writer was killed readable by every HDF5 tool (h5py, xarray,
/// h5dump), keeping every complete epoch.
///
/// thermo's own readers need none of this: they open traces for SWMR reading, which works on a killed trace
/// as it is. Other tools open files plainly, which HDF5 refuses while the killed writer's "open for write"
/// flags remain in the superblock. Recovery:
///   0. extends a file cut short by a failed write (a full disk) to the length its superblock records;
///   1. validates the trace (``TraceReader``) and refuses one whose writer may still be running;
///   1½. reads back every row the markers count (``TraceReadability``): the complete epochs are cut to the
///      longest prefix whose every row of `/epochs`, `/steps` and `/weights` reads back; a trace of which no
///      complete epoch reads back is refused and left as it was (a file extended in step 0 is cut back);
///   2. clears the flags (also those of a resume's preparation killed mid-way, which even SWMR readers
///      refuse) and extends the end-of-allocation (``File/clearStatusFlags(at:increment:)``, what
///      `h5clear -s --increment` does) when a plain read-write open is refused;
///   3. cuts every dataset back to the complete rows that the markers count (a preparation writes its
///      reduced markers before it cuts, so markers never count more rows than a dataset holds) (rows of an epoch whose
///      markers were never written are dropped), so that every tool sees equal lengths along each dimension;
///   4. sets `status` to ``TraceStatus/recovered`` if it still said running.
/// A cleanly closed trace is left as it is (step 3 finds nothing to cut).
public enum TraceRecovery {
    /// Recovers the trace at `path`.
    public static func recover(_ path: String) throws -> RecoveryReport {
        let (reader, clearedMaintenance, originalLength) = try TraceMaintenance.openReaderClearingMaintenanceFlags(path)
        let header = reader.header, progress = reader.progress
        if TraceMaintenance.writerMayBeAlive(reader) {
            try? reader.close()
            throw TraceError(path: path, "is being written by process \(progress.writerProcess) on this host (status running); it needs no recovery while its writer runs — use 'thermo inspect --follow' to watch it")
        }
        let readable = TraceReadability.extent(of: reader)
        try reader.close()
        if let broken = readable.firstUnreadable, readable.epochs == 0 {
            if let originalLength { TraceMaintenance.putBack(path, length: originalLength) }
            throw TraceMaintenance.nothingReadable(path, broken.description)
        }
        let (file, cleared) = try TraceMaintenance.openReadWrite(path, checkedWith: reader)
        var removed = try TraceMaintenance.truncate(file, header: header, steps: readable.steps,
                                                    epochs: readable.epochs, snapshots: readable.snapshots)
        // `removed` counts the unfinished epoch's rows; the unreadable epochs are reported apart.
        removed.epochs = max(0, removed.epochs - (progress.completedEpochs - readable.epochs))
        removed.steps = max(0, removed.steps - (progress.completedSteps - readable.steps))
        removed.snapshots = max(0, removed.snapshots - (progress.completedSnapshots - readable.snapshots))
        var after = progress.status
        // A trace that lost epochs no longer holds what its run ended with.
        if progress.status == .running || readable.epochs < progress.completedEpochs {
            after = .recovered
            try TraceMaintenance.writeMarker(file, .status, Int(after.rawValue))
            try TraceMaintenance.touch(file)
        }
        try file.close()
        // Prove that a plain reader, as other tools open files, now gets in.
        do { try File.open(path, mode: .readOnly).close() } catch let error as HDF5Error {
            throw TraceError(path: path, "is still refused by a plain HDF5 open after recovery: \(error.reason)")
        }
        return RecoveryReport(clearedFlags: cleared || clearedMaintenance, statusBefore: progress.status, statusAfter: after,
                              epochs: readable.epochs, steps: readable.steps, snapshots: readable.snapshots, removed: removed,
                              extendedFile: originalLength != nil, unreadableEpochs: progress.completedEpochs - readable.epochs,
                              firstUnreadable: readable.firstUnreadable)
    }
}
