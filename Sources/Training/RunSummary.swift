import Foundation
import NumericCore

/// The result of a run, written as JSON by `thermo train --summary FILE`.
public struct RunSummary: Codable, Sendable {
    /// `completed`, `diverged` or `interrupted`.
    public var status: String
    /// Why the run stopped early, when it did.
    public var message: String?
    /// The thermo version that ran.
    public var thermoVersion: String
    /// The command line as typed.
    public var command: [String]
    /// The run's configuration.
    public var configuration: TrainingConfiguration
    /// The folder the data set was read from.
    public var dataDirectory: String
    /// Images trained on (after `--train-subset` and `--validation`).
    public var trainImages: Int
    /// Images held out for validation.
    public var validationImages: Int
    /// Images of the test split.
    public var testImages: Int
    /// The BLAS threads the run used.
    public var blasThreads: Int
    /// OpenBLAS's build configuration and core (`BLAS.configuration`).
    public var blas: String
    /// The OpenBLAS kernel family that ran, e.g. `OpenBLAS kernel Haswell (forced by OPENBLAS_CORETYPE=Haswell)`.
    public var blasKernel: String?
    /// Set when `OPENBLAS_CORETYPE` forced a kernel older than the CPU supports: what that costs.
    public var blasKernelNote: String?
    /// The metrics of every completed epoch.
    public var epochs: [EpochMetrics]
    /// The highest test accuracy over the epochs, a fraction (nil: no epoch).
    public var bestTestAccuracy: Double?
    /// The epoch of `bestTestAccuracy`, the earliest on a tie (nil: no epoch).
    public var bestEpoch: Int?
    /// The last epoch's test accuracy, a fraction (nil: no epoch).
    public var finalTestAccuracy: Double?
    /// Seconds of the whole run (all sessions, evaluation included).
    public var wallSeconds: Double
    /// Seconds spent in training steps only.
    public var trainingSeconds: Double
    /// Training samples per second of training-step time.
    public var samplesPerSecond: Double
    /// When the summary was written (ISO 8601).
    public var finished: String
    /// The HDF5 trace the run recorded into (`thermo train --trace`), if any.
    public var trace: String?

    /// The summary of `trainer`'s run so far.
    public init(_ trainer: Trainer, status: String, message: String?, command: [String], thermoVersion: String,
                blasThreads: Int, blas: String) {
        self.status = status
        self.message = message
        self.thermoVersion = thermoVersion
        self.command = command
        self.configuration = trainer.configuration
        self.dataDirectory = trainer.data.dataSet.directory
        self.trainImages = trainer.data.trainIndices.count
        self.validationImages = trainer.data.validationIndices.count
        self.testImages = trainer.data.dataSet.test.count
        self.blasThreads = blasThreads
        self.blas = blas
        let kernel = BLASKernel.current
        self.blasKernel = kernel.description
        self.blasKernelNote = kernel.note
        self.epochs = trainer.history
        let best = trainer.history.max { a, b in a.testAccuracy < b.testAccuracy || (a.testAccuracy == b.testAccuracy && a.epoch > b.epoch) }
        self.bestTestAccuracy = best?.testAccuracy
        self.bestEpoch = best?.epoch
        self.finalTestAccuracy = trainer.history.last?.testAccuracy
        self.wallSeconds = trainer.elapsedSeconds
        self.trainingSeconds = trainer.history.reduce(0) { $0 + $1.trainingSeconds }
        let samples = trainer.history.count * trainer.samplesPerEpoch
        self.samplesPerSecond = trainingSeconds > 0 ? Double(samples) / trainingSeconds : 0
        self.finished = ISO8601DateFormatter().string(from: Date())
    }

    /// The summary as pretty-printed JSON with sorted keys; NaN and ∞ (a diverging run's losses) as the strings
    /// "nan", "inf", "-inf" (``ThermoJSON``), which ``init(json:)`` reads back.
    public func json() throws -> Data {
        try ThermoJSON.encoder([.prettyPrinted, .sortedKeys]).encode(self)
    }

    /// A summary read back from what ``json()`` wrote.
    public init(json: Data) throws {
        self = try ThermoJSON.decoder().decode(RunSummary.self, from: json)
    }
}
