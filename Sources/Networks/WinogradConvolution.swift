import CWinograd
import NumericCore

/// The 3 × 3, stride-1 convolution of `Convolution` computed with Winograd's minimal filtering algorithm
/// F(2 × 2, 3 × 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): the same numbers
/// up to Float32 rounding, with 16 multiplications per 2 × 2 output tile and input channel instead of 36.
///
/// The output is cut into 2 × 2 tiles, t = (ty, tx), T = ⌈H_out/2⌉·⌈W_out/2⌉ per image; tile t reads the 4 × 4
/// input patch d whose top-left pixel is (2ty − p, 2tx − p) (zero outside the image). With
///
///     Bᵀ = | 1  0 −1  0 |     G = | 1    0    0  |     Aᵀ = | 1  1  1  0 |
///          | 0  1  1  0 |         | 1/2  1/2  1/2 |          | 0  1 −1 −1 |
///          | 0 −1  1  0 |         | 1/2 −1/2  1/2 |
///          | 0  1  0 −1 |         | 0    0    1  |
///
/// the tile's output is Y[o] = b[o] + Aᵀ [ Σ_c (G W[o, c] Gᵀ) ⊙ (Bᵀ d[c] B) ] A. Writing U = G W Gᵀ and
/// V = Bᵀ d B (4 × 4 each) and taking their 16 entries ξ = 4i + j apart, the sum over c is, for every ξ, one
/// matrix product M_ξ (C_out, tiles) = U_ξ (C_out, C_in) · V_ξ (C_in, tiles): 16 SGEMMs over the chunk's tiles.
///
/// The backward pass is the exact adjoint of these linear maps, so it needs no second algorithm:
///   dM = A δ Aᵀ per tile (δ = 0 at the positions past an odd H_out or W_out),
///   dU_ξ = Σ_tiles dM_ξ V_ξᵀ, then ∂L/∂W[o, c] = Gᵀ dU[o, c] G,
///   dV_ξ = U_ξᵀ dM_ξ, then ∂L/∂d = B dV Bᵀ added back onto the pixels of each (overlapping) patch.
/// Every pass works on chunks of `chunk` images so that its scratch is bounded, and the per-image transforms are
/// split over threads on disjoint outputs, so results do not depend on the thread count.
public enum WinogradConvolution {
    /// Whether the networks run geometry `g` on the Winograd path: a 3 × 3 kernel with at least 32 input and 32
    /// output channels, so that the 16 products (C_out × C_in times C_in × tiles) are large enough to beat the
    /// transforms' memory traffic. A first layer on 1 or 3 channels, or paper-stl's 8- and 16-channel layers, stay
    /// on im2col, which measured as fast or faster there.
    public static func applies(to g: ConvolutionGeometry) -> Bool {
        g.kernel == 3 && min(g.inputChannels, g.outputChannels) >= 32
    }

    /// Tile rows ⌈H_out/2⌉, tile columns ⌈W_out/2⌉ and tiles per image T.
    @inline(__always)
    static func tiles(_ g: ConvolutionGeometry) -> (rows: Int, columns: Int, count: Int) {
        let r = (g.outputHeight + 1) / 2, c = (g.outputWidth + 1) / 2
        return (r, c, r * c)
    }

    /// Images per chunk so that the transformed inputs or outputs of a chunk (16 · max(C_in, C_out) · G · T
    /// floats) stay within `budget` floats (at least 1). 2^20 floats (4 MiB a matrix) measured faster than 2^21 and
    /// 2^19 on paper-mnist and paper-cifar: small enough for the transforms' output to be read back from cache,
    /// large enough for the 16 SGEMMs to run near their full rate.
    public static func chunk(_ g: ConvolutionGeometry, batch: Int, budget: Int = 1 << 20) -> Int {
        max(1, min(batch, budget / max(1, 16 * tiles(g).count * max(g.inputChannels, g.outputChannels))))
    }

    /// The distance in floats between the 16 blocks ξ of a transformed matrix of `rows` rows of `ld` floats:
    /// rows · ld rounded up to 4 KiB, plus 128 bytes, so that the 16 streams a transform writes at once fall in
    /// different cache sets (blocks a multiple of 4 KiB apart, which 64 channels × 2016 tiles are, all map to the
    /// same L1 set and evict one another).
    @inline(__always)
    static func blockStride(rows: Int, ld: Int) -> Int { (rows * ld + 1023) / 1024 * 1024 + 32 }

    /// The scratch floats a chunk of G images needs: V (16 blocks of C_in × G·T), M (16 blocks of C_out × G·T),
    /// U and dU (16 · C_out · C_in each).
    public static func scratchCount(_ g: ConvolutionGeometry, chunk G: Int) -> Int {
        let ld = G * tiles(g).count
        return 16 * (blockStride(rows: g.inputChannels, ld: ld) + blockStride(rows: g.outputChannels, ld: ld))
            + 2 * 16 * g.outputChannels * g.inputChannels
    }

    /// The four scratch regions, carved from one caller-owned block of `scratchCount` floats.
    struct Scratch {
        let v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>
        let u: UnsafeMutablePointer<Float>, du: UnsafeMutablePointer<Float>
        init(_ base: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry, chunk G: Int) {
            let ld = G * tiles(g).count, pairs = 16 * g.outputChannels * g.inputChannels
            v = base
            m = v + 16 * blockStride(rows: g.inputChannels, ld: ld)
            u = m + 16 * blockStride(rows: g.outputChannels, ld: ld)
            du = u + pairs
        }
    }

    // MARK: The four tile transforms and the kernel transform with its adjoint

    /// U = G W Gᵀ for every (o, c), into U[ξ][o][c] (16 blocks of C_out × C_in, ξ = 4i + j).
    static func transformKernels(_ weights: UnsafePointer<Float>, _ g: ConvolutionGeometry, into u: UnsafeMutablePointer<Float>) {
        let pairs = g.outputChannels * g.inputChannels
        // G applied to a 3-vector: (a, (a + b + c)/2, (a − b + c)/2, c).
        @inline(__always) func gr(_ a: Float, _ b: Float, _ c: Float) -> SIMD4<Float> {
            SIMD4(a, 0.5 * (a + b + c), 0.5 * (a - b + c), c)
        }
        for q in 0..<pairs {
            let w = weights + 9 * q
            // Columns of G W (4 × 3), one per kernel column j: G times (w[0, j], w[1, j], w[2, j]).
            let h0 = gr(w[0], w[3], w[6]), h1 = gr(w[1], w[4], w[7]), h2 = gr(w[2], w[5], w[8])
            // Row i of U = (G W) Gᵀ is G times row i of G W.
            for i in 0..<4 {
                let row = gr(h0[i], h1[i], h2[i])
                for j in 0..<4 { u[(4 * i + j) * pairs + q] = row[j] }
            }
        }
    }

    /// ∂L/∂W[o, c] = Gᵀ dU[o, c] G from dU[ξ][o][c], written into (`beta` 0) or added to (`beta` 1) `weightGradient`.
    static func kernelGradients(_ du: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                                into weightGradient: UnsafeMutablePointer<Float>, beta: Float) {
        let pairs = g.outputChannels * g.inputChannels
        // Gᵀ applied to a 4-vector: (a + (b + c)/2, (b − c)/2, (b + c)/2 + d).
        @inline(__always) func gt(_ r: SIMD4<Float>) -> SIMD3<Float> {
            SIMD3(r[0] + 0.5 * (r[1] + r[2]), 0.5 * (r[1] - r[2]), 0.5 * (r[1] + r[2]) + r[3])
        }
        for q in 0..<pairs {
            // Rows of dU G (4 × 3): Gᵀ times row i of dU.
            @inline(__always) func row(_ i: Int) -> SIMD3<Float> {
                gt(SIMD4(du[(4 * i) * pairs + q], du[(4 * i + 1) * pairs + q], du[(4 * i + 2) * pairs + q],
                         du[(4 * i + 3) * pairs + q]))
            }
            let rows = (row(0), row(1), row(2), row(3))
            // Column j of Gᵀ (dU G) is Gᵀ times column j of dU G.
            let out = weightGradient + 9 * q
            for j in 0..<3 {
                let column = gt(SIMD4(rows.0[j], rows.1[j], rows.2[j], rows.3[j]))
                for i in 0..<3 {
                    if beta == 0 { out[3 * i + j] = column[i] } else { out[3 * i + j] += column[i] }
                }
            }
        }
    }

    // The four tile transforms are plain C loops (CWinograd), compiled for AVX2 beside the baseline x86-64 build
    // and chosen when the library loads: the Swift package builds for baseline x86-64, where these memory-bound
    // shuffles would run at half width. Each reads or writes one image; scratch for a zero-padded plane comes from
    // the C function's own stack (or the heap, for planes too large for it).

    /// The largest padded plane, in floats, that the transforms place on the stack (64 KiB; paper-stl's largest
    /// Winograd plane is 26 × 26).
    static let stackPlaneLimit = 16_384

    /// Runs `body` with scratch for one zero-padded plane of geometry `g`'s tiles: nil, which the C transforms
    /// take as "on my stack", up to ``stackPlaneLimit`` floats. (Swift's `withUnsafeTemporaryAllocation` went to
    /// the heap for conv2's 2,704-byte plane of paper-mnist: 1,280 allocations a step.)
    @inline(__always)
    static func withPaddedPlane(_ g: ConvolutionGeometry, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
        let (rows, columns, _) = tiles(g), count = (2 * rows + 2) * (2 * columns + 2)
        guard count > stackPlaneLimit else { body(nil); return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { body($0.baseAddress!) }
    }

    /// V = Bᵀ d B for every channel and tile of one image, into V[ξ][c][column0 + t] (row stride `ld`).
    static func transformInput(_ image: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                               into v: UnsafeMutablePointer<Float>, column0: Int, ld: Int) {
        let (rows, columns, _) = tiles(g), block = blockStride(rows: g.inputChannels, ld: ld)
        withPaddedPlane(g) { padded in
            thermo_winograd_input(image, g.inputChannels, g.height, g.width, g.padding, rows, columns, v, column0, ld,
                                  block, padded)
        }
    }

    /// The adjoint of `transformInput`: ∂L/∂d = B dV Bᵀ for every channel and tile of one image, from
    /// dV[ξ][c][column0 + t], summed over the overlapping patches and written into the image.
    static func inputGradientFromTiles(_ dv: UnsafePointer<Float>, column0: Int, ld: Int, _ g: ConvolutionGeometry,
                                       image: UnsafeMutablePointer<Float>) {
        let (rows, columns, _) = tiles(g), block = blockStride(rows: g.inputChannels, ld: ld)
        withPaddedPlane(g) { padded in
            thermo_winograd_input_gradient(dv, column0, ld, block, g.inputChannels, g.height, g.width, g.padding, rows, columns,
                                           image, padded)
        }
    }

    /// One image's output: Y = Aᵀ m A + b per channel and tile, from M[ξ][o][column0 + t], then ReLU when `relu`,
    /// written into its NCHW output (the second row or column of a tile past an odd H_out or W_out is dropped).
    static func transformOutput(_ m: UnsafePointer<Float>, column0: Int, ld: Int, _ g: ConvolutionGeometry,
                                bias: UnsafePointer<Float>, relu: Bool, into output: UnsafeMutablePointer<Float>) {
        let (rows, columns, _) = tiles(g), block = blockStride(rows: g.outputChannels, ld: ld)
        withPaddedPlane(g) { padded in
            thermo_winograd_output(m, column0, ld, block, g.outputChannels, g.outputHeight, g.outputWidth, rows, columns, bias,
                                   relu ? 1 : 0, output, padded)
        }
    }

    /// The adjoint of `transformOutput` (without bias and ReLU): dM = A δ Aᵀ for every channel and tile of one
    /// image's δ, into dM[ξ][o][column0 + t]; δ is taken as 0 past an odd H_out or W_out.
    static func transformDelta(_ delta: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                               into dm: UnsafeMutablePointer<Float>, column0: Int, ld: Int) {
        let (rows, columns, _) = tiles(g), block = blockStride(rows: g.outputChannels, ld: ld)
        withPaddedPlane(g) { padded in
            thermo_winograd_delta(delta, g.outputChannels, g.outputHeight, g.outputWidth, rows, columns, dm, column0, ld,
                                  block, padded)
        }
    }

    // MARK: Forward and backward

    /// Forward: Z = W ∗ X + b per image, then A = ReLU(Z) when `relu`, NCHW in and out, as `Convolution.forward`.
    ///
    /// - Parameters:
    ///   - scratch: `scratchCount(g, chunk:)` floats, caller-owned.
    public static func forward(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               output: UnsafeMutablePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                               relu: Bool, chunk: Int, scratch: UnsafeMutablePointer<Float>, threads: Int = 1) {
        precondition(g.kernel == 3, "the Winograd F(2×2, 3×3) path takes 3×3 kernels only")
        let s = Scratch(scratch, g, chunk: chunk), T = tiles(g).count
        let Cin = g.inputChannels, Cout = g.outputChannels
        transformKernels(weights, g, into: s.u)
        var n0 = 0
        while n0 < batch {
            let G = min(chunk, batch - n0), ld = G * T
            let vb = blockStride(rows: Cin, ld: ld), mb = blockStride(rows: Cout, ld: ld)
            ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                for i in lo..<hi { transformInput(input + (n0 + i) * g.inputSize, g, into: s.v, column0: i * T, ld: ld) }
            }
            // M_ξ (C_out, G·T) = U_ξ (C_out, C_in) · V_ξ (C_in, G·T), ξ = 0…15.
            for ξ in 0..<16 {
                BLAS.sgemm(.none, .none, m: Cout, n: ld, k: Cin, a: s.u + ξ * Cout * Cin, lda: Cin,
                           b: s.v + ξ * vb, ldb: ld, c: s.m + ξ * mb, ldc: ld)
            }
            ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                for i in lo..<hi {
                    transformOutput(s.m, column0: i * T, ld: ld, g, bias: bias, relu: relu,
                                    into: output + (n0 + i) * g.outputSize)
                }
            }
            n0 += G
        }
    }

    /// Backward of Z = W ∗ X + b given δ = ∂L/∂Z, as `Convolution.backward`: the weight and bias gradients
    /// (overwritten with `beta` 0, accumulated with `beta` 1) and, when `inputGradient` is given, ∂L/∂X (written).
    public static func backward(delta: UnsafePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
                                inputGradient: UnsafeMutablePointer<Float>?, batch: Int, geometry g: ConvolutionGeometry,
                                chunk: Int, scratch: UnsafeMutablePointer<Float>, beta: Float = 0, threads: Int = 1) {
        precondition(g.kernel == 3, "the Winograd F(2×2, 3×3) path takes 3×3 kernels only")
        let s = Scratch(scratch, g, chunk: chunk), T = tiles(g).count
        let Cin = g.inputChannels, Cout = g.outputChannels, P = g.positions
        // ∂L/∂b[o] = Σ_{n, y, x} δ[n, o, y, x], each channel on one thread, in a fixed order.
        ConcurrentWork.forEachRange(count: Cout, parts: min(threads, Cout)) { lo, hi in
            for o in lo..<hi {
                var sum: Float = 0
                for n in 0..<batch {
                    let src = delta + n * g.outputSize + o * P
                    for q in 0..<P { sum += src[q] }
                }
                biasGradient[o] = beta == 0 ? sum : biasGradient[o] + sum
            }
        }
        if inputGradient != nil { transformKernels(weights, g, into: s.u) }
        var n0 = 0
        while n0 < batch {
            let G = min(chunk, batch - n0), ld = G * T
            let vb = blockStride(rows: Cin, ld: ld), mb = blockStride(rows: Cout, ld: ld)
            ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                for i in lo..<hi {
                    transformInput(input + (n0 + i) * g.inputSize, g, into: s.v, column0: i * T, ld: ld)
                    transformDelta(delta + (n0 + i) * g.outputSize, g, into: s.m, column0: i * T, ld: ld)
                }
            }
            // dU_ξ (C_out, C_in) (+)= dM_ξ (C_out, G·T) · V_ξ (C_in, G·T)ᵀ
            for ξ in 0..<16 {
                BLAS.sgemm(.none, .transposed, m: Cout, n: Cin, k: ld, a: s.m + ξ * mb, lda: ld,
                           b: s.v + ξ * vb, ldb: ld, beta: n0 == 0 ? 0 : 1, c: s.du + ξ * Cout * Cin, ldc: Cin)
            }
            if let inputGradient {
                chunkInputGradient(s, g, images: G, into: inputGradient + n0 * g.inputSize, threads: threads)
            }
            n0 += G
        }
        kernelGradients(s.du, g, into: weightGradient, beta: beta)
    }

    /// ∂L/∂X of a chunk of G images from its dM (in `s.m`) and U (in `s.u`): dV_ξ (C_in, G·T) = U_ξᵀ (C_in, C_out) ·
    /// dM_ξ (C_out, G·T), over V, then B dV Bᵀ back onto each image's pixels (written, not added).
    static func chunkInputGradient(_ s: Scratch, _ g: ConvolutionGeometry, images G: Int,
                                   into inputGradient: UnsafeMutablePointer<Float>, threads: Int) {
        let Cin = g.inputChannels, Cout = g.outputChannels, T = tiles(g).count, ld = G * T
        let vb = blockStride(rows: Cin, ld: ld), mb = blockStride(rows: Cout, ld: ld)
        for ξ in 0..<16 {
            BLAS.sgemm(.transposed, .none, m: Cin, n: ld, k: Cout, a: s.u + ξ * Cout * Cin, lda: Cin,
                       b: s.m + ξ * mb, ldb: ld, c: s.v + ξ * vb, ldc: ld)
        }
        ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
            for i in lo..<hi { inputGradientFromTiles(s.v, column0: i * T, ld: ld, g, image: inputGradient + i * g.inputSize) }
        }
    }

    /// The input gradient alone, ∂L/∂X, written (not added) into `inputGradient`, as `Convolution.inputGradient`.
    public static func inputGradient(delta: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                     inputGradient: UnsafeMutablePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                                     chunk: Int, scratch: UnsafeMutablePointer<Float>, threads: Int = 1) {
        precondition(g.kernel == 3, "the Winograd F(2×2, 3×3) path takes 3×3 kernels only")
        let s = Scratch(scratch, g, chunk: chunk), T = tiles(g).count
        transformKernels(weights, g, into: s.u)
        var n0 = 0
        while n0 < batch {
            let G = min(chunk, batch - n0), ld = G * T
            ConcurrentWork.forEachRange(count: G, parts: min(threads, G)) { lo, hi in
                for i in lo..<hi { transformDelta(delta + (n0 + i) * g.outputSize, g, into: s.m, column0: i * T, ld: ld) }
            }
            chunkInputGradient(s, g, images: G, into: inputGradient + n0 * g.inputSize, threads: threads)
            n0 += G
        }
    }
}
