import Foundation
import Testing
import NumericCore
import Networks
import TestSupport
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

    /// (∇L(W + hV) − ∇L(W − hV)) / 2h from the Float64 reference network (TestSupport's `Reference.gradient`),
    /// read on `layers`.
    func referenceDifference(_ v: [Double], layers: ClosedRange<Int>, h: Double = 1e-5) -> [Double] {
        let indices = packed(layers)
        let p = (0..<network.parameters.count).map { Double(network.parameters.pointer[$0]) }
        let x = (0..<(batch * network.architecture.inputs)).map { Double(pass.input[$0]) }
        let y = labels.map(Int.init)
        var plus = p, minus = p
        for (k, i) in indices.enumerated() { plus[i] += h * v[k]; minus[i] -= h * v[k] }
        let gp = Reference.gradient(plus, network.architecture, x: x, y: y)
        let gm = Reference.gradient(minus, network.architecture, x: x, y: y)
        return indices.map { (gp[$0] - gm[$0]) / (2 * h) }
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

    @Test("Full and block products match central differences of a Float64 reference gradient",
          arguments: [0, 1], [Activation.tanh, .relu])
    func matchesFiniteDifferences(_ n: Int, _ activation: Activation) throws {
        let problem = try SmallConvolutionalProblem(stages: Self.networks[n], activation: activation)
        let L = problem.network.layerCount
        var random = RandomStream(seed: 9, purpose: "direction")
        for layers in [1...L] + (1...L).map({ $0...$0 }) {
            let v = (0..<problem.hvp.dimension(layers)).map { _ in Double(random.nextSymmetric(1)) }
            let error = relativeError(problem.product(v, layers: layers), problem.referenceDifference(v, layers: layers))
            #expect(error < 2e-4, "network \(n) \(activation), layers \(layers): relative error \(error)")
        }
    }

    @Test("The Float64 reference gradient agrees with thermo's backward pass (so the reference is the network)")
    func referenceIsTheNetwork() throws {
        let problem = try SmallConvolutionalProblem(stages: Self.networks[1], activation: .tanh)
        let L = problem.network.layerCount
        let ours = problem.gradient([Double](repeating: 0, count: problem.hvp.dimension(1...L)), layers: 1...L, t: 0)
        let p = (0..<problem.network.parameters.count).map { Double(problem.network.parameters.pointer[$0]) }
        let x = (0..<(problem.batch * problem.network.architecture.inputs)).map { Double(problem.pass.input[$0]) }
        let reference = Reference.gradient(p, problem.network.architecture, x: x, y: problem.labels.map(Int.init))
        #expect(relativeError(ours, problem.packed(1...L).map { reference[$0] }) < 1e-5)
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
