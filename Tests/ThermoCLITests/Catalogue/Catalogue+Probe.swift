import Foundation
import TestSupport

private let trainImages = "train-images-idx3-ubyte"
private let tiny = Fixtures.tinyRun

extension BadInput {
    /// Cases of the hostile probe beyond the outputs: negative numbers after flags (each must reach its
    /// validator, not "Missing value"), thread counts beyond the machine, a resume on other data, control
    /// characters in names, an analysis of a trace whose run never finished an epoch.
    static let probe: [BadInput] = [
        .usage("train", "--lr -0.1 (a negative number after a flag)", ["train", "--lr", "-0.1", "--data", "data"],
               "--lr must be a positive number, got -0.1", setup: { try $0.data() }),
        .usage("train", "--momentum -0.5", ["train", "--momentum", "-0.5", "--data", "data"], "--momentum must be in [0, 1), got -0.5",
               setup: { try $0.data() }),
        .usage("train", "--seed -1", ["train", "--seed", "-1"], "'-1' is invalid for '--seed"),
        .usage("train", "--train-subset -5", ["train", "--train-subset", "-5", "--data", "data"], "--train-subset must be at least 1, got -5",
               setup: { try $0.data() }),
        .usage("train", "--validation -3", ["train", "--validation", "-3", "--data", "data"], "--validation must be ≥ 0, got -3",
               setup: { try $0.data() }),
        .usage("train", "--weight-decay -1", ["train", "--weight-decay", "-1", "--data", "data"], "--weight-decay must be finite and ≥ 0",
               setup: { try $0.data() }),
        .usage("train", "--radius -0.01 with PLA", ["train", "--loss", "pla", "--smooth", "1", "--radius", "-0.01", "--data", "data"],
               "--radius must be a finite number ≥ 0, got -0.01", setup: { try $0.data() }),
        .usage("train", "--threads beyond the machine's cores", ["train", "--threads", "10000"], "--threads 10000 is more than the"),
        .usage("bench", "--threads beyond the machine's cores", ["bench", "--threads", "10000"], "--threads 10000 is more than the"),
        .usage("train", "--allow-data-change without --resume", tiny + ["--allow-data-change"], "--allow-data-change goes with --resume"),
        .usage("train", "--resume on data other than the run's", ["train", "--resume", "run.ckpt", "--data", "data", "--threads", "1"],
               "is not the data run.ckpt was trained on (train_images differ)",
               setup: { w in
                   try w.data(change: (trainImages, { bytes in var b = bytes; b[1000] ^= 0xFF; return b }))
                   try w.copy(Fixtures.shared.checkpoint, to: "run.ckpt")
               }, unchanged: ["run.ckpt"]),
        .failure("train", "a data folder whose name holds a newline and an escape", ["train", "--data", "da\nta\u{1B}[2J", "--epochs", "1"],
                 "da\\nta\\u{1B}[2J", setup: { _ in }),
        .usage("fit-cooling", "--from -19", ["fit-cooling", "run.h5", "--from", "-19"], "--from takes an epoch > 0",
               setup: { try $0.trace() }, unchanged: ["run.h5"]),
        .usage("fit-cooling", "--to -1", ["fit-cooling", "run.h5", "--to", "-1"], "--to takes an epoch > 0",
               setup: { try $0.trace() }, unchanged: ["run.h5"]),
        .usage("fit-cooling", "--bootstrap -1", ["fit-cooling", "run.h5", "--bootstrap", "-1"], "--bootstrap takes a number of replicates ≥ 0",
               setup: { try $0.trace() }, unchanged: ["run.h5"]),
        .failure("temperature", "a trace whose run diverged in its first epoch", ["temperature", "nan.h5"],
                 "its run diverged during the first epoch, so there is nothing to analyse",
                 setup: { w in
                     try w.data()
                     let run = try runThermo(tiny + ["--lr", "1e12", "--trace", "nan.h5"], in: w.folder)
                     guard run.status == 3 else { throw CatalogueError("the diverging run ended with \(run.status): \(run.stderr)") }
                 }, unchanged: ["nan.h5"]),
    ]
}
