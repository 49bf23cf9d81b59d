import Foundation
import Testing
import TestSupport
import Traces
import Training

/// Competing `thermo` processes started for real: two runs given one output, `--force` over a live run's
/// output, two runs stopped by SIGTERM in one folder, two sweeps with different grids on one new folder.
///
/// The races are repeated `THERMO_RACE_TRIALS` times (default 3 each, about 10 s in all on 2 cores; e.g.
/// `THERMO_RACE_TRIALS=100 swift test --filter ConcurrentOutputTests` for a long run). Each trial starts both
/// processes at once on the tiny data set of the bad-input catalogue.
@Suite("Concurrent runs and shared paths", .serialized)
struct ConcurrentOutputTests {
    /// Trials per race.
    static let trials = max(1, Int(ProcessInfo.processInfo.environment["THERMO_RACE_TRIALS"] ?? "") ?? 3)

    /// A new folder holding the tiny data set in `data`.
    func workspace() throws -> URL {
        let folder = TestPaths.temporaryFolder("thermo-race")
        try FileManager.default.copyItem(at: Fixtures.shared.data, to: folder.appendingPathComponent("data"))
        return folder
    }

    /// Runs the argument lists at once in `folder`; their outcomes, in order.
    func together(_ runs: [[String]], in folder: URL) -> [ThermoRun] {
        let results = Results(count: runs.count)
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            results.set(i, (try? runThermo(runs[i], in: folder)) ?? ThermoRun(status: -1, stdout: "", stderr: "could not start"))
        }
        return results.values
    }

    /// Files left in `folder` besides the data: no lock file, no temporary file.
    func leftovers(_ folder: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)).subtracting(["data"])
    }

    @Test("Two runs started together with one output: exactly one runs, the other is refused at once naming the path",
          arguments: [("--trace", ["--trace", "same.h5"], "same.h5"), ("--summary", ["--summary", "same.json"], "same.json"),
                      ("the default checkpoint", ["--checkpoint-every", "1"], "thermo.ckpt")])
    func oneOutputTwoRuns(_ name: String, _ flags: [String], _ output: String) throws {
        var claimed = 0, existing = 0
        for trial in 1...Self.trials {
            let folder = try workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let runs = together([Fixtures.tinyRun + flags, Fixtures.tinyRun + flags], in: folder)
            let shown = runs.map { "status \($0.status): \($0.stderr)" }.joined(separator: "\n")
            #expect(runs.filter { $0.status == 0 }.count == 1, "trial \(trial) of \(name): \(shown)")
            for loser in runs where loser.status != 0 {
                #expect(loser.status == 64, "trial \(trial): \(shown)")
                // The holder's pid is named once it has written its lock record (microseconds after taking the lock).
                if loser.stderr.contains("\(output) is being written by thermo process")
                    || loser.stderr.contains("\(output) is being written by another thermo process") { claimed += 1 }
                else if loser.stderr.contains("\(output) already exists") { existing += 1 }
                else { Issue.record("trial \(trial): the refusal names neither claim nor existing file: \(shown)") }
            }
            #expect(try leftovers(folder) == [output], "trial \(trial): \(shown)")
            let path = folder.appendingPathComponent(output).path
            switch output {
            case "same.h5":
                let reader = try TraceReader(contentsOf: path)
                #expect(try reader.epochs() == [1, 2])
                try reader.close()
            case "same.json":
                let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
                #expect(summary?["status"] as? String == "completed")
            default:
                #expect(try Checkpoint(contentsOf: path).header.completedEpochs == 2)
            }
        }
        print("\(name): \(Self.trials) trials; the second run found the claim \(claimed) times, the finished file \(existing) times")
    }

    @Test("--force never replaces the trace, summary or checkpoint of a live run; the live run's epochs are intact")
    func forceOverALiveRun() throws {
        let folder = try workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let long = Fixtures.tinyRun.map { $0 == "2" ? "100000" : $0 }
        let live = Process()
        live.executableURL = TestPaths.thermoBinary
        live.arguments = long + ["--trace", "live.h5", "--summary", "live.json", "--checkpoint", "live.ckpt", "--checkpoint-every", "1"]
        live.currentDirectoryURL = folder
        live.standardInput = FileHandle.nullDevice
        live.standardOutput = FileHandle.nullDevice
        live.standardError = FileHandle.nullDevice
        try launch(live)
        defer { if live.isRunning { live.terminate() } }
        // Wait for its first complete epoch.
        let trace = folder.appendingPathComponent("live.h5").path
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? TraceReader(contentsOf: trace)).flatMap { r in defer { try? r.close() }; return try? r.epochs().count } ?? 0) < 1 {
            usleep(20_000)
        }
        for flags in [["--trace", "live.h5"], ["--summary", "live.json"], ["--checkpoint", "live.ckpt", "--checkpoint-every", "1"]] {
            let run = try runThermo(Fixtures.tinyRun + flags + ["--force"], in: folder)
            #expect(run.status == 64, "\(flags): \(run.stderr)")
            #expect(run.stderr.contains("\(flags[1]) is being written by thermo process \(live.processIdentifier)"), "\(flags): \(run.stderr)")
        }
        live.terminate()
        live.waitUntilExit()
        #expect(live.terminationStatus == 128 + 15)
        let reader = try TraceReader(contentsOf: trace)
        let epochs = try reader.epochs()
        try reader.close()
        #expect(epochs.count >= 1 && epochs == Array(1...epochs.count), "\(epochs)")
        #expect(try Checkpoint(contentsOf: folder.appendingPathComponent("live.ckpt").path).header.completedEpochs >= epochs.count - 1)
        #expect(try leftovers(folder) == ["live.h5", "live.json", "live.ckpt"])
    }

    @Test("Two runs stopped by SIGTERM in one folder write their stop checkpoints to two files (thermo.ckpt, thermo-2.ckpt)")
    func twoStopCheckpoints() throws {
        for trial in 1...Self.trials {
            let folder = try workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let long = Fixtures.tinyRun.filter { $0 != "--quiet" }.map { $0 == "2" ? "100000" : $0 }
            var processes: [(Process, URL)] = []
            for n in 1...2 {
                let process = Process()
                process.executableURL = TestPaths.thermoBinary
                process.arguments = long
                process.currentDirectoryURL = folder
                let err = folder.appendingPathComponent("err-\(n).txt"), out = folder.appendingPathComponent("out-\(n).txt")
                FileManager.default.createFile(atPath: err.path, contents: nil)
                FileManager.default.createFile(atPath: out.path, contents: nil)
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = try FileHandle(forWritingTo: out)
                process.standardError = try FileHandle(forWritingTo: err)
                try launch(process)
                processes.append((process, out))
            }
            // Both have started training (their first epoch line is out), then both are stopped at once.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, !processes.allSatisfy({ ((try? String(contentsOf: $0.1, encoding: .utf8)) ?? "").contains("epoch") }) {
                usleep(20_000)
            }
            for (process, _) in processes { process.terminate() }
            var named: [String] = []
            for (n, (process, _)) in processes.enumerated() {
                process.waitUntilExit()
                let stderr = try String(contentsOf: folder.appendingPathComponent("err-\(n + 1).txt"), encoding: .utf8)
                #expect(process.terminationStatus == 128 + 15, "trial \(trial): \(stderr)")
                if let name = stderr.components(separatedBy: "--resume ").dropFirst().first?.split(separator: " ").first {
                    named.append(String(name))
                }
            }
            #expect(Set(named) == ["thermo.ckpt", "thermo-2.ckpt"], "trial \(trial): \(named)")
            for name in named { #expect((try? Checkpoint(contentsOf: folder.appendingPathComponent(name).path)) != nil) }
            let left = try leftovers(folder).filter { !$0.hasSuffix(".txt") }
            #expect(left == ["thermo.ckpt", "thermo-2.ckpt"], "trial \(trial): \(left)")
        }
    }

    @Test("Two sweeps with different grids started together on one new folder: one writes its manifest, the other is refused")
    func twoSweeps() throws {
        let fixed = ["--", "--data", "data", "--layers", "784,4,10", "--epochs", "1", "--batch-size", "10"]
        var outcomes: [String: Int] = [:]
        for trial in 1...Self.trials {
            let folder = try workspace()
            defer { try? FileManager.default.removeItem(at: folder) }
            let grids = ["seed = 1 | 2", "seed = 3 | 4 | 5"]
            let runs = together(grids.map { ["sweep", "--grid", $0, "-o", "s", "--slurm"] + fixed }, in: folder)
            let shown = runs.map { "status \($0.status): \($0.stderr)" }.joined(separator: "\n")
            let winners = runs.indices.filter { runs[$0].status == 0 }
            #expect(winners.count == 1, "trial \(trial): \(shown)")
            for loser in runs where loser.status != 0 {
                #expect(loser.status == 64 && loser.stderr.contains("holds another sweep"), "trial \(trial): \(shown)")
            }
            guard let winner = winners.first else { continue }
            outcomes[grids[winner], default: 0] += 1
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("s/manifest.json"))) as? [String: Any]
            #expect((manifest?["cells"] as? [Any])?.count == [2, 3][winner], "trial \(trial): \(shown)")
            #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("s").path)).contains { $0.hasSuffix(".thermo-lock") })
        }
        print("two sweeps: \(Self.trials) trials, winners \(outcomes)")
    }
}

/// Outcomes written by concurrent workers, read once they are all done.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ThermoRun?]
    init(count: Int) { stored = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ run: ThermoRun) { lock.lock(); stored[i] = run; lock.unlock() }
    var values: [ThermoRun] { lock.lock(); defer { lock.unlock() }; return stored.map { $0! } }
}
