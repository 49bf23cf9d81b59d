import Foundation
import Testing
import Networks
import NumericCore
import TestSupport
@testable import Smoothing

/// A small network, a batch in a pass, and their Float64 copies for the reference.
struct Fixture {
    let architecture: Architecture
    let network: Network
    let pass: Pass
    let batch: Int
    let x: [Double]
    let y: [Int]

    init(widths: [Int] = [6, 5, 4, 3], activation: Activation = .relu, batch: Int = 5, seed: UInt64 = 9) {
        architecture = Architecture(widths: widths, activation: activation)
        var random = RandomStream(seed: seed, purpose: "fixture")
        network = Network(architecture, initialization: .kaimingNormal, random: &random)
        for l in 1...network.layerCount {
            for i in 0..<widths[l] { network.bias(l)[i] = random.nextSymmetric(0.2) }
        }
        self.batch = batch
        pass = Pass(architecture, capacity: batch)
        var x: [Double] = [], y: [Int] = []
        for i in 0..<(batch * widths[0]) { let v = random.nextSymmetric(1); pass.input[i] = v; x.append(Double(v)) }
        for n in 0..<batch { let c = random.nextIndex(below: widths.last!); pass.labels[n] = Int32(c); y.append(c) }
        self.x = x
        self.y = y
    }
}

func configuration(_ kind: LossConfiguration.Kind, _ layers: [Int], radius: Double = 0.3, samples: Int = 3,
                   sharpness: Double? = nil, kernel: LossConfiguration.Kernel = .uniform, gamma: Double? = nil,
                   path: LossConfiguration.Path = .shared) -> LossConfiguration {
    var c = LossConfiguration()
    c.kind = kind
    c.layers = layers
    c.radius = radius
    c.samples = samples
    c.sharpness = sharpness
    c.kernel = kernel
    c.gamma = gamma
    c.path = path
    return c
}

struct SmoothingCase: CustomTestStringConvertible, Sendable {
    let kind: LossConfiguration.Kind
    let layers: [Int]
    let activation: Activation
    var sharpness: Double? = nil
    var kernel: LossConfiguration.Kernel = .uniform
    var testDescription: String {
        "\(kind.rawValue) U=\(layers) \(activation)" + (sharpness.map { " k=\($0)" } ?? "") + (kernel == .gaussian ? " gaussian" : "")
    }
}

let smoothingCases: [SmoothingCase] = [
    SmoothingCase(kind: .pla, layers: [1], activation: .relu),
    SmoothingCase(kind: .pla, layers: [2], activation: .tanh),
    SmoothingCase(kind: .pla, layers: [3], activation: .relu),
    SmoothingCase(kind: .pla, layers: [1, 2, 3], activation: .tanh),
    SmoothingCase(kind: .plea, layers: [1], activation: .tanh),
    SmoothingCase(kind: .plea, layers: [2], activation: .relu),
    SmoothingCase(kind: .plea, layers: [1, 3], activation: .relu),
    SmoothingCase(kind: .plea, layers: [1, 2, 3], activation: .relu),
    SmoothingCase(kind: .pla, layers: [2, 3], activation: .relu, sharpness: 8),
    SmoothingCase(kind: .plea, layers: [1], activation: .tanh, sharpness: 4),
    SmoothingCase(kind: .plea, layers: [2], activation: .tanh, kernel: .gaussian),
]

func lossConfiguration(_ c: SmoothingCase, path: LossConfiguration.Path) -> LossConfiguration {
    configuration(c.kind, c.layers, radius: c.kernel == .uniform ? 0.3 : 0, sharpness: c.sharpness, kernel: c.kernel,
                  gamma: c.kernel == .gaussian ? 20 : nil, path: path)
}

@Test("PLA and PLEA: loss and every gradient entry against central finite differences of a Float64 reference, displacements fixed",
      arguments: smoothingCases)
func smoothedGradientsMatchFiniteDifferences(_ c: SmoothingCase) throws {
    let f = Fixture(activation: c.activation)
    let config = lossConfiguration(c, path: .shared)
    let objective = SmoothedObjective(config, architecture: f.architecture, batchCapacity: f.batch, seed: 3)
    let value = objective.lossAndGradient(f.network, pass: f.pass, batch: f.batch, step: 17)
    let s = config.samples + 1

    // The displaced parameter vectors, fixed: ΔW^a = P(a) − W on U, 0 elsewhere (biases included).
    let w = f.network.parameters.array.map(Double.init)
    var displacements: [[Double]] = [[Double](repeating: 0, count: w.count)]
    for a in 1..<s {
        var d = [Double](repeating: 0, count: w.count)
        for l in config.layers {
            let layer = f.network.layout[layer: l]
            let p = objective.perturbations.weights(f.network, layer: l, sample: a)
            for i in 0..<layer.weightCount { d[layer.weightOffset + i] = Double(p[i]) - w[layer.weightOffset + i] }
        }
        displacements.append(d)
    }
    let distances = (0..<s).map { objective.perturbations.distances[$0] }
    func reference(_ p: [Double]) -> Double {
        let losses = displacements.map { d in
            referenceLoss(zip(p, d).map { $0 + $1 }, widths: f.architecture.widths, relu: c.activation == .relu, x: f.x, y: f.y)
        }
        switch c.kind {
        case .pla:
            return (losses[0] + (1..<s).reduce(0.0) { $0 + exp(-distances[$1]) * losses[$1] }) / Double(s)
        case .plea:
            let z = (0..<s).map { -losses[$0] - distances[$0] }
            let m = z.max()!
            return log(Double(s)) - (m + log(z.reduce(0) { $0 + exp($1 - m) }))
        case .ce:
            return losses[0]
        }
    }
    let loss = reference(w)
    #expect(abs(value.loss - loss) < 1e-5 * max(1, abs(loss)), "loss \(value.loss) vs reference \(loss)")
    let h = 1e-6
    for k in 0..<w.count {
        var plus = w, minus = w
        plus[k] += h
        minus[k] -= h
        let fd = (reference(plus) - reference(minus)) / (2 * h)
        let analytic = Double(f.network.gradients.pointer[k])
        #expect(abs(analytic - fd) / max(1e-3, abs(fd)) < 3e-3, "parameter \(k): analytic \(analytic), finite difference \(fd)")
    }
}

@Test("The shared-prefix and naive paths agree to float tolerance", arguments: smoothingCases)
func sharedPrefixAgreesWithNaive(_ c: SmoothingCase) throws {
    // Budget 0: each smoothed layer keeps one displaced copy at a time and draws a sample again when it is needed again.
    for widths in [[6, 5, 4, 3], [7, 6, 5, 4, 3]] where c.layers.allSatisfy({ $0 < widths.count }) {
        for budget in [128 << 20, 0] {
            let a = Fixture(widths: widths, activation: c.activation), b = Fixture(widths: widths, activation: c.activation)
            let shared = SmoothedObjective(lossConfiguration(c, path: .shared), architecture: a.architecture,
                                           batchCapacity: a.batch, seed: 5, displacedCopyBudget: budget)
            let naive = NaiveSmoothedObjective(lossConfiguration(c, path: .naive), architecture: b.architecture, seed: 5)
            for step in 1...3 {
                let va = shared.lossAndGradient(a.network, pass: a.pass, batch: a.batch, step: step)
                let vb = naive.lossAndGradient(b.network, pass: b.pass, batch: b.batch, step: step)
                #expect(abs(va.loss - vb.loss) < 1e-6 * max(1, abs(vb.loss)))
                #expect(va.correct == vb.correct)
                let ga = a.network.gradients.array, gb = b.network.gradients.array
                let scale = gb.map { abs($0) }.max()!
                for k in 0..<ga.count { #expect(abs(ga[k] - gb[k]) <= 1e-5 * scale, "entry \(k): \(ga[k]) vs \(gb[k])") }
                for i in 0...(lossConfiguration(c, path: .shared).samples) {
                    #expect(abs(shared.sampleWeights![i] - naive.sampleWeights![i]) < 1e-9)
                }
            }
        }
    }
}

@Test("Uniform displacements: in [−R, R], zero outside U and on biases, with the uniform law's mean and variance")
func uniformPerturbationStatistics() {
    let f = Fixture(widths: [200, 300, 50, 10], activation: .relu, batch: 2)
    let r = 0.05
    let config = configuration(.pla, [2], radius: r, samples: 4, path: .naive)
    let objective = NaiveSmoothedObjective(config, architecture: f.architecture, seed: 1)
    _ = objective.lossAndGradient(f.network, pass: f.pass, batch: f.batch, step: 1)
    // After the last sample, the shadow network holds W + ΔW^4: compare it with W everywhere.
    let w = f.network.parameters.array, p = objective.shadow.parameters.array
    let layer2 = f.network.layout[layer: 2]
    var values: [Double] = []
    for i in 0..<w.count {
        let d = Double(p[i]) - Double(w[i])
        if i >= layer2.weightOffset && i < layer2.weightOffset + layer2.weightCount {
            values.append(d)
        } else {
            #expect(d == 0, "entry \(i) outside U (or a bias) was displaced")
        }
    }
    // And every sample's displacements, from the buffers: 4 × 15,000 entries.
    values = []
    for a in 1...4 {
        let q = objective.perturbations.weights(f.network, layer: 2, sample: a)
        for i in 0..<layer2.weightCount { values.append(Double(q[i]) - Double(f.network.weights(2)[i])) }
    }
    #expect(values.allSatisfy { abs($0) <= r * (1 + 1e-6) })
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    // Uniform on [−R, R]: mean 0 (sd of the sample mean R/√(3n) ≈ 1.2e-4 here), variance R²/3 (relative sd ≈ 0.0065).
    #expect(abs(mean) < 5 * r / (3 * n).squareRoot())
    #expect(abs(variance / (r * r / 3) - 1) < 0.03)
    // Not degenerate: the largest displacements come close to R.
    #expect(values.map(abs).max()! > 0.99 * r)
}

@Test("Gaussian displacements have variance 1/γ")
func gaussianPerturbationStatistics() {
    let sampler = PerturbationSampler(law: .gaussian(standardDeviation: Float((1 / 400.0).squareRoot())), sharpness: nil,
                                      seed: 2, maxCount: 100_000)
    let base = [Float](repeating: 1, count: 100_000)
    var out = [Float](repeating: 0, count: 100_000)
    sampler.perturb(base, into: &out, count: 100_000, step: 1, layer: 1, sample: 1)
    let d = out.map { Double($0) - 1 }
    let mean = d.reduce(0, +) / 1e5
    let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 1e5
    #expect(abs(mean) < 5 * 0.05 / 1e5.squareRoot())
    #expect(abs(variance / (1 / 400.0) - 1) < 0.03)   // relative sd of the variance ≈ 0.0045
}

@Test("Perturbations are the same drawn with one thread or several, and differ between steps, layers and samples")
func perturbationStreams() {
    let n = 300_000
    let base = [Float](repeating: 0, count: n)
    let one = PerturbationSampler(law: .uniform(radius: 1), sharpness: 3, seed: 4, maxCount: n)
    let two = PerturbationSampler(law: .uniform(radius: 1), sharpness: 3, seed: 4, maxCount: n)
    two.threads = 2
    var a = [Float](repeating: 0, count: n), b = a, c = a, d = a
    let da = one.perturb(base, into: &a, count: n, step: 5, layer: 2, sample: 1)
    let db = two.perturb(base, into: &b, count: n, step: 5, layer: 2, sample: 1)
    #expect(a == b && da == db)
    one.perturb(base, into: &c, count: n, step: 6, layer: 2, sample: 1)
    one.perturb(base, into: &d, count: n, step: 5, layer: 2, sample: 2)
    #expect(a != c && a != d && c != d)
}

@Test("PLEA weights sum to 1 and favour the lower-loss samples")
func pleaWeights() {
    let f = Fixture(widths: [6, 8, 3], activation: .tanh, batch: 8)
    let objective = SmoothedObjective(configuration(.plea, [1, 2], radius: 0.8, samples: 6), architecture: f.architecture,
                                      batchCapacity: f.batch, seed: 1)
    _ = objective.lossAndGradient(f.network, pass: f.pass, batch: f.batch, step: 1)
    let losses = Array(objective.sampleLosses!), weights = Array(objective.sampleWeights!)
    #expect(abs(weights.reduce(0, +) - 1) < 1e-12)
    #expect(Set(losses).count == losses.count, "the displacements should give distinct losses")
    for i in 0..<losses.count {
        for j in 0..<losses.count where losses[i] < losses[j] { #expect(weights[i] > weights[j]) }
    }
}

@Test("The combination of losses matches eqs. (14), (19), (22), (23)")
func combination() {
    let losses: [Double] = [0.5, 0.7, 0.2], zero: [Double] = [0, 0, 0], d: [Double] = [0, 1.5, 0.25]
    var c = [Double](repeating: 0, count: 3)
    let pla = SampleCombination.combine(kind: .pla, losses: losses, distances: zero, count: 3, coefficients: &c)
    #expect(abs(pla - 1.4 / 3) < 1e-15 && c.allSatisfy { abs($0 - 1.0 / 3) < 1e-15 })
    let plea = SampleCombination.combine(kind: .plea, losses: losses, distances: zero, count: 3, coefficients: &c)
    #expect(abs(plea - -log((exp(-0.5) + exp(-0.7) + exp(-0.2)) / 3)) < 1e-14)
    let plaK = SampleCombination.combine(kind: .pla, losses: losses, distances: d, count: 3, coefficients: &c)
    #expect(abs(plaK - (0.5 + exp(-1.5) * 0.7 + exp(-0.25) * 0.2) / 3) < 1e-15)
    let pleaK = SampleCombination.combine(kind: .plea, losses: losses, distances: d, count: 3, coefficients: &c)
    #expect(abs(pleaK - -log((exp(-0.5) + exp(-0.7 - 1.5) + exp(-0.2 - 0.25)) / 3)) < 1e-14)
    // Huge losses: log-sum-exp keeps it finite.
    let big: [Double] = [1000, 1001, 1002]
    let pleaBig = SampleCombination.combine(kind: .plea, losses: big, distances: zero, count: 3, coefficients: &c)
    #expect(pleaBig.isFinite && abs(pleaBig - (1000 - log((1 + exp(-1) + exp(-2)) / 3))) < 1e-9)
}

@Test("The finite-sharpness distance: its definition, log-space stability, the hypercube limit, and the degeneracy warning")
func sharpnessKernel() {
    func direct(_ x: Double, _ r: Double, _ k: Double) -> Double {
        let s = { (z: Double) in 1 / (1 + exp(-z)) }
        return -log((1 - s(2 * k * (x - r))) * s(2 * k * (x + r)))
    }
    for x in stride(from: -1.5, through: 1.5, by: 0.25) {
        #expect(abs(SharpnessKernel.distance(x, radius: 1, sharpness: 4) - direct(x, 1, 4)) < 1e-9)
    }
    // Far outside, the direct form overflows to inf; the log-space form grows linearly.
    #expect(SharpnessKernel.distance(50, radius: 1, sharpness: 32).isFinite)
    #expect(abs(SharpnessKernel.distance(50, radius: 1, sharpness: 32) - 2 * 32 * 49) < 1e-6)
    // k → ∞: the kernel tends to the indicator of [−R, R].
    #expect(SharpnessKernel.kernel(0.5, radius: 1, sharpness: 1000) > 0.999)
    #expect(SharpnessKernel.kernel(1.5, radius: 1, sharpness: 1000) < 1e-100)
    // 784×784 smoothed weights with R = 0.01, k = 400: e^{−d} underflows, and the warning says so.
    let warning = SharpnessKernel.degeneracyWarning(coordinates: 784 * 784, radius: 0.01, sharpness: 400)
    #expect(warning != nil && warning!.contains("--sharpness"))
    #expect(SharpnessKernel.degeneracyWarning(coordinates: 10, radius: 1, sharpness: 100) == nil)
    // E[d] against a brute-force average over a fine grid, at a moderate sharpness.
    let grid = (0..<200_001).map { -1.0 + 2.0 * Double($0) / 200_000 }
    let brute = grid.reduce(0) { $0 + SharpnessKernel.distance($1, radius: 1, sharpness: 3) } / Double(grid.count)
    #expect(abs(SharpnessKernel.expectedDistance(coordinates: 1, radius: 1, sharpness: 3) / brute - 1) < 1e-4)
    // Large kR: π²/(24kR).
    #expect(abs(SharpnessKernel.expectedDistance(coordinates: 1, radius: 0.5, sharpness: 1e4) / (Double.pi * Double.pi / (24 * 0.5e4)) - 1) < 1e-6)
    let k = SharpnessKernel.sharpnessFor(expectedDistance: 1, coordinates: 784 * 784, radius: 0.01)
    #expect(abs(SharpnessKernel.expectedDistance(coordinates: 784 * 784, radius: 0.01, sharpness: k) - 1) < 1e-3)
}

@Test("Layer sets and invalid smoothing settings name their flag")
func layerSetsAndValidation() throws {
    #expect(try parseLayerSet("all", layerCount: 4) == [1, 2, 3, 4])
    #expect(try parseLayerSet("hidden", layerCount: 4) == [1, 2, 3])
    #expect(try parseLayerSet("3,1", layerCount: 4) == [1, 3])
    #expect(throws: LossConfigurationError.self) { try parseLayerSet("1,x", layerCount: 4) }
    let bad: [(LossConfiguration, String)] = [
        (configuration(.pla, []), "--smooth"), (configuration(.pla, [5]), "--smooth"),
        (configuration(.pla, [1], radius: -1), "--radius"), (configuration(.pla, [1], samples: -1), "--samples"),
        (configuration(.pla, [1], sharpness: 0), "--sharpness"),
        (configuration(.plea, [1], kernel: .gaussian), "--gamma"),
        (configuration(.plea, [1], sharpness: 3, kernel: .gaussian, gamma: 1), "--sharpness"),
    ]
    for (c, flag) in bad {
        #expect { try c.validate(layerCount: 4) } throws: { ($0 as? LossConfigurationError)?.flag == flag }
    }
}
