#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Datasets
import Networks
import NumericCore

/// Everything a run needs to continue exactly where it stopped: the configuration, the position (epochs and
/// steps done), the metrics so far, the parameters and the momentum buffer. Data order needs no state (each
/// epoch's permutation comes from the seed and the epoch number), so a resumed run is bit-identical to an
/// uninterrupted one.
///
/// File layout (little-endian), version 1:
///
///     "THRMCKPT"                      8 bytes, magic
///     UInt32 version, UInt32 0        8 bytes
///     UInt64 h, then h bytes          the header, JSON (`Checkpoint.Header`)
///     UInt64 n                        the parameter count
///     n × Float32                     parameters W_1, b_1, …, W_L, b_L
///     n × Float32                     momentum v, same layout
///     UInt64                          FNV-1a 64 of every byte before it
public struct Checkpoint {
    /// The JSON part of a checkpoint.
    public struct Header: Codable, Sendable {
        /// The thermo version that wrote the checkpoint.
        public var thermoVersion: String
        /// The run's configuration.
        public var configuration: TrainingConfiguration
        /// The epochs completed.
        public var completedEpochs: Int
        /// The optimizer steps taken so far.
        public var globalStep: Int
        /// The metrics of every completed epoch.
        public var history: [EpochMetrics]
        /// Seconds spent training, over every session of the run.
        public var elapsedSeconds: Double
        /// The BLAS threads the run used (a resume with another count continues with other last bits).
        public var blasThreads: Int
        /// When the checkpoint was made, ISO 8601.
        public var created: String
        /// Checksums of the data the run read (see `DataChecksums`); nil in checkpoints of thermo before 0.2.
        public var dataChecksums: [String: String]? = nil
    }

    /// The configuration, position and metrics.
    public var header: Header
    /// W_1, b_1, …
    public var parameters: [Float]
    /// v, same layout.
    public var velocity: [Float]

    static let magic: [UInt8] = Array("THRMCKPT".utf8)
    static let version: UInt32 = 1

    /// A snapshot of `trainer` after its last completed epoch.
    public init(_ trainer: Trainer, thermoVersion: String, blasThreads: Int) {
        header = Checkpoint.header(of: trainer, thermoVersion: thermoVersion, blasThreads: blasThreads)
        parameters = trainer.network.parameters.array
        velocity = trainer.optimizer.velocity.array
    }

    /// The header of a checkpoint of `trainer` as it is now.
    static func header(of trainer: Trainer, thermoVersion: String, blasThreads: Int) -> Header {
        Header(thermoVersion: thermoVersion, configuration: trainer.configuration,
               completedEpochs: trainer.completedEpochs, globalStep: trainer.globalStep,
               history: trainer.history, elapsedSeconds: trainer.elapsedSeconds, blasThreads: blasThreads,
               created: Date().ISO8601Format(), dataChecksums: trainer.dataChecksums)
    }

    /// Refreshes this snapshot from `trainer` in place: the parameter and momentum arrays are overwritten, not
    /// reallocated, so that keeping a snapshot costs two copies of the parameters and never four.
    public mutating func update(from trainer: Trainer, thermoVersion: String, blasThreads: Int) {
        header = Checkpoint.header(of: trainer, thermoVersion: thermoVersion, blasThreads: blasThreads)
        overwrite(&parameters, with: trainer.network.parameters)
        overwrite(&velocity, with: trainer.optimizer.velocity)
    }

    /// Writes the checkpoint atomically: to a temporary file beside `path`, fsync, rename over `path`, fsync of
    /// the folder. A crash at any moment leaves either the old checkpoint or the new one, never a mixture.
    public func write(to path: String) throws {
        try parameters.withUnsafeBufferPointer { p in
            try velocity.withUnsafeBufferPointer { v in
                try Checkpoint.write(header, parameters: p, velocity: v, to: path)
            }
        }
    }

    /// Writes a checkpoint of `trainer` as it is now, streamed from its own buffers (no copy of the parameters).
    public static func write(_ trainer: Trainer, thermoVersion: String, blasThreads: Int, to path: String) throws {
        let header = header(of: trainer, thermoVersion: thermoVersion, blasThreads: blasThreads)
        let p = trainer.network.parameters, v = trainer.optimizer.velocity
        try write(header, parameters: UnsafeBufferPointer(start: p.pointer, count: p.count),
                  velocity: UnsafeBufferPointer(start: v.pointer, count: v.count), to: path)
    }

    /// The file layout above, written atomically in three parts (everything up to the parameter count, the two
    /// float arrays straight from memory, the checksum), so that no byte image of the whole file is built.
    static func write(_ header: Header, parameters: UnsafeBufferPointer<Float>, velocity: UnsafeBufferPointer<Float>,
                      to path: String) throws {
        precondition(parameters.count == velocity.count)
        var head: [UInt8] = []
        let json = try ThermoJSON.encoder([]).encode(header)
        head += Checkpoint.magic
        append(&head, Checkpoint.version)
        append(&head, UInt32(0))
        append(&head, UInt64(json.count))
        head += json
        append(&head, UInt64(parameters.count))
        let arrays = [UnsafeRawBufferPointer(parameters), UnsafeRawBufferPointer(velocity)]
        var hash = fnv1a64(head)
        for array in arrays { hash = fnv1a64(array, from: hash) }
        var tail: [UInt8] = []
        append(&tail, hash)
        try head.withUnsafeBytes { h in
            try tail.withUnsafeBytes { t in try writeAtomically(parts: [h] + arrays + [t], to: path) }
        }
    }

    /// Reads and checks a checkpoint; every defect is a `CheckpointError` naming the file.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw CheckpointError(path: path, isDir.boolValue ? "is a folder, not a checkpoint file" : "cannot be read (permissions?)")
            }
            throw CheckpointError(path: path, "does not exist; give the path of a .ckpt file written by 'thermo train --checkpoint-every N'")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 40, Array(bytes[0..<8]) == Checkpoint.magic else {
            throw CheckpointError(path: path, "is not a thermo checkpoint (no THRMCKPT signature)")
        }
        var offset = 8
        let version: UInt32 = read(bytes, &offset)
        guard version == Checkpoint.version else {
            throw CheckpointError(path: path, "has format version \(version); this thermo reads version \(Checkpoint.version)")
        }
        offset += 4
        let headerLength = Int(clamping: read(bytes, &offset) as UInt64)
        guard headerLength <= bytes.count - offset - 16 else {
            throw CheckpointError(path: path, "is truncated: its header claims \(headerLength) bytes, the file has \(bytes.count)")
        }
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) }
        guard fnv1a64(bytes[0..<(bytes.count - 8)]) == UInt64(littleEndian: stored) else {
            throw CheckpointError(path: path, "is corrupt or truncated (checksum mismatch); use an older checkpoint or start again")
        }
        do {
            header = try ThermoJSON.decoder().decode(Header.self, from: Data(bytes[offset..<(offset + headerLength)]))
        } catch {
            throw CheckpointError(path: path, "has an unreadable header: \(error)")
        }
        offset += headerLength
        let n = Int(clamping: read(bytes, &offset) as UInt64)
        guard n == header.configuration.architecture.layout.count, offset + 8 * n + 8 == bytes.count else {
            throw CheckpointError(path: path, "holds \(n) parameters; its architecture needs \(header.configuration.architecture.layout.count)")
        }
        parameters = readFloats(bytes, &offset, n)
        velocity = readFloats(bytes, &offset, n)
    }
}

/// A checkpoint that cannot be read or used.
public struct CheckpointError: Error, DescribedError {
    /// The checkpoint file.
    public let path: String
    /// What is wrong with it.
    public let message: String
    init(path: String, _ message: String) { self.path = path; self.message = message }
    /// "checkpoint PATH message".
    public var description: String { "checkpoint \(path) \(message)" }
}

extension Trainer {
    /// A trainer that continues the run saved in `checkpoint`, possibly to a larger number of epochs.
    public convenience init(resuming checkpoint: Checkpoint, dataSet: DataSet, epochs: Int? = nil,
                            objective: TrainingObjective? = nil) throws {
        var configuration = checkpoint.header.configuration
        if let epochs { configuration.epochs = epochs }
        try self.init(configuration: configuration, dataSet: dataSet, objective: objective)
        guard checkpoint.parameters.count == network.parameters.count else {
            throw ConfigurationError(flag: "--resume", "checkpoint does not match the network")
        }
        checkpoint.parameters.withUnsafeBufferPointer { network.parameters.pointer.update(from: $0.baseAddress!, count: $0.count) }
        checkpoint.velocity.withUnsafeBufferPointer { optimizer.velocity.pointer.update(from: $0.baseAddress!, count: $0.count) }
        restore(completedEpochs: checkpoint.header.completedEpochs, globalStep: checkpoint.header.globalStep,
                history: checkpoint.header.history, elapsedSeconds: checkpoint.header.elapsedSeconds)
    }
}

/// Writes a checkpoint every `every` epochs and after the last epoch.
public final class CheckpointWriter: TrainingObserver {
    /// The checkpoint file, replaced atomically at each write.
    public let path: String
    /// K ≥ 1: a checkpoint after epochs e with e mod K = 0 (and after the run's last epoch).
    public let every: Int
    /// The BLAS thread count recorded in the checkpoint (a resume on another count may differ in the last bits).
    public let blasThreads: Int
    /// The thermo version recorded in the checkpoint (``thermoVersion`` for this thermo).
    public let thermoVersion: String

    /// A writer of `path` every `every` epochs; a period below 1 is refused here, before any training, with the
    /// error `--checkpoint-every` gives.
    public init(path: String, every: Int, blasThreads: Int, thermoVersion: String) throws(ConfigurationError) {
        try CheckpointWriter.checkPeriod(every)
        self.path = path
        self.every = every
        self.blasThreads = blasThreads
        self.thermoVersion = thermoVersion
    }

    /// Refuses a checkpoint period below 1 epoch.
    public static func checkPeriod(_ every: Int) throws(ConfigurationError) {
        guard every >= 1 else { throw ConfigurationError(flag: "--checkpoint-every", "must be at least 1, got \(every)") }
    }

    /// Writes the checkpoint after epochs e with e mod K = 0 and after the run's last epoch.
    public func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws {
        if metrics.epoch % every == 0 || metrics.epoch == trainer.configuration.epochs {
            try Checkpoint.write(trainer, thermoVersion: thermoVersion, blasThreads: blasThreads, to: path)
        }
    }
}

// MARK: - Bytes

/// `array` ← the contents of `buffer`, in place when the sizes agree.
private func overwrite(_ array: inout [Float], with buffer: FloatBuffer) {
    guard array.count == buffer.count else { array = buffer.array; return }
    array.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: buffer.pointer, count: buffer.count) }
}

private func append<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
}

private func read<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: inout Int) -> T {
    let v = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    offset += MemoryLayout<T>.size
    return T(littleEndian: v)
}

private func readFloats(_ bytes: [UInt8], _ offset: inout Int, _ n: Int) -> [Float] {
    let start = offset
    offset += 4 * n
    return [Float](unsafeUninitializedCapacity: n) { buf, count in
        bytes.withUnsafeBytes { raw in
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + 4 * n)]))
        }
        count = n
    }
}

/// FNV-1a, 64 bits: h ← (h ⊕ byte) · 1099511628211, from 14695981039346656037 (or from `h`, to continue the hash
/// of earlier bytes).
func fnv1a64<C: Collection>(_ bytes: C, from h: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where C.Element == UInt8 {
    var h = h
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return h
}
