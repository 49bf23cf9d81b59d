import Foundation
import HDF5
import TestSupport

/// The folder one bad-input case runs in, with the helpers its setup uses. Every path is relative to it, and
/// thermo runs with it as the current folder.
struct Workspace {
    /// The folder.
    let folder: URL

    /// The URL of `name` inside the folder.
    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// Writes `text` to `name`.
    func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: url(name)) }

    /// Writes `bytes` to `name`.
    func write(_ name: String, bytes: [UInt8]) throws { try Data(bytes).write(to: url(name)) }

    /// Creates the folder `name`.
    func makeFolder(_ name: String) throws { try FileManager.default.createDirectory(at: url(name), withIntermediateDirectories: true) }

    /// Copies a shared fixture file (see ``Fixtures``) to `name`.
    func copy(_ fixture: URL, to name: String) throws {
        try FileManager.default.copyItem(at: fixture, to: url(name))
    }

    /// A copy of the tiny MNIST-shaped data set in the folder `name` (raw IDX files), with `change` applied to
    /// the named file's bytes.
    func data(_ name: String = "data", change: (file: String, edit: ([UInt8]) -> [UInt8])? = nil) throws {
        try copy(Fixtures.shared.data, to: name)
        if let change {
            let path = url(name).appendingPathComponent(change.file)
            let bytes = try [UInt8](Data(contentsOf: path))
            try Data(change.edit(bytes)).write(to: path)
        }
    }

    /// The six CIFAR-10 batch files in `data/`, full size and sparse (all zero: label 0), with `sizes` and byte
    /// `patches` (offset, bytes) by file name; `skip` leaves one out.
    func cifar(sizes: [String: Int] = [:], patches: [String: [(Int, [UInt8])]] = [:], skip: String? = nil) throws {
        try makeFolder("data")
        for name in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin"] where name != skip {
            try sparse("data/" + name, size: sizes[name] ?? 10_000 * 3_073, patches: patches[name] ?? [])
        }
    }

    /// STL-10's four labelled files in `data/` (images sparse, labels 1), with `trainLabels` and the size of train_X.bin.
    func stl(trainLabels: [UInt8] = [UInt8](repeating: 1, count: 5_000), trainXSize: Int = 5_000 * 27_648) throws {
        try makeFolder("data")
        try sparse("data/train_X.bin", size: trainXSize)
        try write("data/train_y.bin", bytes: trainLabels)
        try sparse("data/test_X.bin", size: 8_000 * 27_648)
        try write("data/test_y.bin", bytes: [UInt8](repeating: 1, count: 8_000))
    }

    /// A file `name` of `size` bytes, zero (sparse) except for `patches`.
    func sparse(_ name: String, size: Int, patches: [(Int, [UInt8])] = []) throws {
        FileManager.default.createFile(atPath: url(name).path, contents: nil)
        let handle = try FileHandle(forWritingTo: url(name))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(size))
        for (offset, bytes) in patches {
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: Data(bytes))
        }
    }

    /// Replaces `file` in the data folder `name` by its gzip compression cut to `keep` bytes.
    func truncatedGzip(_ name: String = "data", file: String, keep: Int) throws {
        try data(name)
        let path = url(name).appendingPathComponent(file)
        let compressed = try gzip(Data(contentsOf: path))
        try FileManager.default.removeItem(at: path)
        try Data(compressed.prefix(keep)).write(to: URL(fileURLWithPath: path.path + ".gz"))
    }

    /// A copy of the shared trace at `name`, with `edit` applied through the HDF5 module.
    func trace(_ name: String = "run.h5", edit: ((File) throws -> Void)? = nil) throws {
        try copy(Fixtures.shared.trace, to: name)
        if let edit {
            let file = try File.open(url(name).path, mode: .readWrite)
            try edit(file)
            try file.close()
        }
    }

    /// Sets the permissions of `name` (e.g. 0o555 for a folder nobody may write to).
    func chmod(_ name: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url(name).path)
    }

    /// Every file and folder below the folder, relative paths, sorted.
    func listing() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.sorted()
    }
}

/// gzip of `data`, by the system's gzip (as a user would make one).
func gzip(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-c", "-n"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try launch(process)
    let reader = BackgroundReader(output.fileHandleForReading)
    input.fileHandleForWriting.write(data)
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    return reader.wait()
}

/// Files made once per test run and copied into the cases that need them: a tiny MNIST-shaped data set
/// (100 training and 20 test images of 28 × 28, raw IDX), and a run on it (2 epochs of 784→4→10) with its trace
/// (per-weight snapshots every epoch), checkpoint and summary.
final class Fixtures: Sendable {
    /// The shared fixtures, made on first use.
    static let shared: Fixtures = {
        do { return try Fixtures() } catch { fatalError("cannot make the catalogue's fixtures: \(error)") }
    }()

    let folder: URL
    var data: URL { folder.appendingPathComponent("data") }
    var trace: URL { folder.appendingPathComponent("run.h5") }
    var checkpoint: URL { folder.appendingPathComponent("run.ckpt") }
    var summary: URL { folder.appendingPathComponent("run.json") }

    /// The arguments of the fixture run, without outputs: also used by the cases that train.
    static let tinyRun = ["train", "--data", "data", "--layers", "784,4,10", "--epochs", "2", "--batch-size", "10",
                          "--threads", "1", "--quiet"]

    private init() throws {
        folder = TestPaths.temporaryFolder("thermo-catalogue-fixtures")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        func idx(_ dimensions: [Int], _ values: [UInt8]) -> Data {
            var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
            for d in dimensions { bytes += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
            return Data(bytes + values)
        }
        for (prefix, count) in [("train", 100), ("t10k", 20)] {
            try idx([count, 28, 28], (0..<(count * 784)).map { _ in next() })
                .write(to: data.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try idx([count], (0..<count).map { _ in next() % 10 })
                .write(to: data.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        let run = try runThermo(Fixtures.tinyRun + ["--trace", "run.h5", "--record", "per-weight:every=1", "--summary", "run.json",
                                                   "--checkpoint", "run.ckpt", "--checkpoint-every", "1"], in: folder)
        guard run.status == 0 else { throw CatalogueError("the fixture run failed: \(run.stderr)") }
    }
}

/// A failure to set up the catalogue.
struct CatalogueError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
