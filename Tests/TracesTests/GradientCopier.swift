import Networks
import NumericCore
import Training

/// A test observer that keeps its own copy of every step's weight gradients, and of the weights after each
/// epoch, so that tests recompute every recorded quantity independently of the recorder. With
/// `perSample`, it also forms each sample's gradient explicitly, by a forward and backward pass of that one
/// row through a copy of the network, and keeps the within-batch variance (1/B) Σ_n g_n² − ḡ² per weight,
/// in Float64.
final class GradientCopier: TrainingObserver {
    struct Step {
        var epoch: Int
        var globalStep: Int
        var batch: Int
        var loss: Double
        var crossEntropy: Double
        /// Per layer, ∂L/∂W_l as Float64, row-major.
        var gradients: [[Double]]
        /// Per layer, (1/B) Σ_n g_{n,ω}² − ḡ_ω² from explicit per-sample gradients.
        var withinBatchVariance: [[Double]]?
        /// Per layer, the largest |ḡ − mean_n g_n| seen (a check on the explicit per-sample gradients).
        var perSampleMeanError: Double
    }

    let perSample: Bool
    private(set) var steps: [Step] = []
    /// Per epoch, per layer, W_l after the epoch.
    private(set) var weights: [[[Double]]] = []
    private var clone: Network?
    private var single: Pass?

    init(perSample: Bool) { self.perSample = perSample }

    func stepDidComputeGradients(_ event: StepEvent) throws {
        let network = event.network
        let L = network.layerCount
        let gradients = (1...L).map { l in network.weightGradientBuffer(l).map { Double($0) } }
        var variance: [[Double]]? = nil
        var meanError = 0.0
        if perSample {
            let architecture = network.architecture
            if clone == nil {
                clone = Network(architecture)
                single = Pass(architecture, capacity: 1)
            }
            let clone = clone!, single = single!
            clone.parameters.assign(from: network.parameters)
            var sums = gradients.map { [Double](repeating: 0, count: $0.count) }
            var squares = sums
            let inputs = architecture.inputs
            for n in 0..<event.batchSize {
                single.input.update(from: event.pass.activations[0].pointer + n * inputs, count: inputs)
                single.labels[0] = event.pass.labels[n]
                single.forward(clone, batch: 1)
                single.backward(clone, batch: 1)
                for l in 1...L {
                    let g = clone.weightGradientBuffer(l)
                    for i in 0..<g.count {
                        let x = Double(g[i])
                        sums[l - 1][i] += x
                        squares[l - 1][i] += x * x
                    }
                }
            }
            let B = Double(event.batchSize)
            variance = (0..<L).map { l in (0..<sums[l].count).map { i in squares[l][i] / B - pow2(sums[l][i] / B) } }
            for l in 0..<L {
                for i in 0..<sums[l].count { meanError = max(meanError, abs(sums[l][i] / B - gradients[l][i])) }
            }
        }
        steps.append(Step(epoch: event.epoch, globalStep: event.globalStep, batch: event.batchSize, loss: event.loss,
                          crossEntropy: event.crossEntropy, gradients: gradients, withinBatchVariance: variance,
                          perSampleMeanError: meanError))
    }

    func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws {
        let network = trainer.network
        weights.append((1...network.layerCount).map { l in
            UnsafeBufferPointer(start: network.weights(l), count: network.layout[layer: l].weightCount).map { Double($0) }
        })
    }
}

func pow2(_ x: Double) -> Double { x * x }
