import Foundation
import NumericCore
import Settings
import Smoothing

/// Why a run stopped early.
public enum TrainingError: Error, DescribedError {
    /// The loss became NaN or infinite; `advice` names the settings most likely to blame (see
    /// `TrainingConfiguration.divergenceAdvice`).
    case diverged(epoch: Int, step: Int, globalStep: Int, loss: Double, advice: String)
    /// A stop was requested (SIGINT, SIGTERM, SIGQUIT) and honoured at a step boundary.
    case interrupted(epoch: Int, step: Int)
    /// `Trainer.trainStep(on:epoch:step:)` was given rows it cannot take (none, more than the batch size, or an
    /// index outside the training split); nothing was read or changed. The message says which and what to pass.
    case invalidRows(String)

    /// For a divergence, where it happened and the loss, e.g. "epoch 2, step 4 (global step 15): the loss is
    /// nan" (what a trace records); nil otherwise.
    public var divergence: String? {
        guard case let .diverged(epoch, step, globalStep, loss, _) = self else { return nil }
        return "epoch \(epoch), step \(step) (global step \(globalStep)): the loss is \(NumberText.significant(loss, digits: 6))"
    }

    /// The error as one line: the divergence with its advice, the step of the interruption, or the rows' message.
    public var description: String {
        switch self {
        case let .diverged(epoch, step, globalStep, loss, advice):
            return "training diverged: the loss is \(NumberText.significant(loss, digits: 6)) at epoch \(epoch), step \(step) (global step \(globalStep)). "
                + advice
        case let .interrupted(epoch, step):
            return "training interrupted at epoch \(epoch), step \(step)"
        case let .invalidRows(message):
            return message
        }
    }
}

extension TrainingConfiguration {
    /// What to change after a divergence, most likely culprit first: a displacement radius or Gaussian spread far
    /// beyond the weights' own scale (Kaiming's √(2/n_{l−1}), about 0.05 for 784 inputs), a weight decay with
    /// η·λ ≥ 1 (each step then more than cancels the weights), else the learning rate.
    public var divergenceAdvice: String {
        let lr = optimizer.learningRate
        var causes: [String] = []
        let fanIn = architecture.widths.first.map(Double.init) ?? 784
        let weightScale = (2 / fanIn).squareRoot()
        if !loss.isCrossEntropy {
            let spread = loss.kernel == .uniform ? loss.radius : (loss.gamma.map { 1 / $0.squareRoot() } ?? 0)
            if spread > 10 * weightScale {
                let radius = TrainingSetting.radius.flag
                let flag = loss.kernel == .uniform ? "\(radius) \(loss.radius)" : "\(TrainingSetting.gamma.flag) \(loss.gamma ?? 0)"
                let fix = loss.kernel == .uniform ? "try \(radius) \(NumberText.wholeOrSignificant(loss.radius / 100, digits: 6, symbols: true))" : "try a γ 10⁴ times larger"
                causes.append("\(flag) displaces the weights by far more than their own scale (about "
                    + String(format: "%.3g", weightScale) + "): \(fix)")
            }
        }
        if optimizer.weightDecay * lr >= 1 || optimizer.weightDecay > 1 {
            causes.append("\(TrainingSetting.weightDecay.flag) \(optimizer.weightDecay) is beyond any useful value (λ ≤ 1e-2 is usual): try 1e-4")
        }
        causes.append("lower the learning rate (\(TrainingSetting.lr.flag) \(NumberText.wholeOrSignificant(lr, digits: 6, symbols: true)) now, try \(NumberText.wholeOrSignificant(lr / 10, digits: 6, symbols: true)))")
        let first = causes[0].prefix(1).uppercased() + causes[0].dropFirst()
        return ([first] + causes.dropFirst()).joined(separator: "; or ") + "; or check the data and the initialisation."
    }
}
