import Foundation
import Testing
import TestSupport

/// The epochs complete in the checkpoint at `url` (from its JSON header, after 24 bytes of signature, version and
/// header length: the layout of `Checkpoint`), 0 without one.
func checkpointEpochs(_ url: URL) -> Int {
    struct Header: Decodable { let completedEpochs: Int }
    guard let bytes = FileManager.default.contents(atPath: url.path), bytes.count >= 24 else { return 0 }
    let length = bytes[16..<24].reversed().reduce(0) { $0 << 8 | Int($1) }
    guard length > 0, 24 + length <= bytes.count else { return 0 }
    return (try? JSONDecoder().decode(Header.self, from: bytes[24..<(24 + length)]))?.completedEpochs ?? 0
}

/// The fields of a sweep's manifest.json that the tests read.
struct ManifestFile: Decodable {
    struct Cell: Decodable {
        let index: Int
        let id: String
        let folder: String
        let arguments: [String]
        let status: String?
    }
    let cells: [Cell]
    init(_ folder: URL) throws {
        self = try JSONDecoder().decode(ManifestFile.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
    }
}

/// The fields of a cell's attempt.json that the tests read.
struct AttemptFile: Decodable {
    let number: Int
    let resumedAfterEpoch: Int
    let exitStatus: Int32?
    init(_ cellFolder: URL) throws {
        self = try JSONDecoder().decode(AttemptFile.self, from: Data(contentsOf: cellFolder.appendingPathComponent("attempt.json")))
    }
}

let realMNIST = Testing.ConditionTrait.enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist")

@Suite(.serialized) struct SweepCommandTests {
    /// Flags of a tiny real run: about 0.1 s per epoch.
    var tiny: [String] {
        ["--data", TestPaths.sharedMNIST?.path ?? "/nonexistent", "--train-subset", "500", "--layers", "784,32,10",
         "--lr", "0.05", "--batch-size", "64"]
    }

    /// A two-seed sweep in `folder/name`, written with --slurm: its manifest and script, no cell run.
    func writeSlurmSweep(_ name: String, epochs: Int, in folder: URL) throws {
        let made = try runThermo(["sweep", "--grid", "seed = 1 | 2", "-o", name, "--slurm", "--", "--epochs", String(epochs)], in: folder)
        #expect(made.status == 0, "\(made.stderr)")
    }

    @Test("Bad grids and flags are refused before any work, naming the line, column or flag")
    func badGrids() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("seed = 1…3\nradius = 0.1 | x\n".utf8).write(to: folder.appendingPathComponent("grid.txt"))
        let bad = try runThermo(["sweep", "grid.txt", "-o", "out"], in: folder)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("grid.txt line 2, column 16: radius takes numbers"), "\(bad.stderr)")

        // The cells' flags are checked as thermo train checks them.
        let noLoss = try runThermo(["sweep", "--grid", "radius = 0.1 | 0.2", "-o", "out"], in: folder)
        #expect(noLoss.status == 64)
        #expect(noLoss.stderr.contains("cell 0 (cell-0000-radius=0.1)") && noLoss.stderr.contains("--loss pla or plea"), "\(noLoss.stderr)")
        let unknown = try runThermo(["sweep", "--grid", "seed = 1 | 2", "-o", "out", "--", "--epoch", "3"], in: folder)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--epoch"), "\(unknown.stderr)")

        let cores = try runThermo(["sweep", "--grid", "seed = 1 | 2", "-o", "out", "--threads", "1000"], in: folder)
        #expect(cores.status == 64)
        #expect(cores.stderr.contains("jobs × threads"), "\(cores.stderr)")
        let noOutput = try runThermo(["sweep", "--grid", "seed = 1 | 2"], in: folder)
        #expect(noOutput.status == 64 && noOutput.stderr.contains("-o DIR"))
        let stray = try runThermo(["sweep", "--grid", "seed = 1 | 2", "-o", "out", "--partition", "x"], in: folder)
        #expect(stray.status == 64 && stray.stderr.contains("--partition goes with --slurm"))
        // Nothing was written by any of them.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test("--dry-run lists the cells and their thermo train flags and writes nothing")
    func dryRun() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runThermo(["sweep", "--grid", "loss = ce | pla", "--grid", "radius = 0.01 … 0.1 log 2", "--grid", "smooth = 2",
                                 "-o", "out", "--dry-run", "--", "--epochs", "2", "--layers", "784,32,10"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("3 cells:"), "\(run.stdout)")
        // Cross-entropy drops the smoothing settings; single-valued settings do not name the cells.
        #expect(run.stdout.contains("cell-0000-loss=ce\n    thermo train --loss ce --epochs 2 --layers 784,32,10\n"), "\(run.stdout)")
        #expect(run.stdout.contains("cell-0002-loss=pla,radius=0.1\n    thermo train --loss pla --radius 0.1 --smooth 2 --epochs 2 --layers 784,32,10\n"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test("A sweep folder given as the grid: continued with -o itself; grid or train flags beside it, or another -o, are refused; --dry-run names another sweep")
    func sweepFolderAsInput() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeSlurmSweep("out", epochs: 2, in: folder)
        let manifest = try Data(contentsOf: folder.appendingPathComponent("out/manifest.json"))
        let same = try runThermo(["sweep", "out", "-o", "./out/", "--slurm"], in: folder)
        #expect(same.status == 0, "\(same.stderr)")
        let other = try runThermo(["sweep", "out", "-o", "elsewhere"], in: folder)
        #expect(other.status == 64 && other.stderr.contains("out is a sweep folder, not a grid file"), "\(other.stderr)")
        let flags = try runThermo(["sweep", "out", "--", "--epochs", "4"], in: folder)
        #expect(flags.status == 64 && flags.stderr.contains("continues the sweep in out") && flags.stderr.contains("drop the flags after --"), "\(flags.stderr)")
        let dry = try runThermo(["sweep", "--grid", "seed = 1 | 2 | 3", "-o", "out", "--dry-run", "--", "--epochs", "2"], in: folder)
        #expect(dry.status == 64 && dry.stderr.contains("holds another sweep (2 cells there, 3 here)"), "\(dry.stderr)")
        let forced = try runThermo(["sweep", "--grid", "seed = 1 | 2 | 3", "-o", "out", "--dry-run", "--force", "--", "--epochs", "2"], in: folder)
        #expect(forced.status == 0 && forced.stderr.contains("--force replaces it") && forced.stdout.hasPrefix("3 cells:"), "\(forced.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("out/manifest.json")) == manifest)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("elsewhere").path))
    }

    @Test("A local sweep end to end: a cell killed mid-run resumes from its checkpoint and ends where a straight run ends; finished cells are skipped", realMNIST)
    func localSweepKillAndResume() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweep = folder.appendingPathComponent("sweep")
        // --slurm without --submit writes the manifest (and a script) without running anything.
        let setup = try runThermo(["sweep", "--grid", "seed = 1…3", "-o", sweep.path, "--slurm", "--"] + tiny + ["--epochs", "4"])
        #expect(setup.status == 0, "\(setup.stderr)")
        let manifest = try ManifestFile(sweep)
        #expect(manifest.cells.map(\.id) == ["cell-0000-seed=1", "cell-0001-seed=2", "cell-0002-seed=3"])
        let killed = sweep.appendingPathComponent(manifest.cells[1].folder)

        // Run cell 1 alone and SIGKILL it as soon as its checkpoint holds a complete epoch (a cell writes its
        // starting point there first).
        let process = Process()
        process.executableURL = TestPaths.thermoBinary
        process.arguments = ["sweep", "--cell", "1", "--threads", "1", sweep.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoint = killed.appendingPathComponent("checkpoint.ckpt")
        let deadline = Date().addingTimeInterval(60)
        while checkpointEpochs(checkpoint) < 1 && process.isRunning && Date() < deadline { usleep(1000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the cell ended before it could be killed; the test needs a slower cell")
        #expect(FileManager.default.fileExists(atPath: checkpoint.path))
        #expect(!FileManager.default.fileExists(atPath: killed.appendingPathComponent("summary.json").path))
        #expect(try AttemptFile(killed).exitStatus == nil)
        let midway = try runThermo(["sweep", "--summary", sweep.path, "--cells", "--format", "csv"])
        #expect(midway.stdout.contains("1,cell-0001-seed=2,2,interrupted,"), "\(midway.stdout)")

        // The sweep runs the other two and resumes the killed one.
        let run = try runThermo(["sweep", sweep.path, "--jobs", "2", "--threads", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("0 finished, 3 to run (1 resumes from checkpoints)"), "\(run.stderr)")
        #expect(run.stdout.contains("3 completed"), "\(run.stdout)")
        let attempt = try AttemptFile(killed)
        #expect(attempt.number == 2 && attempt.resumedAfterEpoch >= 1 && attempt.exitStatus == 0)
        let log = try String(contentsOf: killed.appendingPathComponent("log.txt"), encoding: .utf8)
        #expect(log.contains("attempt 2 of cell-0001-seed=2") && log.contains("resuming after epoch"), "\(log)")

        // The resumed cell's epochs are those of one straight run with the same flags.
        let straight = folder.appendingPathComponent("straight.json")
        let reference = try runThermo(["train"] + manifest.cells[1].arguments + ["--threads", "1", "--quiet", "--summary", straight.path])
        #expect(reference.status == 0, "\(reference.stderr)")
        let resumed = try SummaryFile(killed.appendingPathComponent("summary.json"))
        #expect(resumed.status == "completed")
        #expect(resumed.epochs.count == 4)
        #expect(resumed.epochs == (try SummaryFile(straight)).epochs)
        #expect(try ManifestFile(sweep).cells.allSatisfy { $0.status == "completed" })

        // Again: nothing to run, nothing touched.
        let again = try runThermo(["sweep", sweep.path])
        #expect(again.status == 0)
        #expect(again.stderr.contains("3 finished, 0 to run"), "\(again.stderr)")
        #expect(try AttemptFile(killed).number == 2)

        // The summary: one group over three seeds, in each format.
        let table = try runThermo(["sweep", "--summary", sweep.path])
        #expect(table.status == 0)
        #expect(table.stdout.contains("3 cells: 3 completed"), "\(table.stdout)")
        #expect(table.stdout.contains(" ± "), "\(table.stdout)")
        let csv = try runThermo(["sweep", "--summary", sweep.path, "--format", "csv"])
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first == "cells,completed,diverged,failed,other,best_mean,best_sd,final_mean,final_sd")
        #expect(rows.count == 2 && rows[1].hasPrefix("3,3,0,0,0,"))
        let json = try runThermo(["sweep", "--summary", sweep.path, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["cells"] as? [Any])?.count == 3)

        // Another grid in the same folder is refused without --force.
        let other = try runThermo(["sweep", "--grid", "seed = 1…4", "-o", sweep.path, "--"] + tiny + ["--epochs", "4"])
        #expect(other.status == 64)
        #expect(other.stderr.contains("holds another sweep") && other.stderr.contains("--force"), "\(other.stderr)")
    }

    @Test("--force over a damaged manifest moves the old sweep aside whole (manifest and cells) and starts afresh", realMNIST)
    func forceOverDamagedManifest() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweep = folder.appendingPathComponent("sweep")
        let grid = ["--grid", "seed = 1 | 2", "-o", sweep.path, "--"] + tiny + ["--epochs", "1"]
        #expect(try runThermo(["sweep"] + grid).status == 0)
        let damaged = Data("{\"format\": \"thermo-sw".utf8)
        try damaged.write(to: sweep.appendingPathComponent("manifest.json"))

        // Without --force the damaged sweep is refused and left as it was; the hint names --force.
        let refused = try runThermo(["sweep"] + grid)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("(not valid JSON)") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try Data(contentsOf: sweep.appendingPathComponent("manifest.json")) == damaged)

        // With --force it is moved to discarded/TIME/ (nothing deleted) and the sweep runs again.
        let forced = try runThermo(["sweep", "--force"] + grid)
        #expect(forced.status == 0, "\(forced.stderr)")
        let discarded = sweep.appendingPathComponent("discarded")
        let stamps = try FileManager.default.contentsOfDirectory(atPath: discarded.path)
        #expect(stamps.count == 1)
        let aside = discarded.appendingPathComponent(stamps.first ?? "")
        #expect(try Data(contentsOf: aside.appendingPathComponent("manifest.json.damaged")) == damaged)
        #expect(try FileManager.default.contentsOfDirectory(atPath: aside.path).filter { $0.hasPrefix("cell-") }.count == 2)
        let manifest = try ManifestFile(sweep)
        #expect(manifest.cells.count == 2)
        for cell in manifest.cells {
            #expect(FileManager.default.fileExists(atPath: sweep.appendingPathComponent(cell.folder).appendingPathComponent("summary.json").path))
        }
    }

    @Test("SIGINT stops the sweep: no new cells, the running one is stopped and keeps its checkpoint; running again finishes it", realMNIST)
    func interrupt() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweep = folder.appendingPathComponent("sweep")
        let process = Process()
        process.executableURL = TestPaths.thermoBinary
        process.arguments = ["sweep", "--grid", "seed = 1…3", "-o", sweep.path, "--jobs", "1", "--"] + tiny + ["--epochs", "6"]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let checkpoint = sweep.appendingPathComponent("cells/cell-0000-seed=1/checkpoint.ckpt")
        let deadline = Date().addingTimeInterval(60)
        while checkpointEpochs(checkpoint) < 1 && process.isRunning && Date() < deadline { usleep(1000) }
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("SIGINT: starting no more cells"), "\(stderr)")
        #expect(stderr.contains("run 'thermo sweep \(sweep.path)' to continue"), "\(stderr)")
        let states = try ManifestFile(sweep).cells.map(\.status)
        #expect(states == ["interrupted", "pending", "pending"])
        let again = try runThermo(["sweep", sweep.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("(1 resumes from checkpoints)"), "\(again.stderr)")
        #expect(try ManifestFile(sweep).cells.allSatisfy { $0.status == "completed" })
    }

    @Test("Failed cells are retried by the next run; a diverged cell is a result and is not", realMNIST)
    func failuresAndDivergence() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweep = folder.appendingPathComponent("sweep").path
        // 100,000 images is more than MNIST has (train fails after loading the data); lr 1e9 diverges.
        let flags = ["sweep", "--grid", "train-subset = 500 | 100000", "--grid", "lr = 0.05 | 1e9", "-o", sweep, "--",
                     "--data", TestPaths.sharedMNIST!.path, "--layers", "784,32,10", "--epochs", "1", "--batch-size", "64"]
        let first = try runThermo(flags)
        #expect(first.status == 1)
        #expect(first.stdout.contains("1 completed, 1 diverged (a result: not retried), 2 failed"), "\(first.stdout)")
        #expect(first.stderr.contains("error: 2 cells failed") && first.stderr.contains("to retry them"), "\(first.stderr)")
        let cells = try ManifestFile(URL(fileURLWithPath: sweep)).cells
        #expect(cells.map(\.status) == ["completed", "diverged", "failed", "failed"])
        let log = try String(contentsOf: URL(fileURLWithPath: sweep).appendingPathComponent(cells[2].folder).appendingPathComponent("log.txt"), encoding: .utf8)
        #expect(log.contains("--train-subset asks for 100000 images"), "\(log)")

        let second = try runThermo(flags)
        #expect(second.status == 1)
        #expect(second.stderr.contains("2 finished, 2 to run"), "\(second.stderr)")
        let numbers = try cells.map { try AttemptFile(URL(fileURLWithPath: sweep).appendingPathComponent($0.folder)).number }
        #expect(numbers == [1, 1, 2, 2])
    }

    @Test("A sweep folder whose name would inject commands: the Slurm script passes bash -n and runs its cell, creating nothing else", realMNIST)
    func hostileSweepFolder() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sweep = folder.appendingPathComponent("run's \"1\" $(touch pwned1) `touch pwned2`\n; touch pwned3")
        let setup = try runThermo(["sweep", "--grid", "seed = 1 | 2", "-o", sweep.path, "--slurm", "--time", "00:10:00", "--"] + tiny + ["--epochs", "1"],
                                  in: folder)
        #expect(setup.status == 0, "\(setup.stderr)")
        let script = sweep.appendingPathComponent("sweep.sbatch")
        for arguments in [["-n", script.path], [script.path]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = arguments
            p.currentDirectoryURL = sweep
            p.environment = ProcessInfo.processInfo.environment.merging(["SLURM_ARRAY_TASK_ID": "1"]) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "bash \(arguments[0])")
        }
        let summary = try runThermo(["sweep", "--summary", sweep.path, "--cells", "--format", "csv"])
        #expect(summary.stdout.contains("1,cell-0001-seed=2,2,completed,"), "\(summary.stdout)")
        for place in [folder, sweep, folder.deletingLastPathComponent()] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: place.path)) ?? []
            #expect(!names.contains { $0.hasPrefix("pwned") }, "a command ran in \(place.path)")
        }
    }

    @Test("thermo plot sweep takes a sweep folder: its cells' summaries, cross-entropy as the baseline", realMNIST,
          .enabled(if: GnuplotSupport.isInstalled, "gnuplot is not installed"))
    func plotFromSweepFolder() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The smoothing flags after -- are dropped from the cross-entropy cell.
        let good = try runThermo(["sweep", "--grid", "loss = ce | pla", "--grid", "radius = 0.01 | 0.1", "-o", "s", "--",
                                  "--smooth", "1", "--samples=2"] + tiny + ["--epochs", "1"], in: folder)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("3 cells"), "\(good.stdout)")
        let cells = try ManifestFile(folder.appendingPathComponent("s")).cells
        #expect(cells[0].arguments == ["--loss", "ce"] + tiny + ["--epochs", "1"])
        #expect(cells[1].arguments.starts(with: ["--loss", "pla", "--radius", "0.01", "--smooth", "1", "--samples=2"]))
        let plot = try runThermo(["plot", "sweep", "s", "-o", "fig.png", "--size", "8,5", "--dpi", "50"], in: folder)
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("fig.png").path))
        let baseline = try String(contentsOf: folder.appendingPathComponent("fig.baseline.dat"), encoding: .utf8)
        // One cross-entropy run: its count is 1 and it has no s.d. (NaN: no error bar).
        let rows = baseline.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.count == 6 && $0[1] == "1" && $0[3] == "NaN" }, "\(baseline)")
    }

    @Test("Help is help: thermo sweep --help and thermo help sweep print the usage and exit 0")
    func help() throws {
        for arguments in [["sweep", "--help"], ["help", "sweep"], ["train", "-h"]] {
            let run = try runThermo(arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(run.stdout.contains("USAGE: thermo "), "\(arguments): \(run.stdout)")
            #expect(!run.stderr.contains("error:"))
        }
    }

    @Test("Continuing a sweep checks its data before any cell starts, as a new sweep does; a missing folder is named")
    func continuedSweepChecksData() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("no-data").path
        let made = try runThermo(["sweep", "--grid", "seed = 1 | 2", "-o", "s", "--slurm", "--", "--epochs", "1", "--data", missing], in: folder)
        #expect(made.status == 0, "\(made.stderr)")
        let local = try runThermo(["sweep", "s"], in: folder)
        #expect(local.status == 1 && local.stderr.contains("cell 0") && local.stderr.contains("no-data"), "\(local.stderr)")
        let cells = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("s/cells").path)
        for cell in cells {
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("s/cells/\(cell)/attempt.json").path),
                    "\(cell) was started")
        }
        let typo = try runThermo(["sweep", "s2"], in: folder)
        #expect(typo.status == 1 && typo.stderr.contains("s2 does not exist"), "\(typo.stderr)")
    }

    @Test("--cell outside the manifest is refused; --summary of a folder that is no sweep says so")
    func cellAndSummaryErrors() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeSlurmSweep("s", epochs: 1, in: folder)
        let outside = try runThermo(["sweep", "--cell", "5", "s"], in: folder)
        #expect(outside.status == 64 && outside.stderr.contains("cells 0…1"), "\(outside.stderr)")
        let none = try runThermo(["sweep", "--summary", folder.path])
        #expect(none.status == 1 && none.stderr.contains("no manifest.json"), "\(none.stderr)")
    }
}
