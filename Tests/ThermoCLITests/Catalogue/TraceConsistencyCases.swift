import Foundation
import HDF5

/// The catalogue's traces whose coordinates, markers or header contradict their rows (docs/trace-format.md,
/// "Validation"): the fixture trace (2 epochs of 10 steps, 784→4→10, snapshots every epoch) with one dataset or
/// attribute rewritten. Every command that reads traces refuses each of them with the same message and leaves
/// the file as it was.
extension BadInput {
    /// Replaces the marker `name` by a dataset of `shape`.
    @Sendable static func reshapedMarker(_ file: File, _ name: String, shape: [Int]) throws {
        try file.removeLink(name)
        try file.createDataset(name, of: Int64.self, shape: shape).write([Int64](repeating: 2, count: shape.reduce(1, *)))
    }

    /// The damaged traces, each as (case name, message fragment, edit).
    static let inconsistentTraces: [(String, String, @Sendable (File) throws -> Void)] = [
        ("an epoch that repeats", "has epoch 1 twice in /epochs/epoch (rows 0 and 1): the epoch coordinate repeats",
         { try $0.openDataset("epochs/epoch").write([Int64(1)], start: [1], count: [1]) }),
        ("an epoch that runs backwards", "has epoch 0 after epoch 1 in /epochs/epoch (row 1): the epoch coordinate runs backwards",
         { try $0.openDataset("epochs/epoch").write([Int64(0)], start: [1], count: [1]) }),
        ("a step that repeats", "has step 5 twice in /steps/step (rows 4 and 5): the step coordinate repeats",
         { try $0.openDataset("steps/step").write([Int64(5)], start: [5], count: [1]) }),
        ("a step that runs backwards", "has step 3 after step 5 in /steps/step (row 5): the step coordinate runs backwards",
         { try $0.openDataset("steps/step").write([Int64(3)], start: [5], count: [1]) }),
        ("a completion marker of shape [2]", "has the marker /completed_epochs of shape [2], where a marker is a scalar",
         { try reshapedMarker($0, "completed_epochs", shape: [2]) }),
        ("steps_per_epoch that disagrees with the rows", "records 10 steps for epoch 1 in /epochs/steps where its steps_per_epoch attribute says 7",
         { try $0.setAttribute("steps_per_epoch", 7) }),
        ("completed_steps below its epochs' steps", "counts 15 complete steps in /completed_steps, fewer than its 2 complete epochs of steps_per_epoch = 10 steps hold (20)",
         { try $0.openDataset("completed_steps").write([Int64(15)]) }),
        ("layer_count that disagrees with the widths", "declares layer_count = 3 in its root attributes, but its widths [784, 4, 10] describe 2 layers",
         { try $0.setAttribute("layer_count", 3) }),
        ("a layer coordinate out of order", "holds 1 at row 1 of /epochs/layer, where the layer coordinate numbers the layers 1…2 in order",
         { try $0.openDataset("epochs/layer").write([Int64(1)], start: [1], count: [1]) }),
        ("an epoch variable shorter than the markers", "has 1 row of /epochs/layer_signal where /completed_epochs counts 2 complete epochs: its variables disagree in length",
         { try $0.openDataset("epochs/layer_signal").resize(to: [1, 2]) }),
        ("a step variable shorter than the markers", "has 12 rows of /steps/loss where its 2 complete epochs of 10 steps hold 20 steps",
         { try $0.openDataset("steps/loss").resize(to: [12]) }),
        ("a step row in another epoch", "puts step 13 (row 12 of /steps/epoch_of_step) in epoch 1, but rows 10…19 are the steps_per_epoch = 10 steps of epoch 2",
         { try $0.openDataset("steps/epoch_of_step").write([Int64(1)], start: [12], count: [1]) }),
        ("a last step that is not the epoch's", "gives epoch 1 the last step 11 in /epochs/last_step, but its last step row (row 9 of /steps/step) holds step 10",
         { try $0.openDataset("epochs/last_step").write([Int64(11)], start: [0], count: [1]) }),
        ("a snapshot epoch that repeats", "has a snapshot epoch coordinate /weights/layer_1/epoch that repeats epoch 1 (rows 0 and 1)",
         { try $0.openDataset("weights/layer_1/epoch").write([Int64(1), 1]) }),
    ]

    /// The inconsistent traces as cases of `command` (e.g. "inspect"), run as `arguments` with run.h5 appended.
    static func inconsistentTraceCases(_ command: String, _ arguments: [String], absent: [String] = []) -> [BadInput] {
        inconsistentTraces.map { name, message, edit in
            .failure(command, name, arguments + ["run.h5"], message, setup: { try $0.trace(edit: edit) },
                     unchanged: ["run.h5"], absent: absent)
        }
    }

    /// The cases of every trace reader: `inspect`, `recover`, an analysis and a figure.
    static let inconsistentTraceReaders: [BadInput] = inconsistentTraceCases("inspect", ["inspect"])
        + inconsistentTraceCases("recover", ["recover"])
        + inconsistentTraceCases("temperature", ["temperature"])
        + inconsistentTraceCases("plot signal", ["plot", "signal", "-o", "fig.png"], absent: ["fig.png"])
}
