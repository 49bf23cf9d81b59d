import NumericCore

/// The shape of one 2-D convolution on NCHW images: C_in × H × W in, C_out × H_out × W_out out, a square
/// k × k kernel, stride 1 and p rows/columns of zero padding on each side.
///
/// H_out = H + 2p − k + 1 and W_out = W + 2p − k + 1 (PyTorch's `Conv2d` with stride 1). The weights are
/// C_out × C_in × k × k (PyTorch's `Conv2d.weight` layout), which is also a row-major C_out × K matrix with
/// K = C_in·k·k: the K entries of one output channel's kernel are its fan-in.
public struct ConvolutionGeometry: Sendable, Equatable, Hashable {
    /// C_in.
    public let inputChannels: Int
    /// H.
    public let height: Int
    /// W.
    public let width: Int
    /// C_out.
    public let outputChannels: Int
    /// k.
    public let kernel: Int
    /// p.
    public let padding: Int

    /// A geometry; the caller checks that the kernel fits (`outputHeight`, `outputWidth` ≥ 1).
    public init(inputChannels: Int, height: Int, width: Int, outputChannels: Int, kernel: Int = 3, padding: Int = 0) {
        self.inputChannels = inputChannels
        self.height = height
        self.width = width
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.padding = padding
    }

    /// H_out = H + 2p − k + 1.
    public var outputHeight: Int { height + 2 * padding - kernel + 1 }
    /// W_out = W + 2p − k + 1.
    public var outputWidth: Int { width + 2 * padding - kernel + 1 }
    /// K = C_in·k·k, the length of one patch (the fan-in of an output unit).
    public var patch: Int { inputChannels * kernel * kernel }
    /// P = H_out·W_out, the number of output positions per channel.
    public var positions: Int { outputHeight * outputWidth }
    /// C_in·H·W, the floats of one input image.
    public var inputSize: Int { inputChannels * height * width }
    /// C_out·H_out·W_out, the floats of one output image.
    public var outputSize: Int { outputChannels * positions }
    /// N_l = C_out·C_in·k·k, the weight entries (Ω_l).
    public var weightCount: Int { outputChannels * patch }

    /// Images per chunk so that both the im2col matrix (K × G·P floats) and its product (C_out × G·P floats) stay
    /// within `budget` floats (at least 1 image). Bounding the product too matters for a first layer: on one
    /// channel K = 9, and a budget on K alone gave paper-mnist's conv1 chunks of 172 images, a 30 MB product.
    public func chunk(batch: Int, budget: Int = 1 << 21) -> Int {
        max(1, min(batch, budget / max(1, max(patch, outputChannels) * positions)))
    }
}

/// The forward and backward pass of a 2-D convolution on a batch of NCHW images, through SGEMM on im2col
/// matrices, in chunks of G images so that the scratch memory (K × G·P and C_out × G·P floats, allocated once
/// by the caller) is bounded whatever the batch.
///
/// For image n, channel o and output position (y, x):
///   Z[n, o, y, x] = b[o] + Σ_{c, i, j} W[o, c, i, j] · X[n, c, y + i − p, x + j − p]   (X = 0 outside the image)
/// im2col lays the patches out as columns: Col[(c·k + i)·k + j, g·P + y·W_out + x] = X[n_g, c, y + i − p, x + j − p],
/// so that a whole chunk is one product Z_chunk (C_out, G·P) = W (C_out, K) · Col (K, G·P).
public enum Convolution {
    /// Writes image `image`'s patches into columns `column0…column0+P−1` of `columns` (row stride `ldc`).
    @inline(__always)
    static func im2col(_ image: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                       columns: UnsafeMutablePointer<Float>, ldc: Int) {
        let k = g.kernel, p = g.padding, H = g.height, W = g.width, Ho = g.outputHeight, Wo = g.outputWidth
        for c in 0..<g.inputChannels {
            let plane = image + c * H * W
            for i in 0..<k {
                for j in 0..<k {
                    let row = columns + ((c * k + i) * k + j) * ldc
                    // Output columns x whose source column x + j − p lies inside the image: [x0, x1).
                    let x0 = min(Wo, max(0, p - j)), x1 = max(x0, min(Wo, W + p - j))
                    for y in 0..<Ho {
                        let sy = y + i - p
                        let out = row + y * Wo
                        guard sy >= 0 && sy < H else { out.update(repeating: 0, count: Wo); continue }
                        out.update(repeating: 0, count: x0)
                        (out + x0).update(from: plane + sy * W + x0 + j - p, count: x1 - x0)
                        (out + x1).update(repeating: 0, count: Wo - x1)
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds every column entry back onto the input pixel it was copied from,
    /// dX[c, y + i − p, x + j − p] += dCol[(c·k + i)·k + j, y·W_out + x] (entries that fell in the padding vanish).
    @inline(__always)
    static func col2im(_ columns: UnsafePointer<Float>, ldc: Int, _ g: ConvolutionGeometry,
                       image: UnsafeMutablePointer<Float>) {
        let k = g.kernel, p = g.padding, H = g.height, W = g.width, Ho = g.outputHeight, Wo = g.outputWidth
        for c in 0..<g.inputChannels {
            let plane = image + c * H * W
            for i in 0..<k {
                for j in 0..<k {
                    let row = columns + ((c * k + i) * k + j) * ldc
                    let x0 = min(Wo, max(0, p - j)), x1 = max(x0, min(Wo, W + p - j))
                    for y in 0..<Ho {
                        let sy = y + i - p
                        guard sy >= 0 && sy < H else { continue }
                        let src = row + y * Wo + x0, dst = plane + sy * W + x0 + j - p
                        for x in 0..<(x1 - x0) { dst[x] += src[x] }
                    }
                }
            }
        }
    }

    /// One image's block of the product (C_out rows of P, row stride `ld`) into its NCHW output, A = φ(Z + b).
    @inline(__always)
    static func scatter(_ block: UnsafePointer<Float>, ld: Int, bias: UnsafePointer<Float>, relu: Bool,
                        into output: UnsafeMutablePointer<Float>, channels: Int, positions P: Int) {
        for o in 0..<channels {
            let src = block + o * ld, dst = output + o * P, b = bias[o]
            if relu {
                for q in 0..<P { let z = src[q] + b; dst[q] = z > 0 ? z : 0 }
            } else {
                for q in 0..<P { dst[q] = src[q] + b }
            }
        }
    }

    /// Forward: Z = W ∗ X + b per image, then A = ReLU(Z) when `relu` (A = Z otherwise), NCHW in and out.
    ///
    /// - Parameters:
    ///   - input: X, (B, C_in, H, W)
    ///   - weights: W, (C_out, C_in, k, k)
    ///   - bias: b, (C_out)
    ///   - output: A, (B, C_out, H_out, W_out)
    ///   - columns: scratch of K · G · P floats; `product`: scratch of C_out · G · P floats (G = `chunk`)
    public static func forward(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               output: UnsafeMutablePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                               relu: Bool, chunk: Int, columns: UnsafeMutablePointer<Float>,
                               product: UnsafeMutablePointer<Float>, threads: Int = 1) {
        let P = g.positions, K = g.patch, Cout = g.outputChannels
        var n0 = 0
        while n0 < batch {
            let G = min(chunk, batch - n0), ld = G * P
            // Images are independent: split them over `threads` (disjoint columns, so the result is the same).
            ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                for i in lo..<hi { im2col(input + (n0 + i) * g.inputSize, g, columns: columns + i * P, ldc: ld) }
            }
            // (C_out, G·P) = (C_out, K) · (K, G·P)
            BLAS.sgemm(.none, .none, m: Cout, n: ld, k: K, a: weights, lda: K, b: columns, ldb: ld, c: product, ldc: ld)
            // Scatter back to NCHW with the bias and the nonlinearity, image by image.
            ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                for i in lo..<hi {
                    scatter(product + i * P, ld: ld, bias: bias, relu: relu, into: output + (n0 + i) * g.outputSize,
                            channels: Cout, positions: P)
                }
            }
            n0 += G
        }
    }

    /// Backward of Z = W ∗ X + b, given δ = ∂L/∂Z, (B, C_out, H_out, W_out), chunk by chunk:
    ///   ∂L/∂W (C_out, K) = Σ_chunks δ_chunk (C_out, G·P) · Col_chunkᵀ (G·P, K)   — into `weightGradient`;
    ///   ∂L/∂b[o] = Σ_{n, y, x} δ[n, o, y, x]                                       — into `biasGradient`;
    ///   ∂L/∂X = col2im(Wᵀ (K, C_out) · δ_chunk)                                    — into `inputGradient` if non-nil.
    /// The parameter gradients are overwritten (`beta` 0) or accumulated (`beta` 1), as in `Dense.backward`.
    /// Scratch as in `forward`.
    public static func backward(delta: UnsafePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
                                inputGradient: UnsafeMutablePointer<Float>?, batch: Int, geometry g: ConvolutionGeometry,
                                chunk: Int, columns: UnsafeMutablePointer<Float>, product: UnsafeMutablePointer<Float>,
                                beta: Float = 0, threads: Int = 1) {
        let P = g.positions, K = g.patch, Cout = g.outputChannels
        if beta == 0 {
            for i in 0..<g.weightCount { weightGradient[i] = 0 }
            for o in 0..<Cout { biasGradient[o] = 0 }
        }
        var n0 = 0
        while n0 < batch {
            let G = min(chunk, batch - n0), ld = G * P
            // Gather δ into (C_out, G·P) and sum it for the bias (each channel on one thread, in a fixed order).
            ConcurrentWork.forEachRange(count: Cout, parts: min(threads, Cout)) { lo, hi in
                for o in lo..<hi {
                    var sum: Float = 0
                    for i in 0..<G {
                        let src = delta + (n0 + i) * g.outputSize + o * P, dst = product + o * ld + i * P
                        for q in 0..<P { dst[q] = src[q]; sum += src[q] }
                    }
                    biasGradient[o] += sum
                }
            }
            ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                for i in lo..<hi { im2col(input + (n0 + i) * g.inputSize, g, columns: columns + i * P, ldc: ld) }
            }
            // (C_out, K) += (C_out, G·P) · (K, G·P)ᵀ
            BLAS.sgemm(.none, .transposed, m: Cout, n: K, k: ld, a: product, lda: ld, b: columns, ldb: ld,
                       beta: 1, c: weightGradient, ldc: K)
            if let inputGradient {
                // (K, G·P) = (C_out, K)ᵀ · (C_out, G·P), then scattered back onto the pixels.
                BLAS.sgemm(.transposed, .none, m: K, n: ld, k: Cout, a: weights, lda: K, b: product, ldb: ld,
                           c: columns, ldc: ld)
                ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                    for i in lo..<hi {
                        let image = inputGradient + (n0 + i) * g.inputSize
                        image.update(repeating: 0, count: g.inputSize)
                        col2im(columns + i * P, ldc: ld, g, image: image)
                    }
                }
            }
            n0 += G
        }
    }

    /// The second moment of the per-sample weight gradients over a batch, (1/B) Σ_n g_n² per kernel entry,
    /// written into `moments` (C_out, K). `delta` is the batch's δ = ∂L/∂Z for the mean loss L = (1/B) Σ_n L_n, so
    /// sample n's own gradient is g_n = B · δ_n · Col_nᵀ (C_out × P times P × K: the sum over output positions
    /// that makes a convolution's per-sample gradient a product, not an outer product of two vectors). One im2col
    /// and one SGEMM per image, into `columns` (K × P) and `product` (C_out × K), both caller-owned scratch.
    public static func perSampleGradientSecondMoment(delta: UnsafePointer<Float>, input: UnsafePointer<Float>, batch: Int,
                                                     geometry g: ConvolutionGeometry, columns: UnsafeMutablePointer<Float>,
                                                     product: UnsafeMutablePointer<Float>, moments: UnsafeMutablePointer<Float>) {
        let P = g.positions, K = g.patch, Cout = g.outputChannels, n = g.weightCount
        moments.update(repeating: 0, count: n)
        let B = Float(batch)
        for image in 0..<batch {
            im2col(input + image * g.inputSize, g, columns: columns, ldc: P)
            // (C_out, K) = δ_n (C_out, P) · Col_n (K, P)ᵀ
            BLAS.sgemm(.none, .transposed, m: Cout, n: K, k: P, a: delta + image * g.outputSize, lda: P, b: columns, ldb: P,
                       c: product, ldc: K)
            // (1/B) Σ_n (B · x)² = B · Σ_n x²
            for i in 0..<n { let x = product[i]; moments[i] += B * x * x }
        }
    }

    /// The input gradient alone, ∂L/∂X = col2im(Wᵀ · δ), written (not added) into `inputGradient`, for the
    /// smoothing losses, which need it once per sample with that sample's weights. Scratch as in `forward`.
    public static func inputGradient(delta: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                     inputGradient: UnsafeMutablePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                                     chunk: Int, columns: UnsafeMutablePointer<Float>, product: UnsafeMutablePointer<Float>) {
        let P = g.positions, K = g.patch, Cout = g.outputChannels
        var n0 = 0
        while n0 < batch {
            let G = min(chunk, batch - n0), ld = G * P
            for o in 0..<Cout {
                for i in 0..<G {
                    (product + o * ld + i * P).update(from: delta + (n0 + i) * g.outputSize + o * P, count: P)
                }
            }
            BLAS.sgemm(.transposed, .none, m: K, n: ld, k: Cout, a: weights, lda: K, b: product, ldb: ld,
                       c: columns, ldc: ld)
            for i in 0..<G {
                let image = inputGradient + (n0 + i) * g.inputSize
                for q in 0..<g.inputSize { image[q] = 0 }
                col2im(columns + i * P, ldc: ld, g, image: image)
            }
            n0 += G
        }
    }
}
