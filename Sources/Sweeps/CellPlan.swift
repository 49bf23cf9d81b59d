import Foundation
import Training

/// How one attempt at a cell runs: its complete `thermo train` arguments, and whether it resumes.
public struct CellPlan: Sendable {
    /// The cell.
    public let cell: Cell
    /// Its files.
    public let files: CellFiles
    /// `thermo train` arguments (without `train`): the cell's flags, then its outputs, threads, and `--resume`.
    public let arguments: [String]
    /// The epoch the attempt resumes after (0: from the start).
    public let resumeAfterEpoch: Int
    /// A note for the log, e.g. that a damaged checkpoint was set aside.
    public let note: String?

    /// The plan for `cell` now: it resumes from its checkpoint when it has a readable one (a damaged one is
    /// renamed `checkpoint.ckpt.damaged` and the cell starts again), writes a checkpoint after every epoch, its
    /// summary, and with `trace` its trace, all in its folder, using `threads` BLAS threads.
    public init(cell: Cell, files: CellFiles, trace: Bool, threads: Int) {
        self.cell = cell
        self.files = files
        var resume = 0
        var note: String? = nil
        var canResume = false
        if files.hasCheckpoint {
            do {
                let checkpoint = try Checkpoint(contentsOf: files.checkpoint.path)
                resume = checkpoint.header.completedEpochs
                canResume = true
            } catch {
                let aside = files.checkpoint.path + ".damaged"
                try? FileManager.default.removeItem(atPath: aside)
                try? FileManager.default.moveItem(atPath: files.checkpoint.path, toPath: aside)
                note = "the checkpoint could not be read (\(error)); it was renamed checkpoint.ckpt.damaged and the cell starts again"
            }
        }
        var arguments = cell.arguments + [
            "--summary", files.summary.path,
            "--checkpoint", files.checkpoint.path, "--checkpoint-every", "1",
            "--threads", String(threads), "--force",
        ]
        if canResume { arguments += ["--resume", files.checkpoint.path] }
        if trace { arguments += ["--trace", files.trace.path] }
        self.arguments = arguments
        self.resumeAfterEpoch = resume
        self.note = note
    }
}
