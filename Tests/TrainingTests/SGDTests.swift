import Testing
import TestSupport
import NumericCore
@testable import Training

@Test("One SGD step with momentum, by hand (PyTorch's convention)")
func sgdMomentumStepByHand() {
    let w = FloatBuffer([1.0, -2.0, 0.5])
    let g = FloatBuffer([0.5, 0.25, -1.0])
    let sgd = SGD(SGDConfiguration(learningRate: 0.1, momentum: 0.9), parameterCount: 3)
    sgd.step(parameters: w, gradients: g)
    // First step: v = g; w = w − η g.
    let w1: [Float] = [1.0 - 0.1 * 0.5, -2.0 - 0.1 * 0.25, 0.5 + 0.1 * 1.0]
    #expect(w.array == w1)
    #expect(sgd.velocity.array == [0.5, 0.25, -1.0])
    sgd.step(parameters: w, gradients: g)
    // Second step: v = 0.9 v + g = 1.9 g; w −= 0.1 · 1.9 g.
    let v2: [Float] = [0.9 * 0.5 + 0.5, 0.9 * 0.25 + 0.25, 0.9 * -1.0 - 1.0]
    #expect(sgd.velocity.array == v2)
    let w2: [Float] = zip(w1, v2).map { (a: Float, b: Float) -> Float in a - 0.1 * b }
    #expect(w.array == w2)
}

@Test("Nesterov momentum and weight decay, by hand")
func sgdNesterovWeightDecayByHand() {
    let w = FloatBuffer([2.0])
    let g = FloatBuffer([1.0])
    let sgd = SGD(SGDConfiguration(learningRate: 0.5, momentum: 0.5, nesterov: true, weightDecay: 0.1), parameterCount: 1)
    sgd.step(parameters: w, gradients: g)
    // g' = 1 + 0.1·2 = 1.2; v = 1.2; w = 2 − 0.5 (1.2 + 0.5·1.2) = 1.1
    #expect(abs(sgd.velocity.array[0] - 1.2) < 1e-6)
    #expect(abs(w.array[0] - 1.1) < 1e-6)
    sgd.step(parameters: w, gradients: g)
    // g' = 1 + 0.11 = 1.11; v = 0.6 + 1.11 = 1.71; w = 1.1 − 0.5 (1.11 + 0.855) = 0.1175
    #expect(abs(sgd.velocity.array[0] - 1.71) < 1e-6)
    #expect(abs(w.array[0] - 0.1175) < 1e-6)
}
