#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What `thermo sweep --cell I DIR` did.
public enum CellOutcome: Sendable, Equatable {
    /// The cell had its result already (completed or diverged); nothing was run.
    case alreadyFinished(CellState)
    /// Another process holds the cell's lock (its last attempt, if recorded, says which).
    case busy(host: String?, pid: Int32?)
    /// The cell ran: the training's exit status and the cell's state afterwards.
    case ran(exitStatus: Int32, state: CellState)
}

/// Runs one cell in this process (`thermo sweep --cell I DIR`, as each Slurm array task and each job of a local
/// sweep does): takes the cell's lock, records the attempt, sends standard output and error to the cell's
/// log.txt, moves to the sweep's working folder, and calls `train` with the cell's complete `thermo train`
/// arguments; `train` returns the exit status `thermo train` would have.
public struct CellRunner {
    /// The sweep folder.
    public let folder: SweepFolder
    /// Its manifest.
    public let manifest: Manifest
    /// BLAS threads.
    public let threads: Int

    /// A runner of cells of the sweep in `folder`.
    public init(folder: SweepFolder, manifest: Manifest, threads: Int) {
        self.folder = folder
        self.manifest = manifest
        self.threads = threads
    }

    /// The cell at `index`, or an error naming the valid range.
    public func cell(_ index: Int) throws(SweepError) -> Cell {
        guard manifest.cells.indices.contains(index) else {
            throw .invalid("--cell \(index) is not a cell of \(folder.root.path): it has cells 0…\(manifest.cells.count - 1)")
        }
        return manifest.cells[index]
    }

    /// Runs cell `index` unless it is finished or running elsewhere.
    public func run(_ index: Int, train: ([String]) -> Int32) throws -> CellOutcome {
        let cell = try cell(index)
        let files = folder.files(cell)
        do {
            try FileManager.default.createDirectory(at: files.folder, withIntermediateDirectories: true)
        } catch {
            throw SweepError.io("cannot create \(files.folder.path): \(error.localizedDescription)")
        }
        guard let lock = try CellLock(at: files.lock) else {
            let last = files.lastAttempt()
            return .busy(host: last?.host, pid: last?.pid)
        }
        defer { withExtendedLifetime(lock) {} }
        let before = files.state(checkingLock: false)
        if before.isFinal { return .alreadyFinished(before) }

        let plan = CellPlan(cell: cell, files: files, trace: manifest.grid.trace, threads: threads)
        let number = (files.lastAttempt()?.number ?? 0) + 1
        let record = AttemptRecord(number: number, threads: threads, resumedAfterEpoch: plan.resumeAfterEpoch,
                                   arguments: plan.arguments)
        try record.write(to: files.attempt)

        let redirection = try OutputRedirection(to: files.log)
        let start = Date()
        var header = "== \(record.started) thermo sweep --cell \(index): attempt \(number) of \(cell.id) on \(record.host) (pid \(record.pid))"
        header += plan.resumeAfterEpoch > 0 ? ", resuming after epoch \(plan.resumeAfterEpoch)" : ""
        if let job = record.slurmJob { header += ", Slurm job \(job)" }
        redirection.write(header + "\n")
        if let note = plan.note { redirection.write("== note: \(note)\n") }
        redirection.write("== thermo train \(ShellWords.display(plan.arguments))\n")
        let previous = FileManager.default.currentDirectoryPath
        if !FileManager.default.changeCurrentDirectoryPath(manifest.workingDirectory) {
            redirection.write("== note: the sweep's working folder \(manifest.workingDirectory) is not there; running in \(previous)\n")
        }
        let status = train(plan.arguments)
        _ = FileManager.default.changeCurrentDirectoryPath(previous)
        try record.ending(exitStatus: status).write(to: files.attempt)
        let after = files.state(checkingLock: false)
        redirection.write(String(format: "== attempt %d ended after %.1f s: exit status %d, %@\n",
                                 number, Date().timeIntervalSince(start), status, after.rawValue))
        redirection.restore()
        return .ran(exitStatus: status, state: after)
    }
}

/// Sends this process's standard output and error to a file (appending) until `restore()`.
final class OutputRedirection {
    private let savedOut: Int32
    private let savedErr: Int32
    private var restored = false

    init(to url: URL) throws {
        fflush(nil)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SweepError.io("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        savedOut = dup(1)
        savedErr = dup(2)
        dup2(fd, 1)
        dup2(fd, 2)
        close(fd)
        lineBufferStandardOutput()
    }

    /// Writes `text` to the file.
    func write(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Restores standard output and error.
    func restore() {
        guard !restored else { return }
        restored = true
        fflush(nil)
        dup2(savedOut, 1)
        dup2(savedErr, 2)
        close(savedOut)
        close(savedErr)
    }

    deinit { restore() }
}
