#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HDF5
import Training
import NumericCore

/// The values of one variable for the rows being appended, flat and row-major.
enum TraceColumn {
    case double([Double])
    case int([Int64])

    /// The column of record `variable` for one epoch: its step rows for a `/steps` record, its one row for an
    /// `/epochs` record; nil for scales and fixed variables (written once, by ``TraceLayout``) and for a
    /// record whose values were not computed (a recording that does not hold it).
    static func of(_ variable: TraceVariable, rows: StepRows, metrics m: EpochMetrics, statistics s: LayerEpochStatistics,
                   lastStep: Int) -> TraceColumn? {
        switch variable {
        case .stepLayer, .epochLayer, .quantile, .bin, .weightCount, .fanIn, .fanOut, .binLower, .binUpper: nil
        case .step: .int(rows.step)
        case .epochOfStep: .int(rows.epoch)
        case .batchSize: .int(rows.batchSize)
        case .loss: .double(rows.loss)
        case .crossEntropy: .double(rows.crossEntropy)
        case .learningRate: .double(rows.learningRate)
        case .stepLayerSignal: .double(rows.layerSignal)
        case .stepGradientNorm: .double(rows.gradientNorm)
        case .stepWithinBatchVariance: .double(rows.withinBatchVariance)
        case .epoch: .int([Int64(m.epoch)])
        case .epochSteps: .int([Int64(s.steps)])
        case .lastStep: .int([Int64(lastStep)])
        case .trainObjective: .double([m.trainObjective])
        case .trainLoss: .double([m.trainLoss])
        case .trainAccuracy: .double([m.trainAccuracy])
        case .testLoss: .double([m.testLoss])
        case .testAccuracy: .double([m.testAccuracy])
        case .validationLoss: .double([m.validationLoss ?? .nan])
        case .validationAccuracy: .double([m.validationAccuracy ?? .nan])
        case .trainingSeconds: .double([m.trainingSeconds])
        case .epochSeconds: .double([m.seconds])
        case .layerSignal: .double(s.layerSignal)
        case .layerNoise: .double(s.layerNoise)
        case .layerTemperature: .double(s.layerTemperature)
        case .signalToNoise: .double(s.signalToNoise)
        case .gradientNormMean: .double(s.gradientNormMean)
        case .weightNorm: .double(s.weightNorm)
        case .meanGradientNorm: s.meanGradientNorm.map { .double($0) }
        case .gradientStdNorm: s.gradientStdNorm.map { .double($0) }
        case .weightSignalToNoise: s.weightSignalToNoise.map { .double($0) }
        case .weightTemperatureMean: s.weightTemperatureMean.map { .double($0) }
        case .weightTemperatureQuantiles: s.weightTemperatureQuantiles.map { .double($0) }
        case .weightTemperatureHistogram: s.weightTemperatureHistogram.map { .int($0) }
        case .withinBatchVariance: s.withinBatchVariance.map { .double($0) }
        case .sampleWeightMax: .double([s.samples?.maximumWeight ?? .nan])
        case .sampleWeightUnperturbed: .double([s.samples?.unperturbedWeight ?? .nan])
        case .sampleEffectiveCount: .double([s.samples?.effectiveSamples ?? .nan])
        case .perturbedLossIncrease: .double([s.samples?.lossIncrease ?? .nan])
        case .curvatureProbeLoss: .double([s.curvature?.probeLoss ?? .nan])
        case .curvatureLambdaMax: .double(s.curvature?.lambdaMax ?? Array(repeating: .nan, count: s.layerSignal.count))
        case .curvatureLambdaMaxResidual: .double(s.curvature?.lambdaMaxResidual ?? Array(repeating: .nan, count: s.layerSignal.count))
        case .curvatureTrace: .double(s.curvature?.trace ?? Array(repeating: .nan, count: s.layerSignal.count))
        case .curvatureTraceStandardError: .double(s.curvature?.traceStandardError ?? Array(repeating: .nan, count: s.layerSignal.count))
        case .curvatureFullLambdaMax: .double([s.curvature?.fullLambdaMax ?? .nan])
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
    private let stepSets: [(TraceVariable, Dataset)]
    private let epochSets: [(TraceVariable, Dataset)]
    private let snapshotScales: [Dataset]
    private let snapshotSets: [[(SnapshotVariable, Dataset)]]
    private let markers: [TraceMarker: Dataset]
    /// Complete rows of `/steps`, `/epochs` and snapshots.
    private(set) var completedSteps: Int, completedEpochs: Int, completedSnapshots: Int

    /// Creates a new trace at `path` with the whole layout of `header`. The file is built under a temporary
    /// name beside `path`, so that a failure never leaves a half-made trace, and renamed into place once its
    /// layout is complete. A file already at `path` is refused unless `replacing`; then the new trace stays
    /// under its temporary name, which is returned: the caller renames it over the old file once it holds an
    /// epoch (``TraceRecorder``), so that a run stopped or failing before that replaces nothing.
    static func create(at path: String, header: TraceHeader, plannedEpochs: Int, replacing: Bool) throws -> String? {
        var info = stat()
        let exists = lstat(path, &info) == 0
        if !replacing && exists {
            throw TraceError(path: path, "already exists; pass --force to replace it, or choose another name")
        }
        let temporary = "\(path).partial-\(getpid())"
        unlink(temporary)
        removeStaleTemporaries(of: path, marker: ".partial-")
        do {
            let file = try File.create(temporary)
            try TraceLayout.build(in: file, header: header, plannedEpochs: plannedEpochs)
            try file.close()
            if exists { return temporary }
            if let e = publish(temporary, over: path) {
                throw TraceError(path: path, "cannot be created: \(String(cString: strerror(e))); choose a writable folder")
            }
            return nil
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
        stepSets = try TraceVariable.records(in: .steps, recording: recording, smoothing: smoothing)
            .map { ($0, try file.openDataset($0.path)) }
        epochSets = try TraceVariable.records(in: .epochs, recording: recording, smoothing: smoothing)
            .map { ($0, try file.openDataset($0.path)) }
        let snapshotVariables = SnapshotVariable.variables(for: recording)
        let layers = recording.takesSnapshots ? Array(1...header.layerCount) : []
        snapshotScales = try layers.map { try file.openDataset(SnapshotScale.epoch.path(layer: $0)) }
        snapshotSets = try layers.map { l in
            try snapshotVariables.map { ($0, try file.openDataset($0.path(layer: l))) }
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
        let lastStep = Int(rows.step.last ?? Int64(completedSteps))
        for (variable, dataset) in stepSets + epochSets {
            let column = TraceColumn.of(variable, rows: rows, metrics: metrics, statistics: statistics, lastStep: lastStep)
            try append(column, to: dataset, name: variable.name)
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
    /// matrix as chunks compressed on ``threads`` threads (``SnapshotChunks``) and written as they are, matrix by matrix, or
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
        // One matrix at a time, so that only its compressed chunks are held (all of paper-mnist's at once were
        // some 20 MB more at the run's peak); its chunks are still compressed on `threads` threads.
        for (m, (dataset, row)) in targets.enumerated() {
            let compressed = SnapshotChunks.compress([matrices[m]], level: TraceWriter.snapshotLevel, threads: threads)[0]
            for (c, bytes) in compressed.enumerated() {
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
