import Foundation
import NumericCore
import Testing
@testable import Networks
@testable import Smoothing

/// A small CNN with every kind of stage: conv1 (3×3, padding 1), a pooling, conv2, then fc1, fc2, fc3 (layers 3–5).
struct ConvolutionalFixture {
    let architecture: Architecture
    let network: Network
    let pass: Pass
    let batch: Int

    init(batch: Int = 4, activation: Activation = .relu, seed: UInt64 = 9) throws {
        architecture = try NetworkSpec.architecture("conv3:k3:p1,pool,conv4,fc6,fc5,fc3",
                                                    input: TensorShape(channels: 2, height: 6, width: 7), classes: 3,
                                                    activation: activation)
        var random = RandomStream(seed: seed, purpose: "fixture")
        network = Network(architecture, initialization: .kaimingNormal, random: &random)
        for l in 1...network.layerCount {
            for i in 0..<network.layout[layer: l].outputs { network.bias(l)[i] = random.nextSymmetric(0.2) }
        }
        self.batch = batch
        pass = Pass(architecture, capacity: batch)
        for i in 0..<(batch * architecture.inputs) { pass.input[i] = random.nextSymmetric(1) }
        for n in 0..<batch { pass.labels[n] = Int32(random.nextIndex(below: 3)) }
    }
}

struct ConvolutionalSmoothingCase: CustomTestStringConvertible, Sendable {
    let kind: LossConfiguration.Kind
    let smooth: String
    let activation: Activation
    var threads = 1
    var sharpness: Double? = nil
    /// 0: every smoothed layer keeps one displaced copy at a time and draws each sample again when needed.
    var copyBudget = 128 << 20
    var testDescription: String {
        "\(kind.rawValue) U = {\(smooth)} \(activation)" + (threads > 1 ? ", \(threads) row blocks" : "")
            + (sharpness.map { ", k = \($0)" } ?? "") + (copyBudget == 0 ? ", one displaced copy" : "")
    }
}

@Test("On a CNN, the shared-prefix and naive paths agree to float tolerance, for U on the head, on convolutions and mixed",
      arguments: [ConvolutionalSmoothingCase(kind: .pla, smooth: "fc1", activation: .relu),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "fc2", activation: .tanh),
                  ConvolutionalSmoothingCase(kind: .plea, smooth: "fc1", activation: .relu),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "conv2", activation: .relu),
                  ConvolutionalSmoothingCase(kind: .plea, smooth: "conv1", activation: .tanh),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "conv", activation: .relu),
                  ConvolutionalSmoothingCase(kind: .plea, smooth: "conv2,fc2", activation: .relu),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "head", activation: .relu),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "fc1", activation: .relu, threads: 2),
                  ConvolutionalSmoothingCase(kind: .plea, smooth: "conv2", activation: .relu, threads: 2),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "conv1", activation: .tanh, threads: 2),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "conv2,fc1", activation: .relu, sharpness: 200),
                  ConvolutionalSmoothingCase(kind: .plea, smooth: "conv2", activation: .relu, sharpness: 200),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "head", activation: .relu, copyBudget: 0),
                  ConvolutionalSmoothingCase(kind: .plea, smooth: "conv2,fc2", activation: .relu, sharpness: 200, copyBudget: 0),
                  ConvolutionalSmoothingCase(kind: .pla, smooth: "conv", activation: .relu, threads: 2, copyBudget: 0)])
func convolutionalSharedPrefixAgreesWithNaive(_ c: ConvolutionalSmoothingCase) throws {
    let a = try ConvolutionalFixture(activation: c.activation), b = try ConvolutionalFixture(activation: c.activation)
    var config = configuration(c.kind, try parseLayerSet(c.smooth, architecture: a.architecture), radius: 0.3, samples: 3,
                               sharpness: c.sharpness)
    let shared = SmoothedObjective(config, architecture: a.architecture, batchCapacity: a.batch, seed: 5,
                                   threads: c.threads, displacedCopyBudget: c.copyBudget)
    a.pass.threads = c.threads  // the trainer's pass runs the shared prefix
    config.path = .naive
    let naive = NaiveSmoothedObjective(config, architecture: b.architecture, seed: 5)
    for step in 1...3 {
        let va = shared.lossAndGradient(a.network, pass: a.pass, batch: a.batch, step: step)
        if c.sharpness != nil {  // the kernel weights K_a = e^{−d_a} are neither 0 nor 1: the test weighs the samples
            let weights = try #require(shared.sampleWeights)
            #expect(weights.dropFirst().contains { $0 > 0.02 * weights[0] && $0 < 0.98 * weights[0] })
        }
        let vb = naive.lossAndGradient(b.network, pass: b.pass, batch: b.batch, step: step)
        #expect(abs(va.loss - vb.loss) < 1e-6 * max(1, abs(vb.loss)))
        #expect(va.correct == vb.correct)
        let ga = a.network.gradients.array, gb = b.network.gradients.array
        let scale = gb.map { abs($0) }.max()!
        #expect(scale > 0)
        for k in 0..<ga.count { #expect(abs(ga[k] - gb[k]) <= 1e-5 * scale, "entry \(k): \(ga[k]) vs \(gb[k])") }
        // Both paths leave the network's weights alone: the next step starts from the same point.
        #expect(a.network.parameters.bitwiseEqual(b.network.parameters))
    }
}

@Test("Layer names of --smooth: conv, head, fcN, convN on a CNN; conv refused on an MLP")
func convolutionalLayerNames() throws {
    let f = try ConvolutionalFixture()
    #expect(try parseLayerSet("conv", architecture: f.architecture) == [1, 2])
    #expect(try parseLayerSet("head", architecture: f.architecture) == [3, 4, 5])
    #expect(try parseLayerSet("fc1,conv2", architecture: f.architecture) == [2, 3])
    #expect(try parseLayerSet("4, hidden", architecture: f.architecture) == [1, 2, 3, 4])
    #expect(throws: LossConfigurationError.self) { try parseLayerSet("conv3", architecture: f.architecture) }
    #expect(throws: LossConfigurationError.self) { try parseLayerSet("fc4", architecture: f.architecture) }
    let mlp = Architecture(widths: [6, 5, 3])
    #expect(try parseLayerSet("fc1", architecture: mlp) == [1])
    #expect(throws: LossConfigurationError.self) { try parseLayerSet("conv", architecture: mlp) }
}
