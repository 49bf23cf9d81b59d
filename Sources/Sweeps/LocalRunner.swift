#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What a local run of a sweep did.
public struct LocalRunReport: Sendable {
    /// The cells and their states at the end.
    public var states: [(cell: Cell, state: CellState)]
    /// Cells started by this run.
    public var started: Int
    /// The signal that stopped the run early, if one did.
    public var stoppedBy: Int32?

    /// Cells in `state`.
    public func cells(_ state: CellState) -> [Cell] { states.filter { $0.state == state }.map(\.cell) }
}

/// Runs a sweep's cells on this machine: `jobs` processes at once, each `thermo sweep --cell I --threads T DIR`
/// with its output appended to the cell's log.txt. Cells already completed or diverged are skipped, interrupted
/// ones resume from their checkpoints, failed ones are retried (once per run of the sweep), and cells that
/// another process is running are left to it.
///
/// Progress goes to standard error: on a terminal a status line (finished/running/failed, ETA) redrawn a few
/// times a second under one line per finished cell; otherwise plain lines as cells start and end. SIGINT, SIGTERM
/// or SIGHUP stop the launching of new cells and are passed on to the running ones, which end at once and keep
/// their checkpoints; `run()` then returns with `stoppedBy` set.
public final class LocalRunner {
    /// The sweep's folder.
    public let folder: SweepFolder
    /// Its manifest.
    public let manifest: Manifest
    /// The `thermo` executable that runs cells.
    public let executable: String
    /// Jobs and threads.
    public let parallelism: Parallelism
    /// Whether progress is a redrawn line (a terminal) rather than plain lines.
    public let live: Bool

    private struct Active {
        let cell: Cell
        let child: ChildProcess
        let start: ContinuousClock.Instant
    }
    private let clock = ContinuousClock()
    private var durations: [Double] = []

    /// A runner of `manifest`'s cells in `folder`.
    public init(folder: SweepFolder, manifest: Manifest, executable: String, parallelism: Parallelism,
                live: Bool = isatty(STDERR_FILENO) == 1) {
        self.folder = folder
        self.manifest = manifest
        self.executable = executable
        self.parallelism = parallelism
        self.live = live
    }

    /// Runs every cell that needs it; returns when all have ended or a signal stopped the run.
    public func run() throws -> LocalRunReport {
        let cells = manifest.cells
        var states = cells.map { folder.files($0).state() }
        var queue = cells.filter { states[$0.index].needsRun }
        say(planLine(cells, states: states, queue: queue))

        let signals = SignalWatch()
        defer { signals.stop() }
        var active: [Active] = []
        var stoppedBy: Int32? = nil
        var launchError: Error? = nil
        var started = 0
        var lastDraw = clock.now - .seconds(1)
        while true {
            if let s = signals.take() {
                if stoppedBy == nil {
                    say("sweep: \(SignalWatch.name(s)): starting no more cells; stopping the \(active.count) running")
                }
                stoppedBy = s
                for a in active { a.child.send(s) }
            }
            while stoppedBy == nil && active.count < parallelism.jobs && !queue.isEmpty {
                let cell = queue.removeFirst()
                let files = folder.files(cell)
                let child: ChildProcess
                do {
                    try FileManager.default.createDirectory(at: files.folder, withIntermediateDirectories: true)
                    child = try ChildProcess(executable: executable,
                                             arguments: ["sweep", "--cell", String(cell.index),
                                                         "--threads", String(parallelism.threads), folder.root.path],
                                             log: files.log)
                } catch {
                    // Stop as after a signal, let the running cells end, then report.
                    launchError = error
                    stoppedBy = SIGTERM
                    for a in active { a.child.send(SIGTERM) }
                    break
                }
                active.append(Active(cell: cell, child: child, start: clock.now))
                states[cell.index] = .running
                started += 1
                if !live {
                    let how = files.hasCheckpoint ? "resuming from its checkpoint" : "starting"
                    say("\(cell.id): \(how)")
                }
            }
            if active.isEmpty && (queue.isEmpty || stoppedBy != nil) { break }

            var i = 0
            while i < active.count {
                guard let ending = active[i].child.poll() else { i += 1; continue }
                let a = active.remove(at: i)
                let seconds = secondsBetween(a.start, clock.now)
                states[a.cell.index] = finish(a.cell, ending: ending)
                if states[a.cell.index] != .interrupted { durations.append(seconds) }
                report(a.cell, state: states[a.cell.index], ending: ending, seconds: seconds, states: states,
                       active: active.count, queued: queue.count, runningSince: active.map(\.start))
            }
            if live && lastDraw.duration(to: clock.now) > .milliseconds(250) {
                drawStatus(states: states, active: active.count, queued: queue.count, runningSince: active.map(\.start))
                lastDraw = clock.now
            }
            usleep(50_000)
        }
        if live { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        let final = folder.refreshed(manifest)
        try? folder.writeManifest(final)
        if let launchError { throw launchError }
        return LocalRunReport(states: final.cells.map { ($0, $0.status ?? .pending) }, started: started, stoppedBy: stoppedBy)
    }

    /// The opening line: the cells finished, to run (and resuming), running elsewhere, and how many run at a time.
    private func planLine(_ cells: [Cell], states: [CellState], queue: [Cell]) -> String {
        let elsewhere = cells.filter { states[$0.index] == .running }
        let finishedBefore = states.filter(\.isFinal).count
        let resuming = queue.filter { folder.files($0).hasCheckpoint }.count
        var plan = "sweep: \(cells.count) cell\(cells.count == 1 ? "" : "s") in \(folder.root.path): "
        plan += "\(finishedBefore) finished, \(queue.count) to run"
        if resuming > 0 { plan += " (\(resuming) resume\(resuming == 1 ? "s" : "") from checkpoints)" }
        if !elsewhere.isEmpty { plan += ", \(elsewhere.count) running elsewhere (left to that process)" }
        if !queue.isEmpty {
            let jobs = min(parallelism.jobs, queue.count)
            plan += "; \(jobs) at a time × \(parallelism.threads) BLAS thread\(parallelism.threads == 1 ? "" : "s")"
        }
        return plan
    }

    /// Completes the attempt record of a child that could not (killed, crashed) and reads the cell's state.
    private func finish(_ cell: Cell, ending: ChildProcess.Ending) -> CellState {
        let files = folder.files(cell)
        if var record = files.lastAttempt(), record.ended == nil {
            switch ending {
            case .signalled(let s):
                // A killed cell stays interrupted (no end is what says so); the signal is noted.
                record.signal = s
                try? record.write(to: files.attempt)
            case .exited(let code) where code != 75:
                try? record.ending(exitStatus: code).write(to: files.attempt)
            default:
                break
            }
        }
        return files.state()
    }

    private func report(_ cell: Cell, state: CellState, ending: ChildProcess.Ending, seconds: Double,
                        states: [CellState], active: Int, queued: Int, runningSince: [ContinuousClock.Instant]) {
        let files = folder.files(cell)
        var line = "\(cell.id): "
        switch state {
        case .completed, .diverged:
            line += state.rawValue
            if let r = files.result(), let best = r.bestTestAccuracy, let final = r.finalTestAccuracy {
                line += String(format: ", best %.2f%%, final %.2f%%", best * 100, final * 100)
            }
        case .interrupted:
            if case .signalled(let s) = ending { line += "stopped by \(SignalWatch.name(s))" } else { line += "interrupted" }
            line += files.hasCheckpoint ? " (resumes from its checkpoint)" : ""
        case .running:
            line += "running in another process; left to it"
        case .failed, .pending:
            switch ending {
            case .exited(let code): line += "failed (exit status \(code); see \(files.log.path))"
            case .signalled(let s): line += "failed (\(SignalWatch.name(s)); see \(files.log.path))"
            }
        }
        line += String(format: " in %@ · ", formatSeconds(seconds)) + statusText(states: states, active: active, queued: queued, runningSince: runningSince)
        say(line)
    }

    private func statusText(states: [CellState], active: Int, queued: Int, runningSince: [ContinuousClock.Instant]) -> String {
        let finished = states.filter(\.isFinal).count
        let failed = states.filter { $0 == .failed }.count
        var text = "\(finished)/\(states.count) finished, \(active) running"
        if failed > 0 { text += ", \(failed) failed" }
        if active + queued == 0 {
            // nothing left: no ETA
        } else if let eta = eta(active: active, queued: queued, runningSince: runningSince) {
            text += ", ETA " + formatSeconds(eta)
        } else {
            text += ", ETA after the first cell"
        }
        return text
    }

    /// The time left: the mean duration of the cells ended so far, for every queued cell and for what remains of
    /// each running one, shared among the jobs.
    private func eta(active: Int, queued: Int, runningSince: [ContinuousClock.Instant]) -> Double? {
        guard active + queued > 0 else { return 0 }
        guard !durations.isEmpty else { return nil }
        let mean = durations.reduce(0, +) / Double(durations.count)
        let now = clock.now
        let left = Double(queued) * mean + runningSince.reduce(0) { $0 + max(0, mean - secondsBetween($1, now)) }
        return left / Double(max(1, min(parallelism.jobs, active + queued)))
    }

    private func drawStatus(states: [CellState], active: Int, queued: Int, runningSince: [ContinuousClock.Instant]) {
        let line = "sweep: " + statusText(states: states, active: active, queued: queued, runningSince: runningSince)
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    private func say(_ line: String) {
        let prefix = live ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data((prefix + line + "\n").utf8))
    }

    private func secondsBetween(_ a: ContinuousClock.Instant, _ b: ContinuousClock.Instant) -> Double {
        let d = a.duration(to: b).components
        return Double(d.seconds) + Double(d.attoseconds) * 1e-18
    }
}

/// `42 s`, `3 min 20 s`, `2 h 05 min`.
func formatSeconds(_ s: Double) -> String {
    let s = max(0, s)
    if s < 60 { return String(format: s < 10 ? "%.1f s" : "%.0f s", s) }
    let total = Int(s.rounded())
    if total < 3600 { return "\(total / 60) min \(String(format: "%02d", total % 60)) s" }
    return "\(total / 3600) h \(String(format: "%02d", (total % 3600) / 60)) min"
}
