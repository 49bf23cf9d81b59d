/// A setting that a sweep can vary: the name of a `thermo train` flag (without `--`) and the values it takes.
public struct GridKey: Sendable, Equatable {
    /// What values a key accepts; checked when the grid is read, so a typo fails before any run starts.
    public enum Kind: Sendable, Equatable {
        /// Whole numbers ≥ `minimum`.
        case integer(minimum: Int)
        /// Finite decimal numbers (`0.01`, `1e-3`).
        case number
        /// One of a fixed list of words.
        case choice([String])
        /// A set of weight layers: `2`, `1,3`, `hidden` or `all`.
        case layerSet
        /// Layer widths: `784,256,10`.
        case widths
        /// Any text without control characters (a data folder, a data-set name).
        case text
        /// `yes` or `no`: a flag without a value (`--nesterov`) that is given or not.
        case flag
    }

    /// The key as written in a grid, which is also the flag's long name (`weight-decay` → `--weight-decay`).
    public let name: String
    /// What it accepts.
    public let kind: Kind
    /// Whether the key only means something for the smoothing losses; cells whose `loss` is `ce` drop it.
    public let isSmoothing: Bool

    init(_ name: String, _ kind: Kind, smoothing: Bool = false) {
        self.name = name
        self.kind = kind
        self.isSmoothing = smoothing
    }

    /// The `thermo train` flag it sets.
    public var flag: String { "--" + name }

    /// Every key a grid may vary, in the order `thermo train --help` lists their flags.
    public static let all: [GridKey] = [
        GridKey("data", .text), GridKey("dataset", .text),
        GridKey("layers", .widths), GridKey("activation", .choice(["relu", "tanh"])),
        GridKey("init", .choice(["kaiming-normal", "kaiming-uniform", "pytorch-default"])),
        GridKey("lr", .number), GridKey("momentum", .number), GridKey("nesterov", .flag),
        GridKey("weight-decay", .number), GridKey("batch-size", .integer(minimum: 1)),
        GridKey("epochs", .integer(minimum: 1)), GridKey("seed", .integer(minimum: 0)),
        GridKey("train-subset", .integer(minimum: 1)), GridKey("validation", .integer(minimum: 0)),
        GridKey("split-seed", .integer(minimum: 0)),
        GridKey("pixels", .choice(["standardized", "unit"])), GridKey("keep-last-batch", .flag),
        GridKey("loss", .choice(["ce", "pla", "plea"])),
        GridKey("smooth", .layerSet, smoothing: true), GridKey("radius", .number, smoothing: true),
        GridKey("samples", .integer(minimum: 0), smoothing: true), GridKey("sharpness", .number, smoothing: true),
        GridKey("kernel", .choice(["uniform", "gaussian"]), smoothing: true), GridKey("gamma", .number, smoothing: true),
        GridKey("smoothing-path", .choice(["shared", "naive"]), smoothing: true),
    ]

    /// The key named `name` (`_` may stand for `-`), or nil.
    public static func named(_ name: String) -> GridKey? {
        let canonical = name.replacingOccurrences(of: "_", with: "-")
        return all.first { $0.name == canonical }
    }

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
