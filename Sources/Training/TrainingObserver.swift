import Networks

/// One optimizer step, as observers see it: after the gradients are formed and before the update.
public struct StepEvent {
    /// The epoch, numbered from 1.
    public let epoch: Int
    /// The step within the epoch, numbered from 1.
    public let step: Int
    /// Steps per epoch.
    public let stepsPerEpoch: Int
    /// t, the step counted over the whole run, numbered from 1.
    public let globalStep: Int
    /// The batch size of this step.
    public let batchSize: Int
    /// The objective's value for this mini-batch.
    public let loss: Double
    /// The mean cross-entropy at the unperturbed weights.
    public let crossEntropy: Double
    /// η for this step.
    public let learningRate: Double
    /// The network: its weights are those the gradients were taken at; `network.weightGradientBuffer(l)` and
    /// `network.biasGradientBuffer(l)` view this step's gradients without a copy (valid during the call only).
    public unowned let network: Network
    /// The step's forward/backward buffers: `pass.activations[l]` is A_l, (B, n_l), and, when
    /// `pass.retainsErrors` was set (cross-entropy only), `pass.errors[l]` is δ_l = ∂L/∂Z_l.
    public unowned let pass: Pass
    /// With PLA/PLEA: L_0…L_y of this step (valid during the call only).
    public let sampleLosses: UnsafeBufferPointer<Double>?
    /// With PLA/PLEA: each sample's weight in the gradient (PLEA: w_a, summing to 1).
    public let sampleWeights: UnsafeBufferPointer<Double>?
}

/// Receives the training loop's events. The loop knows nothing of what observers do with them (record a
/// trace, draw progress); every method has an empty default.
public protocol TrainingObserver: AnyObject {
    /// Before the first step of a run (or of a resumed run); `startEpoch` is the first epoch to be trained.
    func trainingWillStart(_ trainer: Trainer, startEpoch: Int) throws
    /// After each step's gradients are formed, before the parameters change.
    func stepDidComputeGradients(_ event: StepEvent) throws
    /// After each epoch's evaluation.
    func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws
}

extension TrainingObserver {
    /// Does nothing.
    public func trainingWillStart(_ trainer: Trainer, startEpoch: Int) throws {}
    /// Does nothing.
    public func stepDidComputeGradients(_ event: StepEvent) throws {}
    /// Does nothing.
    public func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws {}
}
