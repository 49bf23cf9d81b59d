import ArgumentParser
import Traces

/// `thermo recover`: makes a killed run's trace readable by h5py, xarray and h5dump.
struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Restore a trace whose writer was killed, so that every HDF5 tool reads it; complete epochs are kept.",
        discussion: """
        A run killed with SIGKILL leaves HDF5's "open for write" flags in its trace: thermo's own commands read \
        it as it is, but h5py, xarray and h5dump refuse it. This clears the flags (as 'h5clear -s --increment' \
        does), cuts the rows of the unfinished epoch, and sets the status to 'recovered'. Every row kept is read \
        back: when a file cut short or damaged has complete epochs whose data no longer reads, the trace is cut to \
        the last epoch before them (a trace of which no epoch reads back is refused and left as it was). A trace \
        whose writer is still running is refused. 'thermo train --resume CKPT --trace FILE' recovers by itself.
        """
    )

    @Argument(help: ArgumentHelp("The trace to recover.", valueName: "FILE.h5"))
    var file: String

    func run() throws {
        let report = try TraceRecovery.recover(file)
        var line = report.clearedFlags ? "recovered \(file): cleared the killed writer's open-for-write flags"
                                       : "\(file) was closed cleanly; nothing to clear"
        if report.extendedFile {
            line = "recovered \(file): extended the file, cut short by a failed write (a full disk or a file size limit), to its recorded length"
                + (report.clearedFlags ? "; cleared the killed writer's open-for-write flags" : "")
        }
        line += "; kept \(counted(report.epochs, "complete epoch")), \(counted(report.steps, "step"))"
        if report.snapshots > 0 { line += ", \(counted(report.snapshots, "snapshot"))" }
        if report.unreadableEpochs > 0, let first = report.firstUnreadable {
            line += "; cut the last \(counted(report.unreadableEpochs, "complete epoch")), whose data no longer reads back (\(first))"
        }
        let removed = report.removed
        if removed.steps + removed.epochs + removed.snapshots > 0 {
            line += "; removed the unfinished epoch's \(counted(removed.steps, "step row")), \(counted(removed.epochs, "epoch row")), "
                + counted(removed.snapshots, "snapshot")
        }
        line += "; status \(report.statusBefore)" + (report.statusAfter != report.statusBefore ? " → \(report.statusAfter)" : "")
        print(line)
    }
}
