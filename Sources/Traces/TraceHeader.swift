import Foundation
import NumericCore
import HDF5
import Networks
import Training

/// Where a run comes from, as the command line knows it; the recorder adds what the trainer knows.
public struct TraceProvenance: Sendable {
    /// thermo's version.
    public var thermoVersion: String
    /// The command line, argument by argument.
    public var command: [String]
    /// Checksums of the data the run reads (see ``DataChecksums``), by name.
    public var dataChecksums: [String: String]
    /// OpenBLAS threads.
    public var blasThreads: Int
    /// OpenBLAS's build and kernel.
    public var blas: String

    /// Provenance with every field given.
    public init(thermoVersion: String, command: [String], dataChecksums: [String: String], blasThreads: Int, blas: String) {
        self.thermoVersion = thermoVersion
        self.command = command
        self.dataChecksums = dataChecksums
        self.blasThreads = blasThreads
        self.blas = blas
    }
}

/// One process that wrote to a trace: the first run, then each resume (the `sessions` attribute, JSON).
public struct TraceSession: Codable, Sendable, Equatable {
    /// When it opened the trace (ISO 8601, UTC).
    public var started: String
    /// Its command line.
    public var command: [String]
    /// The host it ran on.
    public var host: String
    /// Its process id.
    public var pid: Int
    /// The first epoch it trained.
    public var firstEpoch: Int
    /// thermo's version.
    public var thermoVersion: String
    /// Checksums of the data this session read (see ``DataChecksums``); nil in traces of thermo before 0.2. A
    /// resume that reads other data than the run started with (`thermo train --resume … --allow-data-change`)
    /// shows here.
    public var dataChecksums: [String: String]? = nil
}

/// The root attributes of a trace: what the file is and where the run comes from. Written when the trace is
/// created (and, for `configuration` and `sessions`, updated when a run resumes), never while SWMR writing.
public struct TraceHeader: Sendable {
    /// The `format_version_major` attribute.
    public var formatMajor: Int
    /// The `format_version_minor` attribute.
    public var formatMinor: Int
    /// thermo's version when the trace was created.
    public var thermoVersion: String
    /// When the trace was created (ISO 8601, UTC).
    public var created: String
    /// The command line that created it.
    public var command: [String]
    /// The configuration as JSON (sorted keys), exactly as stored.
    public var configurationJSON: String
    /// The configuration, when this thermo can decode it.
    public var configuration: TrainingConfiguration?
    /// What is recorded.
    public var recording: TraceRecording
    /// Checksums of the data, by name.
    public var dataChecksums: [String: String]
    /// Where the data was read from.
    public var dataDirectory: String
    /// Training, validation and test images.
    public var trainImages: Int, validationImages: Int, testImages: Int
    /// OpenBLAS threads of the first session.
    public var blasThreads: Int
    /// Threads of the recorder's per-weight passes.
    public var recorderThreads: Int
    /// OpenBLAS's build and kernel.
    public var blas: String
    /// The HDF5 library that wrote the file.
    public var hdf5Version: String
    /// M, steps per epoch.
    public var stepsPerEpoch: Int
    /// The first epoch recorded (1, unless the trace was started on a resumed run).
    public var firstEpoch: Int
    /// A random identifier of the run.
    public var runID: String
    /// The processes that wrote the trace.
    public var sessions: [TraceSession]
    /// n_0 … n_L (for a network with convolutions: the flattened input size and each weight layer's flattened
    /// output size).
    public var widths: [Int]
    /// L.
    public var layerCount: Int { widths.count - 1 }
    /// Whether the run minimises a smoothing loss (PLA, PLEA), so that sample statistics are recorded.
    public var smoothing: Bool
    /// W_l of each layer as a matrix and its label (root attributes `layer_rows`, `layer_columns`,
    /// `layer_labels`); nil in traces written before they existed, which are MLPs: see `layerMatrices`.
    public var storedLayerMatrices: [TraceLayerMatrix]? = nil
    /// The run's facts as the root attributes state them, for a trace whose `configuration` is not thermo's.
    public var runFacts = TraceRunFacts()
    /// Where and how the run diverged (root attribute `divergence`, written when its status became diverged),
    /// e.g. "epoch 2, step 4 (global step 15): the loss is nan"; nil otherwise.
    public var divergence: String? = nil

    /// For l = 1…L (index l − 1): the rows and columns of W_l seen as a matrix — n_l × n_{l−1} for a dense
    /// layer, C_out × C_in·k·k for a convolution — and the layer's label ("fc1", "conv3").
    public var layerMatrices: [TraceLayerMatrix] {
        storedLayerMatrices ?? (1..<max(1, widths.count)).map {
            TraceLayerMatrix(rows: widths[$0], columns: widths[$0 - 1], label: "fc\($0)")
        }
    }

    /// The matrices of `architecture`'s weight layers.
    public static func matrices(of architecture: Architecture) -> [TraceLayerMatrix] {
        architecture.layout.layers.map { TraceLayerMatrix(rows: $0.outputs, columns: $0.inputs, label: $0.label) }
    }
}

/// The run's facts that the root attributes `data_set`, `activation`, `loss`, `batch_size` and `seed` state on
/// their own, each nil when absent, empty or (for the batch size) 0. thermo reads them from its `configuration`;
/// a trace written by the Python package (`thermo_trace`) has a `configuration` of its own, and these are then
/// what is known.
public struct TraceRunFacts: Sendable, Equatable {
    /// `data_set`, `activation` (relu, tanh) and `loss` (ce, pla, plea).
    public var dataSet: String?, activation: String?, loss: String?
    /// `batch_size`, B.
    public var batchSize: Int?
    /// `seed` (stored as the Int64 bit pattern of the UInt64).
    public var seed: UInt64?

    /// The facts given; each nil when not known.
    public init(dataSet: String? = nil, activation: String? = nil, loss: String? = nil, batchSize: Int? = nil, seed: UInt64? = nil) {
        self.dataSet = dataSet
        self.activation = activation
        self.loss = loss
        self.batchSize = batchSize
        self.seed = seed
    }

    /// The facts of `file`'s root attributes; an attribute that is absent or unreadable is left out.
    static func read(from file: File) -> TraceRunFacts {
        func text(_ name: String) -> String? {
            (try? file.attribute(name, as: String.self)).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        let batch = (try? file.attribute("batch_size", as: Int.self)).flatMap { $0 > 0 ? $0 : nil }
        let seed = (try? file.attribute("seed", as: Int64.self)).map { UInt64(bitPattern: $0) }
        return TraceRunFacts(dataSet: text("data_set"), activation: text("activation"), loss: text("loss"), batchSize: batch, seed: seed)
    }
}

/// One weight layer's W_l as a matrix (rows = fan-out, columns = fan-in, rows·columns = N_l) and its label.
public struct TraceLayerMatrix: Sendable, Equatable {
    /// n_l, or C_out for a convolution.
    public var rows: Int
    /// n_{l−1}, or C_in·k·k for a convolution.
    public var columns: Int
    /// "fc1", "conv3".
    public var label: String

    /// W_l as a `rows` × `columns` matrix, labelled `label`.
    public init(rows: Int, columns: Int, label: String) {
        self.rows = rows
        self.columns = columns
        self.label = label
    }
}

extension TraceHeader {
    /// A configuration as JSON with sorted keys (the `configuration` attribute).
    static func json(_ configuration: TrainingConfiguration) throws -> String {
        String(decoding: try ThermoJSON.encoder().encode(configuration), as: UTF8.self)
    }

    /// JSON of any encodable value with sorted keys.
    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try ThermoJSON.encoder().encode(value), as: UTF8.self)
    }

    /// `command` quoted for a POSIX shell, one string.
    static func shellQuoted(_ command: [String]) -> String {
        command.map { word in
            let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
            return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// Writes every root attribute.
    func write(to file: File) throws {
        try file.setAttribute("format", TraceFormat.name)
        try file.setAttribute("format_version", "\(formatMajor).\(formatMinor)")
        try file.setAttribute("format_version_major", formatMajor)
        try file.setAttribute("format_version_minor", formatMinor)
        try file.setAttribute("thermo_version", thermoVersion)
        try file.setAttribute("created", created)
        try file.setAttribute("command", TraceHeader.shellQuoted(command))
        try file.setAttribute("command_arguments", command)
        try file.setAttribute("configuration", configurationJSON)
        try file.setAttribute("recording", recording.levels)
        try file.setAttribute("snapshot_every", recording.snapshotEvery)
        try file.setAttribute("data_set", configuration?.dataset ?? "")
        try file.setAttribute("data_directory", dataDirectory)
        try file.setAttribute("data_checksums", try TraceHeader.json(dataChecksums))
        try file.setAttribute("train_images", trainImages)
        try file.setAttribute("validation_images", validationImages)
        try file.setAttribute("test_images", testImages)
        try file.setAttribute("seed", Int64(bitPattern: configuration?.seed ?? 0))
        try file.setAttribute("blas_threads", blasThreads)
        try file.setAttribute("recorder_threads", recorderThreads)
        try file.setAttribute("blas", blas)
        try file.setAttribute("hdf5_version", hdf5Version)
        try file.setAttribute("steps_per_epoch", stepsPerEpoch)
        try file.setAttribute("batch_size", configuration?.batchSize ?? 0)
        try file.setAttribute("widths", widths)
        try file.setAttribute("layer_count", layerCount)
        try file.setAttribute("layer_rows", layerMatrices.map(\.rows))
        try file.setAttribute("layer_columns", layerMatrices.map(\.columns))
        try file.setAttribute("layer_labels", layerMatrices.map(\.label))
        try file.setAttribute("activation", configuration?.architecture.activation.rawValue ?? "")
        try file.setAttribute("loss", configuration?.loss.kind.rawValue ?? "")
        try file.setAttribute("smoothing", smoothing ? 1 : 0)
        try file.setAttribute("first_epoch", firstEpoch)
        try file.setAttribute("run_id", runID)
        try file.setAttribute("sessions", try TraceHeader.json(sessions))
    }

    /// The root attribute that says where a diverged run stopped.
    static let divergenceAttribute = "divergence"

    /// Reads the root attributes of a file already known to be a thermo trace of a readable version.
    static func read(from file: File, path: String) throws -> TraceHeader {
        func string(_ name: String) throws -> String { try required(file, name, String.self, path: path) }
        func int(_ name: String) throws -> Int { try required(file, name, Int.self, path: path) }
        let configurationJSON = try string("configuration")
        let configuration = try? ThermoJSON.decoder().decode(TrainingConfiguration.self, from: Data(configurationJSON.utf8))
        let levels = try required(file, "recording", [String].self, path: path)
        let recording: TraceRecording
        do { recording = try TraceRecording(parsing: levels) } catch {
            throw TraceError(path: path, "lists an unknown recording level in its 'recording' attribute \(levels)")
        }
        let checksums = (try? ThermoJSON.decoder().decode([String: String].self, from: Data(try string("data_checksums").utf8))) ?? [:]
        let sessions = (try? ThermoJSON.decoder().decode([TraceSession].self, from: Data(try string("sessions").utf8))) ?? []
        let command = (try? file.attribute("command_arguments", as: [String].self)) ?? []
        var matrices: [TraceLayerMatrix]? = nil
        if try file.hasAttribute("layer_rows") {
            let rows = try required(file, "layer_rows", [Int].self, path: path)
            let columns = try required(file, "layer_columns", [Int].self, path: path)
            let labels = try required(file, "layer_labels", [String].self, path: path)
            guard rows.count == columns.count, rows.count == labels.count else {
                throw TraceError(path: path, "has layer_rows, layer_columns and layer_labels of different lengths (\(rows.count), \(columns.count), \(labels.count)); the file is damaged")
            }
            matrices = rows.indices.map { TraceLayerMatrix(rows: rows[$0], columns: columns[$0], label: labels[$0]) }
        }
        var header = TraceHeader(formatMajor: try int("format_version_major"), formatMinor: try int("format_version_minor"),
                           thermoVersion: try string("thermo_version"), created: try string("created"),
                           command: command, configurationJSON: configurationJSON, configuration: configuration,
                           recording: recording, dataChecksums: checksums, dataDirectory: try string("data_directory"),
                           trainImages: try int("train_images"), validationImages: try int("validation_images"),
                           testImages: try int("test_images"), blasThreads: try int("blas_threads"),
                           recorderThreads: try int("recorder_threads"), blas: try string("blas"),
                           hdf5Version: try string("hdf5_version"), stepsPerEpoch: try int("steps_per_epoch"),
                           firstEpoch: try int("first_epoch"), runID: try string("run_id"), sessions: sessions,
                           widths: try required(file, "widths", [Int].self, path: path),
                           smoothing: try int("smoothing") != 0)
        header.storedLayerMatrices = matrices
        header.runFacts = TraceRunFacts.read(from: file)
        if (try? file.hasAttribute(divergenceAttribute)) == true {
            header.divergence = try? file.attribute(divergenceAttribute, as: String.self)
        }
        return header
    }

    /// A required root attribute, or a ``TraceError`` naming it.
    private static func required<T: AttributeRepresentable>(_ file: File, _ name: String, _ type: T.Type, path: String) throws -> T {
        guard try file.hasAttribute(name) else {
            throw TraceError(path: path, "lacks the root attribute '\(name)' that every version-1 trace has; the file is damaged or was not written by thermo")
        }
        do { return try file.attribute(name, as: type) } catch let error as HDF5Error {
            throw TraceError(path: path, "has an unreadable root attribute '\(name)': \(error.reason)")
        }
    }
}
