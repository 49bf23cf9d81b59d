import Foundation
import Networks

/// Plain nested-loop Float64 references of the convolution and max-pooling kernels, written from the
/// definitions (no im2col, no BLAS), and of a whole network's loss on top of them.
public enum Reference {
    /// Z[n, o, y, x] = b[o] + Σ_{c,i,j} W[o, c, i, j] · X[n, c, y + i − p, x + j − p] (zero outside the image).
    public static func convolution(_ x: [Double], _ w: [Double], _ b: [Double], batch: Int, _ g: ConvolutionGeometry) -> [Double] {
        let k = g.kernel, Ho = g.outputHeight, Wo = g.outputWidth
        var z = [Double](repeating: 0, count: batch * g.outputSize)
        for n in 0..<batch {
            for o in 0..<g.outputChannels {
                for y in 0..<Ho {
                    for xo in 0..<Wo {
                        var s = b[o]
                        for c in 0..<g.inputChannels {
                            for i in 0..<k {
                                for j in 0..<k {
                                    let sy = y + i - g.padding, sx = xo + j - g.padding
                                    guard sy >= 0, sy < g.height, sx >= 0, sx < g.width else { continue }
                                    s += w[((o * g.inputChannels + c) * k + i) * k + j]
                                        * x[((n * g.inputChannels + c) * g.height + sy) * g.width + sx]
                                }
                            }
                        }
                        z[((n * g.outputChannels + o) * Ho + y) * Wo + xo] = s
                    }
                }
            }
        }
        return z
    }

    /// The gradients of Σ δ·Z: ∂W[o,c,i,j] = Σ_{n,y,x} δ[n,o,y,x] X[n,c,y+i−p,x+j−p]; ∂b[o] = Σ δ[n,o,·,·];
    /// ∂X[n,c,sy,sx] = Σ δ[n,o,y,x] W[o,c,i,j] over the (o, y, x, i, j) that read (sy, sx).
    public static func convolutionBackward(_ delta: [Double], _ x: [Double], _ w: [Double], batch: Int, _ g: ConvolutionGeometry)
        -> (dW: [Double], db: [Double], dX: [Double]) {
        let k = g.kernel, Ho = g.outputHeight, Wo = g.outputWidth
        var dW = [Double](repeating: 0, count: g.weightCount), db = [Double](repeating: 0, count: g.outputChannels)
        var dX = [Double](repeating: 0, count: batch * g.inputSize)
        for n in 0..<batch {
            for o in 0..<g.outputChannels {
                for y in 0..<Ho {
                    for xo in 0..<Wo {
                        let d = delta[((n * g.outputChannels + o) * Ho + y) * Wo + xo]
                        db[o] += d
                        for c in 0..<g.inputChannels {
                            for i in 0..<k {
                                for j in 0..<k {
                                    let sy = y + i - g.padding, sx = xo + j - g.padding
                                    guard sy >= 0, sy < g.height, sx >= 0, sx < g.width else { continue }
                                    let wi = ((o * g.inputChannels + c) * k + i) * k + j
                                    let xi = ((n * g.inputChannels + c) * g.height + sy) * g.width + sx
                                    dW[wi] += d * x[xi]
                                    dX[xi] += d * w[wi]
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dW, db, dX)
    }

    /// 2×2 stride-2 max-pooling over `planes` planes of H × W, with the argmax (first maximum in row-major
    /// window order) of every output.
    public static func pool(_ x: [Double], planes: Int, height H: Int, width W: Int) -> (values: [Double], argmax: [Int]) {
        var values: [Double] = [], argmax: [Int] = []
        for plane in 0..<planes {
            for y in 0..<(H / 2) {
                for c in 0..<(W / 2) {
                    var best = -Double.infinity, at = -1
                    for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let index = plane * H * W + (2 * y + i) * W + 2 * c + j
                        if x[index] > best { best = x[index]; at = index }
                    }
                    values.append(best)
                    argmax.append(at)
                }
            }
        }
        return (values, argmax)
    }

    /// Every stage's output (index 0: the input `x`), the maxima each pooling picked, and the weight layer of each
    /// stage (0 for a pooling), for parameters `p` in thermo's layout, in Float64.
    static func forward(_ p: [Double], _ architecture: Architecture, x: [Double], batch: Int)
        -> (outputs: [[Double]], argmaxes: [[Int]], layerOf: [Int]) {
        let layout = architecture.layout, S = architecture.stages.count
        var outputs = [x], argmaxes: [[Int]] = [[]], layerOf = [0]
        var l = 0
        for (index, stage) in architecture.stages.enumerated() {
            let shape = architecture.shapes[index], a = outputs[index]
            switch stage {
            case .pool:
                let r = pool(a, planes: batch * shape.channels, height: shape.height, width: shape.width)
                outputs.append(r.values); argmaxes.append(r.argmax); layerOf.append(0)
            case .convolution:
                l += 1
                let layer = layout[layer: l]
                let w = Array(p[layer.weightOffset..<(layer.weightOffset + layer.weightCount)])
                let b = Array(p[layer.biasOffset..<(layer.biasOffset + layer.outputs)])
                outputs.append(convolution(a, w, b, batch: batch, layer.convolution!).map { max(0, $0) })
                argmaxes.append([]); layerOf.append(l)
            case let .dense(units):
                l += 1
                let layer = layout[layer: l], nIn = shape.count
                var z = [Double](repeating: 0, count: batch * units)
                for n in 0..<batch {
                    for o in 0..<units {
                        var s = p[layer.biasOffset + o]
                        for i in 0..<nIn { s += p[layer.weightOffset + o * nIn + i] * a[n * nIn + i] }
                        z[n * units + o] = s
                    }
                }
                outputs.append(index == S - 1 ? z : z.map { architecture.activation == .relu ? max(0, $0) : tanh($0) })
                argmaxes.append([]); layerOf.append(l)
            }
        }
        return (outputs, argmaxes, layerOf)
    }

    /// The mean softmax cross-entropy of `architecture` with flat parameters `p` (thermo's layout) on NCHW
    /// images `x` with labels `y`, all in Float64.
    public static func loss(_ p: [Double], _ architecture: Architecture, x: [Double], y: [Int]) -> Double {
        let batch = y.count, classes = architecture.classes
        let a = forward(p, architecture, x: x, batch: batch).outputs.last!
        var total = 0.0
        for n in 0..<batch {
            let z = a[(n * classes)..<((n + 1) * classes)]
            let m = z.max()!
            total += m + log(z.reduce(0) { $0 + exp($1 - m) }) - z[n * classes + y[n]]
        }
        return total / Double(batch)
    }

    /// The gradient of ``loss(_:_:x:y:)`` with respect to every parameter (thermo's layout), by back-propagation
    /// written from the definitions in Float64: at the logits (softmax − onehot)/B; a dense layer's
    /// ∂W = δᵀ A_in, ∂b = Σ δ, ∂A_in = δ W; a convolution's from ``convolutionBackward(_:_:_:batch:_:)``; a
    /// pooling routes each output's gradient to its maximum; below a ReLU or tanh the gradient is multiplied by
    /// φ' (1[a > 0], 1 − a²).
    public static func gradient(_ p: [Double], _ architecture: Architecture, x: [Double], y: [Int]) -> [Double] {
        let batch = y.count, layout = architecture.layout, S = architecture.stages.count
        let (outputs, argmaxes, layerOf) = forward(p, architecture, x: x, batch: batch)
        let classes = architecture.classes
        var delta = [Double](repeating: 0, count: batch * classes)
        for n in 0..<batch {
            let z = outputs[S][(n * classes)..<((n + 1) * classes)], m = z.max()!
            let e = z.map { exp($0 - m) }, sum = e.reduce(0, +)
            for c in 0..<classes { delta[n * classes + c] = e[c] / sum / Double(batch) }
            delta[n * classes + y[n]] -= 1 / Double(batch)
        }
        var grad = [Double](repeating: 0, count: p.count)
        for i in stride(from: S, through: 1, by: -1) {
            let shape = architecture.shapes[i - 1], a = outputs[i - 1]
            var below = [Double](repeating: 0, count: batch * shape.count)
            switch architecture.stages[i - 1] {
            case .pool:
                for (q, at) in argmaxes[i].enumerated() { below[at] += delta[q] }
            case .convolution:
                let layer = layout[layer: layerOf[i]]
                let w = Array(p[layer.weightOffset..<(layer.weightOffset + layer.weightCount)])
                let r = convolutionBackward(delta, a, w, batch: batch, layer.convolution!)
                for k in 0..<r.dW.count { grad[layer.weightOffset + k] += r.dW[k] }
                for k in 0..<r.db.count { grad[layer.biasOffset + k] += r.db[k] }
                below = r.dX
            case let .dense(units):
                let layer = layout[layer: layerOf[i]], nIn = shape.count
                for n in 0..<batch {
                    for o in 0..<units {
                        let d = delta[n * units + o]
                        grad[layer.biasOffset + o] += d
                        for j in 0..<nIn {
                            grad[layer.weightOffset + o * nIn + j] += d * a[n * nIn + j]
                            below[n * nIn + j] += d * p[layer.weightOffset + o * nIn + j]
                        }
                    }
                }
            }
            guard i > 1 else { break }
            if let φ = architecture.activation(afterStage: i - 1) {
                for q in 0..<below.count { below[q] *= φ == .relu ? (a[q] > 0 ? 1 : 0) : 1 - a[q] * a[q] }
            }
            delta = below
        }
        return grad
    }
}
