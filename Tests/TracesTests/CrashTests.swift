import Foundation
import Testing
import TestSupport
@testable import Traces

/// Starts `thermo train` with `arguments`, waits until the trace at `trace` holds at least `epochs` complete
/// epochs (read as SWMR reader, as a user's `thermo inspect` would), then kills it with SIGKILL.
/// With `checkpoint`, also waits for that file to exist (the checkpoint is written just after the trace's
/// epoch). Returns the number of complete epochs seen just before the kill.
func killWhenTraceHolds(_ epochs: Int, trace: String, checkpoint: String? = nil, arguments: [String]) throws -> Int {
    let (process, out, err) = try startProcess(TestPaths.thermoBinary, arguments)
    let deadline = Date().addingTimeInterval(120)
    var seen = 0
    while Date() < deadline && process.isRunning {
        if FileManager.default.fileExists(atPath: trace), let reader = try? TraceReader(contentsOf: trace) {
            seen = reader.progress.completedEpochs
            try reader.close()
            if seen >= epochs && checkpoint.map({ FileManager.default.fileExists(atPath: $0) }) != false { break }
        }
        usleep(20_000)
    }
    let wasRunning = process.isRunning
    kill(process.processIdentifier, SIGKILL)
    let run = finish(process, out, err)
    #expect(wasRunning, "the run ended before it could be killed: \(run.stderr)")
    #expect(run.status == SIGKILL, "\(run.stderr)")
    return seen
}

@Suite("Crash safety", .serialized)
struct CrashTests {
    @Test("A run killed with SIGKILL mid-epoch leaves a trace that inspect reads at once, that every tool reads after recover, and that resume completes",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist: skipped"))
    func killRecoverResume() throws {
        let folder = TestPaths.temporaryFolder("thermo-crash")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("run.h5").path
        let checkpoint = folder.appendingPathComponent("run.ckpt").path
        let data = ["--data", TestPaths.sharedMNIST!.path, "--threads", "1", "--quiet"]
        let train = ["train", "--train-subset", "2000", "--layers", "784,32,10", "--lr", "0.05", "--batch-size", "50",
                     "--epochs", "6", "--trace", trace, "--record", "per-weight:every=2", "--checkpoint", checkpoint,
                     "--checkpoint-every", "1"] + data
        let stepsPerEpoch = 2000 / 50

        // 1. Kill as soon as the first epoch is in the trace: the run is then inside epoch 2.
        let seen = try killWhenTraceHolds(1, trace: trace, checkpoint: checkpoint, arguments: train)
        #expect(seen >= 1)

        // 2. thermo inspect reads the killed trace as it is.
        let inspect = try runThermoSafely(["inspect", trace])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("status         running"))
        #expect(inspect.stdout.contains("the writer is gone"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("complete epoch"))
        let json = try runThermoSafely(["inspect", "--format", "json", trace])
        let summary = try JSONDecoder().decode(TraceSummary.self, from: Data(json.stdout.utf8))
        #expect(summary.completedEpochs >= 1 && summary.completedSteps == summary.completedEpochs * stepsPerEpoch)
        let reader = try TraceReader(contentsOf: trace)
        let killedEpochs = try reader.epochs()
        #expect(killedEpochs == Array(1...killedEpochs.count))
        try reader.close()

        // 3. Other tools refuse it until thermo recover; then h5dump, h5py and xarray read it, every epoch kept.
        if Tools.hasH5dump {
            #expect(try runTool(["h5dump", "-H", trace]).status != 0)
        }
        let recover = try runThermoSafely(["recover", trace])
        #expect(recover.status == 0, "\(recover.stderr)")
        #expect(recover.stdout.contains("cleared") && recover.stdout.contains("kept \(killedEpochs.count) complete"))
        if Tools.hasH5dump {
            let dump = try runTool(["h5dump", trace])
            #expect(dump.status == 0, "\(dump.stderr.prefix(500))")
            #expect(dump.stdout.contains("DATASET \"layer_temperature\""))
        }
        if Tools.hasPythonStack {
            let view = try pythonView(of: trace)
            #expect(view.completed_epochs == killedEpochs.count)
            #expect(view.groups["epochs"]?.coordValues["epoch"] == killedEpochs.map(Double.init))
            #expect(view.groups["steps"]?.sizes["step"] == killedEpochs.count * stepsPerEpoch)
            #expect(view.groups["epochs"]?.variables["layer_signal"] == ["epoch", "layer"])
        }
        let recovered = try TraceReader(contentsOf: trace)
        #expect(recovered.progress.status == .recovered)
        try recovered.close()

        // 4. Resume, and kill again once epoch 3 is in; this time resume on the killed trace directly (it
        //    recovers by itself).
        let resume = ["train", "--resume", checkpoint, "--trace", trace, "--epochs", "6"] + data
        let target = max(3, killedEpochs.count + 1)
        let seenAgain = try killWhenTraceHolds(target, trace: trace, checkpoint: nil, arguments: resume)
        #expect(seenAgain >= target)
        // A killed trace is read as it is through an h5py SWMR handle, as a live one is.
        if Tools.hasPythonStack {
            let live = try pythonView(of: trace, swmr: true)
            #expect(live.groups["epochs"]?.coords == ["bin", "epoch", "layer", "quantile"])
            #expect((live.groups["epochs"]?.sizes["epoch"] ?? 0) >= target)
        }
        // The last session runs to the end while 'thermo inspect --follow' watches it.
        let (process, out, err) = try startProcess(TestPaths.thermoBinary, resume)
        let started = Date()
        while process.isRunning && Date().timeIntervalSince(started) < 60 {
            if let r = try? TraceReader(contentsOf: trace) {
                let taken = r.progress.writerProcess == Int(process.processIdentifier)
                try r.close()
                if taken { break }
            }
            usleep(20_000)
        }
        let follow = try runThermoSafely(["inspect", "--follow", "--interval", "0.2", trace])
        let again = finish(process, out, err)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(follow.status == 0, "\(follow.stderr)")
        #expect(follow.stdout.contains("run completed: 6 complete epochs of 6"), "\(follow.stdout)")

        // 5. Every epoch once, every step once, in order; snapshots at 2, 4, 6; three sessions.
        let final = try TraceReader(contentsOf: trace)
        defer { try? final.close() }
        #expect(try final.epochs() == [1, 2, 3, 4, 5, 6])
        #expect(try final.steps() == Array(1...(6 * stepsPerEpoch)))
        #expect(try final.read("epochs/last_step").values == (1...6).map { Double($0 * stepsPerEpoch) })
        #expect(try final.snapshotEpochs(layer: 1) == [2, 4, 6])
        #expect(final.progress.status == .completed && final.header.sessions.count == 3)
        #expect(try final.read("steps/epoch_of_step").values == (1...6).flatMap { e in [Double](repeating: Double(e), count: stepsPerEpoch) })
        if Tools.hasH5dump { #expect(try runTool(["h5dump", "-H", trace]).status == 0) }
    }

    @Test("A run killed before its first epoch ends leaves a trace that opens, with no epochs",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist: skipped"))
    func killBeforeFirstEpoch() throws {
        let folder = TestPaths.temporaryFolder("thermo-crash")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("early.h5").path
        let arguments = ["train", "--train-subset", "2000", "--layers", "784,32,10", "--batch-size", "50", "--epochs", "3",
                         "--trace", trace, "--data", TestPaths.sharedMNIST!.path, "--threads", "1", "--quiet"]
        _ = try killWhenTraceHolds(0, trace: trace, arguments: arguments)
        let reader = try TraceReader(contentsOf: trace)
        #expect(reader.progress.completedEpochs == 0 && reader.progress.status == .running)
        #expect(try reader.epochs() == [] && reader.steps() == [])
        try reader.close()
        let recover = try runThermoSafely(["recover", trace])
        #expect(recover.status == 0, "\(recover.stderr)")
        #expect(recover.stdout.contains("kept 0 complete epochs"))
        // The file itself was never at risk: an existing trace is refused without --force.
        let refused = try runThermoSafely(arguments)
        #expect(refused.status != 0 && refused.stderr.contains("--force"))
    }

    @Test("A trace left open for plain writing by a killed process is refused with advice, and recover restores it",
          .enabled(if: Tools.hasPythonStack, "python3 with h5py is not installed: skipped"))
    func killedDuringMaintenance() throws {
        let (_, _, path) = try recordedRun(.standard, epochs: 2)
        // A process that opens the trace read-write (as a resume's preparation does) and dies.
        let killed = try runTool(["python3", "-c", "import h5py, os, signal, sys; f = h5py.File(sys.argv[1], 'r+'); f.flush(); os.kill(os.getpid(), signal.SIGKILL)", path])
        #expect(killed.status == SIGKILL, "\(killed.stderr)")
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains("thermo recover") == true, "\(error?.description ?? "")")
        let report = try TraceRecovery.recover(path)
        #expect(report.clearedFlags && report.epochs == 2 && report.statusAfter == .completed)
        let reader = try TraceReader(contentsOf: path)
        #expect(try reader.epochs() == [1, 2])
        try reader.close()
    }
}
