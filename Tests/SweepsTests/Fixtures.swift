import Foundation
import Sweeps
import TestSupport

/// A sweep folder in a new temporary folder, prepared for `grid` (the folder is removed by `cleanUp`).
struct SweepFixture {
    let base: URL
    let folder: SweepFolder
    let manifest: Manifest

    init(_ text: String, name: String = "sweep") throws {
        base = TestPaths.temporaryFolder("thermo-sweeps")
        folder = SweepFolder(path: base.appendingPathComponent(name).path)
        let grid = try parseGrid(text)
        (manifest, _) = try folder.prepare(grid: grid, cells: try grid.cells(), workingDirectory: base.path,
                                           thermoVersion: "test", force: false)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: base) }

    func files(_ index: Int) -> CellFiles { folder.files(manifest.cells[index]) }

    /// Writes a summary for cell `index` as `thermo train` would, with the fields the sweep reads.
    func writeSummary(_ index: Int, status: String, best: Double?, final: Double?, epochs: Int = 2) throws {
        let f = files(index)
        try FileManager.default.createDirectory(at: f.folder, withIntermediateDirectories: true)
        var summary: [String: Any] = [
            "status": status, "configuration": ["seed": 1],
            "epochs": (0..<epochs).map { ["epoch": $0 + 1, "testAccuracy": final ?? 0] }, "wallSeconds": 1,
        ]
        if let best { summary["bestTestAccuracy"] = best; summary["bestEpoch"] = epochs }
        if let final { summary["finalTestAccuracy"] = final }
        try JSONSerialization.data(withJSONObject: summary).write(to: f.summary)
    }

    /// Writes completed summaries for the cells `first` and `first + 1`: best 0.9 / final 0.8, then 0.7 / 0.6.
    func completeTwoCells(from first: Int) throws {
        try writeSummary(first, status: "completed", best: 0.9, final: 0.8)
        try writeSummary(first + 1, status: "completed", best: 0.7, final: 0.6)
    }

    /// Writes an attempt record for cell `index`, ended with `exitStatus` or not ended.
    func writeAttempt(_ index: Int, exitStatus: Int32?) throws {
        let f = files(index)
        try FileManager.default.createDirectory(at: f.folder, withIntermediateDirectories: true)
        var record = AttemptRecord(number: 1, threads: 1, resumedAfterEpoch: 0, arguments: [])
        if let exitStatus { record = record.ending(exitStatus: exitStatus) }
        try record.write(to: f.attempt)
    }
}
