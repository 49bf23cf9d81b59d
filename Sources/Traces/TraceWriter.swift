#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HDF5
import Training

/// The values of one variable for the rows being appended, flat and row-major.
enum TraceColumn {
    case double([Double])
    case int([Int64])

    /// The column of `/steps` variable `name` from the epoch's step rows.
    static func step(_ name: String, _ rows: StepRows) -> TraceColumn? {
        switch name {
        case "step": .int(rows.step)
        case "epoch_of_step": .int(rows.epoch)
        case "batch_size": .int(rows.batchSize)
        case "loss": .double(rows.loss)
        case "cross_entropy": .double(rows.crossEntropy)
        case "learning_rate": .double(rows.learningRate)
        case "layer_signal": .double(rows.layerSignal)
        case "gradient_norm": .double(rows.gradientNorm)
        case "within_batch_variance": .double(rows.withinBatchVariance)
        default: nil
        }
    }

    /// The column of `/epochs` variable `name` for one epoch.
    static func epoch(_ name: String, metrics m: EpochMetrics, statistics s: LayerEpochStatistics, lastStep: Int) -> TraceColumn? {
        switch name {
        case "epoch": .int([Int64(m.epoch)])
        case "steps": .int([Int64(s.steps)])
        case "last_step": .int([Int64(lastStep)])
        case "train_objective": .double([m.trainObjective])
        case "train_loss": .double([m.trainLoss])
        case "train_accuracy": .double([m.trainAccuracy])
        case "test_loss": .double([m.testLoss])
        case "test_accuracy": .double([m.testAccuracy])
        case "validation_loss": .double([m.validationLoss ?? .nan])
        case "validation_accuracy": .double([m.validationAccuracy ?? .nan])
        case "training_seconds": .double([m.trainingSeconds])
        case "seconds": .double([m.seconds])
        case "layer_signal": .double(s.layerSignal)
        case "layer_noise": .double(s.layerNoise)
        case "layer_temperature": .double(s.layerTemperature)
        case "signal_to_noise": .double(s.signalToNoise)
        case "gradient_norm_mean": .double(s.gradientNormMean)
        case "weight_norm": .double(s.weightNorm)
        case "mean_gradient_norm": s.meanGradientNorm.map { .double($0) }
        case "gradient_std_norm": s.gradientStdNorm.map { .double($0) }
        case "weight_signal_to_noise": s.weightSignalToNoise.map { .double($0) }
        case "weight_temperature_mean": s.weightTemperatureMean.map { .double($0) }
        case "weight_temperature_quantiles": s.weightTemperatureQuantiles.map { .double($0) }
        case "weight_temperature_histogram": s.weightTemperatureHistogram.map { .int($0) }
        case "within_batch_variance": s.withinBatchVariance.map { .double($0) }
        case "sample_weight_max": .double([s.samples?.maximumWeight ?? .nan])
        case "sample_weight_unperturbed": .double([s.samples?.unperturbedWeight ?? .nan])
        case "sample_effective_count": .double([s.samples?.effectiveSamples ?? .nan])
        case "perturbed_loss_increase": .double([s.samples?.lossIncrease ?? .nan])
        default: nil
        }
    }
}

/// The SWMR writer of one trace: appends an epoch's rows, then advances the markers.
///
/// Per epoch, in this order: append the epoch's rows to every `/steps` variable, one row to every `/epochs`
/// variable and, on snapshot epochs, one snapshot to every `/weights/layer_<l>` variable; flush; write the
/// markers (`completed_*`, `last_update`); flush again. A crash at any point leaves the markers counting only
/// rows that were flushed before them.
final class TraceWriter {
    /// The trace's path.
    let path: String
    /// The open file (SWMR writer).
    let file: File
    /// The layer count.
    let layerCount: Int
    /// Threads that compress snapshot chunks.
    let threads: Int
    private let stepSets: [(String, Dataset)]
    private let epochSets: [(String, Dataset)]
    private let snapshotScales: [Dataset]
    private let snapshotSets: [[(SnapshotVariable, Dataset)]]
    private let markers: [TraceMarker: Dataset]
    /// Complete rows of `/steps`, `/epochs` and snapshots.
    private(set) var completedSteps: Int, completedEpochs: Int, completedSnapshots: Int

    /// Creates a new trace at `path` with the whole layout of `header`. The file is built under a temporary
    /// name beside `path` and renamed into place only once it is complete, so that a failure never leaves a
    /// half-made trace, nor destroys a file already at `path` (which is refused unless `replacing`).
    static func create(at path: String, header: TraceHeader, plannedEpochs: Int, replacing: Bool) throws {
        if !replacing && FileManager.default.fileExists(atPath: path) {
            throw TraceError(path: path, "already exists; pass --force to replace it, or choose another name")
        }
        let temporary = "\(path).partial-\(getpid())"
        unlink(temporary)
        removeStaleTemporaries(of: path, marker: ".partial-")
        do {
            let file = try File.create(temporary)
            try TraceLayout.build(in: file, header: header, plannedEpochs: plannedEpochs)
            try file.close()
            guard rename(temporary, path) == 0 else {
                throw TraceError(path: path, "cannot be created: \(String(cString: strerror(errno))); choose a writable folder")
            }
        } catch let error as HDF5Error {
            unlink(temporary)
            throw TraceError(path: path, "cannot be created: \(error.reason)\(TraceError.hint(error.reason)); nothing was written")
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Opens the consistent, closed trace at `path` as its SWMR writer (after ``create`` or a resume's
    /// preparation, which leave every dataset at its marker's length).
    init(appendingTo path: String, header: TraceHeader, threads: Int) throws {
        self.path = path
        self.threads = max(1, threads)
        let file = try File.open(path, mode: .swmrWrite)
        self.file = file
        layerCount = header.layerCount
        let smoothing = header.smoothing, recording = header.recording
        stepSets = try TraceVariable.variables(in: TraceFormat.stepsGroup, recording: recording, smoothing: smoothing)
            .map { ($0.name, try file.openDataset($0.path)) }
        epochSets = try TraceVariable.variables(in: TraceFormat.epochsGroup, recording: recording, smoothing: smoothing)
            .map { ($0.name, try file.openDataset($0.path)) }
        let snapshotVariables = SnapshotVariable.variables(for: recording)
        let layers = recording.takesSnapshots ? Array(1...header.layerCount) : []
        snapshotScales = try layers.map { try file.openDataset(TraceFormat.snapshotGroup(layer: $0) + "/epoch") }
        snapshotSets = try layers.map { l in
            try snapshotVariables.map { ($0, try file.openDataset(TraceFormat.snapshotGroup(layer: l) + "/" + $0.name)) }
        }
        var markers: [TraceMarker: Dataset] = [:]
        for marker in TraceMarker.allCases { markers[marker] = try file.openDataset(marker.rawValue) }
        self.markers = markers
        completedSteps = Int(try markers[.completedSteps]!.read(as: Int64.self)[0])
        completedEpochs = Int(try markers[.completedEpochs]!.read(as: Int64.self)[0])
        completedSnapshots = Int(try markers[.completedSnapshots]!.read(as: Int64.self)[0])
    }

    /// Appends one completed epoch: its step rows, its epoch row, and (when `snapshot` is given) one snapshot
    /// per layer, whose values `snapshot(variable, l)` provides; then flushes and advances the markers.
    func appendEpoch(rows: StepRows, metrics: EpochMetrics, statistics: LayerEpochStatistics,
                     snapshot: ((SnapshotVariable, Int) -> UnsafeBufferPointer<Float>)?) throws {
        for (name, dataset) in stepSets {
            try append(TraceColumn.step(name, rows), to: dataset, name: name)
        }
        let lastStep = Int(rows.step.last ?? Int64(completedSteps))
        for (name, dataset) in epochSets {
            try append(TraceColumn.epoch(name, metrics: metrics, statistics: statistics, lastStep: lastStep), to: dataset, name: name)
        }
        if let snapshot { try appendSnapshot(epoch: metrics.epoch, snapshot) }
        try file.flush()
        completedSteps += rows.count
        completedEpochs += 1
        if snapshot != nil { completedSnapshots += 1 }
        try writeMarker(.completedSteps, completedSteps)
        try writeMarker(.completedSnapshots, completedSnapshots)
        try writeMarker(.completedEpochs, completedEpochs)
        try touch()
        try file.flush()
    }

    /// Appends one snapshot to every `/weights/layer_<l>`: the epoch to its scale, and each variable's
    /// matrix as chunks compressed on ``threads`` threads (``SnapshotChunks``) and written as they are, or
    /// through HDF5's own filters when a dataset's pipeline is not the expected shuffle + deflate.
    private func appendSnapshot(epoch: Int, _ snapshot: (SnapshotVariable, Int) -> UnsafeBufferPointer<Float>) throws {
        var matrices: [SnapshotChunks.Matrix] = [], targets: [(Dataset, Int)] = []
        for (index, scale) in snapshotScales.enumerated() {
            try scale.append([Int64(epoch)])
            for (variable, dataset) in snapshotSets[index] {
                let values = snapshot(variable, index + 1)
                let shape = try dataset.shape, row = shape[0]
                guard let chunks = try dataset.chunks, chunks[0] == 1, chunks[2] == shape[2],
                      try dataset.filters == [.shuffle, .deflate(level: Int(TraceWriter.snapshotLevel))] else {
                    try dataset.append(values)
                    continue
                }
                try dataset.resize(to: [row + 1, shape[1], shape[2]])
                matrices.append(SnapshotChunks.Matrix(values: values, rows: shape[1], columns: shape[2], chunkRows: chunks[1]))
                targets.append((dataset, row))
            }
        }
        let compressed = SnapshotChunks.compress(matrices, level: TraceWriter.snapshotLevel, threads: threads)
        for (m, (dataset, row)) in targets.enumerated() {
            for (c, bytes) in compressed[m].enumerated() {
                try bytes.withUnsafeBytes { try dataset.writeRawChunk($0, offset: [row, c * matrices[m].chunkRows, 0]) }
            }
        }
    }

    /// The deflate level of the snapshot datasets (``TraceLayout/snapshotCompression``).
    static let snapshotLevel: Int32 = 1

    /// Marks the trace as being written by this process: `writer_pid`, `planned_epochs`, `status` = running.
    func begin(plannedEpochs: Int) throws {
        try writeMarker(.writerProcess, Int(getpid()))
        try writeMarker(.plannedEpochs, plannedEpochs)
        try setStatus(.running)
    }

    /// Sets the `status` marker (and `last_update`) and flushes.
    func setStatus(_ status: TraceStatus) throws {
        try writeMarker(.status, Int(status.rawValue))
        try touch()
        try file.flush()
    }

    /// Closes the file: after a clean close it is an ordinary HDF5 file for every reader.
    func close() throws { try file.close() }

    private func writeMarker(_ marker: TraceMarker, _ value: Int) throws {
        try markers[marker]!.write([Int64(value)])
    }

    private func touch() throws {
        try markers[.lastUpdate]!.write([Date().timeIntervalSince1970])
    }

    private func append(_ column: TraceColumn?, to dataset: Dataset, name: String) throws {
        switch column {
        case .double(let values)?: try dataset.append(values)
        case .int(let values)?: try dataset.append(values)
        case nil: throw TraceError(path: path, "has a variable '\(name)' that this recorder has no values for")
        }
    }
}
