import Curvature
import Foundation
import HDF5
import Networks
import NumericCore
import Training

/// Records a training run into a trace: a ``TrainingObserver`` that feeds each step's gradients to a
/// ``GradientStatistics`` and writes each completed epoch (its step rows, its epoch row, its snapshots) with
/// a SWMR ``TraceWriter``, flushed and marked complete before the next epoch starts.
///
/// Add it to `trainer.observers` *before* a checkpoint writer, so that the trace always holds at least the
/// epochs of the latest checkpoint (a resume then never leaves a gap). Call ``finish(_:)`` when the run ends,
/// whatever the reason; a recorder that is dropped without it closes its file but leaves `status` = running.
public final class TraceRecorder: TrainingObserver {
    /// The trace's path.
    public let path: String
    /// The root attributes as written.
    public let header: TraceHeader
    /// The accumulators (exposed for tests and benchmarks).
    public let statistics: GradientStatistics
    /// What is recorded.
    public var recording: TraceRecording { header.recording }
    private var writer: TraceWriter?
    /// The temporary name the trace is written under while it replaces an older file at ``path`` and holds no
    /// epoch yet (nil once it is at ``path``): the old file is replaced only by a trace with an epoch.
    private var unpublished: String?
    /// Whether the file at ``path`` is still the older one this trace is to replace (its first epoch is not
    /// complete): a run that ends now leaves that file as it was.
    public var keepsOldFile: Bool { unpublished != nil }
    /// The probe batch and the products of curvature recording, made at the first measurement.
    private var curvatureProbe: (batch: ProbeBatch, products: HessianVectorProduct)?

    /// Starts a new trace at `path` for `trainer`'s run (which may itself be resumed: the trace then starts at
    /// its next epoch). An existing file is refused unless `replacing`; it is replaced only once the new
    /// trace holds its first epoch (until then the new one is `PATH.partial-PID`; see ``keepsOldFile``). `threads` share the per-weight passes (default: OpenBLAS's thread count).
    public convenience init(creating path: String, trainer: Trainer, recording: TraceRecording, provenance: TraceProvenance,
                            replacing: Bool = false, threads: Int? = nil) throws {
        try self.init(creating: path, run: TraceRun(trainer), recording: recording, provenance: provenance,
                      replacing: replacing, threads: threads)
    }

    /// Starts a new trace at `path` for the run `run` (for callers that drive the steps themselves, such as
    /// `thermo bench`: they call ``GradientStatistics/observeStep`` on ``statistics`` and then
    /// ``recordEpoch(_:network:)``). A recording that ``TraceRecording/validate()`` refuses is refused here.
    public init(creating path: String, run: TraceRun, recording: TraceRecording, provenance: TraceProvenance,
                replacing: Bool = false, threads: Int? = nil) throws {
        try recording.validate()
        let configuration = run.configuration
        try TraceRecorder.check(recording, configuration: configuration, path: path)
        self.path = path
        let threadCount = threads ?? BLAS.threads
        let session = TraceRecorder.session(provenance, firstEpoch: run.firstEpoch)
        header = TraceHeader(formatMajor: TraceFormat.majorVersion, formatMinor: TraceFormat.minorVersion,
                             thermoVersion: provenance.thermoVersion, created: session.started, command: provenance.command,
                             configurationJSON: try TraceHeader.json(configuration),
                             configuration: configuration, recording: recording,
                             dataChecksums: provenance.dataChecksums, dataDirectory: run.dataDirectory,
                             trainImages: run.trainImages, validationImages: run.validationImages,
                             testImages: run.testImages, blasThreads: provenance.blasThreads,
                             recorderThreads: threadCount, blas: provenance.blas, hdf5Version: Library.version,
                             stepsPerEpoch: run.stepsPerEpoch, firstEpoch: run.firstEpoch,
                             runID: UUID().uuidString.lowercased(), sessions: [session],
                             widths: configuration.architecture.widths,
                             smoothing: !configuration.loss.isCrossEntropy,
                             storedLayerMatrices: TraceHeader.matrices(of: configuration.architecture))
        unpublished = try TraceWriter.create(at: path, header: header, plannedEpochs: configuration.epochs, replacing: replacing)
        statistics = GradientStatistics(layout: configuration.architecture.layout, recording: recording,
                                        batchCapacity: configuration.batchSize,
                                        stepsPerEpoch: run.stepsPerEpoch, threads: threadCount)
        writer = try TraceWriter(appendingTo: unpublished ?? path, header: header, threads: threadCount)
        try writer?.begin(plannedEpochs: configuration.epochs)
    }

    /// Continues the trace at `path` with `trainer`, which was restored from a checkpoint: checks that the
    /// trace belongs to the same run (same configuration but for the number of epochs, same metrics for every
    /// epoch they share) and holds every epoch of the checkpoint, recovers it if its writer was killed, cuts
    /// the rows recorded after the checkpoint (they will be recorded again, identically), and appends from
    /// there. `recording`, when given, must match the trace's.
    public init(resuming path: String, trainer: Trainer, recording: TraceRecording?, provenance: TraceProvenance,
                threads: Int? = nil) throws {
        let opened = try TraceMaintenance.openReaderClearingMaintenanceFlags(path)
        let reader = opened.reader
        var header = reader.header
        let kept: (steps: Int, epochs: Int, snapshots: Int)
        do {
            if let recording, recording != header.recording {
                var error = TraceError(path: path, "records \(header.recording), not the requested \(recording); drop --record to continue it as it is")
                error.isChangedRecording = true
                throw error
            }
            try TraceRecorder.check(header.recording, trainer: trainer, path: path)
            kept = try TraceRecorder.verifySameRun(reader, trainer: trainer)
            // Every row the run keeps must read back, or the continued trace would carry data no reader can read.
            let readable = TraceReadability.extent(of: reader)
            if let bad = readable.firstUnreadable, readable.epochs < kept.epochs {
                throw TraceError(path: path, "holds data that cannot be read (\(bad)) among the \(kept.epochs) epochs this run continues "
                                 + "from, so continuing it would keep them broken; continue an intact copy of the trace, or record "
                                 + "into a new one (--trace NEW.h5); 'thermo recover \(path)' keeps the \(readable.epochs) epochs that read back")
            }
        } catch {
            // Refused before any change: a trace cut short that the open extended goes back to its own length.
            try? reader.close()
            if let length = opened.originalLength { TraceMaintenance.putBack(path, length: length) }
            throw error
        }
        try reader.close()
        let (file, _) = try TraceMaintenance.openReadWrite(path, checkedWith: reader)
        do {
            _ = try TraceMaintenance.truncate(file, header: header, steps: kept.steps, epochs: kept.epochs, snapshots: kept.snapshots)
            header.configurationJSON = try TraceHeader.json(trainer.configuration)
            header.configuration = trainer.configuration
            header.sessions.append(TraceRecorder.session(provenance, firstEpoch: trainer.completedEpochs + 1))
            try file.setAttribute("configuration", header.configurationJSON)
            try file.setAttribute("sessions", try TraceHeader.json(header.sessions))
            if try file.hasAttribute(TraceHeader.divergenceAttribute) { try file.deleteAttribute(TraceHeader.divergenceAttribute) }
            try TraceMaintenance.writeMarker(file, .status, Int(TraceStatus.running.rawValue))
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
        self.path = path
        self.header = header
        let threadCount = threads ?? BLAS.threads
        statistics = GradientStatistics(layout: trainer.network.layout, recording: header.recording,
                                        batchCapacity: trainer.configuration.batchSize,
                                        stepsPerEpoch: trainer.stepsPerEpoch, threads: threadCount)
        writer = try TraceWriter(appendingTo: path, header: header, threads: threadCount)
        try writer?.begin(plannedEpochs: trainer.configuration.epochs)
    }

    /// Refuses recordings the run cannot give.
    static func check(_ recording: TraceRecording, trainer: Trainer, path: String) throws {
        try check(recording, configuration: trainer.configuration, path: path)
    }

    /// Refuses what `configuration` cannot give (``TraceRecording/refusal(for:)``, the one rule).
    static func check(_ recording: TraceRecording, configuration: TrainingConfiguration, path: String) throws {
        if let (level, reason) = recording.refusal(for: configuration) {
            throw TraceError(path: path, "cannot record \(level): it \(reason); drop \(level) from --record")
        }
    }

    /// This process as a session.
    static func session(_ provenance: TraceProvenance, firstEpoch: Int) -> TraceSession {
        let formatter = ISO8601DateFormatter()
        return TraceSession(started: formatter.string(from: Date()), command: provenance.command,
                            host: TraceMaintenance.hostName, pid: Int(ProcessInfo.processInfo.processIdentifier),
                            firstEpoch: firstEpoch, thermoVersion: provenance.thermoVersion,
                            dataChecksums: provenance.dataChecksums)
    }

    /// Checks that the trace read by `reader` is the run that `trainer` resumes, and returns the rows to keep:
    /// the epochs ≤ the checkpoint's, the steps ≤ its global step, the snapshots of those epochs.
    static func verifySameRun(_ reader: TraceReader, trainer: Trainer) throws -> (steps: Int, epochs: Int, snapshots: Int) {
        let path = reader.path, header = reader.header
        guard var recorded = header.configuration else {
            throw TraceError(path: path, "has a configuration this thermo cannot read; continue it with the thermo that wrote it (\(header.thermoVersion))")
        }
        recorded.epochs = trainer.configuration.epochs
        guard recorded == trainer.configuration else {
            throw TraceError(path: path, "belongs to another run (its configuration differs from the checkpoint's in \(differences(recorded, trainer.configuration))); give this run's trace, or a new file name")
        }
        let done = trainer.completedEpochs
        let epochs = try reader.epochs()
        let first = header.firstEpoch
        guard first <= done + 1 else {
            throw TraceError(path: path, "starts at epoch \(first), after the checkpoint's epoch \(done); the epochs between would be missing")
        }
        guard (epochs.last ?? first - 1) >= done else {
            throw TraceError(path: path, "holds epochs up to \(epochs.last ?? 0) but the checkpoint is at epoch \(done); the trace cannot be continued without a gap (start a new trace)")
        }
        let testLoss = try reader.read(.testLoss).values, trainLoss = try reader.read(.trainLoss).values
        for (row, epoch) in epochs.enumerated() where epoch <= done {
            let metrics = trainer.history[epoch - 1]
            guard metrics.testLoss == testLoss[row] && metrics.trainLoss == trainLoss[row] else {
                throw TraceError(path: path, "records other metrics for epoch \(epoch) than the checkpoint (test loss \(testLoss[row]) vs \(metrics.testLoss)); it belongs to another run")
            }
        }
        let steps = try reader.steps().filter { $0 <= trainer.globalStep }.count
        let snapshots = try (1...header.layerCount).map { try reader.snapshotEpochs(layer: $0).filter { $0 <= done }.count }.min() ?? 0
        return (steps, epochs.filter { $0 <= done }.count, header.recording.takesSnapshots ? snapshots : 0)
    }

    // MARK: Observer

    /// Sets up per-sample errors for batch variance and starts a fresh epoch.
    public func trainingWillStart(_ trainer: Trainer, startEpoch: Int) throws {
        if recording.batchVariance {
            try TraceRecorder.check(recording, configuration: trainer.configuration, path: path)
            guard trainer.objective is CrossEntropyObjective else {  // a custom objective on a CE configuration
                throw TraceError(path: path, "cannot record batch-variance: the run's objective is not plain cross-entropy")
            }
            // v^B is measured inside the backward pass, from each layer's δ as it is formed (no copies of δ).
            trainer.pass.errorObserver = { [statistics, network = trainer.network] pass, l, delta, batch in
                statistics.observeError(layer: l, delta: delta, network: network, pass: pass, batch: batch)
            }
        }
        statistics.discardEpoch()
    }

    /// Accumulates the step's statistics.
    public func stepDidComputeGradients(_ event: StepEvent) throws {
        statistics.observeStep(network: event.network, pass: event.pass, epoch: event.epoch, step: event.globalStep,
                               batchSize: event.batchSize, loss: event.loss, crossEntropy: event.crossEntropy,
                               learningRate: event.learningRate, sampleLosses: event.sampleLosses,
                               sampleWeights: event.sampleWeights)
    }

    /// Completes the epoch's statistics and writes them, flushed and marked complete.
    public func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws {
        try recordEpoch(metrics, network: trainer.network, curvature: try measureCurvature(epoch: metrics.epoch, trainer: trainer))
    }

    /// The curvature after epoch `epoch`'s last update, when the recording's schedule asks for it: per layer
    /// λ_max and tr of H_ll and the full H's λ_max, on the run's fixed probe batch (seeded by the run's seed, so
    /// that a resumed run measures the same numbers).
    func measureCurvature(epoch: Int, trainer: Trainer) throws(CurvatureError) -> EpochCurvature? {
        guard let schedule = recording.curvature, schedule.measures(epoch: epoch, lastEpoch: trainer.configuration.epochs) else { return nil }
        if curvatureProbe == nil {
            let size = schedule.probeBatch ?? ProbeBatch.defaultSize(for: trainer.configuration.architecture)
            let batch = try ProbeBatch(trainer.data, size: size, seed: trainer.configuration.seed)
            curvatureProbe = (batch, HessianVectorProduct(trainer.configuration.architecture, capacity: batch.count))
        }
        guard let (batch, products) = curvatureProbe else { return nil }
        batch.labels.withUnsafeBufferPointer {
            products.prepare(network: trainer.network, input: batch.input.pointer, labels: $0.baseAddress!, batch: batch.count)
        }
        var settings = CurvatureSettings()
        settings.lanczosSteps = schedule.lanczosSteps
        settings.probes = schedule.probes
        settings.seed = trainer.configuration.seed
        let m = try CurvatureMeasurement.measure(products, settings: settings)
        return EpochCurvature(probeLoss: m.loss, lambdaMax: m.layers.map(\.lambdaMax),
                              lambdaMaxResidual: m.layers.map(\.lambdaMaxResidual), trace: m.layers.map(\.trace),
                              traceStandardError: m.layers.map(\.traceStandardError), fullLambdaMax: m.fullLambdaMax ?? .nan)
    }

    /// Completes the epoch observed so far (``statistics``), with `metrics` and the weights of `network`
    /// after its last update (and the `curvature` measured then, if any), and writes it: step rows, epoch row,
    /// snapshots; flushed; markers advanced.
    public func recordEpoch(_ metrics: EpochMetrics, network: Network, curvature: EpochCurvature? = nil) throws {
        guard let writer else { throw TraceError(path: path, "was closed before the run ended") }
        var epochStatistics = statistics.finishEpoch(network: network)
        epochStatistics.curvature = curvature
        let statistics = self.statistics
        let snapshot: ((SnapshotVariable, Int) -> UnsafeBufferPointer<Float>)? = recording.isSnapshotEpoch(metrics.epoch)
            ? { variable, l in
                switch variable {
                case .gradientMean: statistics.means(layer: l)
                case .gradientVariance: statistics.variances(layer: l)
                case .withinBatchVariance: statistics.withinBatchVarianceMeans(layer: l)
                }
            } : nil
        try writer.appendEpoch(rows: statistics.rows, metrics: metrics, statistics: epochStatistics, snapshot: snapshot)
        if let temporary = unpublished {
            // The open file survives the rename (POSIX): the writer goes on appending to it at its new name.
            if let e = publish(temporary, over: path) {
                throw TraceError(path: path, "cannot be replaced by the new trace: \(String(cString: strerror(e)))")
            }
            unpublished = nil
        }
    }

    /// Records how the run ended and closes the trace (idempotent). After this the file is an ordinary HDF5
    /// file for every reader. A trace that never replaced the older file at ``path`` (no epoch) is removed.
    /// `divergence` (where a diverged run stopped, and its loss) becomes the root attribute `divergence`,
    /// written once the file is closed (HDF5 1.10 adds no attribute while a file is written in SWMR mode).
    public func finish(_ status: TraceStatus, divergence: String? = nil) throws {
        guard writer != nil else { return }
        if let temporary = unpublished {
            try? writer?.close()
            writer = nil
            unpublished = nil
            unlink(temporary)
            return
        }
        do {
            // Released on the way out, so that no dataset of the SWMR writer keeps the file open.
            defer { try? writer?.close(); writer = nil }
            try writer?.setStatus(status)
            try writer?.close()
        }
        if let divergence {
            let file = try File.open(path, mode: .readWrite)
            defer { try? file.close() }
            try file.setAttribute(TraceHeader.divergenceAttribute, divergence)
            try file.close()
        }
    }
}

/// What a new trace needs to know of its run.
public struct TraceRun: Sendable {
    /// The run's configuration.
    public var configuration: TrainingConfiguration
    /// M, steps per epoch.
    public var stepsPerEpoch: Int
    /// Training, validation and test images.
    public var trainImages: Int, validationImages: Int, testImages: Int
    /// Where the data was read from.
    public var dataDirectory: String
    /// The first epoch the trace will hold.
    public var firstEpoch: Int

    /// The run of `trainer`, from its next epoch.
    public init(_ trainer: Trainer) {
        self.init(configuration: trainer.configuration, stepsPerEpoch: trainer.stepsPerEpoch,
                  trainImages: trainer.data.trainIndices.count, validationImages: trainer.data.validationIndices.count,
                  testImages: trainer.data.dataSet.test.count, dataDirectory: trainer.data.dataSet.directory,
                  firstEpoch: trainer.completedEpochs + 1)
    }

    /// A run described field by field.
    public init(configuration: TrainingConfiguration, stepsPerEpoch: Int, trainImages: Int, validationImages: Int,
                testImages: Int, dataDirectory: String, firstEpoch: Int) {
        self.configuration = configuration
        self.stepsPerEpoch = stepsPerEpoch
        self.trainImages = trainImages
        self.validationImages = validationImages
        self.testImages = testImages
        self.dataDirectory = dataDirectory
        self.firstEpoch = firstEpoch
    }
}

/// Names the configuration fields that differ (for resume errors).
func differences(_ a: TrainingConfiguration, _ b: TrainingConfiguration) -> String {
    var d: [String] = []
    if a.dataset != b.dataset { d.append("data set") }
    if a.architecture != b.architecture { d.append("architecture") }
    if a.initialization != b.initialization { d.append("initialisation") }
    if a.optimizer != b.optimizer { d.append("optimizer") }
    if a.batchSize != b.batchSize { d.append("batch size") }
    if a.seed != b.seed { d.append("seed") }
    if a.trainSubset != b.trainSubset || a.validation != b.validation { d.append("data split") }
    if a.standardize != b.standardize { d.append("pixel scaling") }
    if a.keepLastBatch != b.keepLastBatch { d.append("last batch") }
    if a.loss != b.loss { d.append("loss") }
    return d.isEmpty ? "other settings" : d.joined(separator: ", ")
}
