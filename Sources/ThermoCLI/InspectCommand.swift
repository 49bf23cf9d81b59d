#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import NumericCore
import Traces

/// `thermo inspect`: summarises a trace, or follows one being written.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a trace: configuration, layers, what was recorded, progress and the last metrics.",
        discussion: """
        Opens the trace for SWMR reading, so it works on a trace being written and on one whose writer was \
        killed, as it is (only complete epochs are shown). With --follow it then prints each new epoch as it \
        completes, until the run ends or its writer disappears.
        """
    )

    @Argument(help: ArgumentHelp("The trace, written by 'thermo train --trace FILE.h5'.", valueName: "FILE.h5"))
    var file: String
    @Flag(help: "Keep printing new epochs until the run ends.")
    var follow = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between polls with --follow.", valueName: "S"))
    var interval = 2.0
    @Option(help: "Output format: text or json (with --follow, one JSON object per line).")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard interval > 0, interval <= 86_400 else {
            throw ValidationError("--interval must be a positive number of seconds, at most 86400 (a day); got \(interval)")
        }
    }

    func run() throws {
        let reader = try TraceReader(contentsOf: file)
        let summary = try TraceSummary(reader)
        try emit(summary)
        guard follow else { return }
        var shown = reader.progress.completedEpochs
        var lastStatus = reader.progress.status
        while true {
            Thread.sleep(forTimeInterval: interval)
            try reader.refresh()
            let progress = reader.progress
            if progress.completedEpochs > shown {
                for epoch in try TraceSummary.epochs(reader, from: shown) {
                    if format == .json { try printJSON(epoch) } else { print(unsignedNaN(TraceSummary.line(epoch))) }
                }
                shown = progress.completedEpochs
                fflush(nil)
            }
            if progress.status != .running {
                if progress.status != lastStatus || format == .text {
                    if format == .json { try printJSON(try TraceSummary(reader)) } else {
                        print("run \(progress.status): \(progress.completedEpochs) complete epochs of \(progress.plannedEpochs)")
                    }
                }
                // A script following a run learns how it ended: 0 only when it completed (3 when it diverged, as
                // thermo train's own status; 1 when it was interrupted or failed).
                switch progress.status {
                case .completed: return
                case .diverged: throw ExitCode(3)
                default: throw ExitCode.failure
                }
            }
            lastStatus = progress.status
            if try !writerAlive(progress.writerProcess) && !writerReturns(reader) {
                printError("error: the writer (pid \(progress.writerProcess)) is gone but the trace says running: the run was killed. "
                    + "Its \(progress.completedEpochs) complete epochs are safe; 'thermo recover \(file)' makes the file readable by other tools, "
                    + "'thermo train --resume CKPT --trace \(file)' continues it.")
                throw ExitCode.failure
            }
        }
    }

    /// Whether, within a grace period, the trace gets a live writer again or leaves the running state
    /// (a resumed run first loads its data, then takes the trace over).
    func writerReturns(_ reader: TraceReader) throws -> Bool {
        let deadline = Date().addingTimeInterval(max(5, 3 * interval))
        while Date() < deadline {
            usleep(200_000)
            try reader.refresh()
            if reader.progress.status != .running || writerAlive(reader.progress.writerProcess) { return true }
        }
        return false
    }

    /// Whether process `pid` exists and is not a zombie (the writer runs on this host when it is followed).
    func writerAlive(_ pid: Int) -> Bool {
        guard pid > 0, let id = pid_t(exactly: pid), kill(id, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let end = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: end)...].drop { $0 == " " }.first
            return state != "Z" && state != "X"
        }
        return true
    }

    func emit(_ summary: TraceSummary) throws {
        switch format {
        case .text: print(unsignedNaN(summary.text), terminator: "")
        case .json: try printJSON(summary)
        }
        fflush(nil)
    }

    func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = ThermoJSON.encoder(follow ? [.sortedKeys] : [.prettyPrinted, .sortedKeys])
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// `text` with C's "-nan" (a NaN whose sign bit is set) written " nan": a NaN has no sign, and the column keeps
/// its width. `temperature` and the JSON say nan alike.
func unsignedNaN(_ text: String) -> String { text.replacingOccurrences(of: "-nan", with: " nan") }
