import Foundation
import HDF5
import TestSupport

/// Bytes of an IDX header declaring `dimensions` (unsigned bytes), without data.
private func idxHeader(_ dimensions: [UInt32]) -> [UInt8] {
    [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { d in [UInt8(d >> 24), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
}

private let trainImages = "train-images-idx3-ubyte"
private let tiny = Fixtures.tinyRun
/// A run whose summary (30 epochs of metrics, about 11 KB) exceeds a 4 KiB file size limit.
private let thirtyEpochs = Fixtures.tinyRun.map { $0 == "2" ? "30" : $0 }

extension BadInput {
    /// Every case, command by command. Add a command's cases as rows here.
    static let catalogue: [BadInput] = train + trainOutputs + dataCommands + traceCommands + analyses + plots
        + inconsistentTraceReaders + longTables + sweep + bench + probe + curvature + binaryDataSets

    // MARK: thermo train

    static let train: [BadInput] = [
        .failure("train", "data folder does not exist", tiny, "not found; looked in 1) ",
                 setup: { _ in }),
        .failure("train", "--data names a file", ["train", "--data", "notes.txt", "--epochs", "1"], "a file, not a folder",
                 setup: { try $0.write("notes.txt", "hello") }, unchanged: ["notes.txt"]),
        .failure("train", "empty image file", tiny, "too short for an IDX header",
                 setup: { try $0.data(change: (trainImages, { _ in [] })) }, unchanged: ["data/\(trainImages)"]),
        .failure("train", "truncated gzip image file", tiny, "is truncated",
                 setup: { try $0.truncatedGzip(file: trainImages, keep: 4000) }, unchanged: ["data/\(trainImages).gz"]),
        .failure("train", "IDX header declaring 2^96 bytes", tiny, "more than thermo accepts",
                 setup: { try $0.data(change: (trainImages, { _ in idxHeader([.max, .max, .max]) })) }),
        .failure("train", "IDX header declaring more than the file holds", tiny, "is truncated: its data ends at byte 16 of 3,136,016 declared",
                 setup: { try $0.data(change: (trainImages, { _ in idxHeader([4000, 28, 28]) })) }),
        .failure("train", "IDX label file with a label out of range", tiny, "has 10 classes",
                 setup: { try $0.data(change: ("train-labels-idx1-ubyte", { bytes in var b = bytes; b[8] = 42; return b })) }),
        .failure("train", "--resume of a missing checkpoint", ["train", "--resume", "gone.ckpt", "--data", "data"], "does not exist",
                 setup: { try $0.data() }),
        .failure("train", "--resume of a folder", ["train", "--resume", "data", "--data", "data"], "is a folder, not a checkpoint file",
                 setup: { try $0.data() }),
        .failure("train", "--resume of an empty file", ["train", "--resume", "empty.ckpt", "--data", "data"], "is not a thermo checkpoint",
                 setup: { try $0.data(); try $0.write("empty.ckpt", "") }, unchanged: ["empty.ckpt"]),
        .failure("train", "--resume of a truncated checkpoint", ["train", "--resume", "cut.ckpt", "--data", "data"], "checksum mismatch",
                 setup: { w in try w.data(); let b = try Data(contentsOf: Fixtures.shared.checkpoint); try b.prefix(b.count - 100).write(to: w.url("cut.ckpt")) },
                 unchanged: ["cut.ckpt"]),
        .usage("train", "--resume with a changed flag", ["train", "--resume", "run.ckpt", "--data", "data", "--lr", "0.5"], "only --epochs may differ",
               setup: { try $0.data(); try $0.copy(Fixtures.shared.checkpoint, to: "run.ckpt") }),
        .usage("train", "existing summary without --force", tiny + ["--summary", "old.json"], "already exists; pass --force",
               setup: { try $0.data(); try $0.write("old.json", "{\"mine\": true}") }, unchanged: ["old.json"]),
        .usage("train", "existing trace without --force", tiny + ["--trace", "old.h5"], "already exists; pass --force",
               setup: { try $0.data(); try $0.trace("old.h5") }, unchanged: ["old.h5"]),
        .usage("train", "output into a missing folder", tiny + ["--summary", "nowhere/run.json"], "--summary nowhere/run.json: its folder nowhere does not exist; create it first",
               setup: { try $0.data() }),
        .usage("train", "output naming a folder", tiny + ["--summary", "data"], "--summary data is a folder; give a file name",
               setup: { try $0.data() }),
        .usage("train", "output into a folder without write permission", tiny + ["--summary", "locked/run.json"], "is not writable",
               setup: { try $0.data(); try $0.makeFolder("locked"); try $0.chmod("locked", 0o555) }, unprivileged: true),
        .failure("train", "full disk writing the summary", thirtyEpochs + ["--summary", "run.json"], "cannot write run.json: File too large",
                 setup: { try $0.data() }, absent: ["run.json"], fileLimitKiB: 4),
        .failure("train", "full disk replacing a summary (--force)", thirtyEpochs + ["--summary", "old.json", "--force"], "cannot write old.json: File too large",
                 setup: { try $0.data(); try $0.write("old.json", "{\"mine\": true}") }, unchanged: ["old.json"], fileLimitKiB: 4),
        .failure("train", "full disk creating the trace", tiny + ["--trace", "run.h5"], "trace run.h5 cannot be created: file write failed: file too large",
                 setup: { try $0.data() }, absent: ["run.h5"], fileLimitKiB: 4),
        .failure("train", "full disk replacing a trace (--force)", tiny + ["--trace", "old.h5", "--force"], "cannot be created: file write failed: file too large",
                 setup: { try $0.data(); try $0.trace("old.h5") }, unchanged: ["old.h5"], fileLimitKiB: 8),
        .failure("train", "full disk writing a checkpoint", tiny + ["--checkpoint", "run.ckpt", "--checkpoint-every", "1"], "cannot write run.ckpt: File too large",
                 setup: { try $0.data() }, absent: ["run.ckpt"], fileLimitKiB: 4),
        .usage("train", "non-numeric --lr", ["train", "--lr", "fast"], "--lr"),
        .usage("train", "--layers with a word", ["train", "--layers", "784,wide,10", "--data", "data"], "'wide' is not a whole number",
               setup: { try $0.data() }),
        .usage("train", "--layers with a zero width", ["train", "--layers", "784,0,10", "--data", "data"], "at least two positive widths",
               setup: { try $0.data() }),
        .usage("train", "--layers too wide for the memory", ["train", "--layers", "784,100000000,10", "--data", "data"], "more than this machine's",
               setup: { try $0.data() }),
        .usage("train", "--layers beyond any machine", ["train", "--layers", "784,4611686018427387904,10", "--data", "data"],
               "has more parameters than any machine holds", setup: { try $0.data() }),
        .usage("train", "--network with an unknown token", ["train", "--network", "conv8,dropout,fc10", "--data", "data"],
               "--network 'dropout' is not a layer", setup: { try $0.data() }),
        .usage("train", "--network whose parameters overflow (huge kernels on huge channel counts)",
               ["train", "--network", "conv1048576:k28" + String(repeating: ",conv1048576:k1024:p512,conv1048576:k1024:p511", count: 4) + ",fc10",
                "--data", "data"],
               "--network 'conv1048576:k1024:p512' brings the network to more parameters than any machine holds", setup: { try $0.data() }),
        .usage("train", "--network pooling below 1×1", ["train", "--network", "pool,pool,pool,pool,pool,fc10", "--data", "data"],
               "'pool' would pool its 1×1×1 input below 1×1", setup: { try $0.data() }),
        .usage("train", "--network kernel larger than its map", ["train", "--network", "conv8:k31,fc10", "--data", "data"],
               "'conv8:k31' has a 31×31 kernel (padding 0), larger than its 1×28×28 input", setup: { try $0.data() }),
        .usage("train", "--network not ending with the class count", ["train", "--network", "conv8,fc7", "--data", "data"],
               "ends with 7 outputs, but mnist has 10 classes; end with fc10", setup: { try $0.data() }),
        .usage("train", "--network with --layers", ["train", "--network", "conv8,fc10", "--layers", "784,10", "--data", "data"],
               "both describe the network; give one of them", setup: { try $0.data() }),
        .usage("train", "--smooth conv on an MLP", ["train", "--layers", "784,10", "--loss", "pla", "--radius", "0.01", "--smooth", "conv", "--data", "data"],
               "conv names every convolution, but this network has none", setup: { try $0.data() }),
        .usage("train", "--threads 0", ["train", "--threads", "0"], "--threads must be at least 1"),
        .usage("train", "--checkpoint-every 0", ["train", "--checkpoint-every", "0"], "--checkpoint-every must be at least 1"),
        .usage("train", "--epochs 0", ["train", "--epochs", "0", "--data", "data"], "--epochs", setup: { try $0.data() }),
        .usage("train", "--batch-size -1", ["train", "--batch-size", "-1", "--data", "data"], "--batch-size", setup: { try $0.data() }),
        .usage("train", "--momentum 1.5", ["train", "--momentum", "1.5", "--data", "data"], "--momentum", setup: { try $0.data() }),
        .usage("train", "--lr nan", ["train", "--lr", "nan", "--data", "data"], "--lr", setup: { try $0.data() }),
        .usage("train", "--loss pla without --radius", ["train", "--loss", "pla", "--smooth", "1", "--data", "data"], "--radius is needed",
               setup: { try $0.data() }),
        .usage("train", "--smooth without a smoothing loss", ["train", "--smooth", "1", "--data", "data"], "--smooth needs --loss pla or plea; with cross-entropy it does nothing",
               setup: { try $0.data() }),
        .usage("train", "--samples with cross-entropy", tiny + ["--samples", "8"], "--samples needs --loss pla or plea; with cross-entropy it does nothing",
               setup: { try $0.data() }),
        .usage("train", "--kernel and --smoothing-path with cross-entropy", tiny + ["--loss", "ce", "--kernel", "gaussian", "--smoothing-path", "naive"],
               "--kernel and --smoothing-path need --loss pla or plea; with cross-entropy they do nothing", setup: { try $0.data() }),
        .usage("train", "--radius with the Gaussian kernel", tiny + ["--loss", "plea", "--smooth", "2", "--kernel", "gaussian", "--gamma", "100", "--radius", "0.3"],
               "--radius belongs to the uniform kernel; with --kernel gaussian the spread is --gamma", setup: { try $0.data() }),
        .usage("train", "--resume with another --record for its trace", ["train", "--resume", "run.ckpt", "--data", "data", "--threads", "1", "--trace", "run.h5", "--record", "layers"],
               "--record layers: trace run.h5 records", setup: { w in try w.data(); try w.copy(Fixtures.shared.checkpoint, to: "run.ckpt"); try w.copy(Fixtures.shared.trace, to: "run.h5") },
               unchanged: ["run.ckpt", "run.h5"]),
        .usage("train", "--augment with colour operations on grey images", tiny + ["--augment", "paper-stl"],
               "--augment paper-stl changes colours (grayscale, saturation, hue), but mnist has 1-channel images; use --augment paper-cifar or none",
               setup: { try $0.data() }),
        .usage("train", "--augment with an unknown recipe", ["train", "--augment", "cifar", "--data", "data"],
               "--augment 'cifar' is not an augmentation recipe; choose none, paper-cifar, paper-stl", setup: { try $0.data() }),
        .usage("train", "--augment with an unknown part", ["train", "--augment", "paper-cifar,flop=1", "--data", "data"],
               "--augment 'flop=1' is not an augmentation part; parts are crop=…", setup: { try $0.data() }),
        .usage("train", "--flip out of range", ["train", "--flip", "1.5", "--data", "data"],
               "--flip takes a probability P in [0, 1], got '1.5'", setup: { try $0.data() }),
        .usage("train", "a negative --rotation", ["train", "--rotation", "-1", "--data", "data"],
               "--rotation takes degrees D in [0, 180], got '-1'", setup: { try $0.data() }),
        .usage("train", "--crop-ratio without a crop", ["train", "--crop-ratio", "0.5:2", "--data", "data"],
               "--crop-ratio needs a crop: give --crop-scale A:B too", setup: { try $0.data() }),
        .usage("train", "a part flag followed by another flag instead of its value", ["train", "--flip", "--jitter", "0.1", "--data", "data"],
               "--flip needs a value before the next flag '--jitter'", setup: { try $0.data() }),
        .usage("train", "a part given in --augment and as its flag", ["train", "--augment", "paper-cifar,flip=0.5", "--flip", "0.2", "--data", "data"],
               "--flip repeats the part flip; give it once", setup: { try $0.data() }),
        .usage("train", "a colour part on grey images", tiny + ["--grayscale", "0.2"],
               "--augment grayscale=0.2 changes colours (grayscale, saturation, hue), but mnist has 1-channel images; set its colour parts to 0",
               setup: { try $0.data() }),
        .usage("train", "--record without --trace", ["train", "--record", "layers"], "--record needs --trace"),
        .usage("train", "unknown --record level", ["train", "--trace", "x.h5", "--record", "everything"], "not a recording level",
               absent: ["x.h5"]),
    ]

    // MARK: thermo data verify, thermo data fetch

    static let dataCommands: [BadInput] = [
        .failure("data verify", "data folder does not exist", ["data", "verify", "--data", "nowhere"], "not found; looked in 1) "),
        .failure("data verify", "--data names a file", ["data", "verify", "--data", "notes.txt"], "a file, not a folder",
                 setup: { try $0.write("notes.txt", "hello") }),
        .usage("data verify", "unknown data set", ["data", "verify", "cifar"], "unknown data set 'cifar'"),
        .usage("data fetch", "unknown data set", ["data", "fetch", "emnist", "--to", "fetched"], "unknown data set 'emnist'", absent: ["fetched"]),
        .failure("data verify", "empty image file", ["data", "verify", "--data", "data"], "too short for an IDX header",
                 setup: { try $0.data(change: (trainImages, { _ in [] })) }, unchanged: ["data/\(trainImages)"]),
        .failure("data verify", "truncated gzip image file", ["data", "verify", "--data", "data"], "is truncated",
                 setup: { try $0.truncatedGzip(file: trainImages, keep: 4000) }, unchanged: ["data/\(trainImages).gz"]),
        .failure("data verify", "IDX header declaring 2^96 bytes", ["data", "verify", "--data", "data"], "more than thermo accepts",
                 setup: { try $0.data(change: (trainImages, { _ in idxHeader([.max, .max, .max]) })) }, unchanged: ["data/\(trainImages)"]),
        .usage("data fetch", "--mirror that is not a URL", ["data", "fetch", "mnist", "--mirror", "not a url", "--to", "fetched"],
               "--mirror takes the http:// or https:// URL", absent: ["fetched"]),
        .usage("data fetch", "--mirror with another scheme", ["data", "fetch", "mnist", "--mirror", "ftp://example.org/mnist", "--to", "fetched"],
               "--mirror takes the http:// or https:// URL", absent: ["fetched"]),
        .usage("data fetch", "file:// mirror written with two slashes", ["data", "fetch", "cifar10", "--mirror", "file://relative/folder", "--to", "fetched"],
               "three slashes (file:///ABSOLUTE/FOLDER)", absent: ["fetched"]),
        .failure("data fetch", "mirror that cannot be reached", ["data", "fetch", "mnist", "--mirror", "http://127.0.0.1:9/", "--to", "fetched"],
                 "cannot reach any mirror", absent: ["fetched"]),
        .failure("data fetch", "mirror serving a truncated gzip", ["data", "fetch", "mnist", "--mirror", "MIRROR", "--to", "fetched"],
                 "nothing was moved into place",
                 setup: { w in
                     try w.makeFolder("mirror")
                     for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.shared.data.path) {
                         let compressed = try gzip(Data(contentsOf: Fixtures.shared.data.appendingPathComponent(name)))
                         try (name == trainImages ? compressed.prefix(3000) : compressed).write(to: w.url("mirror/\(name).gz"))
                     }
                 }, absent: ["fetched"], mirror: true),
        .failure("data fetch", "existing files without --force", ["data", "fetch", "mnist", "--mirror", "http://127.0.0.1:9/", "--to", "data"],
                 "already holds train-images-idx3-ubyte.gz; nothing was downloaded — pass --force",
                 setup: { w in try w.makeFolder("data"); try w.write("data/\(trainImages).gz", "mine") }, unchanged: ["data/\(trainImages).gz"]),
    ]

    // MARK: CIFAR-10 and STL-10 binary files (read by thermo train --dataset cifar10|stl10)

    /// Full-size files are written sparse (zero bytes cost no disk), with the one wrong byte or size each case needs.
    static let binaryDataSets: [BadInput] = {
        let cifar = ["train", "--dataset", "cifar10", "--data", "data", "--epochs", "1"]
        let stl = ["train", "--dataset", "stl10", "--data", "data", "--epochs", "1"]
        let batch = 10_000 * 3_073
        let stlTrainX = 5_000 * 27_648
        return [
            .failure("train", "truncated CIFAR-10 batch", cifar, "data_batch_2.bin is truncated: it ends at byte 30,000,000",
                     setup: { try $0.cifar(sizes: ["data_batch_2.bin": 30_000_000]) }, unchanged: ["data/data_batch_2.bin"]),
            .failure("train", "CIFAR-10 batch of 9,999 records", cifar, "holds 9,999 whole records",
                     setup: { try $0.cifar(sizes: ["test_batch.bin": batch - 3_073]) }),
            .failure("train", "CIFAR-10 label byte of 10", cifar, "gives record 2 the label 10 (byte 6,146), but cifar10 labels are 0…9",
                     setup: { try $0.cifar(patches: ["data_batch_1.bin": [(2 * 3_073, [10])]]) }),
            .failure("train", "missing CIFAR-10 batch file", cifar, "missing data_batch_5.bin",
                     setup: { try $0.cifar(skip: "data_batch_5.bin") }),
            .failure("train", "STL-10 label outside 1–10", stl, "train_y.bin gives record 0 the label 0 (byte 0), but stl10 labels are 1…10",
                     setup: { try $0.stl(trainLabels: [0] + [UInt8](repeating: 1, count: 4_999)) }),
            .failure("train", "STL-10 image and label files that disagree", stl, "holds 5,000 images (138,240,000 bytes) but ",
                     setup: { try $0.stl(trainLabels: [UInt8](repeating: 1, count: 4_999)) }),
            .failure("train", "STL-10 image file of part of an image", stl, "train_X.bin is truncated",
                     setup: { try $0.stl(trainXSize: stlTrainX - 7) }),
        ]
    }()

    // MARK: thermo inspect, thermo recover

    /// The trace files every command that reads traces refuses, for `command`.
    static func traceFiles(_ command: String) -> [BadInput] {
        [
            .failure(command, "trace does not exist", [command, "gone.h5"], "gone.h5 does not exist"),
            .failure(command, "a folder", [command, "folder.h5"], "is a folder, not a trace file", setup: { try $0.makeFolder("folder.h5") }),
            .failure(command, "an empty file", [command, "empty.h5"], "is not an HDF5 file", setup: { try $0.write("empty.h5", "") },
                     unchanged: ["empty.h5"]),
            .failure(command, "a text file", [command, "notes.h5"], "is not an HDF5 file", setup: { try $0.write("notes.h5", "hello\n") },
                     unchanged: ["notes.h5"]),
            .failure(command, "an HDF5 file that is not a trace", [command, "other.h5"], "is an HDF5 file but not a thermo trace",
                     setup: { w in let f = try File.create(w.url("other.h5").path); _ = try f.createGroup("results"); try f.close() },
                     unchanged: ["other.h5"]),
            .failure(command, "a trace of a newer major version", [command, "run.h5"], "newer than the version 1 this thermo reads",
                     setup: { try $0.trace { try $0.setAttribute("format_version_major", 2) } }, unchanged: ["run.h5"]),
            .failure(command, "a trace cut in the middle", [command, "cut.h5"], "is shorter than the length its HDF5 superblock records",
                     setup: { w in try Data(contentsOf: Fixtures.shared.trace).prefix(20_000).write(to: w.url("cut.h5")) },
                     unchanged: ["cut.h5"]),
            .failure(command, "a trace whose data no longer reads back", [command, "zeroed.h5"],
                     command == "recover" ? "has no complete epoch whose data reads back" : "holds data that cannot be read",
                     setup: { w in
                         // Its last quarter (the last-written chunks of every epoch) as zeros: the metadata is intact.
                         let full = try Data(contentsOf: Fixtures.shared.trace), kept = full.count * 3 / 4
                         try (full.prefix(kept) + Data(count: full.count - kept)).write(to: w.url("zeroed.h5"))
                     },
                     unchanged: ["zeroed.h5"]),
        ]
    }

    /// The cases every trace reader shares, for `command` (inspect or recover).
    static func traceReading(_ command: String) -> [BadInput] {
        traceFiles(command) + [
            .failure(command, "a negative marker", [command, "run.h5"], "impossible marker /completed_epochs = -3",
                     setup: { try $0.trace { try $0.openDataset("completed_epochs").write([Int64(-3)]) } }, unchanged: ["run.h5"]),
            .failure(command, "a marker beyond the planned epochs", [command, "run.h5"], "counts 9 complete epochs of 2 planned",
                     setup: { try $0.trace { try $0.openDataset("completed_epochs").write([Int64(9)]) } }, unchanged: ["run.h5"]),
            .failure(command, "a zero layer width", [command, "run.h5"], "impossible layer widths [784, 0, 10]",
                     setup: { try $0.trace { try $0.setAttribute("widths", [784, 0, 10]) } }, unchanged: ["run.h5"]),
            .failure(command, "a single layer width", [command, "run.h5"], "impossible layer widths [784]",
                     setup: { try $0.trace { try $0.setAttribute("widths", [784]) } }, unchanged: ["run.h5"]),
            .failure(command, "zero steps per epoch", [command, "run.h5"], "steps_per_epoch = 0",
                     setup: { try $0.trace { try $0.setAttribute("steps_per_epoch", 0) } }, unchanged: ["run.h5"]),
            .failure(command, "an unknown status code", [command, "run.h5"], "unknown status code 99",
                     setup: { try $0.trace { try $0.openDataset("status").write([Int64(99)]) } }, unchanged: ["run.h5"]),
        ]
    }

    static let traceCommands: [BadInput] = traceReading("inspect") + traceReading("recover") + [
        BadInput(command: "inspect", name: "NaN and ∞ in a trace's metrics", arguments: ["inspect", "run.h5"], status: 0,
                 message: "train loss nan",
                 setup: { try $0.trace { f in
                     let loss = try f.openDataset("epochs/train_loss")
                     try loss.write([Double.nan], start: [1], count: [1])
                     try f.openDataset("epochs/layer_signal").write([Double.infinity, -Double.infinity], start: [1, 0], count: [1, 2])
                 } }, unchanged: ["run.h5"]),
        .failure("inspect", "a variable emptied below the markers", ["inspect", "run.h5"],
                 "has 0 rows of /epochs/layer_signal where /completed_epochs counts 2 complete epochs",
                 setup: { try $0.trace { f in
                     let signal = try f.openDataset("epochs/layer_signal")
                     try signal.resize(to: [0, 2])
                 } }, unchanged: ["run.h5"]),
        .failure("inspect", "an epoch number that is no integer", ["inspect", "run.h5"], "which is no epoch or step number",
                 setup: { try $0.trace { try $0.openDataset("epochs/epoch").write([Int64.max], start: [1], count: [1]) } },
                 unchanged: ["run.h5"]),
        .usage("inspect", "--interval 0", ["inspect", "run.h5", "--interval", "0"], "--interval must be a positive number",
               setup: { try $0.trace() }),
        .usage("inspect", "--interval 1e10 (beyond a day)", ["inspect", "run.h5", "--follow", "--interval", "1e10"], "at most 86400",
               setup: { try $0.trace() }),
        .usage("inspect", "--interval nan", ["inspect", "run.h5", "--follow", "--interval", "nan"], "--interval must be a positive number",
               setup: { try $0.trace() }),
        .usage("inspect", "unknown --format", ["inspect", "run.h5", "--format", "xml"], "'xml' is invalid for '--format", setup: { try $0.trace() }),
    ]

    // MARK: thermo temperature, thermo regimes, thermo fit-cooling

    /// The input cases every analysis shares (traces and long tables), for `command`.
    static func analysisInputs(_ command: String) -> [BadInput] {
        traceFiles(command) + [
            .failure(command, "a missing input (the message names both kinds)", [command, "gone.h5"], "give a trace written by 'thermo train --trace"),
            .failure(command, "CSV without the needed columns", [command, "t.csv"], "missing columns epoch, layer, signal",
                     setup: { try $0.write("t.csv", "hello\n") }, unchanged: ["t.csv"]),
            .failure(command, "CSV with a non-numeric cell", [command, "t.csv"], "t.csv:4:5: column signal: \"high\" is not a number",
                     setup: { try $0.write("t.csv", table { $0[3] = "2,1,high,0.1" }) }),
            .failure(command, "CSV with a short line", [command, "t.csv"], "t.csv:4: 2 fields, at least 4 needed",
                     setup: { try $0.write("t.csv", table { $0[3] = "2,1" }) }),
            .failure(command, "CSV with a header only", [command, "t.csv"], "it has no data rows",
                     setup: { try $0.write("t.csv", "epoch,layer,signal,noise\n") }),
            .usage(command, "unknown --format", [command, "t.csv", "--format", "xml"], "'xml' is invalid for '--format",
                   setup: { try $0.write("t.csv", table()) }),
        ]
    }

    /// Writes NaN into layer 1's signal at epoch 2 and −1 into layer 2's at epoch 1: values no run records.
    @Sendable static func damagedSignal(_ file: File) throws {
        let signal = try file.openDataset("epochs/layer_signal")
        try signal.write([Double.nan], start: [1, 0], count: [1, 1])
        try signal.write([-1.0], start: [0, 1], count: [1, 1])
    }

    static let analyses: [BadInput] = analysisInputs("temperature") + analysisInputs("regimes") + analysisInputs("fit-cooling") + [
        .usage("temperature", "--epochs 5:1 (empty)", ["temperature", "run.h5", "--epochs", "5:1"], "is empty: its first epoch comes after its last",
               setup: { try $0.trace() }),
        .usage("temperature", "--epochs with a word", ["temperature", "run.h5", "--epochs", "five:"], "'five:' is invalid for '--epochs",
               setup: { try $0.trace() }),
        .usage("temperature", "--window 0", ["temperature", "run.h5", "--window", "0"], "--window takes a positive number of steps",
               setup: { try $0.trace() }),
        .usage("temperature", "--window -5", ["temperature", "run.h5", "--window", "-5"], "--window takes a positive number of steps",
               setup: { try $0.trace() }),
        .failure("temperature", "--window on a table", ["temperature", "t.csv", "--window", "5"], "forms statistics from the per-step record of a trace",
                 setup: { try $0.write("t.csv", table()) }),
        .failure("temperature", "--layers beyond the trace", ["temperature", "run.h5", "--layers", "9"], "--layers 9: run.h5 has layers 1…2",
                 setup: { try $0.trace() }),
        .failure("temperature", "--layers with a word", ["temperature", "run.h5", "--layers", "1,x"], "--layers x: run.h5 has layers 1…2",
               setup: { try $0.trace() }),
        BadInput(command: "temperature", name: "NaN in a table (shown, with a note)", arguments: ["temperature", "t.csv"], status: 0,
                 message: "note: t.csv: 1 value of S or σ is NaN, infinite or negative (first: layer 1, epoch 3, S = NaN)",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,nan,0.1" }) }),
        BadInput(command: "temperature", name: "NaN and a negative S in a trace (shown, with a note)", arguments: ["temperature", "run.h5"],
                 status: 0, message: "2 values of S or σ are NaN, infinite or negative (first: layer 1, epoch 2, S = NaN)",
                 setup: { try $0.trace(edit: damagedSignal) }, unchanged: ["run.h5"]),
        .usage("regimes", "no input", ["regimes"], "give at least one input"),
        .usage("regimes", "--candidates 0", ["regimes", "t.csv", "--candidates", "0"], "--candidates must be at least 1",
               setup: { try $0.write("t.csv", table()) }),
        .usage("regimes", "--threshold nan", ["regimes", "t.csv", "--threshold", "nan"], "--threshold takes a finite ΔAIC",
               setup: { try $0.write("t.csv", table()) }),
        BadInput(command: "regimes", name: "NaN and a negative signal in a table (left out, with a note)", arguments: ["regimes", "t.csv"],
                 status: 0, message: "2 points with non-positive or non-finite values left out of the onset fits",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,nan,0.1"; $0[7] = "4,1,-1,0.1" }) }),
        .usage("fit-cooling", "--bootstrap -1", ["fit-cooling", "t.csv", "--bootstrap", "-1"], "--bootstrap takes a number of replicates ≥ 0",
               setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "--level 1.5", ["fit-cooling", "t.csv", "--level", "1.5"], "--level takes a confidence level in (0, 1)",
               setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "--bound without NAME=", ["fit-cooling", "t.csv", "--bound", "junk"], "--bound takes NAME=LO:HI",
               setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "--bound with LO > HI", ["fit-cooling", "t.csv", "--model", "power", "--bound", "alpha=2:-2"],
               "--bound takes NAME=LO:HI, e.g. beta=-2:2; got 'alpha=2:-2'", setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "--bound of another model's parameter", ["fit-cooling", "t.csv", "--model", "power", "--bound", "gamma=1:2"],
               "the power model's parameters are alpha", setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "--from after --to", ["fit-cooling", "t.csv", "--from", "30", "--to", "10"], "--from 30 is after --to 10",
               setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "--max-iterations 0", ["fit-cooling", "t.csv", "--max-iterations", "0"], "--max-iterations must be at least 1",
               setup: { try $0.write("t.csv", table()) }),
        .failure("fit-cooling", "a run too short for a late regime", ["fit-cooling", "run.h5"], "give the window with --from EPOCH",
                 setup: { try $0.trace() }, unchanged: ["run.h5"]),
        .failure("fit-cooling", "NaN in a trace's signal", ["fit-cooling", "run.h5", "--from", "1"], "non-finite entry (NaN) at epoch 2",
                 setup: { try $0.trace(edit: damagedSignal) }, unchanged: ["run.h5"]),
        BadInput(command: "regimes", name: "NaN and a negative S in a trace (left out, with a note)", arguments: ["regimes", "run.h5"],
                 status: 0, message: "2 points with non-positive or non-finite values left out of the onset fits",
                 setup: { try $0.trace(edit: damagedSignal) }, unchanged: ["run.h5"]),
        .failure("fit-cooling", "NaN in the signal", ["fit-cooling", "t.csv"], "non-finite entry (NaN) at epoch 3",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,nan,0.1" }) }),
        .failure("fit-cooling", "∞ in the signal", ["fit-cooling", "t.csv"], "non-finite entry (∞) at epoch 3",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,inf,0.1" }) }),
        .failure("fit-cooling", "a negative signal", ["fit-cooling", "t.csv"], "signal is -1 at epoch 3",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,-1,0.1" }) }),
        .usage("temperature", "a layer given twice", ["temperature", "run.h5", "--layers", "2,2"], "--layers 2,2 names layer 2 more than once; give each layer once",
               setup: { try $0.trace() }),
        .usage("regimes", "a layer given twice", ["regimes", "t.csv", "--layers", "1,2,1"], "--layers 1,2,1 names layer 1 more than once; give each layer once",
               setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "a layer given twice", ["fit-cooling", "t.csv", "--layers", "1,1,1", "--from", "4"],
               "--layers 1,1,1 names layer 1 more than once; give each layer once", setup: { try $0.write("t.csv", table()) }),
        .usage("fit-cooling", "the same table under two names", ["fit-cooling", "t.csv", "./t.csv", "--from", "4"],
               "t.csv and ./t.csv are the same file: its run would count twice; give each run once", setup: { try $0.write("t.csv", table()) }),
        .failure("fit-cooling", "a copy of a trace beside it (the same run_id)", ["fit-cooling", "run.h5", "copy.h5", "--from", "1"],
                 "run.h5 and copy.h5 hold the same run (run_id", setup: { try $0.trace(); try $0.trace("copy.h5") }, unchanged: ["run.h5", "copy.h5"]),
        .failure("fit-cooling", "two tables holding the same numbers (a copy under another name)", ["fit-cooling", "t.csv", "u.csv", "--from", "1"],
                 "t.csv and u.csv hold the same numbers", setup: { try $0.write("t.csv", table()); try $0.write("u.csv", table()) },
                 unchanged: ["t.csv", "u.csv"]),
        .failure("fit-cooling", "a table beside a part of itself (layer 1 only)", ["fit-cooling", "t.csv", "part.csv", "--from", "1"],
                 "t.csv and part.csv hold the same numbers",
                 setup: { w in
                     try w.write("t.csv", table())
                     let lines = table().split(separator: "\n")
                     try w.write("part.csv", ([lines[0]] + lines.dropFirst().filter { $0.split(separator: ",")[1] == "1" }).joined(separator: "\n") + "\n")
                 }, unchanged: ["t.csv", "part.csv"]),
        .failure("fit-cooling", "--block-length as long as the window", ["fit-cooling", "t.csv", "--from", "1", "--bootstrap", "20", "--block-length", "40"],
                 "a bootstrap block of 40 epochs is not shorter than the 40 epochs in the window [1, 40]: every replicate would be the data themselves (an interval of zero width); the largest block is 39",
                 setup: { try $0.write("t.csv", table()) }),
    ]

    // MARK: thermo plot

    /// A long table of `rows` (epoch, layer, signal, noise) lines after the header, 40 epochs × 2 layers unless given.
    static func table(_ edit: (inout [String]) -> Void = { _ in }) -> String {
        var rows = ["epoch,layer,signal,noise"]
        for e in 1...40 { for l in 1...2 { rows.append("\(e),\(l),\(Double(l) / Double(e).squareRoot()),\(0.1 / Double(e))") } }
        edit(&rows)
        return rows.joined(separator: "\n") + "\n"
    }

    /// The table cases every layer-series figure shares.
    static func tableInputs(_ figure: String) -> [BadInput] {
        let command = "plot \(figure)"
        let plot = ["plot", figure, "-o", "fig.png"]
        return [
            .failure(command, "input does not exist", plot + ["gone.csv"], "gone.csv does not exist; give a trace written by 'thermo train --trace FILE.h5' or a CSV/TSV long table", absent: ["fig.png"]),
            .usage(command, "input is a folder", plot + ["tables.csv"], "tables.csv is a folder", setup: { try $0.makeFolder("tables.csv") }),
            .usage(command, "empty CSV", plot + ["empty.csv"], "no header line", setup: { try $0.write("empty.csv", "") }),
            .usage(command, "CSV without a signal/noise column", plot + ["t.csv"], "no signal, noise or temperature column",
                   setup: { try $0.write("t.csv", "epoch,layer,loss\n1,1,0.5\n") }),
            .usage(command, "CSV without a layer column", plot + ["t.csv"], "missing column layer",
                   setup: { try $0.write("t.csv", "epoch,signal\n1,0.5\n") }),
            .usage(command, "CSV with a non-numeric cell", plot + ["t.csv"], "t.csv:4:5: column signal: \"high\" is not a number",
                   setup: { try $0.write("t.csv", table { $0[3] = "2,1,high,0.1" }) }),
            .usage(command, "CSV with a short line", plot + ["t.csv"], "t.csv:4: 2 fields, at least 4 needed",
                   setup: { try $0.write("t.csv", table { $0[3] = "2,1" }) }),
            .usage(command, "CSV with a header only", plot + ["t.csv"], "holds no data rows", setup: { try $0.write("t.csv", "epoch,layer,signal\n") }),
            .usage(command, "input of an unknown kind", plot + ["run.json"], "cannot read run.json: the accepted inputs are",
                   setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") }),
        ]
    }

    static let plots: [BadInput] = tableInputs("signal") + tableInputs("temperature") + tableInputs("cooling") + [
        .usage("plot augment", "--augment with colour operations on grey images",
               ["plot", "augment", "--data", "data", "--augment", "paper-stl", "-o", "a.png"],
               "--augment paper-stl changes colours (grayscale, saturation, hue), but mnist has 1-channel images",
               setup: { try $0.data() }, absent: ["a.png", "a.gp"]),
        .failure("plot signal", "full disk writing the figure", ["plot", "signal", "t.csv", "-o", "fig.png"], "ends early",
                 setup: { try $0.write("t.csv", table()) }, absent: ["fig.png", "fig.gp", "fig.panel1.dat"], fileLimitKiB: 16),
        .failure("plot signal", "full disk replacing a figure (--force)", ["plot", "signal", "t.csv", "-o", "fig.png", "--force"], "ends early",
                 setup: { w in try w.write("t.csv", table()); try w.write("fig.png", "old figure"); try w.write("fig.gp", "old script") },
                 unchanged: ["fig.png", "fig.gp"], fileLimitKiB: 16),
        .failure("plot kernel", "full disk writing the data", ["plot", "kernel", "-o", "fig.png"], "cannot write: File too large",
                 absent: ["fig.png", "fig.gp", "fig.kernel.dat"], fileLimitKiB: 8),
        .usage("plot signal", "existing output without --force", ["plot", "signal", "t.csv", "-o", "fig.png"], "already exist",
               setup: { w in try w.write("t.csv", table()); try w.write("fig.png", "old figure") }, unchanged: ["fig.png"]),
        .usage("plot kernel", "output folder does not exist", ["plot", "kernel", "-o", "figs/k.png"], "does not exist; create it first"),
        .usage("plot kernel", "output folder without write permission", ["plot", "kernel", "-o", "locked/k.png"], "is not writable",
               setup: { try $0.makeFolder("locked"); try $0.chmod("locked", 0o555) }, unprivileged: true),
        .usage("plot kernel", "unknown output format", ["plot", "kernel", "-o", "k.doc"], "cannot tell the figure format", absent: ["k.doc"]),
        .usage("plot kernel", "output name starting with |", ["plot", "kernel", "-o", "|k.png"], "starts with '|'"),
        .usage("plot kernel", "--radius 0", ["plot", "kernel", "-o", "k.png", "--radius", "0"], "--radius must be a positive number"),
        .usage("plot kernel", "--sharpness with a word", ["plot", "kernel", "-o", "k.png", "--sharpness", "4,sharp"], "'sharp' is not one"),
        .usage("plot kernel", "--size 0,0", ["plot", "kernel", "-o", "k.png", "--size", "0,0"], "--size must be between"),
        .usage("plot kernel", "--dpi 0", ["plot", "kernel", "-o", "k.png", "--dpi", "0"], "--dpi must be between"),
        .usage("plot kernel", "--xrange 5:1", ["plot", "kernel", "-o", "k.png", "--xrange", "5:1"], "--xrange needs FROM < TO"),
        .failure("plot cooling", "NaN in the signal", ["plot", "cooling", "t.csv", "-o", "fig.png"], "non-finite entry (NaN) at epoch 3",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,nan,0.1" }) }, absent: ["fig.png"]),
        .failure("plot cooling", "∞ in the signal", ["plot", "cooling", "t.csv", "-o", "fig.png"], "non-finite entry (∞) at epoch 3",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,inf,0.1" }) }, absent: ["fig.png"]),
        .failure("plot cooling", "a negative signal", ["plot", "cooling", "t.csv", "-o", "fig.png"], "signal is -1 at epoch 3",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,-1,0.1" }) }, absent: ["fig.png"]),
        .failure("plot cooling", "a zero signal", ["plot", "cooling", "t.csv", "-o", "fig.png"], "signal is 0 at epoch 3",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,0,0.1" }) }, absent: ["fig.png"]),
        BadInput(command: "plot signal", name: "NaN and a negative signal (drawn, with a note)", arguments: ["plot", "signal", "t.csv", "-o", "fig.png"],
                 status: 0, message: "note: t.csv: 2 signal values are NaN, infinite or not positive (first: layer 1, epoch 3, nan)",
                 setup: { try $0.write("t.csv", table { $0[5] = "3,1,nan,0.1"; $0[7] = "4,1,-1,0.1" }) }),
        BadInput(command: "plot temperature", name: "a zero noise (drawn, with a note)", arguments: ["plot", "temperature", "t.csv", "-o", "fig.png"],
                 status: 0, message: "note: t.csv: 1 temperature value is NaN, infinite or not positive (first: layer 2, epoch 3, 0.0)",
                 setup: { try $0.write("t.csv", table { $0[6] = "3,2,0.5,0" }) }),
        .usage("plot cooling", "unknown --model", ["plot", "cooling", "t.csv", "-o", "fig.png", "--model", "cubic"], "Please provide one of 'nested', 'power', 'exponential' or 'stretched'",
               setup: { try $0.write("t.csv", table()) }),
        .usage("plot signal", "the same table twice", ["plot", "signal", "t.csv", "t.csv", "-o", "fig.png"],
               "t.csv and t.csv are the same file: its run would count twice", setup: { try $0.write("t.csv", table()) }, absent: ["fig.png"]),
        .usage("plot temperature", "unknown --run", ["plot", "temperature", "t.csv", "-o", "fig.png", "--run", "other"], "--run other is not among",
               setup: { try $0.write("t.csv", table()) }),
        .failure("plot curves", "summary does not exist", ["plot", "curves", "gone.json", "-o", "fig.png"], "gone.json does not exist"),
        .usage("plot curves", "a trace given as a summary", ["plot", "curves", "run.h5", "-o", "fig.png"], "run.h5 is an HDF5 trace, not a run summary",
               setup: { try $0.copy(Fixtures.shared.trace, to: "run.h5") }, absent: ["fig.png"]),
        .usage("plot curves", "empty summary", ["plot", "curves", "s.json", "-o", "fig.png"], "is not a thermo run summary",
               setup: { try $0.write("s.json", "") }),
        .usage("plot curves", "truncated JSON", ["plot", "curves", "s.json", "-o", "fig.png"], "invalid JSON",
               setup: { w in let b = try Data(contentsOf: Fixtures.shared.summary); try b.prefix(b.count / 2).write(to: w.url("s.json")) }),
        .usage("plot curves", "JSON of something else", ["plot", "curves", "s.json", "-o", "fig.png"], "no 'configuration'",
               setup: { try $0.write("s.json", "{\"name\": \"not a run\"}") }),
        .usage("plot curves", "a folder without summaries", ["plot", "curves", "runs", "-o", "fig.png"], "holds no .json summary files",
               setup: { try $0.makeFolder("runs") }),
        .usage("plot curves", "more --label than runs", ["plot", "curves", "run.json", "-o", "fig.png", "--label", "a", "--label", "b"],
               "--label was given 2 times for 1 runs", setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") }),
        .usage("plot curves", "--zoom beside the runs' epochs", ["plot", "curves", "run.json", "-o", "fig.png", "--zoom", "300:360"],
               "--zoom 300:360 holds none of the data's epochs", setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") }, absent: ["fig.png", "fig.gp"]),
        .usage("plot curves", "--zoom without a colon", ["plot", "curves", "run.json", "-o", "fig.png", "--zoom", "5"], "--zoom takes FROM:TO",
               setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") }),
        .usage("plot curves", "--zoom without its value, before another flag", ["plot", "curves", "run.json", "--zoom", "--logx", "-o", "fig.png"],
               "--zoom takes FROM:TO right after it, e.g. --zoom 10:200; it got the flag '--logx' instead",
               setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") }, absent: ["fig.png", "fig.gp"]),
        .usage("plot curves", "--xrange without its value, before another flag", ["plot", "curves", "run.json", "--xrange", "--logx", "-o", "fig.png"],
               "--xrange takes FROM:TO right after it, e.g. --xrange 10:200; it got the flag '--logx' instead",
               setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") }, absent: ["fig.png", "fig.gp"]),
        .usage("plot curves", "--zoom holding one epoch", ["plot", "curves", "run.json", "-o", "fig.png", "--zoom", "2:5"],
               "--zoom 2:5 holds 1 of the data's epochs (2); a line needs two", setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") },
               absent: ["fig.png", "fig.gp"]),
        .usage("plot curves", "--zoom with a negative start, given apart", ["plot", "curves", "run.json", "-o", "fig.png", "--zoom", "-5:1"],
               "--zoom -5:1 holds 1 of the data's epochs (1); a line needs two", setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") },
               absent: ["fig.png", "fig.gp"]),
        .usage("plot curves", "two copies of one summary", ["plot", "curves", "a.json", "b.json", "-o", "fig.png"],
               "a.json and b.json hold the same run (identical configuration and per-epoch results): one is a copy of the other, and it would count twice; give each run once",
               setup: { w in try w.copy(Fixtures.shared.summary, to: "a.json"); try w.copy(Fixtures.shared.summary, to: "b.json") }, absent: ["fig.png"]),
        .usage("plot sweep", "summary with a missing field", ["plot", "sweep", "s.json", "-o", "fig.png"], "no 'configuration.loss'",
               setup: { try $0.write("s.json", "{\"configuration\": {}, \"epochs\": []}") }),
        .failure("plot sweep", "no smoothing run among the inputs", ["plot", "sweep", "run.json", "-o", "fig.png"], "no smoothing run",
                 setup: { try $0.copy(Fixtures.shared.summary, to: "run.json") }, absent: ["fig.png"]),
        .usage("plot sweep", "the same sweep folder twice", ["plot", "sweep", "s", "./s/", "-o", "fig.png"],
               "s and ./s/ are the same folder: its runs would count twice; give each run once", setup: finishedSweep, absent: ["fig.png"]),
        .usage("plot sweep", "a sweep folder and a copy of it", ["plot", "sweep", "s", "copy", "-o", "fig.png"],
               "cell-0000-seed=1/summary.json hold the same run (identical configuration and per-epoch results): one is a copy of the other",
               setup: { w in try finishedSweep(w); try FileManager.default.copyItem(at: w.url("s"), to: w.url("copy")) }, absent: ["fig.png"]),
        .usage("plot curves", "a folder and a summary inside it", ["plot", "curves", "runs", "runs/run.json", "-o", "fig.png"],
               "runs and runs/run.json both hold the summary runs/run.json: its run would count twice; give each run once",
               setup: { w in try w.makeFolder("runs"); try w.copy(Fixtures.shared.summary, to: "runs/run.json") }, absent: ["fig.png"]),
        .usage("plot curves", "a summary and a symbolic link to it", ["plot", "curves", "run.json", "link.json", "-o", "fig.png"],
               "run.json and link.json are the same file: its run would count twice; give each run once",
               setup: { w in
                   try w.copy(Fixtures.shared.summary, to: "run.json")
                   try FileManager.default.createSymbolicLink(atPath: w.url("link.json").path, withDestinationPath: "run.json")
               }, absent: ["fig.png"]),
        .usage("plot curves", "a sweep cell's attempt.json", ["plot", "curves", "s/cells/cell-0000-seed=1/attempt.json", "-o", "fig.png"],
               "is a sweep cell's record of its last attempt, not a run summary; give the cell's summary.json, its folder or the sweep folder",
               setup: finishedSweep, absent: ["fig.png"]),
        .usage("plot sweep", "a sweep cell without a summary yet", ["plot", "sweep", "cell", "-o", "fig.png"],
               "the sweep cell cell has no summary.json yet; run the sweep (thermo sweep DIR) first",
               setup: { w in try w.makeFolder("cell"); try w.write("cell/attempt.json", "{}") }, absent: ["fig.png"]),
    ]

    // MARK: thermo sweep

    /// A grid of two tiny cells on the fixture data.
    static let tinyGrid = "seed = 1 | 2\nfixed = --data data --layers 784,4,10 --epochs 1 --batch-size 10\n"

    /// A finished sweep of ``tinyGrid`` in `s`.
    static func finishedSweep(_ w: Workspace) throws {
        try w.data()
        try w.write("grid.txt", tinyGrid)
        let run = try runThermo(["sweep", "grid.txt", "-o", "s"], in: w.folder)
        guard run.status == 0 else { throw CatalogueError("the fixture sweep failed: \(run.stderr)") }
    }

    static let sweep: [BadInput] = [
        .failure("sweep", "grid file does not exist", ["sweep", "gone.txt", "-o", "s"], "the grid file gone.txt does not exist", absent: ["s"]),
        .usage("sweep", "grid file is a folder", ["sweep", "grids", "-o", "s"], "grids is a folder that holds no sweep, not a grid file",
               setup: { try $0.makeFolder("grids") }, absent: ["s"]),
        .usage("sweep", "empty grid file", ["sweep", "grid.txt", "-o", "s"], "holds no setting (only blank lines or comments)",
               setup: { try $0.write("grid.txt", "# nothing yet\n\n") }, absent: ["s"]),
        .usage("sweep", "unknown setting", ["sweep", "grid.txt", "-o", "s"], "grid.txt line 1, column 1: unknown setting 'colour'",
               setup: { try $0.write("grid.txt", "colour = red\n") }, absent: ["s"]),
        .usage("sweep", "'log N' with a word", ["sweep", "grid.txt", "-o", "s"], "'x' is not a count of values from 2 to 10,000",
               setup: { try $0.write("grid.txt", "radius = 0.001 … 0.1 log x\n") }, absent: ["s"]),
        .usage("sweep", "a setting given twice", ["sweep", "grid.txt", "-o", "s"], "radius is already set (grid.txt line 1)",
               setup: { try $0.write("grid.txt", "radius = 0.01\nradius = 0.1\n") }, absent: ["s"]),
        .usage("sweep", "a range running downwards", ["sweep", "grid.txt", "-o", "s"], "'3…1' runs downwards",
               setup: { try $0.write("grid.txt", "seed = 3…1\n") }, absent: ["s"]),
        .usage("sweep", "a word for a number", ["sweep", "grid.txt", "-o", "s"], "lr takes numbers like 0.01 or 1e-3; 'fast' is not one",
               setup: { try $0.write("grid.txt", "lr = fast\n") }, absent: ["s"]),
        .usage("sweep", "a cell that thermo train refuses", ["sweep", "grid.txt", "-o", "s"], "thermo train refuses its flags",
               setup: { try $0.write("grid.txt", "loss = pla\nsmooth = 1\n") }, absent: ["s"]),
        .usage("sweep", "--threads among the fixed flags", ["sweep", "--grid", "seed = 1", "-o", "s", "--", "--threads", "2"],
               "--threads is set by the sweep", absent: ["s"]),
        .usage("sweep", "a --grid flag with no setting", ["sweep", "--grid", "  ", "-o", "s"], "holds no setting", absent: ["s"]),
        .usage("sweep", "no -o", ["sweep", "grid.txt"], "give the sweep folder with -o DIR", setup: { try $0.write("grid.txt", tinyGrid) }),
        .usage("sweep", "--jobs 0", ["sweep", "grid.txt", "-o", "s", "--jobs", "0"], "--jobs must be at least 1",
               setup: { try $0.write("grid.txt", tinyGrid) }, absent: ["s"]),
        .usage("sweep", "--threads 0", ["sweep", "grid.txt", "-o", "s", "--threads", "0"], "--threads must be at least 1",
               setup: { try $0.write("grid.txt", tinyGrid) }, absent: ["s"]),
        .usage("sweep", "more threads than cores", ["sweep", "grid.txt", "-o", "s", "--jobs", "1000", "--threads", "1000"],
               "lower --jobs or --threads so that jobs × threads ≤", setup: { try $0.write("grid.txt", tinyGrid) }, absent: ["s"]),
        .usage("sweep", "--submit without --slurm", ["sweep", "grid.txt", "-o", "s", "--submit"], "--submit goes with --slurm",
               setup: { try $0.write("grid.txt", tinyGrid) }, absent: ["s"]),
        .usage("sweep", "--slurm with a bad --time", ["sweep", "grid.txt", "-o", "s", "--slurm", "--time", "forever"], "--time 'forever' is not valid",
               setup: { try $0.write("grid.txt", tinyGrid) }, absent: ["s"]),
        .usage("sweep", "another sweep in the folder without --force", ["sweep", "other.txt", "-o", "s"], "holds another sweep",
               setup: { w in try finishedSweep(w); try w.write("other.txt", tinyGrid.replacingOccurrences(of: "2", with: "3")) },
               unchanged: ["s/manifest.json", "s/cells/cell-0001-seed=2/summary.json"]),
        .usage("sweep", "a folder of other files without --force", ["sweep", "grid.txt", "-o", "mine"], "exists and is not a sweep folder",
               setup: { w in try w.data(); try w.write("grid.txt", tinyGrid); try w.makeFolder("mine"); try w.write("mine/notes.txt", "mine") },
               unchanged: ["mine/notes.txt"]),
        .failure("sweep", "a damaged manifest (continuing)", ["sweep", "s"], "manifest.json is damaged or not a thermo sweep manifest (not valid JSON)",
                 setup: { w in try finishedSweep(w); try w.write("s/manifest.json", "{\"format\": \"thermo-sw") },
                 unchanged: ["s/manifest.json", "s/cells/cell-0000-seed=1/summary.json"]),
        .failure("sweep", "--summary of a damaged manifest", ["sweep", "--summary", "s"], "is damaged or not a thermo sweep manifest",
                 setup: { w in try finishedSweep(w); try w.write("s/manifest.json", "[]") }, unchanged: ["s/manifest.json"]),
        .failure("sweep", "--summary of a missing folder", ["sweep", "--summary", "nowhere"], "nowhere does not exist; give the folder a sweep wrote"),
        .failure("sweep", "--summary of a folder that is no sweep", ["sweep", "--summary", "mine"], "is not a sweep folder: it has no manifest.json",
                 setup: { try $0.makeFolder("mine") }),
        .failure("sweep", "--cell of a folder that is no sweep", ["sweep", "--cell", "0", "mine"], "is not a sweep folder: it has no manifest.json",
                 setup: { try $0.makeFolder("mine") }),
        .failure("sweep", "output into a folder without write permission", ["sweep", "grid.txt", "-o", "locked/s"],
                 "permission; choose a folder you can write with -o",
               setup: { w in try w.data(); try w.write("grid.txt", tinyGrid); try w.makeFolder("locked"); try w.chmod("locked", 0o555) }, unprivileged: true),
        .failure("sweep", "a data set that is not there", ["sweep", "--grid", "seed = 1 | 2", "-o", "s", "--", "--dataset", "kmnist", "--layers", "784,4,10"],
                 "cell 0 (cell-0000-seed=1): data set 'kmnist' not found", absent: ["s"]),
        .failure("sweep", "full disk writing the manifest", ["sweep", "grid.txt", "-o", "s"], "manifest.json: File too large",
                 setup: { w in try w.data(); try w.write("grid.txt", tinyGrid) }, absent: ["s"], fileLimitKiB: 1),
    ]

    // MARK: thermo bench

    static let bench: [BadInput] = [
        .usage("bench", "--layers with a word", ["bench", "--layers", "784,x"], "--layers takes positive widths"),
        .usage("bench", "--network with an unknown token", ["bench", "--network", "paper-mnst"], "'paper-mnst' is not a layer"),
        .usage("bench", "--layers with one width", ["bench", "--layers", "5"], "--layers needs at least two widths"),
        .usage("bench", "--batch-size 0", ["bench", "--batch-size", "0"], "must be positive"),
        .usage("bench", "--steps-per-epoch 0", ["bench", "--recording", "--steps-per-epoch", "0"], "--steps-per-epoch must be positive"),
        .usage("bench", "--steps-per-epoch without --recording", ["bench", "--steps-per-epoch", "3"], "--steps-per-epoch goes with --recording"),
        .usage("bench", "--analysis with --layers", ["bench", "--analysis", "--layers", "784,32,10"], "--layers does not apply to --analysis"),
        .usage("bench", "--smoothing without a hidden layer", ["bench", "--smoothing", "--layers", "784,10"], "--smoothing times PLA on hidden layers; --layers 784,10 has none"),
        .usage("bench", "--recording with --smoothing", ["bench", "--recording", "--smoothing"], "--recording cannot be combined with --smoothing"),
        .usage("bench", "--network with --curvature", ["bench", "--network", "conv8,pool,fc10", "--curvature"],
               "--network times training steps; it cannot be combined with --recording, --analysis or --curvature"),
        .usage("bench", "--threads 0", ["bench", "--threads", "0"], "--threads"),
        .usage("bench", "--layers too wide for the memory", ["bench", "--layers", "784,100000000,10"], "more than this machine's"),
    ]
}
