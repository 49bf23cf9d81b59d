// libFuzzer harness: trace validation (TraceReader) and everything `thermo inspect` computes from a trace
// (TraceSummary, its text and JSON, the variables and snapshots).
//
// HDF5's own parser is not the target (it is the HDF5 project's, and a random byte string is refused at its
// signature): instead, the input is a program of edits applied to a copy of a small valid trace made once per
// process — root attributes set to other values or types or removed, markers set to hostile numbers (negative,
// huge), NaN/Inf/negative values written into variables, datasets shrunk or grown. Whatever the edits, reading
// must end in a value or a TraceError, never a trap or a crash.
#if canImport(Glibc)
import Glibc
#endif
import Datasets
import Foundation
import HDF5
import Networks
import NumericCore
@testable import Traces
import Training

/// The folder holding the template and the working copy.
private let folder = "/tmp/thermo-fuzz-trace-\(getpid())"
/// A valid trace: 144→8→4 ReLU on synthetic data, 2 epochs, per-weight snapshots every epoch.
private let template: String = makeTemplate()
private let work = folder + "/work.h5"

/// Records the template trace once.
private func makeTemplate() -> String {
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/template.h5"
    BLAS.threads = 1
    var random = RandomStream(seed: 3, purpose: "fuzz")
    func split(_ n: Int) -> LabeledImages {
        LabeledImages(count: n, rows: 12, columns: 12, pixels: (0..<(n * 144)).map { _ in UInt8(random.nextIndex(below: 256)) },
                      labels: (0..<n).map { _ in UInt8(random.nextIndex(below: 4)) })
    }
    let data = DataSet(name: "synthetic", directory: "(memory)", classes: 4, train: split(64), test: split(16))
    var c = TrainingConfiguration()
    c.dataset = "synthetic"
    c.architecture = Architecture(widths: [144, 8, 4], activation: .relu)
    c.batchSize = 16
    c.epochs = 2
    do {
        let trainer = try Trainer(configuration: c, dataSet: data)
        let recording = try TraceRecording(parsing: ["per-weight:every=1"])
        let provenance = TraceProvenance(thermoVersion: "fuzz", command: ["fuzz"], dataChecksums: [:], blasThreads: 1, blas: "fuzz")
        let recorder = try TraceRecorder(creating: path, trainer: trainer, recording: recording, provenance: provenance, threads: 1)
        trainer.observers = [recorder]
        try trainer.run()
        try recorder.finish(.completed)
    } catch {
        fatalError("cannot record the template trace: \(error)")
    }
    return path
}

/// Reads the input as a stream of edit instructions.
private struct Program {
    var bytes: [UInt8]
    var position = 0
    var atEnd: Bool { position >= bytes.count }
    mutating func byte() -> UInt8 { defer { position += 1 }; return position < bytes.count ? bytes[position] : 0 }
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(byte()) % choices.count] }
    mutating func int() -> Int64 {
        pick([0, -1, 1, 2, 3, 7, -7, 1 << 20, 1 << 31, 1 << 40, Int64.max, Int64.min, Int64.max - 1, Int64(byte())])
    }
    mutating func double() -> Double { pick([.nan, .infinity, -.infinity, 0, -0.0, -1, 1e308, -1e308, 5e-324, 0.5, 2]) }
    mutating func text() -> String {
        let n = Int(byte()) % 24
        return String(decoding: (0..<n).map { _ in byte() }, as: UTF8.self)
    }
}

private let rootInts = ["format_version_major", "format_version_minor", "train_images", "validation_images", "test_images",
                        "blas_threads", "recorder_threads", "steps_per_epoch", "first_epoch", "smoothing", "snapshot_every",
                        "layer_count", "batch_size"]
private let rootStrings = ["format", "configuration", "thermo_version", "created", "data_checksums", "data_directory",
                           "blas", "hdf5_version", "run_id", "sessions", "command"]
private let variables = ["epochs/epoch", "epochs/train_loss", "epochs/test_accuracy", "epochs/layer_signal",
                         "epochs/layer_noise", "epochs/weight_norm", "epochs/weight_temperature_quantiles",
                         "epochs/mean_gradient_norm", "epochs/last_step", "steps/step", "steps/epoch_of_step",
                         "epochs/layer", "epochs/quantile", "weights/layer_1/epoch", "weights/layer_1/gradient_mean"]

/// Applies one edit; errors (an edit HDF5 refuses) are ignored: the reader sees whatever got written.
private func edit(_ file: File, _ program: inout Program) {
    switch program.byte() % 10 {
    case 0: try? file.setAttribute(program.pick(rootInts), Int(truncatingIfNeeded: program.int()))
    case 1: try? file.setAttribute(program.pick(rootStrings), program.text())
    case 2:
        let n = Int(program.byte()) % 5
        try? file.setAttribute("widths", (0..<n).map { _ in Int(truncatingIfNeeded: program.int()) })
    case 3:
        let marker = program.pick(TraceMarker.allCases)
        if let dataset = try? file.openDataset(marker.rawValue) {
            if marker == .lastUpdate { try? dataset.write([program.double()]) } else { try? dataset.write([program.int()]) }
        }
    case 4:
        guard let dataset = try? file.openDataset(program.pick(variables)), let shape = try? dataset.shape, !shape.isEmpty,
              shape.allSatisfy({ $0 > 0 }) else { return }
        let start = shape.map { Int(program.byte()) % $0 }
        let count = shape.map { _ in 1 }
        switch try? dataset.elementType {
        case .int64?: try? dataset.write([program.int()], start: start, count: count)
        case .float32?: try? dataset.write([Float(program.double())], start: start, count: count)
        default: try? dataset.write([program.double()], start: start, count: count)
        }
    case 5: try? file.deleteAttribute(program.pick(rootInts + rootStrings + ["widths", "recording"]))
    case 6:
        let n = Int(program.byte()) % 3
        try? file.setAttribute("recording", (0..<n).map { _ in program.pick(["layers", "moments", "per-weight", "per-weight:every=0", "batch-variance", program.text()]) })
    case 7:
        guard let dataset = try? file.openDataset(program.pick(variables)), var shape = try? dataset.shape, !shape.isEmpty else { return }
        shape[0] = Int(program.byte()) % 6
        try? dataset.resize(to: shape)
    case 8: try? file.setAttribute(program.pick(rootInts), program.text())
    default: try? file.setAttribute(program.pick(rootStrings + ["widths"]), Int(truncatingIfNeeded: program.int()))
    }
}

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrace(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var program = Program(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    unlink(work)
    guard (try? FileManager.default.copyItem(atPath: template, toPath: work)) != nil else { fatalError("cannot copy the template") }
    do {
        let file = try File.open(work, mode: .readWrite)
        var edits = 0
        while !program.atEnd && edits < 16 { edit(file, &program); edits += 1 }
        try file.close()
    } catch {
        fatalError("cannot open the copy of the template: \(error)")
    }
    guard let reader = try? TraceReader(contentsOf: work) else { return 0 }
    defer { try? reader.close() }
    if let summary = try? TraceSummary(reader) {
        _ = summary.text
        _ = try? JSONEncoder().encode(summary)
        if let last = summary.lastEpoch { _ = TraceSummary.line(last) }
    }
    _ = try? TraceSummary.epochs(reader, from: 0)
    for name in variables where name.hasPrefix("epochs/") || name.hasPrefix("steps/") { _ = try? reader.read(name) }
    _ = try? reader.readFixed("epochs/quantile")
    _ = try? reader.snapshotEpochs(layer: 1)
    _ = try? reader.snapshot("gradient_mean", layer: 1, index: 0)
    return 0
}
