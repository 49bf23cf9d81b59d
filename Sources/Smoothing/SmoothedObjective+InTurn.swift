import Networks
import NumericCore

/// The shared-prefix PLA/PLEA of `SmoothedObjective` when m = min(U) is a convolution: the S = y + 1 samples
/// run one after the other on the trainer's own pass, so that no buffer holds S·B rows of convolution
/// activations (on paper-mnist with U = {conv3} that stacking took 280 MB).
///
/// Prefix.  Stages below s_m run once on B rows; their outputs stay in the pass while the samples run above.
///
/// Coefficients first.  Each sample's error enters scaled by its c_a. PLA's c_a = K_a/S depend on the
/// displacements only and are known at once; PLEA's c_a = softmax(z)_a need every L_a, so PLEA first runs the
/// forward pass of every sample from s_m up for its loss alone (one extra forward of the stages above s_m per
/// sample), then proceeds as PLA.
///
/// Per sample a.  Forward from s_m with P(a, l) on the layers in U; δ^a = c_a (softmax − onehot)/B at the
/// logits; back-propagation down to s_m + 1 (parameter gradients accumulated over the samples, input gradients
/// with P(a, l) in U); at s_m, δ^a_m is added to Σ_a δ^a_m and its input gradient with P(a, m) to the sum below.
///
/// After the samples.  ∂W_m = (Σ_a δ^a_m)ᵀ-products with the shared input, in one call; below s_m the summed
/// error runs down once, as in the other paths.
extension SmoothedObjective {
    func inTurnLossAndGradient(_ network: Network, pass: Pass, batch b: Int, step: Int) -> ObjectiveValue {
        let architecture = network.architecture, S = architecture.stages.count
        let sm = network.layout[layer: m].stage, classes = architecture.classes
        let act = pass.activations
        func size(_ i: Int) -> Int { architecture.shapes[i].count }
        func weights(_ i: Int, _ a: Int) -> UnsafePointer<Float>? {
            guard let l = layer(ofStage: i, pass), inU[l] else { return nil }
            return perturbations.weights(network, layer: l, sample: a)
        }
        // Sample a's forward pass from stage s_m up, on the pass's own buffers above the shared prefix.
        func forward(_ a: Int) {
            for i in sm...S {
                pass.forwardStage(i, network, weights: weights(i, a), input: act[i - 1].pointer, output: act[i].pointer,
                                  batch: b)
            }
        }

        perturbations.draw(network, step: step)
        for i in 1..<sm {
            pass.forwardStage(i, network, weights: nil, input: act[i - 1].pointer, output: act[i].pointer, batch: b)
        }
        var correct = 0
        var loss = 0.0
        let known = SampleCombination.coefficientsBeforeLosses(kind: configuration.kind, distances: perturbations.distances,
                                                               count: s, coefficients: perturbations.coefficients)
        if !known {  // PLEA: every L_a before any error
            for a in 0..<s {
                forward(a)
                let r = SoftmaxCrossEntropy.evaluate(logits: pass.logits, labels: pass.labels, batch: b, classes: classes,
                                                     delta: nil, scale: 0)
                perturbations.losses[a] = r.lossSum / Double(b)
                if a == 0 { correct = r.correct }
            }
            loss = perturbations.combine(configuration.kind)
        }

        let n = b * size(sm)
        for a in 0..<s {
            forward(a)
            var current = pass.delta.pointer, spare = pass.deltaBelow.pointer
            let r = SoftmaxCrossEntropy.evaluate(logits: pass.logits, labels: pass.labels, batch: b, classes: classes,
                                                 delta: current, scale: Float(perturbations.coefficients[a]) / Float(b))
            if known {
                perturbations.losses[a] = r.lossSum / Double(b)
                if a == 0 { correct = r.correct }
            }
            for i in stride(from: S, to: sm, by: -1) {
                pass.backwardStage(i, network, weights: weights(i, a), delta: current, input: act[i - 1].pointer,
                                   inputGradient: spare, batch: b, accumulate: a > 0)
                if let φ = architecture.activation(afterStage: i - 1) {
                    Dense.activationBackward(gradient: spare, activations: act[i - 1].pointer, count: b * size(i - 1),
                                             activation: φ)
                }
                swap(&current, &spare)
            }
            // Stage s_m: keep Σ_a δ^a_m for its own gradients, and add the error below it, computed with P(a, m).
            if a == 0 {
                errorSum.pointer.update(from: current, count: n)
            } else {
                for q in 0..<n { errorSum.pointer[q] += current[q] }
            }
            if m > 1 {
                pass.inputGradientStage(sm, network, weights: perturbations.weights(network, layer: m, sample: a),
                                        delta: current, inputGradient: inputGradientSum.pointer, batch: b,
                                        accumulate: a > 0, scratch: scratch.pointer)
            }
        }
        if known { loss = perturbations.combine(configuration.kind) }
        pass.backwardStage(sm, network, weights: nil, delta: errorSum.pointer, input: act[sm - 1].pointer,
                           inputGradient: nil, batch: b, accumulate: false)

        // Below s_m: plain back-propagation of the summed error, once, on B rows.
        if m > 1 {
            let below = pass.delta.pointer, count = b * size(sm - 1)
            below.update(from: inputGradientSum.pointer, count: count)
            if let φ = architecture.activation(afterStage: sm - 1) {
                Dense.activationBackward(gradient: below, activations: act[sm - 1].pointer, count: count, activation: φ)
            }
            pass.backpropagate(network, fromStage: sm - 1, down: 1, batch: b, delta: below, accumulate: false)
        }
        return ObjectiveValue(loss: loss, crossEntropy: perturbations.losses[0], correct: correct)
    }
}
