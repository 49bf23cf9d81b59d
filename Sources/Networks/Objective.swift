import NumericCore

/// What one training step minimises: it fills `network.gradients` with ∇L for the batch held in `pass`
/// (inputs and labels already filled) and reports the loss.
///
/// Plain cross-entropy is `CrossEntropyObjective`; the smoothing losses (PLA, PLEA) of the Smoothing module
/// conform too, so the training loop never knows which loss it runs.
public protocol TrainingObjective: AnyObject {
    /// Computes the loss of the first `batch` rows of `pass` and writes its gradient into `network.gradients`.
    /// `step` is the optimizer step t (from 1), which keys any random draw the objective makes.
    func lossAndGradient(_ network: Network, pass: Pass, batch: Int, step: Int) -> ObjectiveValue

    /// For the smoothing losses, after a step: L_a for a = 0…y (L_0 at the unperturbed weights).
    var sampleLosses: UnsafeBufferPointer<Double>? { get }
    /// For the smoothing losses, after a step: the weight of each L_a's gradient in the step's gradient
    /// (PLA: K_a/(1+y); PLEA: w_a = softmax(−L − d)_a, which sum to 1).
    var sampleWeights: UnsafeBufferPointer<Double>? { get }
}

extension TrainingObjective {
    /// nil: an objective without displaced samples (plain cross-entropy) has no L_a.
    public var sampleLosses: UnsafeBufferPointer<Double>? { nil }
    /// nil: an objective without displaced samples (plain cross-entropy) has no sample weights.
    public var sampleWeights: UnsafeBufferPointer<Double>? { nil }
}

/// The outcome of one objective evaluation.
public struct ObjectiveValue: Sendable {
    /// The objective's value for the batch (e.g. the mean cross-entropy; L_PLA or L_PLEA when smoothing).
    public var loss: Double
    /// The mean cross-entropy at the unperturbed weights W (equal to `loss` for plain cross-entropy).
    public var crossEntropy: Double
    /// Rows of the batch classified correctly at the unperturbed weights W.
    public var correct: Int

    /// The outcome with objective value `loss`, cross-entropy at W `crossEntropy` and `correct` rows.
    public init(loss: Double, crossEntropy: Double, correct: Int) {
        self.loss = loss
        self.crossEntropy = crossEntropy
        self.correct = correct
    }
}

/// Plain mean cross-entropy: L(W) = (1/B) Σ_n ℓ_n(W).
public final class CrossEntropyObjective: TrainingObjective {
    /// The plain cross-entropy objective (it holds no state).
    public init() {}

    /// One forward and backward pass at W: ∇L into `network.gradients`, loss = crossEntropy = (1/B) Σ_n ℓ_n.
    public func lossAndGradient(_ network: Network, pass: Pass, batch: Int, step: Int) -> ObjectiveValue {
        pass.forward(network, batch: batch)
        let r = pass.backward(network, batch: batch)
        let mean = r.lossSum / Double(batch)
        return ObjectiveValue(loss: mean, crossEntropy: mean, correct: r.correct)
    }
}
