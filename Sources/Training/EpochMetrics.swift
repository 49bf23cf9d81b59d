/// What one epoch measured. Train loss and accuracy are the means over the epoch's mini-batches, each taken at
/// the weights before that step's update (the usual "running" train metrics); test and validation figures are
/// taken on the whole split after the epoch's last update.
public struct EpochMetrics: Codable, Sendable, Equatable {
    /// e, numbered from 1.
    public var epoch: Int
    /// Optimizer steps (mini-batches) in this epoch.
    public var steps: Int
    /// Mean over the epoch's mini-batches of the objective minimised (cross-entropy, or L_PLA / L_PLEA).
    public var trainObjective: Double
    /// Mean mini-batch cross-entropy at the unperturbed weights.
    public var trainLoss: Double
    /// Fraction of training rows classified correctly (unperturbed weights, before each update).
    public var trainAccuracy: Double
    /// Mean cross-entropy on the test split.
    public var testLoss: Double
    /// Fraction of the test split classified correctly.
    public var testAccuracy: Double
    /// Mean cross-entropy on the held-out validation images, when there are any.
    public var validationLoss: Double?
    /// Accuracy on the held-out validation images, when there are any.
    public var validationAccuracy: Double?
    /// Seconds spent on training steps in this epoch (evaluation excluded).
    public var trainingSeconds: Double
    /// Seconds for the whole epoch, evaluation included.
    public var seconds: Double

    /// Metrics given field by field.
    public init(epoch: Int, steps: Int, trainObjective: Double, trainLoss: Double, trainAccuracy: Double,
                testLoss: Double, testAccuracy: Double, validationLoss: Double? = nil, validationAccuracy: Double? = nil,
                trainingSeconds: Double, seconds: Double) {
        self.epoch = epoch
        self.steps = steps
        self.trainObjective = trainObjective
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.trainingSeconds = trainingSeconds
        self.seconds = seconds
    }
}
