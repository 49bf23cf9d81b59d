import Networks
import NumericCore

/// PLA and PLEA the straightforward way: y + 1 full forward and backward passes, one per sample, each on a
/// copy of the network whose U-layers hold W_l + ΔW^a_l, and the gradient formed as Σ_a c_a ∇L(W + ΔW^a).
///
/// It draws exactly the displacements `SmoothedObjective` draws (same streams), shares no computation, and
/// is the reference the tests hold the shared-prefix path to (`--smoothing-path naive`).
public final class NaiveSmoothedObjective: TrainingObjective {
    /// The loss (PLA or PLEA), U, R, y, k and kernel.
    public let configuration: LossConfiguration
    let s: Int
    let perturbations: Perturbations
    let shadow: Network
    let sampleGradients: [FloatBuffer]

    /// The objective of `configuration` (PLA or PLEA on a non-empty U, y > 0) for `architecture`; displacements keyed
    /// by `seed`, drawn on `threads` threads.
    public init(_ configuration: LossConfiguration, architecture: Architecture, seed: UInt64, threads: Int = 1) {
        precondition(configuration.kind != .ce && !configuration.layers.isEmpty && configuration.samples > 0)
        self.configuration = configuration
        s = configuration.samples + 1
        perturbations = Perturbations(configuration, architecture: architecture, seed: seed)
        perturbations.sampler.threads = threads
        shadow = Network(architecture)
        sampleGradients = (0..<(configuration.samples + 1)).map { _ in FloatBuffer(count: architecture.layout.count) }
    }

    /// L_a for a = 0…y after the last step (L_0 at W).
    public var sampleLosses: UnsafeBufferPointer<Double>? { perturbations.lossView }
    /// c_a for a = 0…y after the last step: the weight of ∇L(W + ΔW^a) in the step's gradient.
    public var sampleWeights: UnsafeBufferPointer<Double>? { perturbations.coefficientView }

    /// y + 1 full passes on a copy of the network, then Σ_a c_a ∇L(W + ΔW^a) into `network.gradients`;
    /// crossEntropy and correct are sample 0's (at W).
    public func lossAndGradient(_ network: Network, pass: Pass, batch b: Int, step: Int) -> ObjectiveValue {
        perturbations.draw(network, step: step)
        var correct = 0
        for a in 0..<s {
            shadow.parameters.assign(from: network.parameters)
            for l in perturbations.layers where a > 0 {
                shadow.weights(l).update(from: perturbations.weights(network, layer: l, sample: a),
                                         count: network.layout[layer: l].weightCount)
            }
            pass.forward(shadow, batch: b)
            let r = pass.backward(shadow, batch: b)
            perturbations.losses[a] = r.lossSum / Double(b)
            if a == 0 { correct = r.correct }
            sampleGradients[a].assign(from: shadow.gradients)
        }
        let loss = perturbations.combine(configuration.kind)
        let g = network.gradients.pointer, n = network.gradients.count
        for i in 0..<n { g[i] = 0 }
        for a in 0..<s {
            let c = Float(perturbations.coefficients[a]), ga = sampleGradients[a].pointer
            for i in 0..<n { g[i] += c * ga[i] }
        }
        return ObjectiveValue(loss: loss, crossEntropy: perturbations.losses[0], correct: correct)
    }
}
