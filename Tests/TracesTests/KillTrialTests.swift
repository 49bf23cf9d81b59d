import Datasets
import Foundation
import Testing
import TestSupport
@testable import Traces

/// Kill trials (issue 8): a training subprocess killed with SIGKILL at a random moment, over many trials. After
/// every kill the trace opens, holds only complete epochs and every one of them equals the uninterrupted run's
/// bit for bit (nothing half-written is trusted: readers see only the rows the markers count, markers being
/// written last); then the run is resumed from its checkpoint (or, killed before its first checkpoint, started
/// again) and must end with a trace and a summary bit-identical to the uninterrupted run's.
///
/// `swift test` runs 3 trials; `THERMO_KILL_TRIALS=60 swift test --filter KillTrials` runs 60 (each about a
/// second), with `THERMO_KILL_SEED` to replay a sequence of kill moments. Each trial prints one line.
@Suite("Kill trials", .serialized)
struct KillTrialTests {
    /// The trials to run.
    static let trials = ProcessInfo.processInfo.environment["THERMO_KILL_TRIALS"].flatMap(Int.init) ?? 3
    /// The seed of the kill moments.
    static let seed = ProcessInfo.processInfo.environment["THERMO_KILL_SEED"].flatMap(UInt64.init) ?? 20_261_129

    /// 600 synthetic 12 × 12 images, batch 50: 12 steps per epoch, 10 epochs, per-weight snapshots every epoch.
    static func train(_ folder: URL, _ outputs: [String]) -> [String] {
        ["train", "--data", folder.appendingPathComponent("data").path, "--layers", "144,32,10", "--lr", "0.05",
         "--batch-size", "50", "--epochs", "10", "--threads", "1", "--quiet", "--record", "per-weight:every=1",
         "--checkpoint-every", "1"] + outputs
    }

    @Test("SIGKILL at random moments: the trace always opens with only complete, correct epochs, and resume ends bit-identical")
    func killAtRandomMoments() throws {
        let folder = TestPaths.temporaryFolder("thermo-kill-trials")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = syntheticDataSet()
        try writeDataSetFiles(train: data.train, test: data.test, to: folder.appendingPathComponent("data").path, gzip: false)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        // The uninterrupted run, timed: its start-up (until the trace exists) and its training.
        let started = Date()
        let (referenceProcess, referenceOut, referenceErr) = try startProcess(
            TestPaths.thermoBinary, Self.train(folder, ["--trace", path("ref.h5"), "--summary", path("ref.json"), "--checkpoint", path("ref.ckpt")]))
        let startup = waitForFile(path("ref.h5"), while: referenceProcess)
        let reference = finish(referenceProcess, referenceOut, referenceErr)
        let duration = Date().timeIntervalSince(started)
        try #require(reference.status == 0, "\(reference.stderr)")
        let expected = try TraceContents(path("ref.h5"))
        let expectedEpochs = try summaryEpochs(path("ref.json"))

        var random = SplitMix(seed: Self.seed)
        var outcomes: [String: Int] = [:]
        for trial in 1...Self.trials {
            let trace = path("t\(trial).h5"), checkpoint = path("t\(trial).ckpt"), summary = path("t\(trial).json")
            let outputs = ["--trace", trace, "--checkpoint", checkpoint, "--summary", summary]
            // One kill in six falls in the start-up (data loading, trace creation); the others anywhere from the
            // trace's creation to a little past the reference's end (the last epochs, the summary, the exit).
            let (process, out, err) = try startProcess(TestPaths.thermoBinary, Self.train(folder, outputs))
            let trialStart = Date()
            if random.unit() < 1.0 / 6 {
                usleep(useconds_t(random.unit() * startup * 1_000_000))
            } else {
                _ = waitForFile(trace, while: process)
                usleep(useconds_t(random.unit() * 1.05 * (duration - startup) * 1_000_000))
            }
            let delay = Date().timeIntervalSince(trialStart)
            let wasRunning = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            let killed = finish(process, out, err)
            #expect(!wasRunning || killed.status == SIGKILL || killed.status == 0, "trial \(trial): \(killed.stderr)")

            // What the kill left: no trace (killed before it was created) or one that opens, with complete epochs
            // equal to the reference's, every row of every variable.
            var kept = -1
            if FileManager.default.fileExists(atPath: trace) {
                let contents = try TraceContents(trace)
                kept = contents.completedEpochs
                #expect(contents.isPrefix(of: expected), "trial \(trial): the killed trace differs from the reference in its \(kept) complete epochs: \(contents.difference(from: expected))")
            }
            let hasCheckpoint = FileManager.default.fileExists(atPath: checkpoint)
            // The summary is written last, once every epoch is done: a run killed after it has nothing to resume.
            let finished = FileManager.default.fileExists(atPath: summary)
            let outcome = !wasRunning ? "finished before the kill" : finished ? "killed after writing its summary"
                : kept < 0 ? "killed before the trace existed"
                : !hasCheckpoint ? "killed before the first checkpoint" : "killed with \(kept) complete epochs"
            outcomes[outcome, default: 0] += 1
            print(String(format: "kill trial %d: SIGKILL after %.3f s (the uninterrupted run: trace after %.3f s, end after %.3f s): %@",
                         trial, delay, startup, duration, outcome))

            // Continue: resume from the checkpoint (the trace is recovered by the resume itself), or start again.
            if !finished {
                let again = hasCheckpoint
                    ? try runThermoSafely(["train", "--resume", checkpoint, "--trace", trace, "--summary", summary, "--threads", "1",
                                           "--quiet", "--data", folder.appendingPathComponent("data").path])
                    : try runThermoSafely(Self.train(folder, outputs + ["--force"]))
                #expect(again.status == 0, "trial \(trial): \(again.stderr)")
            }
            let final = try TraceContents(trace)
            #expect(final.completedEpochs == 10 && final.isPrefix(of: expected) && final.status == .completed,
                    "trial \(trial): the resumed trace differs from the reference: \(final.difference(from: expected))")
            #expect(try summaryEpochs(summary) == expectedEpochs, "trial \(trial): the summaries' epochs differ")
            // A continued run removes the killed writer's temporary files (NAME.tmp-PID, NAME.partial-PID). (A run
            // killed after its summary, in its last checkpoint's write, is not continued: its leftover stays.)
            if !finished {
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                    .filter { $0.hasPrefix("t\(trial).") && ($0.contains(".tmp-") || $0.contains(".partial-")) }
                #expect(leftovers.isEmpty, "trial \(trial): temporary files left behind: \(leftovers)")
            }
            for name in [trace, checkpoint, summary] { try? FileManager.default.removeItem(atPath: name) }
        }
        print("kill trials: \(Self.trials) (seed \(Self.seed)): " + outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
    }

    /// Waits until `path` exists or `process` ends; returns the seconds waited.
    func waitForFile(_ path: String, while process: Process) -> Double {
        let start = Date()
        while process.isRunning && !FileManager.default.fileExists(atPath: path) { usleep(1_000) }
        return Date().timeIntervalSince(start)
    }

    /// The metrics of every epoch of a summary (wall times left out), as bit patterns.
    func summaryEpochs(_ path: String) throws -> [[UInt64]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let epochs = json?["epochs"] as? [[String: Any]] ?? []
        return epochs.map { e in ["trainLoss", "trainAccuracy", "testLoss", "testAccuracy"].map { (e[$0] as? Double ?? .nan).bitPattern } }
    }
}

/// Everything a trace holds that does not depend on the clock, as bit patterns: each variable of /steps and
/// /epochs cut to the complete rows, and each complete snapshot.
struct TraceContents {
    var completedEpochs: Int
    var status: TraceStatus
    /// Variable path → its rows (each row's values as bit patterns).
    var rows: [String: [[UInt64]]] = [:]

    init(_ path: String) throws {
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        completedEpochs = reader.progress.completedEpochs
        status = reader.progress.status
        let header = reader.header
        for group in TraceGroup.allCases {
            for variable in TraceVariable.records(in: group, recording: header.recording, smoothing: header.smoothing)
                where !["seconds", "training_seconds"].contains(variable.name) && !variable.name.hasSuffix("_seconds") {
                let array = try reader.read(variable.path)
                rows[variable.path] = (0..<array.rowCount).map { r in array.row(r).map(\.bitPattern) }
            }
        }
        for l in 1...header.layerCount {
            let epochs = try reader.snapshotEpochs(layer: l)
            rows["weights/layer_\(l)/epoch"] = epochs.map { [UInt64($0)] }
            for variable in SnapshotVariable.variables(for: header.recording) {
                rows["weights/layer_\(l)/\(variable.name)"] = try epochs.indices.map { i in
                    try reader.snapshot(variable.name, layer: l, index: i).map { UInt64(Double($0).bitPattern) }
                }
            }
        }
    }

    /// Whether every variable's rows are the first rows of `other`'s.
    func isPrefix(of other: TraceContents) -> Bool { difference(from: other) == nil }

    /// The first variable whose rows are not the first rows of `other`'s, or nil.
    func difference(from other: TraceContents) -> String? {
        for (name, mine) in rows.sorted(by: { $0.key < $1.key }) {
            guard let theirs = other.rows[name] else { return "\(name) is not in the reference" }
            guard mine.count <= theirs.count, Array(theirs.prefix(mine.count)) == mine else {
                let row = zip(mine, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(mine.count, theirs.count)
                return "\(name) differs at row \(row) (\(mine.count) rows here, \(theirs.count) in the reference)"
            }
        }
        return nil
    }
}

/// SplitMix64: a small seeded generator for the kill moments.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    /// A uniform value in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
