import Testing
import TestSupport
import NumericCore
@testable import Networks

import Foundation

struct GradientCase: CustomTestStringConvertible, Sendable {
    let widths: [Int]
    let activation: Activation
    var testDescription: String { "\(widths) \(activation)" }
}

@Test("Every layer's gradient matches central finite differences of a Float64 reference",
      arguments: [GradientCase(widths: [6, 5, 4, 3], activation: .relu),
                  GradientCase(widths: [6, 5, 4, 3], activation: .tanh),
                  GradientCase(widths: [7, 3], activation: .relu),
                  GradientCase(widths: [5, 8, 6, 7, 4], activation: .tanh),
                  GradientCase(widths: [5, 8, 6, 7, 4], activation: .relu)])
func gradientsMatchFiniteDifferences(_ c: GradientCase) throws {
    let architecture = Architecture(widths: c.widths, activation: c.activation)
    var random = RandomStream(seed: 42, purpose: "test")
    let network = Network(architecture, initialization: .kaimingNormal, random: &random)
    // Non-zero biases, so that their gradients and the bias paths are exercised too.
    for l in 1...network.layerCount {
        for i in 0..<architecture.widths[l] { network.bias(l)[i] = random.nextSymmetric(0.3) }
    }
    let batch = 7
    let pass = Pass(architecture, capacity: batch)
    var x: [Double] = [], y: [Int] = []
    for i in 0..<(batch * c.widths[0]) {
        let v = random.nextSymmetric(1)
        pass.input[i] = v
        x.append(Double(v))
    }
    for n in 0..<batch {
        let label = random.nextIndex(below: architecture.classes)
        pass.labels[n] = Int32(label)
        y.append(label)
    }
    pass.forward(network, batch: batch)
    let result = pass.backward(network, batch: batch)

    let p = network.parameters.array.map(Double.init)
    let loss = referenceLoss(p, widths: c.widths, relu: c.activation == .relu, x: x, y: y)
    #expect(abs(result.lossSum / Double(batch) - loss) < 1e-5 * max(1, abs(loss)))

    let h = 1e-6
    var worst = 0.0
    for k in 0..<p.count {
        var plus = p, minus = p
        plus[k] += h
        minus[k] -= h
        let fd = (referenceLoss(plus, widths: c.widths, relu: c.activation == .relu, x: x, y: y)
            - referenceLoss(minus, widths: c.widths, relu: c.activation == .relu, x: x, y: y)) / (2 * h)
        let analytic = Double(network.gradients.pointer[k])
        let error = abs(analytic - fd) / max(1e-3, abs(fd))
        worst = max(worst, error)
        #expect(error < 2e-3, "parameter \(k): analytic \(analytic), finite difference \(fd)")
    }
    #expect(worst < 2e-3)
}

@Test("Accumulating backward adds scale·∇L to the gradients already there")
func accumulatingBackward() {
    let architecture = Architecture(widths: [4, 5, 3], activation: .relu)
    var random = RandomStream(seed: 7)
    let network = Network(architecture, initialization: .kaimingNormal, random: &random)
    let pass = Pass(architecture, capacity: 3)
    for i in 0..<12 { pass.input[i] = random.nextSymmetric(1) }
    for n in 0..<3 { pass.labels[n] = Int32(n) }
    pass.forward(network, batch: 3)
    pass.backward(network, batch: 3)
    let g = network.gradients.array
    pass.backward(network, batch: 3, scale: 0.5, accumulate: true)
    let g2 = network.gradients.array
    for k in 0..<g.count { #expect(abs(g2[k] - 1.5 * g[k]) <= 1e-6 * max(1, abs(g[k]))) }
}

@Test("Softmax cross-entropy matches its definition, and is stable for huge logits")
func softmaxCrossEntropyDefinition() {
    let logits: [Float] = [1, 2, 3, 1000, 0, -1000]
    let labels: [Int32] = [2, 0]
    var delta = [Float](repeating: 0, count: 6)
    let r = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, batch: 2, classes: 3, delta: &delta, scale: 1)
    let expected0 = Foundation.log(exp(1.0) + exp(2.0) + exp(3.0)) - 3
    let expected1 = 0.0  // logsumexp(1000, 0, −1000) − 1000 = 0 to double precision
    #expect(abs(r.lossSum - (expected0 + expected1)) < 1e-5)
    #expect(r.correct == 2)
    #expect(abs(delta[3]) < 1e-6 && abs(delta[4]) < 1e-6 && delta[5] == 0)
    let softmax2 = exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0))
    #expect(abs(Double(delta[2]) - (softmax2 - 1)) < 1e-6)
}

@Test("Kaiming-normal initialisation has the documented variance and zero biases")
func kaimingVariance() {
    let architecture = Architecture(widths: [400, 300, 10], activation: .relu)
    var random = RandomStream(seed: 3, purpose: "init")
    let network = Network(architecture, initialization: .kaimingNormal, random: &random)
    func variance(_ l: Int) -> Double {
        let n = network.layout[layer: l].weightCount
        var s = 0.0, ss = 0.0
        for i in 0..<n { let w = Double(network.weights(l)[i]); s += w; ss += w * w }
        return ss / Double(n) - (s / Double(n)) * (s / Double(n))
    }
    #expect(abs(variance(1) / (2.0 / 400) - 1) < 0.02)   // 120,000 draws: sd of the ratio ≈ 0.004
    #expect(abs(variance(2) / (1.0 / 300) - 1) < 0.05)   // output layer, gain 1; 3,000 draws
    for l in 1...2 { for i in 0..<architecture.widths[l] { #expect(network.bias(l)[i] == 0) } }
}
