import Datasets
import Networks
import NumericCore
import Smoothing

/// The training loop: epochs of shuffled mini-batches, one objective evaluation and one SGD update per step,
/// and an evaluation on the test (and validation) split after each epoch.
///
/// A step, top to bottom:
///   1. gather the batch's rows (converted to Float32) and labels into the pass;
///   2. the objective runs forward and backward and leaves ∇L in `network.gradients`;
///   3. a non-finite loss stops the run (`TrainingError.diverged`) before the parameters change;
///   4. observers see the step (gradients and pre-update weights, without copies);
///   5. SGD updates the parameters.
public final class Trainer {
    /// What determines the run's numbers.
    public let configuration: TrainingConfiguration
    /// The data and its split.
    public let data: TrainingData
    /// The network being trained.
    public let network: Network
    /// The optimiser and its momentum buffer.
    public let optimizer: SGD
    /// What each step minimises.
    public let objective: TrainingObjective
    /// Observers, called in order.
    public var observers: [TrainingObserver] = []
    /// Checksums of the data the run reads (`DataChecksums.compute`), when the caller computed them: written
    /// into every checkpoint, so that a resume can tell whether it reads the same data.
    public var dataChecksums: [String: String]? = nil
    /// Polled before every step; when it returns true the run stops at that step boundary with
    /// `TrainingError.interrupted`.
    public var stopRequested: () -> Bool = { false }

    /// Epochs completed so far (0 before training).
    public private(set) var completedEpochs = 0
    /// Steps taken so far.
    public private(set) var globalStep = 0
    /// The metrics of every completed epoch.
    public private(set) var history: [EpochMetrics] = []
    /// Seconds spent in `run` over the whole run, including earlier sessions before a resume.
    public private(set) var elapsedSeconds = 0.0

    /// Rows gathered for evaluation at once.
    public static let evaluationChunk = 1000

    /// The forward/backward buffers of the steps (observers may set `pass.retainsErrors`).
    public let pass: Pass

    /// A new run: the network is initialised from the stream (seed, `"init"`). `dataSet` must be the data set the
    /// configuration names (`dataSet.name == configuration.dataset`: traces and checkpoints record that name as the
    /// run's data); another is refused with a `ConfigurationError`, as are invalid settings.
    public init(configuration: TrainingConfiguration, dataSet: DataSet, objective: TrainingObjective? = nil) throws {
        try configuration.validate()
        guard dataSet.name == configuration.dataset else {
            throw ConfigurationError(.dataset, "\(configuration.dataset) is not the data set given (\(dataSet.name), from \(dataSet.directory)); "
                                     + "set configuration.dataset to \"\(dataSet.name)\", which traces and checkpoints record as the run's data, "
                                     + "or load \(configuration.dataset)")
        }
        try configuration.validate(inputs: dataSet.train.featureCount, classes: dataSet.classes,
                                   trainCount: dataSet.train.count)
        try configuration.validateAugmentation(channels: dataSet.train.channels, rows: dataSet.train.rows,
                                               columns: dataSet.train.columns)
        self.configuration = configuration
        self.data = TrainingData(dataSet, configuration: configuration)
        var random = RandomStream(seed: configuration.seed, purpose: "init")
        self.network = Network(configuration.architecture, initialization: configuration.initialization, random: &random)
        self.optimizer = SGD(configuration.optimizer, parameterCount: network.layout.count)
        self.optimizer.threads = BLAS.threads
        self.objective = objective ?? makeObjective(configuration.loss, architecture: configuration.architecture,
                                                    batchCapacity: configuration.batchSize, seed: configuration.seed,
                                                    threads: BLAS.threads)
        // An MLP evaluates 1000 rows at a time; a convolutional network's activations are ~100× larger per image,
        // so it evaluates in chunks of its batch size.
        let capacity = configuration.architecture.isFullyConnected
            ? max(configuration.batchSize, Trainer.evaluationChunk) : configuration.batchSize
        self.pass = Pass(configuration.architecture, capacity: capacity)
        self.pass.threads = BLAS.threads
    }

    /// Steps per epoch: ⌊n/B⌋, or ⌈n/B⌉ with `keepLastBatch`.
    public var stepsPerEpoch: Int {
        let n = data.trainIndices.count, b = configuration.batchSize
        return configuration.keepLastBatch ? (n + b - 1) / b : n / b
    }

    /// Training images visited per epoch: all of them with `keepLastBatch`, else the full batches only.
    public var samplesPerEpoch: Int {
        configuration.keepLastBatch ? data.trainIndices.count : stepsPerEpoch * configuration.batchSize
    }

    /// Restores the position of a checkpointed run (parameters and momentum are copied by the caller).
    func restore(completedEpochs: Int, globalStep: Int, history: [EpochMetrics], elapsedSeconds: Double) {
        self.completedEpochs = completedEpochs
        self.globalStep = globalStep
        self.history = history
        self.elapsedSeconds = elapsedSeconds
    }

    /// Trains epochs `completedEpochs + 1 … configuration.epochs`.
    public func run() throws {
        // A pass observer belongs to the observers of one run: each run starts without one, and an observer that
        // measures inside the backward pass installs its own in `trainingWillStart` (so a recorder removed from
        // `observers` costs nothing in the next run).
        pass.errorObserver = nil
        for observer in observers { try observer.trainingWillStart(self, startEpoch: completedEpochs + 1) }
        let clock = ContinuousClock()
        var sessionStart = clock.now
        defer { elapsedSeconds += seconds(sessionStart.duration(to: clock.now)) }
        while completedEpochs < configuration.epochs {
            let metrics = try trainEpoch(completedEpochs + 1)
            history.append(metrics)
            completedEpochs += 1
            // Fold the elapsed time in before observers run, so a checkpoint written by one holds it.
            let now = clock.now
            elapsedSeconds += seconds(sessionStart.duration(to: now))
            sessionStart = now
            for observer in observers { try observer.epochDidFinish(metrics, trainer: self) }
        }
    }

    /// The most rows one step takes: the batch size B (`configuration.batchSize`), which the objective's, the
    /// observers' and the pass's buffers are sized for.
    public var stepCapacity: Int { configuration.batchSize }

    /// One step on the training images `rows`, as step `step` of epoch `epoch`: gather them → the objective's
    /// forward, loss and backward (∇L in `network.gradients`) → a non-finite loss stops here with
    /// `TrainingError.diverged`, before any update → observers see the step → SGD updates the parameters. `run`
    /// takes its steps through this; benchmarks time it.
    ///
    /// A row is an index into `data.dataSet.train`, the whole training split as loaded (`data.trainIndices` are
    /// the rows a run trains on); a step takes 1 to ``stepCapacity`` rows. Other rows throw
    /// `TrainingError.invalidRows` before anything is read or changed.
    @discardableResult
    public func trainStep(on rows: UnsafeBufferPointer<Int32>, epoch: Int, step: Int) throws -> ObjectiveValue {
        try checkRows(rows)
        let batch = rows.count
        data.gatherTraining(rows, epoch: epoch, seed: configuration.seed, into: pass.input, labels: pass.labels)
        let value = objective.lossAndGradient(network, pass: pass, batch: batch, step: globalStep + 1)
        guard value.loss.isFinite else {
            throw TrainingError.diverged(epoch: epoch, step: step, globalStep: globalStep + 1, loss: value.loss,
                                         advice: configuration.divergenceAdvice)
        }
        globalStep += 1
        if !observers.isEmpty {
            let event = StepEvent(epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch, globalStep: globalStep,
                                  batchSize: batch, loss: value.loss, crossEntropy: value.crossEntropy,
                                  learningRate: configuration.optimizer.learningRate, network: network,
                                  pass: pass, sampleLosses: objective.sampleLosses, sampleWeights: objective.sampleWeights)
            for observer in observers { try observer.stepDidComputeGradients(event) }
        }
        optimizer.step(parameters: network.parameters, gradients: network.gradients)
        return value
    }

    /// Refuses the rows of a step that cannot take them: none, more than ``stepCapacity``, or one that is no image
    /// of the training split (one pass over the rows; nothing is allocated).
    func checkRows(_ rows: UnsafeBufferPointer<Int32>) throws(TrainingError) {
        let capacity = stepCapacity, count = data.dataSet.train.count
        guard !rows.isEmpty else {
            throw .invalidRows("a training step needs at least 1 row, and trainStep(on:epoch:step:) was given none; pass 1 to \(capacity) indices into dataSet.train")
        }
        guard rows.count <= capacity else {
            throw .invalidRows("a training step takes at most \(capacity) rows (configuration.batchSize), and trainStep(on:epoch:step:) was given \(rows.count); split them into steps of at most \(capacity), or raise the batch size")
        }
        for (position, row) in rows.enumerated() where UInt32(bitPattern: row) >= UInt32(count) {
            throw .invalidRows("row \(row) (position \(position) of the step's rows) is not an image of the training split, whose rows are 0…\(count - 1); pass indices into dataSet.train, such as those of trainer.data.trainIndices")
        }
    }

    func trainEpoch(_ epoch: Int) throws -> EpochMetrics {
        let clock = ContinuousClock()
        let start = clock.now
        let order = data.order(epoch: epoch, seed: configuration.seed)
        let steps = stepsPerEpoch, b = configuration.batchSize
        var objectiveSum = 0.0, lossSum = 0.0, correct = 0, seen = 0
        try order.withUnsafeBufferPointer { order in
            for step in 1...steps {
                if stopRequested() { throw TrainingError.interrupted(epoch: epoch, step: step) }
                let lo = (step - 1) * b, hi = min(lo + b, order.count)
                let value = try trainStep(on: UnsafeBufferPointer(rebasing: order[lo..<hi]), epoch: epoch, step: step)
                objectiveSum += value.loss
                lossSum += value.crossEntropy
                correct += value.correct
                seen += hi - lo
            }
        }
        let trainingSeconds = seconds(start.duration(to: clock.now))
        let test = evaluate(data.dataSet.test, indices: nil)
        let validation = data.validationIndices.isEmpty ? nil : evaluate(data.dataSet.train, indices: data.validationIndices)
        return EpochMetrics(epoch: epoch, steps: steps, trainObjective: objectiveSum / Double(steps),
                            trainLoss: lossSum / Double(steps), trainAccuracy: Double(correct) / Double(seen),
                            testLoss: test.loss, testAccuracy: test.accuracy,
                            validationLoss: validation?.loss, validationAccuracy: validation?.accuracy,
                            trainingSeconds: trainingSeconds, seconds: seconds(start.duration(to: clock.now)))
    }

    /// Mean cross-entropy and accuracy of the current weights on `images` (all of them, or the rows `indices`).
    public func evaluate(_ images: LabeledImages, indices: [Int32]?) -> (loss: Double, accuracy: Double) {
        let all = indices ?? (0..<Int32(images.count)).map { $0 }
        var lossSum = 0.0, correct = 0
        all.withUnsafeBufferPointer { rows in
            var lo = 0
            while lo < rows.count {
                let hi = min(lo + pass.capacity, rows.count)
                data.gather(images, UnsafeBufferPointer(rebasing: rows[lo..<hi]), into: pass.input, labels: pass.labels)
                pass.forward(network, batch: hi - lo)
                let r = pass.loss(batch: hi - lo)
                lossSum += r.lossSum
                correct += r.correct
                lo = hi
            }
        }
        return (lossSum / Double(all.count), Double(correct) / Double(all.count))
    }
}

@inline(__always)
func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}
