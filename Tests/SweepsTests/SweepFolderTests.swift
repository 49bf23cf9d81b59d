import Foundation
import Sweeps
import Testing
import TestSupport

@Suite struct SweepFolderTests {
    @Test("A new folder gets manifest.json and cells/; the same grid again continues it")
    func createAndContinue() throws {
        let s = try SweepFixture("seed = 1…3\nfixed = --epochs 2")
        defer { s.cleanUp() }
        #expect(s.folder.hasManifest)
        let read = try s.folder.readManifest()
        #expect(read.cells.map(\.id) == ["cell-0000-seed=1", "cell-0001-seed=2", "cell-0002-seed=3"])
        #expect(read.grid.fixed == ["--epochs", "2"])
        #expect(read.workingDirectory == s.base.path)
        let grid = try parseGrid("seed = 1 | 2 | 3\nfixed = --epochs 2")
        let (_, how) = try s.folder.prepare(grid: grid, cells: try grid.cells(), workingDirectory: "/", thermoVersion: "t", force: false)
        #expect(how == .continued)
    }

    @Test("Writing a manifest that says nothing new leaves the file as it is; a changed cell state rewrites it")
    func unchangedManifestIsNotRewritten() throws {
        let s = try SweepFixture("seed = 1…2")
        defer { s.cleanUp() }
        let url = s.folder.root.appendingPathComponent("manifest.json")
        var manifest = try s.folder.readManifest()
        manifest.updated = "2000-01-01T00:00:00Z"
        let before = try Data(contentsOf: url)
        try s.folder.writeManifest(manifest)
        #expect(try Data(contentsOf: url) == before)
        try s.writeSummary(0, status: "completed", best: 0.9, final: 0.8)
        try s.folder.writeManifest(s.folder.refreshed(manifest))
        let after = try s.folder.readManifest()
        #expect(after.cells[0].status != manifest.cells[0].status)
        #expect(after.updated != "2000-01-01T00:00:00Z")
    }

    @Test("Another grid is refused without --force; with it, shared cells keep their results and the rest move to discarded/")
    func replaceGrid() throws {
        let s = try SweepFixture("seed = 1…3")
        defer { s.cleanUp() }
        try s.completeTwoCells(from: 1)
        let grid = try parseGrid("seed = 2 | 4")
        let cells = try grid.cells()
        do {
            _ = try s.folder.prepare(grid: grid, cells: cells, workingDirectory: "/", thermoVersion: "t", force: false)
            Issue.record("a different grid was accepted without --force")
        } catch let error as SweepError {
            #expect(error.isUsageError)
            #expect(error.description.contains("--force"), "\(error)")
        }
        let (manifest, how) = try s.folder.prepare(grid: grid, cells: cells, workingDirectory: "/", thermoVersion: "t", force: true)
        guard case let .replaced(kept, discarded, discardedFolder) = how else { Issue.record("\(how)"); return }
        #expect(kept == 1 && discarded == 1)
        #expect(manifest.cells.map(\.id) == ["cell-0000-seed=2", "cell-0001-seed=4"])
        // seed 2 was cell 1, now cell 0: its result came along.
        #expect(s.folder.files(manifest.cells[0]).result()?.bestTestAccuracy == 0.9)
        #expect(s.folder.files(manifest.cells[0]).state() == .completed)
        #expect(s.folder.files(manifest.cells[1]).state() == .pending)
        let moved = URL(fileURLWithPath: discardedFolder!).appendingPathComponent("cell-0002-seed=3/summary.json")
        #expect(FileManager.default.fileExists(atPath: moved.path))
    }

    @Test("--force over a sweep whose manifest was deleted moves its cells to discarded/: none is taken as a result of the new grid")
    func forceOverDeletedManifest() throws {
        let s = try SweepFixture("seed = 1…2\nfixed = --lr 0.05")
        defer { s.cleanUp() }
        try s.completeTwoCells(from: 0)
        try FileManager.default.removeItem(at: s.folder.manifestURL)
        let grid = try parseGrid("seed = 1…2\nfixed = --lr 0.5")
        let (manifest, how) = try s.folder.prepare(grid: grid, cells: try grid.cells(), workingDirectory: "/", thermoVersion: "t", force: true)
        guard case let .replaced(kept, discarded, folder) = how else { Issue.record("\(how)"); return }
        #expect(kept == 0 && discarded == 2)
        #expect(manifest.cells.allSatisfy { s.folder.files($0).state() == .pending })
        #expect(FileManager.default.fileExists(atPath: folder! + "/cell-0000-seed=1/summary.json"))
    }

    @Test("--force switching a sweep to trace = yes keeps only the cells that hold a trace")
    func forceToTraces() throws {
        let s = try SweepFixture("seed = 1…2")
        defer { s.cleanUp() }
        try s.completeTwoCells(from: 0)
        try Data("trace".utf8).write(to: s.files(1).trace)
        let grid = try parseGrid("seed = 1…2\ntrace = yes")
        let (manifest, how) = try s.folder.prepare(grid: grid, cells: try grid.cells(), workingDirectory: "/", thermoVersion: "t", force: true)
        guard case let .replaced(kept, discarded, _) = how else { Issue.record("\(how)"); return }
        #expect(kept == 1 && discarded == 1)
        #expect(s.folder.files(manifest.cells[0]).state() == .pending)
        #expect(s.folder.files(manifest.cells[1]).state() == .completed)
    }

    @Test("Two --force replacements within one second move their cells to two discarded/ folders")
    func twoReplacementsInOneSecond() throws {
        let s = try SweepFixture("seed = 1…2")
        defer { s.cleanUp() }
        try s.completeTwoCells(from: 0)
        for seed in [3, 4] {
            let grid = try parseGrid("seed = \(seed)")
            let (manifest, _) = try s.folder.prepare(grid: grid, cells: try grid.cells(), workingDirectory: "/", thermoVersion: "t", force: true)
            try FileManager.default.createDirectory(at: s.folder.files(manifest.cells[0]).folder, withIntermediateDirectories: true)
        }
        let discarded = try FileManager.default.contentsOfDirectory(atPath: s.folder.root.appendingPathComponent("discarded").path)
        #expect(discarded.count == 2, "\(discarded)")
    }

    @Test("A non-empty folder that is no sweep is refused; a file as -o too")
    func foreignFolder() throws {
        let base = TestPaths.temporaryFolder("thermo-sweeps")
        defer { try? FileManager.default.removeItem(at: base) }
        try Data("x".utf8).write(to: base.appendingPathComponent("notes.txt"))
        let grid = try parseGrid("seed = 1 | 2")
        #expect(throws: SweepError.self) {
            try SweepFolder(path: base.path).prepare(grid: grid, cells: try grid.cells(), workingDirectory: "/", thermoVersion: "t", force: false)
        }
        #expect(throws: SweepError.self) {
            try SweepFolder(path: base.appendingPathComponent("notes.txt").path)
                .prepare(grid: grid, cells: try grid.cells(), workingDirectory: "/", thermoVersion: "t", force: true)
        }
    }

    @Test("A cell's state comes from its files")
    func states() throws {
        let s = try SweepFixture("seed = 1…7")
        defer { s.cleanUp() }
        try s.writeSummary(0, status: "completed", best: 0.9, final: 0.9)
        try s.writeSummary(1, status: "diverged", best: nil, final: nil, epochs: 0)
        try s.writeAttempt(2, exitStatus: nil)
        try s.writeAttempt(3, exitStatus: 1)
        try FileManager.default.createDirectory(at: s.files(4).folder, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: s.files(4).checkpoint)
        try s.writeAttempt(5, exitStatus: nil)
        try FileManager.default.createDirectory(at: s.files(6).folder, withIntermediateDirectories: true)
        let lock = try CellLock(at: s.files(5).lock)
        #expect(lock != nil)
        #expect((0..<7).map { s.files($0).state() } == [.completed, .diverged, .interrupted, .failed, .interrupted, .running, .pending])
        #expect(try CellLock(at: s.files(5).lock) == nil)
        withExtendedLifetime(lock) {}
        #expect(s.files(5).state(checkingLock: false) == .interrupted)
        #expect(CellState.failed.needsRun && CellState.interrupted.needsRun && !CellState.diverged.needsRun)
        // Every signal thermo train stops on in order (it writes its checkpoint) leaves a cell interrupted.
        for status: Int32 in [128 + 1, 128 + 2, 128 + 3, 128 + 15] {
            try s.writeAttempt(3, exitStatus: status)
            try Data("x".utf8).write(to: s.files(3).checkpoint)
            #expect(s.files(3).state() == .interrupted, "exit status \(status)")
            try FileManager.default.removeItem(at: s.files(3).checkpoint)
        }
    }

    @Test("A damaged manifest is named with what to do")
    func damagedManifest() throws {
        let s = try SweepFixture("seed = 1 | 2")
        defer { s.cleanUp() }
        try Data("{".utf8).write(to: s.folder.manifestURL)
        do {
            _ = try s.folder.readManifest()
            Issue.record("read a damaged manifest")
        } catch {
            #expect(error.description.contains("damaged"))
            #expect(error.description.contains("--force"))
        }
        #expect(throws: SweepError.self) { try SweepFolder(path: s.base.appendingPathComponent("nothing").path).readManifest() }
    }
}
