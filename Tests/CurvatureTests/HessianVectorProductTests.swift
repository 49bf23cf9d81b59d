import Foundation
import Testing
import NumericCore
import Networks
@testable import Curvature

/// The gradient of the mean cross-entropy over the weights, in Float64 with plain loops (biases held at their
/// values), for an MLP in thermo's layout: an independent reference for finite differences of gradients.
func referenceWeightGradient(_ p: [Double], widths: [Int], relu: Bool, x: [Double], y: [Int]) -> [Double] {
    let L = widths.count - 1, batch = y.count
    var offsets: [Int] = [], offset = 0
    for l in 1...L { offsets.append(offset); offset += widths[l] * widths[l - 1] + widths[l] }
    var grad = [Double](repeating: 0, count: p.count)
    for n in 0..<batch {
        var a: [[Double]] = [Array(x[(n * widths[0])..<((n + 1) * widths[0])])]
        for l in 1...L {
            let nin = widths[l - 1], nout = widths[l], o = offsets[l - 1]
            var z = [Double](repeating: 0, count: nout)
            for i in 0..<nout {
                var s = p[o + nout * nin + i]
                for j in 0..<nin { s += p[o + i * nin + j] * a[l - 1][j] }
                z[i] = s
            }
            a.append(l < L ? z.map { relu ? max(0, $0) : tanh($0) } : z)
        }
        let z = a[L], m = z.max()!
        let e = z.map { exp($0 - m) }, sum = e.reduce(0, +)
        var delta = e.map { $0 / sum / Double(batch) }
        delta[y[n]] -= 1 / Double(batch)
        for l in stride(from: L, through: 1, by: -1) {
            let nin = widths[l - 1], nout = widths[l], o = offsets[l - 1]
            for i in 0..<nout { for j in 0..<nin { grad[o + i * nin + j] += delta[i] * a[l - 1][j] } }
            guard l > 1 else { break }
            var below = [Double](repeating: 0, count: nin)
            for j in 0..<nin {
                var s = 0.0
                for i in 0..<nout { s += delta[i] * p[o + i * nin + j] }
                let act = a[l - 1][j]
                below[j] = s * (relu ? (act > 0 ? 1 : 0) : 1 - act * act)
            }
            delta = below
        }
    }
    return grad
}

/// A small network with non-zero biases, a batch and its labels, in Float32 (thermo) and Float64 (reference).
struct SmallProblem {
    let network: Network
    let hvp: HessianVectorProduct
    let parameters: [Double]
    let x: [Double]
    let y: [Int]

    init(widths: [Int], activation: Activation, batch: Int = 9, seed: UInt64 = 7) {
        let architecture = Architecture(widths: widths, activation: activation)
        var random = RandomStream(seed: seed, purpose: "test")
        let network = Network(architecture, initialization: .kaimingNormal, random: &random)
        for l in 1...network.layerCount {
            for i in 0..<widths[l] { network.bias(l)[i] = random.nextSymmetric(0.3) }
        }
        self.network = network
        let input = FloatBuffer(count: batch * widths[0])
        var labels = [Int32](repeating: 0, count: batch)
        var x: [Double] = [], y: [Int] = []
        for i in 0..<input.count { input.pointer[i] = random.nextSymmetric(1); x.append(Double(input.pointer[i])) }
        for n in 0..<batch { let c = random.nextIndex(below: architecture.classes); labels[n] = Int32(c); y.append(c) }
        let hvp = HessianVectorProduct(architecture, capacity: batch)
        self.hvp = hvp
        labels.withUnsafeBufferPointer { hvp.prepare(network: network, input: input.pointer, labels: $0.baseAddress!, batch: batch) }
        parameters = (0..<network.parameters.count).map { Double(network.parameters.pointer[$0]) }
        self.x = x
        self.y = y
    }

    /// The weight entries of `layers` inside the parameter block, in packed order.
    func packedIndices(_ layers: ClosedRange<Int>) -> [Int] {
        layers.flatMap { l -> [Int] in
            let layer = network.layout[layer: l]
            return Array(layer.weightOffset..<(layer.weightOffset + layer.weightCount))
        }
    }

    /// (∇L(W + εV) − ∇L(W − εV)) / 2ε in Float64, read on `layers` (V packed on `layers`).
    func finiteDifference(_ v: [Double], layers: ClosedRange<Int>, epsilon: Double = 1e-5) -> [Double] {
        let indices = packedIndices(layers)
        var plus = parameters, minus = parameters
        for (k, i) in indices.enumerated() { plus[i] += epsilon * v[k]; minus[i] -= epsilon * v[k] }
        let widths = network.architecture.widths, relu = network.architecture.activation == .relu
        let gp = referenceWeightGradient(plus, widths: widths, relu: relu, x: x, y: y)
        let gm = referenceWeightGradient(minus, widths: widths, relu: relu, x: x, y: y)
        return indices.map { (gp[$0] - gm[$0]) / (2 * epsilon) }
    }

    func product(_ v: [Double], layers: ClosedRange<Int>) -> [Double] {
        let x = FloatBuffer(v.map(Float.init)), out = FloatBuffer(count: v.count)
        hvp.apply(x.pointer, into: out.pointer, layers: layers)
        return (0..<v.count).map { Double(out.pointer[$0]) }
    }
}

func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let scale = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return diff / max(scale, 1e-30)
}

struct ProductCase: CustomTestStringConvertible, Sendable {
    let widths: [Int]
    let activation: Activation
    var testDescription: String { "\(widths) \(activation)" }
}

@Suite("Hessian-vector products")
struct HessianVectorProductTests {
    static let cases = [ProductCase(widths: [6, 5, 4, 3], activation: .relu),
                        ProductCase(widths: [6, 5, 4, 3], activation: .tanh),
                        ProductCase(widths: [5, 8, 6, 7, 4], activation: .tanh),
                        ProductCase(widths: [7, 3], activation: .relu)]

    @Test("Full and every block product match central differences of a Float64 gradient", arguments: cases)
    func matchesFiniteDifferences(_ c: ProductCase) {
        let problem = SmallProblem(widths: c.widths, activation: c.activation)
        let L = c.widths.count - 1
        var random = RandomStream(seed: 3, purpose: "direction")
        for layers in [1...L] + (1...L).map({ $0...$0 }) {
            let v = (0..<problem.hvp.dimension(layers)).map { _ in Double(random.nextSymmetric(1)) }
            let error = relativeError(problem.product(v, layers: layers), problem.finiteDifference(v, layers: layers))
            #expect(error < 2e-4, "layers \(layers): relative error \(error)")
        }
    }

    @Test("A block product is the block of the full product", arguments: cases)
    func blockIsBlockOfFull(_ c: ProductCase) {
        let problem = SmallProblem(widths: c.widths, activation: c.activation)
        let L = c.widths.count - 1, full = problem.hvp.dimension(1...L)
        var random = RandomStream(seed: 5, purpose: "direction")
        var start = 0
        for l in 1...L {
            let n = problem.hvp.dimension(l...l)
            let v = (0..<n).map { _ in Double(random.nextSymmetric(1)) }
            var padded = [Double](repeating: 0, count: full)
            for i in 0..<n { padded[start + i] = v[i] }
            let fromFull = Array(problem.product(padded, layers: 1...L)[start..<(start + n)])
            let error = relativeError(problem.product(v, layers: l...l), fromFull)
            #expect(error < 1e-5, "layer \(l): \(error)")
            start += n
        }
    }

    @Test("The dense Hessian is symmetric and its eigenvalues bound every Rayleigh quotient")
    func denseHessianIsSymmetric() {
        let problem = SmallProblem(widths: [5, 4, 3], activation: .tanh)
        let n = problem.hvp.dimension(1...2)
        // Unsymmetrised columns: H e_i read on every weight.
        var h = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            var e = [Double](repeating: 0, count: n); e[i] = 1
            let column = problem.product(e, layers: 1...2)
            for j in 0..<n { h[i * n + j] = column[j] }
        }
        var asymmetry = 0.0, size = 0.0
        for i in 0..<n { for j in 0..<n { asymmetry = max(asymmetry, abs(h[i * n + j] - h[j * n + i])); size = max(size, abs(h[i * n + j])) } }
        #expect(asymmetry < 1e-5 * size, "asymmetry \(asymmetry) of entries up to \(size)")
    }
}
