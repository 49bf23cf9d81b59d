import Foundation
import Testing
import NumericCore
import Networks
@testable import Curvature

/// A small network with a convolution, a pooling and a tanh dense head, a batch and its labels.
struct SmallConvolutionalProblem {
    let network: Network
    let pass: Pass
    let hvp: HessianVectorProduct
    let labels: [Int32]
    let batch = 6

    init(stages: [Stage], activation: Activation, seed: UInt64 = 3) throws {
        let architecture = try Architecture(input: TensorShape(channels: 2, height: 7, width: 6), stages: stages,
                                            activation: activation)
        var random = RandomStream(seed: seed, purpose: "test")
        network = Network(architecture, initialization: .kaimingNormal, random: &random)
        for l in 1...network.layerCount {
            for i in 0..<network.layout[layer: l].outputs { network.bias(l)[i] = random.nextSymmetric(0.2) }
        }
        pass = Pass(architecture, capacity: batch)
        for i in 0..<(batch * architecture.inputs) { pass.input[i] = random.nextSymmetric(1) }
        labels = (0..<batch).map { _ in Int32(random.nextIndex(below: architecture.classes)) }
        for (n, label) in labels.enumerated() { pass.labels[n] = label }
        hvp = HessianVectorProduct(architecture, capacity: batch)
        labels.withUnsafeBufferPointer { hvp.prepare(network: network, input: pass.input, labels: $0.baseAddress!, batch: batch) }
    }

    func packed(_ layers: ClosedRange<Int>) -> [Int] {
        layers.flatMap { l -> [Int] in
            let layer = network.layout[layer: l]
            return Array(layer.weightOffset..<(layer.weightOffset + layer.weightCount))
        }
    }

    /// The weight gradient of thermo's own backward pass at W + t·V, read on `layers`.
    func gradient(_ v: [Double], layers: ClosedRange<Int>, t: Double) -> [Double] {
        let indices = packed(layers)
        let saved = indices.map { network.parameters.pointer[$0] }
        for (k, i) in indices.enumerated() { network.parameters.pointer[i] = Float(Double(saved[k]) + t * v[k]) }
        pass.forward(network, batch: batch)
        pass.backward(network, batch: batch)
        for (k, i) in indices.enumerated() { network.parameters.pointer[i] = saved[k] }
        return indices.map { Double(network.gradients.pointer[$0]) }
    }

    func product(_ v: [Double], layers: ClosedRange<Int>) -> [Double] {
        let x = FloatBuffer(v.map(Float.init)), out = FloatBuffer(count: v.count)
        hvp.apply(x.pointer, into: out.pointer, layers: layers)
        return (0..<v.count).map { Double(out.pointer[$0]) }
    }
}

@Suite("Hessian-vector products through convolutions and poolings")
struct ConvolutionalProductTests {
    static let networks: [[Stage]] = [
        [.convolution(channels: 3, kernel: 3, padding: 0), .pool, .dense(units: 5), .dense(units: 4)],
        [.convolution(channels: 2, kernel: 2, padding: 1), .convolution(channels: 3, kernel: 3, padding: 0), .pool,
         .dense(units: 3)],
    ]

    @Test("Full and block products match central differences of the network's gradients",
          arguments: [0, 1], [Activation.tanh, .relu])
    func matchesFiniteDifferences(_ n: Int, _ activation: Activation) throws {
        let problem = try SmallConvolutionalProblem(stages: Self.networks[n], activation: activation)
        let L = problem.network.layerCount
        var random = RandomStream(seed: 9, purpose: "direction")
        for layers in [1...L] + (1...L).map({ $0...$0 }) {
            let v = (0..<problem.hvp.dimension(layers)).map { _ in Double(random.nextSymmetric(1)) }
            let h = 1e-3
            let plus = problem.gradient(v, layers: layers, t: h), minus = problem.gradient(v, layers: layers, t: -h)
            let difference = zip(plus, minus).map { ($0 - $1) / (2 * h) }
            let error = relativeError(problem.product(v, layers: layers), difference)
            // Float32 gradients differenced over h = 1e-3: rounding alone is about 1e-4 of the product.
            #expect(error < 5e-3, "network \(n) \(activation), layers \(layers): relative error \(error)")
        }
    }

    @Test("The dense Hessian of a small CNN is symmetric, and a block product is the block of the full one")
    func symmetricAndBlockwise() throws {
        let problem = try SmallConvolutionalProblem(stages: Self.networks[0], activation: .tanh)
        let L = problem.network.layerCount, n = problem.hvp.dimension(1...L)
        var h = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            var e = [Double](repeating: 0, count: n); e[i] = 1
            let column = problem.product(e, layers: 1...L)
            for j in 0..<n { h[i * n + j] = column[j] }
        }
        var asymmetry = 0.0, size = 0.0
        for i in 0..<n { for j in 0..<n { asymmetry = max(asymmetry, abs(h[i * n + j] - h[j * n + i])); size = max(size, abs(h[i * n + j])) } }
        #expect(asymmetry < 1e-5 * size, "asymmetry \(asymmetry) of entries up to \(size)")
        var start = 0
        for l in 1...L {
            let m = problem.hvp.dimension(l...l)
            for i in 0..<m {
                var e = [Double](repeating: 0, count: m); e[i] = 1
                let block = problem.product(e, layers: l...l)
                for j in 0..<m { #expect(abs(block[j] - h[(start + i) * n + start + j]) <= 1e-5 * size) }
            }
            start += m
        }
    }
}
