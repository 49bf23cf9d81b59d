import Networks
import NumericCore

/// The shared-prefix PLA/PLEA of `SmoothedObjective` on a network with convolutions and poolings whose first
/// smoothed layer is dense, stage by stage (a convolution first: `SmoothedObjective+InTurn.swift`). With
/// m = min(U), its stage s_m, and S = y + 1 samples stacked sample-major (sample a in rows a·B…):
///
/// Forward.  Stages below s_m run once on B rows, in the trainer's own pass (the stacked pass holds only the
/// stages from s_m up). Stage s_m runs S times on the shared input, each sample with its own weights P(a, m);
/// above it a weight layer in U runs S times on its sample's B rows, any other stage (a layer outside U, a
/// pooling) once on all S·B rows.
///
/// Backward, stages S…s_m+1 on the S·B rows: a layer outside U forms its parameter gradient Σ_a δ^aᵀ A^a and
/// its input gradient in one call; a layer in U does both per sample with P(a, l), accumulating the parameter
/// gradient; a pooling routes δ through its argmax; below a convolution or hidden dense layer, ×φ'.
/// At s_m the input is shared, so the parameter gradient is one call with Σ_a δ^a on B rows, and the error
/// below is Σ_a (input gradient of δ^a with P(a, m)); from there on back-propagation is linear and runs once,
/// on B rows, through `Pass.backpropagate(fromStage:)`.
extension SmoothedObjective {
    /// The weight layer of stage i, nil for a pooling.
    func layer(ofStage i: Int, _ stacked: Pass) -> Int? {
        stacked.architecture.stages[i - 1].hasWeights ? stacked.layerIndex(ofStage: i) : nil
    }

    /// The forward pass: the shared prefix once on B rows of the trainer's `pass`, then every sample from stage
    /// s_m up in the stacked pass.
    func stagedForward(_ network: Network, pass: Pass, stacked: Pass, batch b: Int) {
        let architecture = network.architecture, S = architecture.stages.count, sm = network.layout[layer: m].stage
        let act = stacked.activations, shared = pass.activations
        func size(_ i: Int) -> Int { architecture.shapes[i].count }
        for i in 1..<sm {
            pass.forwardStage(i, network, weights: nil, input: shared[i - 1].pointer, output: shared[i].pointer, batch: b)
        }
        for i in sm...S {
            if let l = layer(ofStage: i, stacked), i == sm || inU[l] {
                for a in 0..<s {
                    let source = i == sm ? shared[i - 1].pointer : act[i - 1].pointer + a * b * size(i - 1)
                    stacked.forwardStage(i, network, weights: perturbations.weights(network, layer: l, sample: a),
                                         input: source, output: act[i].pointer + a * b * size(i), batch: b)
                }
            } else {
                stacked.forwardStage(i, network, weights: nil, input: act[i - 1].pointer, output: act[i].pointer, batch: s * b)
            }
        }
    }

    func stagedLossAndGradient(_ network: Network, pass: Pass, stacked: Pass, batch b: Int, step: Int) -> ObjectiveValue {
        let architecture = network.architecture, S = architecture.stages.count
        let sm = network.layout[layer: m].stage
        perturbations.draw(network, step: step)
        stagedForward(network, pass: pass, stacked: stacked, batch: b)
        let act = stacked.activations, shared = pass.activations
        func size(_ i: Int) -> Int { architecture.shapes[i].count }

        // Losses L_a, unit-scale errors at the logits, the combination and its coefficients.
        let classes = architecture.classes
        var current = stacked.delta.pointer, spare = stacked.deltaBelow.pointer
        var correct = 0
        for a in 0..<s {
            let r = SoftmaxCrossEntropy.evaluate(logits: act[S].pointer + a * b * classes, labels: pass.labels,
                                                 batch: b, classes: classes, delta: current + a * b * classes,
                                                 scale: 1 / Float(b))
            perturbations.losses[a] = r.lossSum / Double(b)
            if a == 0 { correct = r.correct }
        }
        let loss = perturbations.combine(configuration.kind)
        for a in 0..<s {
            let c = Float(perturbations.coefficients[a]), block = current + a * b * classes
            for i in 0..<(b * classes) { block[i] *= c }
        }

        // Backward over the stacked rows, stages S…s_m+1.
        for i in stride(from: S, to: sm, by: -1) {
            if let l = layer(ofStage: i, stacked), inU[l] {
                for a in 0..<s {
                    stacked.backwardStage(i, network, weights: perturbations.weights(network, layer: l, sample: a),
                                          delta: current + a * b * size(i), input: act[i - 1].pointer + a * b * size(i - 1),
                                          inputGradient: spare + a * b * size(i - 1), batch: b, accumulate: a > 0)
                }
            } else {
                stacked.backwardStage(i, network, weights: nil, delta: current, input: act[i - 1].pointer,
                                      inputGradient: spare, batch: s * b, accumulate: false)
            }
            if let φ = architecture.activation(afterStage: i - 1) {
                Dense.activationBackward(gradient: spare, activations: act[i - 1].pointer, count: s * b * size(i - 1),
                                         activation: φ)
            }
            swap(&current, &spare)
        }

        // Stage s_m: the error below it needs each sample's weights; its own gradients only Σ_a δ^a_m. The error
        // below goes into the trainer's pass, which holds the shared prefix.
        let n = b * size(sm), below = pass.delta.pointer
        if m > 1 {
            for a in 0..<s {
                stacked.inputGradientStage(sm, network, weights: perturbations.weights(network, layer: m, sample: a),
                                           delta: current + a * n, inputGradient: below, batch: b, accumulate: a > 0,
                                           scratch: scratch.pointer)
            }
        }
        for a in 1..<s {  // Σ_a δ^a_m into block 0, in a fixed order
            let block = current + a * n
            for q in 0..<n { current[q] += block[q] }
        }
        stacked.backwardStage(sm, network, weights: nil, delta: current, input: shared[sm - 1].pointer, inputGradient: nil,
                              batch: b, accumulate: false)

        // Below s_m: plain back-propagation of the summed error, once, on B rows of the trainer's pass.
        if m > 1 {
            if let φ = architecture.activation(afterStage: sm - 1) {
                Dense.activationBackward(gradient: below, activations: shared[sm - 1].pointer, count: b * size(sm - 1),
                                         activation: φ)
            }
            pass.backpropagate(network, fromStage: sm - 1, down: 1, batch: b, delta: below, accumulate: false)
        }
        return ObjectiveValue(loss: loss, crossEntropy: perturbations.losses[0], correct: correct)
    }
}
