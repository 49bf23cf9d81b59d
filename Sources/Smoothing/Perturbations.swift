import Networks
import NumericCore

/// The y + 1 samples of one step: the displaced weights P(a, l) = W_l + ΔW^a_l for every l in U and
/// a = 1…y, their distances d_a, and, once evaluated, their losses L_a and gradient coefficients c_a;
/// sample a = 0 is the unperturbed network.
final class Perturbations {
    let layers: [Int]
    let samples: Int
    let sampler: PerturbationSampler
    /// For layer l (index l): y × N_l floats, sample a at offset (a − 1)·N_l; nil outside U.
    let buffers: [FloatBuffer?]
    /// d_a for a = 0…y (d_0 = 0).
    let distances: UnsafeMutablePointer<Double>
    /// L_a for a = 0…y, filled by the objective.
    let losses: UnsafeMutablePointer<Double>
    /// c_a for a = 0…y, filled by `combine`.
    let coefficients: UnsafeMutablePointer<Double>

    init(_ configuration: LossConfiguration, architecture: Architecture, seed: UInt64) {
        layers = configuration.layers
        samples = configuration.samples
        let layout = architecture.layout
        var buffers = [FloatBuffer?](repeating: nil, count: architecture.layerCount + 1)
        for l in configuration.layers { buffers[l] = FloatBuffer(count: configuration.samples * layout[layer: l].weightCount) }
        self.buffers = buffers
        let law: PerturbationSampler.Law = configuration.kernel == .uniform
            ? .uniform(radius: Float(configuration.radius))
            : .gaussian(standardDeviation: Float((1 / (configuration.gamma ?? 1)).squareRoot()))
        let largest = configuration.layers.map { layout[layer: $0].weightCount }.max() ?? 1
        sampler = PerturbationSampler(law: law, sharpness: configuration.kernel == .uniform ? configuration.sharpness : nil,
                                      seed: seed, maxCount: largest)
        let s = configuration.samples + 1
        distances = .allocate(capacity: s)
        distances.initialize(repeating: 0, count: s)
        losses = .allocate(capacity: s)
        losses.initialize(repeating: 0, count: s)
        coefficients = .allocate(capacity: s)
        coefficients.initialize(repeating: 0, count: s)
    }

    deinit {
        distances.deallocate()
        losses.deallocate()
        coefficients.deallocate()
    }

    /// The smoothed loss from the recorded L_a and d_a, filling the coefficients c_a (see `SampleCombination`).
    func combine(_ kind: LossConfiguration.Kind) -> Double {
        SampleCombination.combine(kind: kind, losses: losses, distances: distances, count: samples + 1,
                                  coefficients: coefficients)
    }

    /// L_0…L_y as a view.
    var lossView: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: losses, count: samples + 1) }
    /// c_0…c_y as a view.
    var coefficientView: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: coefficients, count: samples + 1) }

    /// Draws every P(a, l) of `step` from the network's current weights, and the distances d_a.
    func draw(_ network: Network, step: Int) {
        distances[0] = 0
        for a in 1...max(1, samples) where a <= samples {
            var d = 0.0
            for l in layers {
                let n = network.layout[layer: l].weightCount
                d += sampler.perturb(network.weights(l), into: buffers[l]!.pointer + (a - 1) * n, count: n,
                                     step: step, layer: l, sample: a)
            }
            distances[a] = d
        }
    }

    /// The weights sample a uses for layer l: W_l for a = 0 or l outside U, else P(a, l).
    @inline(__always)
    func weights(_ network: Network, layer l: Int, sample a: Int) -> UnsafePointer<Float> {
        guard a > 0, let buffer = buffers[l] else { return UnsafePointer(network.weights(l)) }
        return UnsafePointer(buffer.pointer + (a - 1) * network.layout[layer: l].weightCount)
    }
}
