import Foundation
import HDF5
import Testing
import TestSupport
@testable import Traces

/// ``TraceValidation``'s rules on coordinates, markers and lengths: a real trace (2 epochs of 17 steps, 3 layers,
/// per-weight snapshots every epoch) with one dataset or attribute rewritten is refused at open, with a message
/// naming the variable and what is wrong; the same trace untouched opens.
@Suite("Trace consistency", .serialized)
struct ConsistencyTests {
    /// A recorded trace with snapshots, with `edit` applied through the HDF5 module.
    func damaged(_ edit: (File) throws -> Void) throws -> String {
        let (_, _, path) = try recordedRun(try TraceRecording(parsing: ["per-weight:every=1"]), epochs: 2)
        let file = try File.open(path, mode: .readWrite)
        try edit(file)
        try file.close()
        return path
    }

    /// Replaces the marker `name` by a dataset of `shape` (what another tool might write).
    static func reshapeMarker(_ file: File, _ name: String, shape: [Int]) throws {
        try file.removeLink(name)
        let marker = try file.createDataset(name, of: Int64.self, shape: shape)
        try marker.write([Int64](repeating: 2, count: shape.reduce(1, *)))
    }

    static let damages: [(String, String)] = [
        ("epoch repeats", "has epoch 1 twice in /epochs/epoch (rows 0 and 1): the epoch coordinate repeats"),
        ("epoch runs backwards", "has epoch 0 after epoch 1 in /epochs/epoch (row 1): the epoch coordinate runs backwards"),
        ("epoch gap", "jumps from epoch 1 to epoch 5 in /epochs/epoch (row 1)"),
        ("first epoch", "starts /epochs/epoch at epoch 1 where epoch 2 comes first; epochs count up by one from first_epoch = 2"),
        ("step repeats", "has step 5 twice in /steps/step (rows 4 and 5): the step coordinate repeats"),
        ("step runs backwards", "has step 3 after step 5 in /steps/step (row 5): the step coordinate runs backwards"),
        ("step zero", "starts /steps/step at step 0, where steps are numbered from 1"),
        ("marker of shape [2]", "has the marker /completed_epochs of shape [2], where a marker is a scalar"),
        ("marker of shape [0]", "has the marker /completed_steps of shape [0], where a marker is a scalar"),
        ("steps_per_epoch vs rows", "records 17 steps for epoch 1 in /epochs/steps where its steps_per_epoch attribute says 16"),
        ("completed_steps below the epochs", "counts 30 complete steps in /completed_steps, fewer than its 2 complete epochs of steps_per_epoch = 17 steps hold (34)"),
        ("layer_count vs widths", "declares layer_count = 4 in its root attributes, but its widths [144, 32, 16, 4] describe 3 layers"),
        ("layer coordinate", "holds 1 at row 1 of /steps/layer, where the layer coordinate numbers the layers 1…3 in order"),
        ("epoch variable shorter", "has 1 row of /epochs/layer_signal where /completed_epochs counts 2 complete epochs: its variables disagree in length"),
        ("step variable shorter", "has 30 rows of /steps/loss where its 2 complete epochs of 17 steps hold 34 steps"),
        ("snapshot variable shorter", "has 1 row of /weights/layer_2/gradient_variance where /completed_snapshots counts 2"),
        ("epoch_of_step", "puts step 20 (row 19 of /steps/epoch_of_step) in epoch 1, but rows 17…33 are the steps_per_epoch = 17 steps of epoch 2"),
        ("last_step", "gives epoch 1 the last step 18 in /epochs/last_step, but its last step row (row 16 of /steps/step) holds step 17"),
        ("snapshot epoch repeats", "has a snapshot epoch coordinate /weights/layer_1/epoch that repeats epoch 1 (rows 0 and 1)"),
    ]

    @Test("Coordinates, markers, header and lengths that contradict the rows are refused at open, naming the variable",
          arguments: ConsistencyTests.damages)
    func refused(_ damage: String, _ message: String) throws {
        let path = try damaged { file in
            switch damage {
            case "epoch repeats": try file.openDataset("epochs/epoch").write([Int64(1)], start: [1], count: [1])
            case "epoch runs backwards": try file.openDataset("epochs/epoch").write([Int64(0)], start: [1], count: [1])
            case "epoch gap": try file.openDataset("epochs/epoch").write([Int64(5)], start: [1], count: [1])
            case "first epoch": try file.setAttribute("first_epoch", 2)
            case "step repeats": try file.openDataset("steps/step").write([Int64(5)], start: [5], count: [1])
            case "step runs backwards": try file.openDataset("steps/step").write([Int64(3)], start: [5], count: [1])
            case "step zero": try file.openDataset("steps/step").write((0..<34).map { Int64($0) })
            case "marker of shape [2]": try ConsistencyTests.reshapeMarker(file, "completed_epochs", shape: [2])
            case "marker of shape [0]": try ConsistencyTests.reshapeMarker(file, "completed_steps", shape: [0])
            case "steps_per_epoch vs rows": try file.setAttribute("steps_per_epoch", 16)
            case "completed_steps below the epochs": try file.openDataset("completed_steps").write([Int64(30)])
            case "layer_count vs widths": try file.setAttribute("layer_count", 4)
            case "layer coordinate": try file.openDataset("steps/layer").write([Int64(1)], start: [1], count: [1])
            case "epoch variable shorter": try file.openDataset("epochs/layer_signal").resize(to: [1, 3])
            case "step variable shorter": try file.openDataset("steps/loss").resize(to: [30])
            case "snapshot variable shorter": try file.openDataset("weights/layer_2/gradient_variance").resize(to: [1, 16, 32])
            case "epoch_of_step": try file.openDataset("steps/epoch_of_step").write([Int64(1)], start: [19], count: [1])
            case "last_step": try file.openDataset("epochs/last_step").write([Int64(18)], start: [0], count: [1])
            default: try file.openDataset("weights/layer_1/epoch").write([Int64(1), 1])
            }
        }
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.message.contains("damaged") == true, "\(error?.description ?? "")")
        // Every reader goes through the same validation: recovery refuses it too, and leaves the file as it was.
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let recovery = #expect(throws: TraceError.self) { try TraceRecovery.recover(path) }
        #expect(recovery?.message == error?.message)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("An untouched trace with snapshots opens; its complete steps are those of its complete epochs")
    func intact() throws {
        let path = try damaged { _ in }
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        #expect(reader.progress.completedEpochs == 2 && reader.progress.completedSteps == 34 && reader.progress.completedSnapshots == 2)
        #expect(try reader.steps() == Array(1...34))
    }

    @Test("Steps counted ahead of the epochs (a writer between its markers) are not complete: the reader and recovery cut them")
    func stepsAheadOfTheEpochs() throws {
        // The state a writer leaves between raising completed_steps and completed_epochs: epoch 2's steps counted,
        // its epoch row not yet.
        let path = try damaged { file in
            try file.openDataset("completed_epochs").write([Int64(1)])
            try file.openDataset("completed_snapshots").write([Int64(1)])
        }
        let reader = try TraceReader(contentsOf: path)
        #expect(reader.progress.completedEpochs == 1 && reader.progress.completedSteps == 17)
        #expect(try reader.rowCount("steps/layer_signal") == 17)
        try reader.close()
        let report = try TraceRecovery.recover(path)
        #expect(report.epochs == 1 && report.steps == 17 && report.removed.steps == 17)
        let after = try TraceReader(contentsOf: path)
        defer { try? after.close() }
        #expect(try after.steps() == Array(1...17))
    }
}
