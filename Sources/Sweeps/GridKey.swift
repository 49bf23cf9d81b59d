import Settings

/// A setting that a sweep can vary: one of the training settings, named as its `thermo train` flag without `--`.
/// Grids accept exactly the settings of the vocabulary (``TrainingSetting``), and check their values by its kinds.
public typealias GridKey = TrainingSetting

extension TrainingSetting {
    /// Every key a grid may vary, in the order `thermo train --help` lists their flags.
    public static var all: [GridKey] { allCases }

    /// `thermo train` flags that the sweep sets itself for every cell; a grid may neither vary nor fix them.
    public static let reservedFlags: [String: String] = [
        "--summary": "each cell writes its summary.json in its own folder",
        "--checkpoint": "each cell checkpoints to its own folder",
        "--checkpoint-every": "cells checkpoint after every epoch, so that a killed cell resumes",
        "--resume": "the sweep resumes a cell from its checkpoint by itself",
        "--force": "the sweep decides what a cell may overwrite",
        "--quiet": "each cell's output goes to its log.txt",
        "--threads": "give --threads (BLAS threads per cell) to thermo sweep itself",
        "--trace": "write 'trace = yes' in the grid: each cell then records DIR/cells/ID/trace.h5",
        "--help": "not a training flag",
    ]
}
