/// Why a run stopped early.
public enum TrainingError: Error, CustomStringConvertible {
    /// The loss became NaN or infinite.
    case diverged(epoch: Int, step: Int, globalStep: Int, loss: Double, learningRate: Double)
    /// A stop was requested (SIGINT, SIGTERM) and honoured at a step boundary.
    case interrupted(epoch: Int, step: Int)

    public var description: String {
        switch self {
        case let .diverged(epoch, step, globalStep, loss, lr):
            return "training diverged: the loss is \(loss) at epoch \(epoch), step \(step) (global step \(globalStep)). "
                + "Lower the learning rate (--lr \(lr) now, try \(lr / 10)), or check the data and the initialisation."
        case let .interrupted(epoch, step):
            return "training interrupted at epoch \(epoch), step \(step)"
        }
    }
}
