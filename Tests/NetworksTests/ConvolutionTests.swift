import Foundation
import NumericCore
import Testing
import TestSupport
@testable import Networks

struct ConvolutionCase: CustomTestStringConvertible, Sendable {
    let geometry: ConvolutionGeometry
    let batch: Int
    let chunk: Int
    var testDescription: String {
        let g = geometry
        return "\(batch)×\(g.inputChannels)×\(g.height)×\(g.width) → \(g.outputChannels), k\(g.kernel) p\(g.padding), chunk \(chunk)"
    }
}

private let convolutionCases: [ConvolutionCase] = [
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 1, height: 7, width: 5, outputChannels: 3), batch: 3, chunk: 3),
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 1, height: 7, width: 5, outputChannels: 3), batch: 3, chunk: 2),
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 3, height: 6, width: 9, outputChannels: 4, padding: 1), batch: 2, chunk: 1),
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 3, height: 5, width: 5, outputChannels: 2, kernel: 5, padding: 2), batch: 3, chunk: 2),
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 2, height: 3, width: 4, outputChannels: 5, kernel: 1), batch: 2, chunk: 2),
]

private func randomValues(_ n: Int, _ random: inout RandomStream, bound: Float = 1) -> [Float] {
    (0..<n).map { _ in random.nextSymmetric(bound) }
}

/// |a − b| ≤ 1e-5 · (1 + |b|): Float32 sums of at most a few hundred products of values in [−1, 1] carry a
/// relative rounding error of order K · 6e-8 ≈ 1e-5 at worst, and usually far less.
private func close(_ a: Float, _ b: Double, scale: Double = 1) -> Bool { abs(Double(a) - b) <= 1e-5 * (scale + abs(b)) }

@Test("Max-pooling forward and backward equal the reference on odd sizes (the last row and column dropped)")
func poolingMatchesReference() {
    var random = RandomStream(seed: 3, purpose: "pool")
    let planes = 2 * 3, H = 7, W = 5
    let x = randomValues(planes * H * W, &random)
    let output = FloatBuffer(count: planes * 3 * 2)
    var argmax = [UInt8](repeating: 9, count: planes * 3 * 2)
    MaxPool.forward(input: x, output: output.pointer, argmax: &argmax, planes: planes, height: H, width: W)
    let expected = Reference.pool(x.map(Double.init), planes: planes, height: H, width: W)
    #expect(output.array.map(Double.init) == expected.values)
    let gradient = randomValues(planes * 6, &random)
    let dX = FloatBuffer(count: planes * H * W)
    MaxPool.backward(outputGradient: gradient, argmax: argmax, inputGradient: dX.pointer, planes: planes, height: H, width: W)
    var reference = [Float](repeating: 0, count: planes * H * W)
    for (q, at) in expected.argmax.enumerated() {
        reference[at] += gradient[q]
        let plane = q / 6, y = (q % 6) / 2, column = q % 2
        #expect(plane * H * W + MaxPool.inputOffset(window: argmax[q], row: y, column: column, width: W) == at)
    }
    #expect(dX.array == reference)
}

@Test("Max-pooling ties: the first maximum in row-major window order receives the whole gradient")
func poolingTiesGoToTheFirstMaximum() {
    // One 4×4 plane, four windows: all equal; equal maxima at (0,1) and (1,1); at (1,0) and (1,1); a unique one.
    let x: [Float] = [5, 5, 1, 7,
                      5, 5, 1, 7,
                      2, 2, 0, 0,
                      9, 9, 3, 0]
    var argmax = [UInt8](repeating: 9, count: 4)
    let output = FloatBuffer(count: 4)
    MaxPool.forward(input: x, output: output.pointer, argmax: &argmax, planes: 1, height: 4, width: 4)
    #expect(output.array == [5, 7, 9, 3])
    #expect(argmax == [0, 1, 2, 2])  // places (0,0), (0,1), (1,0), (1,0): offsets 0, 3, 12, 14
    let dX = FloatBuffer(count: 16)
    MaxPool.backward(outputGradient: [1, 2, 3, 4], argmax: argmax, inputGradient: dX.pointer, planes: 1, height: 4, width: 4)
    #expect(dX.array == [1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 4, 0])
}

struct NetworkCase: CustomTestStringConvertible, Sendable {
    let input: TensorShape
    let spec: String
    let activation: Activation
    var testDescription: String { "\(input) \(spec) \(activation)" }
}

@Test("Every parameter gradient of a small CNN matches central finite differences of the Float64 reference",
      arguments: [NetworkCase(input: TensorShape(channels: 2, height: 6, width: 7), spec: "conv3:k3:p1,pool,conv4,fc5,fc3", activation: .relu),
                  NetworkCase(input: TensorShape(channels: 1, height: 9, width: 8), spec: "conv2,conv3,pool,fc4", activation: .tanh),
                  NetworkCase(input: TensorShape(channels: 3, height: 5, width: 5), spec: "pool,conv2:k2:p0,fc6,fc3", activation: .relu)])
func convolutionalGradientsMatchFiniteDifferences(_ c: NetworkCase) throws {
    let architecture = try Architecture(input: c.input, stages: NetworkSpec.parseStages(c.spec), activation: c.activation)
    checkGradientsAgainstFiniteDifferences(architecture, seed: 5, sampled: nil)
    // Split into row blocks of one image each: every stage's blocks, the dense layers' output-row shares and the
    // convolutions' block sums.
    checkGradientsAgainstFiniteDifferences(architecture, seed: 5, sampled: nil, threads: 3)
}

@Test("A network with convolutions splits each stage's batch over its threads: logits, gradients and a stage's input gradient equal the unsplit pass's up to rounding, with the same bits every time",
      arguments: [(7, 2), (7, 3), (7, 4), (5, 4), (1, 2)])
func rowBlocksGiveTheUnsplitPass(batch: Int, threads: Int) throws {
    let architecture = try Architecture(input: TensorShape(channels: 2, height: 8, width: 8),
                                        stages: NetworkSpec.parseStages("conv32:k3:p1,conv32:k3:p1,pool,conv3,fc6,fc4"),
                                        activation: .relu)
    var random = RandomStream(seed: 41, purpose: "test")
    let network = Network(architecture, initialization: .kaimingNormal, random: &random)
    let input = (0..<(batch * architecture.inputs)).map { _ in random.nextSymmetric(1) }
    let labels = (0..<batch).map { _ in Int32(random.nextIndex(below: architecture.classes)) }
    /// Logits, parameter gradients (accumulated onto a first backward pass) and the input gradient of stage 2 alone.
    func run(_ threads: Int) -> (logits: [Float], gradients: [Float], inputGradient: [Float]) {
        let pass = Pass(architecture, capacity: batch)
        pass.threads = threads
        #expect(pass.splitsRows == (threads > 1))
        pass.input.update(from: input, count: input.count)
        pass.labels.update(from: labels, count: batch)
        pass.forward(network, batch: batch)
        let logits = Array(UnsafeBufferPointer(start: pass.logits, count: batch * architecture.classes))
        pass.backward(network, batch: batch)
        pass.backward(network, batch: batch, scale: 0.5, accumulate: true)
        let n = batch * architecture.shapes[1].count
        let gradient = FloatBuffer(count: n), scratch = FloatBuffer(count: n)
        for q in 0..<n { gradient.pointer[q] = 0.25 }
        let delta = (0..<(batch * architecture.shapes[2].count)).map { k in Float(0.01) * Float(k % 7) }
        pass.inputGradientStage(2, network, weights: network.weights(2), delta: delta, inputGradient: gradient.pointer,
                                batch: batch, accumulate: true, scratch: scratch.pointer)
        return (logits, network.gradients.array, gradient.array)
    }
    let one = run(1), split = run(threads), again = run(threads)
    // GEMMs of other shapes may add in another order (OpenBLAS's kernels for small matrices), so even the forward
    // pass agrees up to rounding only.
    for (a, b) in zip(split.logits, one.logits) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
    #expect(split.logits == again.logits && split.gradients == again.gradients && split.inputGradient == again.inputGradient)
    let scale = one.gradients.map { abs($0) }.max() ?? 1
    for (a, b) in zip(split.gradients, one.gradients) { #expect(abs(a - b) <= 1e-5 * scale) }
    for (a, b) in zip(split.inputGradient, one.inputGradient) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
}

/// Trains nothing: one forward and backward pass of a seeded network on a random batch of 3, then the loss against
/// the Float64 reference and the gradient of every parameter (or of `sampled` random ones) against central
/// differences of the reference loss. Returns the pass, for checks of the path it took.
@discardableResult
private func checkGradientsAgainstFiniteDifferences(_ architecture: Architecture, seed: UInt64, sampled: Int?,
                                                    threads: Int = 1) -> Pass {
    var random = RandomStream(seed: seed, purpose: "test")
    let network = Network(architecture, initialization: .kaimingNormal, random: &random)
    for l in 1...network.layerCount {
        for i in 0..<network.layout[layer: l].outputs { network.bias(l)[i] = random.nextSymmetric(0.3) }
    }
    let batch = 3
    let pass = Pass(architecture, capacity: batch)
    pass.threads = threads
    var x: [Double] = [], y: [Int] = []
    for i in 0..<(batch * architecture.inputs) {
        pass.input[i] = random.nextSymmetric(1)
        x.append(Double(pass.input[i]))
    }
    for n in 0..<batch { y.append(random.nextIndex(below: architecture.classes)); pass.labels[n] = Int32(y[n]) }
    pass.forward(network, batch: batch)
    let result = pass.backward(network, batch: batch)
    let p = network.parameters.array.map(Double.init)
    let loss = Reference.loss(p, architecture, x: x, y: y)
    #expect(abs(result.lossSum / Double(batch) - loss) < 1e-5 * max(1, abs(loss)))

    // Central differences in Float64 with h = 1e-6: truncation O(h²) and rounding O(1e-16/h) are both far below
    // the Float32 rounding of the analytic gradient (≈ 1e-6 relative), hence the 2e-3 tolerance with a 1e-3 floor.
    let h = 1e-6
    let parameters = sampled.map { n in (0..<n).map { _ in random.nextIndex(below: p.count) } } ?? Array(p.indices)
    for k in parameters {
        var plus = p, minus = p
        plus[k] += h
        minus[k] -= h
        let fd = (Reference.loss(plus, architecture, x: x, y: y) - Reference.loss(minus, architecture, x: x, y: y)) / (2 * h)
        let analytic = Double(network.gradients.pointer[k])
        #expect(abs(analytic - fd) / max(1e-3, abs(fd)) < 2e-3, "parameter \(k): analytic \(analytic), finite difference \(fd)")
    }
    return pass
}

@Test("Network SPECs: shapes, layer numbering and labels, and refusals naming the token")
func networkSpecShapes() throws {
    let mnist = try NetworkSpec.architecture("paper-mnist", input: TensorShape(channels: 1, height: 28, width: 28), classes: 10)
    #expect(mnist.shapes.map(\.description) == ["1×28×28", "64×26×26", "64×24×24", "64×12×12", "128×10×10", "128×8×8",
                                                "128×6×6", "128×3×3", "1152×1×1", "1152×1×1", "10×1×1"])
    #expect(mnist.layout.layers.map(\.label) == ["conv1", "conv2", "conv3", "conv4", "conv5", "fc1", "fc2", "fc3"])
    #expect(mnist.layout[layer: 3].weightCount == 128 * 64 * 9)
    #expect(mnist.layout[layer: 6].inputs == 1152)
    let cifar = try NetworkSpec.architecture("paper-cifar", input: TensorShape(channels: 3, height: 32, width: 32), classes: 10)
    #expect(cifar.layout[layer: 6].inputs == 2048)
    let stl = try NetworkSpec.architecture("paper-stl", input: TensorShape(channels: 3, height: 96, width: 96), classes: 10)
    #expect(stl.layout[layer: 6].inputs == 6400)
    let small = TensorShape(channels: 1, height: 4, width: 4)
    #expect(throws: ArchitectureError(token: "pool", "would pool its 1×1×1 input below 1×1")) {
        try NetworkSpec.architecture("pool,pool,pool,fc10", input: small, classes: 10)
    }
    #expect(throws: ArchitectureError(token: "conv2:k5", "has a 5×5 kernel (padding 0), larger than its 1×4×4 input")) {
        try NetworkSpec.architecture("conv2:k5,fc10", input: small, classes: 10)
    }
    #expect(throws: ArchitectureError.self) { try NetworkSpec.architecture("conv2,fc7", input: small, classes: 10) }
    #expect(throws: ArchitectureError.self) { try NetworkSpec.architecture("conv2,dropout,fc10", input: small, classes: 10) }
    #expect(throws: ArchitectureError(token: "pool", "is the last layer, but a network ends with a dense layer fcN to the class count (e.g. add fc10)")) {
        try NetworkSpec.architecture("conv2,pool", input: small, classes: 10)
    }
    // A kernel or padding given twice, and counts that are not plain decimal digits, are refused by the token.
    #expect(throws: ArchitectureError(token: "conv8:k3:p1:k5", "gives the option k twice; give each of kK and pP at most once")) {
        try NetworkSpec.architecture("conv8:k3:p1:k5,fc10", input: small, classes: 10)
    }
    for token in ["conv+8", "conv 8", "fc+10", "fc1e3", "conv8:k+3"] {
        #expect(throws: ArchitectureError.self, "\(token)") { try NetworkSpec.architecture("\(token),fc10", input: small, classes: 10) }
    }
    // A count beyond an Int is refused by its range, named as written.
    #expect(throws: ArchitectureError.self) { try NetworkSpec.architecture("fc99999999999999999999,fc10", input: small, classes: 10) }
    do { _ = try NetworkSpec.architecture("fc99999999999999999999,fc10", input: small, classes: 10) } catch {
        #expect(error.token == "fc99999999999999999999" && error.message.contains("1048576"), "\(error)")
    }
    // Huge kernels on huge channel counts keep every map small but the parameter count beyond an Int: refused at
    // the layer that crosses 2^40 parameters, before the layout adds them up (it trapped on the overflow).
    let huge = "conv1048576:k28" + String(repeating: ",conv1048576:k1024:p512,conv1048576:k1024:p511", count: 4) + ",fc10"
    #expect(throws: ArchitectureError(token: "conv1048576:k1024:p512",
                                      "brings the network to more parameters than any machine holds; use fewer channels or a smaller kernel")) {
        try NetworkSpec.architecture(huge, input: TensorShape(channels: 1, height: 28, width: 28), classes: 10)
    }
    // Dense tokens only are the MLP of those widths.
    #expect(try NetworkSpec.architecture("fc32,fc10", input: TensorShape(channels: 1, height: 28, width: 28), classes: 10)
            == Architecture(widths: [784, 32, 10]))
    // An MLP built from widths keeps its layout: W_1, b_1, W_2, b_2.
    let mlp = Architecture(widths: [784, 784, 10])
    #expect(mlp.isFullyConnected && mlp.layout.count == 784 * 784 + 784 + 7840 + 10)
    #expect(mlp.layout[layer: 2].weightOffset == 784 * 785 && mlp.description == "784→784→10 relu")
}

@Test("Architectures round-trip through JSON; an MLP encodes only widths and activation, as before")
func architectureCoding() throws {
    let cnn = try NetworkSpec.architecture("conv4:k3:p1,pool,fc10", input: TensorShape(channels: 1, height: 6, width: 6), classes: 10)
    let decoded = try JSONDecoder().decode(Architecture.self, from: JSONEncoder().encode(cnn))
    #expect(decoded == cnn)
    let mlp = Architecture(widths: [6, 4, 2], activation: .tanh)
    let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(mlp)) as? [String: Any]
    #expect(object?.keys.sorted() == ["activation", "widths"])
    let old = try JSONDecoder().decode(Architecture.self, from: Data(#"{"widths":[6,4,2],"activation":"tanh"}"#.utf8))
    #expect(old == mlp)
}

@Test("Convolution results do not depend on the number of threads splitting im2col, col2im, the copies and the Winograd tile transforms",
      arguments: [ConvolutionPath.im2col, .winograd])
func convolutionThreadsAreBitIdentical(_ path: ConvolutionPath) {
    // 10 tile columns: one vector group of 8 and a scalar tail of 2 on the Winograd path
    let g = ConvolutionGeometry(inputChannels: 3, height: 9, width: 20, outputChannels: 5, padding: 1)
    let batch = 7, chunk = 3
    var random = RandomStream(seed: 13, purpose: "conv")
    let x = randomValues(batch * g.inputSize, &random), w = randomValues(g.weightCount, &random)
    let b = randomValues(g.outputChannels, &random), delta = randomValues(batch * g.outputSize, &random)
    var results: [[Float]] = []
    for threads in [1, 2, 3] {
        let out = FloatBuffer(count: batch * g.outputSize), dW = FloatBuffer(count: g.weightCount)
        let db = FloatBuffer(count: g.outputChannels), dX = FloatBuffer(count: batch * g.inputSize)
        let scratch = path.scratch(g, chunk: chunk)
        path.forward(x, w, b, output: out.pointer, batch: batch, g, relu: true, chunk: chunk, scratch: scratch, threads: threads)
        path.backward(delta, x, w, dW: dW.pointer, db: db.pointer, dX: dX.pointer, batch: batch, g, chunk: chunk,
                      scratch: scratch, threads: threads)
        results.append(out.array + dW.array + db.array + dX.array)
    }
    #expect(results[0] == results[1] && results[0] == results[2])
}

private let winogradCases: [ConvolutionCase] = [
    // odd H_out and W_out (the last tile row and column half outside), one chunk and several
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 3, height: 7, width: 9, outputChannels: 4), batch: 3, chunk: 3),
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 3, height: 7, width: 9, outputChannels: 4), batch: 3, chunk: 2),
    // 19 tile columns: two whole groups of 8 tiles on the vector path and 3 on the scalar one; padding 1
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 2, height: 5, width: 37, outputChannels: 3, padding: 1), batch: 2, chunk: 1),
    // padding 2 (H_out > H) and a 1 × 1 output
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 4, height: 6, width: 6, outputChannels: 2, padding: 2), batch: 2, chunk: 2),
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 2, height: 3, width: 3, outputChannels: 3), batch: 4, chunk: 3),
    // 16 tile columns exactly, even sizes, 32 channels in and out (the size from which the networks use it)
    ConvolutionCase(geometry: ConvolutionGeometry(inputChannels: 32, height: 6, width: 34, outputChannels: 32), batch: 2, chunk: 2),
]

/// The two ways thermo computes a convolution, each with its own scratch for one case's chunk.
enum ConvolutionPath: String, CustomTestStringConvertible, Sendable {
    case im2col, winograd
    var testDescription: String { rawValue }

    /// The reference tests' tolerance scales (see `close`) for the output and for ∂W: Winograd's transforms add
    /// a few roundings of sums up to 4 times the inputs.
    var outputScale: Double { self == .im2col ? 1 : 4 }
    var weightGradientScale: Double { self == .im2col ? 10 : 40 }

    /// Scratch of a chunk of `chunk` images: im2col's columns and product, or Winograd's block.
    func scratch(_ g: ConvolutionGeometry, chunk: Int) -> [FloatBuffer] {
        switch self {
        case .im2col: [FloatBuffer(count: g.patch * chunk * g.positions), FloatBuffer(count: g.outputChannels * chunk * g.positions)]
        case .winograd: [FloatBuffer(count: WinogradConvolution.scratchCount(g, chunk: chunk))]
        }
    }

    func forward(_ x: [Float], _ w: [Float], _ b: [Float], output: UnsafeMutablePointer<Float>, batch: Int,
                 _ g: ConvolutionGeometry, relu: Bool, chunk: Int, scratch s: [FloatBuffer], threads: Int = 1) {
        switch self {
        case .im2col:
            Convolution.forward(input: x, weights: w, bias: b, output: output, batch: batch, geometry: g, relu: relu,
                                chunk: chunk, columns: s[0].pointer, product: s[1].pointer, threads: threads)
        case .winograd:
            WinogradConvolution.forward(input: x, weights: w, bias: b, output: output, batch: batch, geometry: g,
                                        relu: relu, chunk: chunk, scratch: s[0].pointer, threads: threads)
        }
    }

    func backward(_ delta: [Float], _ x: [Float], _ w: [Float], dW: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>,
                  dX: UnsafeMutablePointer<Float>?, batch: Int, _ g: ConvolutionGeometry, chunk: Int, scratch s: [FloatBuffer],
                  beta: Float = 0, threads: Int = 1) {
        switch self {
        case .im2col:
            Convolution.backward(delta: delta, input: x, weights: w, weightGradient: dW, biasGradient: db, inputGradient: dX,
                                 batch: batch, geometry: g, chunk: chunk, columns: s[0].pointer, product: s[1].pointer,
                                 beta: beta, threads: threads)
        case .winograd:
            WinogradConvolution.backward(delta: delta, input: x, weights: w, weightGradient: dW, biasGradient: db,
                                         inputGradient: dX, batch: batch, geometry: g, chunk: chunk,
                                         scratch: s[0].pointer, beta: beta, threads: threads)
        }
    }

    func inputGradient(_ delta: [Float], _ w: [Float], dX: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvolutionGeometry,
                       chunk: Int, scratch s: [FloatBuffer]) {
        switch self {
        case .im2col:
            Convolution.inputGradient(delta: delta, weights: w, inputGradient: dX, batch: batch, geometry: g, chunk: chunk,
                                      columns: s[0].pointer, product: s[1].pointer)
        case .winograd:
            WinogradConvolution.inputGradient(delta: delta, weights: w, inputGradient: dX, batch: batch, geometry: g,
                                              chunk: chunk, scratch: s[0].pointer)
        }
    }
}

/// Every im2col case and every Winograd case, each with its path.
private let referenceCases: [(ConvolutionCase, ConvolutionPath)] =
    convolutionCases.map { ($0, .im2col) } + winogradCases.map { ($0, .winograd) }

@Test("Convolution forward (im2col + SGEMM, or Winograd F(2×2, 3×3); chunked) equals the nested-loop Float64 reference",
      arguments: referenceCases)
func convolutionForwardMatchesReference(_ c: ConvolutionCase, _ path: ConvolutionPath) {
    let g = c.geometry
    var random = RandomStream(seed: path == .im2col ? 7 : 17, purpose: path == .im2col ? "conv" : "winograd")
    let x = randomValues(c.batch * g.inputSize, &random), w = randomValues(g.weightCount, &random)
    let b = randomValues(g.outputChannels, &random)
    let output = FloatBuffer(count: c.batch * g.outputSize), scratch = path.scratch(g, chunk: c.chunk)
    let expected = Reference.convolution(x.map(Double.init), w.map(Double.init), b.map(Double.init), batch: c.batch, g)
    for relu in [false, true] {
        for i in 0..<output.count { output.pointer[i] = .nan }  // every output must be written
        path.forward(x, w, b, output: output.pointer, batch: c.batch, g, relu: relu, chunk: c.chunk, scratch: scratch)
        for i in expected.indices {
            let e = relu ? max(0, expected[i]) : expected[i]
            #expect(close(output.pointer[i], e, scale: path.outputScale), "output \(i): \(output.pointer[i]) vs \(e)")
        }
    }
}

@Test("Convolution backward equals the Float64 reference: weight, bias and input gradients, overwrite and accumulate; the input gradient alone too",
      arguments: referenceCases)
func convolutionBackwardMatchesReference(_ c: ConvolutionCase, _ path: ConvolutionPath) {
    let g = c.geometry
    var random = RandomStream(seed: path == .im2col ? 11 : 19, purpose: path == .im2col ? "conv" : "winograd")
    let x = randomValues(c.batch * g.inputSize, &random), w = randomValues(g.weightCount, &random)
    let delta = randomValues(c.batch * g.outputSize, &random)
    let dW = FloatBuffer(count: g.weightCount), db = FloatBuffer(count: g.outputChannels)
    let dX = FloatBuffer(count: c.batch * g.inputSize), scratch = path.scratch(g, chunk: c.chunk)
    let expected = Reference.convolutionBackward(delta.map(Double.init), x.map(Double.init), w.map(Double.init), batch: c.batch, g)
    for beta: Float in [0, 1] {
        for i in 0..<dX.count { dX.pointer[i] = 99 }  // must be overwritten, not added to
        path.backward(delta, x, w, dW: dW.pointer, db: db.pointer, dX: dX.pointer, batch: c.batch, g, chunk: c.chunk,
                      scratch: scratch, beta: beta)
        let factor = beta == 0 ? 1.0 : 2.0  // the second call accumulates onto the first
        for i in expected.dW.indices {
            #expect(close(dW.pointer[i], factor * expected.dW[i], scale: path.weightGradientScale), "dW \(i)")
        }
        for i in expected.db.indices { #expect(close(db.pointer[i], factor * expected.db[i], scale: 10), "db \(i)") }
        for i in expected.dX.indices { #expect(close(dX.pointer[i], expected.dX[i], scale: 10), "dX \(i)") }
    }
    for i in 0..<dX.count { dX.pointer[i] = 99 }
    path.inputGradient(delta, w, dX: dX.pointer, batch: c.batch, g, chunk: c.chunk, scratch: scratch)
    for i in expected.dX.indices { #expect(close(dX.pointer[i], expected.dX[i], scale: 10), "input gradient alone \(i)") }
}

@Test("Networks run 3×3 convolutions with ≥ 32 channels in and out through Winograd, the others through im2col")
func winogradIsChosenByGeometry() throws {
    let architecture = try Architecture(input: TensorShape(channels: 1, height: 14, width: 14),
                                        stages: NetworkSpec.parseStages("conv32,conv32,conv16,conv4:k2:p0,fc3"), activation: .relu)
    let pass = Pass(architecture, capacity: 4)
    // conv32 on 1 channel: im2col; conv32 on 32: Winograd; conv16 on 32: im2col; a 2×2 kernel: im2col
    #expect(pass.winogradChunks[1] == 0 && pass.winogradChunks[2] > 0 && pass.winogradChunks[3] == 0
        && pass.winogradChunks[4] == 0)
}

@Test("A network with a Winograd convolution: loss and sampled parameter gradients match the Float64 reference and finite differences")
func winogradNetworkGradientsMatchFiniteDifferences() throws {
    let architecture = try Architecture(input: TensorShape(channels: 2, height: 5, width: 6),
                                        stages: NetworkSpec.parseStages("conv32:k3:p1,conv32,fc3"), activation: .relu)
    // 400 of the ~11,000 parameters (every layer has some): all of them would take minutes in a debug build.
    let pass = checkGradientsAgainstFiniteDifferences(architecture, seed: 29, sampled: 400)
    #expect(pass.winogradChunks[2] > 0, "the second convolution must take the Winograd path")
}
