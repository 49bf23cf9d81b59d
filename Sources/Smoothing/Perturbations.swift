import Networks
import NumericCore

/// The y + 1 samples of one step: the displaced weights P(a, l) = W_l + ΔW^a_l for every l in U and
/// a = 1…y, their distances d_a, and, once evaluated, their losses L_a and gradient coefficients c_a;
/// sample a = 0 is the unperturbed network.
///
/// Each layer of U has a buffer of `slots[l]` copies of its weights, sample a in slot (a − 1) mod slots[l]:
/// y slots, so that every sample is drawn once a step, unless y copies would take more than 128 MiB
/// (`LossConfiguration.displacedCopies`); then one slot, which holds one sample at a time. `weights(_:layer:sample:)`
/// draws the sample asked for when its slot holds another. A sample's displacements come from their own
/// streams (`PerturbationSampler`), so drawing them again gives the same numbers: with one slot the forward and
/// the backward pass each draw them, which costs a second pass of the sampler (about 2 % of a step of PLA on
/// paper-cifar's fc1) and saves y − 1 copies of the layer (492 MB for paper-stl's fc1).
final class Perturbations {
    let layers: [Int]
    let samples: Int
    let sampler: PerturbationSampler
    /// For layer l (index l): slots[l] × N_l floats; nil outside U.
    let buffers: [FloatBuffer?]
    /// For layer l: y, or 1 when y copies exceed the budget (0 outside U).
    let slots: [Int]
    /// For layer l and slot k: the sample whose weights the slot holds for `step` (0: none yet).
    private var held: [[Int]]
    /// The step being drawn.
    private var step = 0
    /// d_a for a = 0…y (d_0 = 0).
    let distances: UnsafeMutablePointer<Double>
    /// L_a for a = 0…y, filled by the objective.
    let losses: UnsafeMutablePointer<Double>
    /// c_a for a = 0…y, filled by `combine`.
    let coefficients: UnsafeMutablePointer<Double>

    /// `copyBudget`: the bytes a layer's y copies may take (tests lower it to exercise the one-slot way).
    init(_ configuration: LossConfiguration, architecture: Architecture, seed: UInt64, copyBudget: Int = 128 << 20) {
        layers = configuration.layers
        samples = configuration.samples
        let layout = architecture.layout
        var buffers = [FloatBuffer?](repeating: nil, count: architecture.layerCount + 1)
        var slots = [Int](repeating: 0, count: architecture.layerCount + 1)
        for l in configuration.layers {
            let n = layout[layer: l].weightCount
            slots[l] = LossConfiguration.displacedCopies(samples: configuration.samples, weightCount: n, budget: copyBudget)
            buffers[l] = FloatBuffer(count: slots[l] * n)
        }
        self.buffers = buffers
        self.slots = slots
        held = slots.map { [Int](repeating: 0, count: $0) }
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

    /// Starts `step`: forgets the samples held, and sets the distances d_a (with a finite sharpness they need
    /// every sample's displacements, drawn here once; without one they are all 0).
    func draw(_ network: Network, step: Int) {
        self.step = step
        for l in layers { for k in held[l].indices { held[l][k] = 0 } }  // in place: no allocation a step
        for a in 0...samples { distances[a] = 0 }
        guard sampler.sharpness != nil else { return }
        for a in 1...max(1, samples) where a <= samples {
            var d = 0.0
            for l in layers { d += place(network, layer: l, sample: a) }
            distances[a] = d
        }
    }

    /// The weights sample a uses for layer l: W_l for a = 0 or l outside U, else P(a, l), drawn into its slot
    /// unless the slot holds it already. With one slot, the pointer is valid until another sample of l is asked for.
    func weights(_ network: Network, layer l: Int, sample a: Int) -> UnsafePointer<Float> {
        guard a > 0, buffers[l] != nil else { return UnsafePointer(network.weights(l)) }
        let slot = (a - 1) % slots[l]
        if held[l][slot] != a { place(network, layer: l, sample: a) }
        return UnsafePointer(buffers[l]!.pointer + slot * network.layout[layer: l].weightCount)
    }

    /// Draws P(a, l) of the current step into its slot; returns its share of d_a.
    @discardableResult
    private func place(_ network: Network, layer l: Int, sample a: Int) -> Double {
        let n = network.layout[layer: l].weightCount, slot = (a - 1) % slots[l]
        held[l][slot] = a
        return sampler.perturb(network.weights(l), into: buffers[l]!.pointer + slot * n, count: n, step: step, layer: l,
                               sample: a)
    }
}

extension LossConfiguration {
    /// The displaced copies of a smoothed layer of `weightCount` weights kept at once: all y = `samples` of them,
    /// or one when y copies would take more than 128 MiB (each sample is then drawn again when it is needed again).
    public static func displacedCopies(samples: Int, weightCount: Int, budget: Int = 128 << 20) -> Int {
        let y = max(1, samples)
        let (bytes, overflow) = (4 * y).multipliedReportingOverflow(by: weightCount)
        return !overflow && bytes <= budget ? y : 1
    }
}
