import NumericCore

/// The hot loops of the recorder, over contiguous Float32 entries of one layer, with a summation order that
/// is fixed by the code rather than by the vectoriser or the number of threads.
///
/// Sums run block by block over blocks of ``blockSize`` consecutive entries. Inside a block, eight
/// interleaved Float32 lanes (an explicit `SIMD8<Float>`) accumulate entries i ≡ j (mod 8); at the end of the
/// block the lanes are added in Float64 in lane order 0…7, then the block's tail (n mod 8 entries) in index
/// order. Block totals are kept in Float64, one per block, and added in block order by
/// ``BlockPartials/total(_:)``. Threads split the layer at block boundaries and each writes only its own
/// blocks' totals, so a sum has the same bits for any thread count.
enum GradientKernels {
    /// Entries per block: each Float32 lane sums at most 32 entries before the block total moves to Float64.
    static let blockSize = 256

    /// The number of blocks covering `count` entries.
    @inline(__always)
    static func blockCount(_ count: Int) -> Int { (count + blockSize - 1) / blockSize }

    /// Lanes 0…7 of `v` added in Float64, in order.
    @inline(__always)
    static func laneTotal(_ v: SIMD8<Float>) -> Double {
        var s = 0.0
        for j in 0..<8 { s += Double(v[j]) }
        return s
    }

    /// |v|, lane by lane, by clearing the sign bits (`pointwiseMax(v, −v)` is an order of magnitude slower).
    @inline(__always)
    static func magnitude(_ v: SIMD8<Float>) -> SIMD8<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 0x7fff_ffff), to: SIMD8<Float>.self)
    }

    /// Σ_i |g_i| and Σ_i g_i² over one block of `n` ≤ ``blockSize`` entries.
    @inline(__always)
    static func absoluteAndSquareSums(_ g: UnsafePointer<Float>, _ n: Int) -> (absolute: Double, square: Double) {
        var a = SIMD8<Float>.zero, s = SIMD8<Float>.zero
        let raw = UnsafeRawPointer(g)
        let whole = n & ~7
        var i = 0
        while i < whole {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            a += magnitude(v)
            s += v * v
            i += 8
        }
        var absolute = laneTotal(a), square = laneTotal(s)
        while i < n {
            let x = Double(g[i])
            absolute += Swift.abs(x)
            square += x * x
            i += 1
        }
        return (absolute, square)
    }

    /// One Welford step for every entry of a block, then the block's Σ|g| and Σg²:
    ///   d = g − μ;  μ ← μ + d/k;  M2 ← M2 + d·(g − μ)
    /// with `inverseCount` = 1/k (k = this step's index within the epoch, from 1), in Float32.
    @inline(__always)
    static func welfordStep(_ g: UnsafePointer<Float>, mean: UnsafeMutablePointer<Float>, m2: UnsafeMutablePointer<Float>,
                            _ n: Int, inverseCount: Float) -> (absolute: Double, square: Double) {
        var a = SIMD8<Float>.zero, s = SIMD8<Float>.zero
        let rawG = UnsafeRawPointer(g), rawMean = UnsafeMutableRawPointer(mean), rawM2 = UnsafeMutableRawPointer(m2)
        let k = SIMD8<Float>(repeating: inverseCount)
        let whole = n & ~7
        var i = 0
        while i < whole {
            let offset = i * 4
            let v = rawG.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            var mu = rawMean.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let m = rawM2.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let d = v - mu
            mu += d * k
            rawMean.storeBytes(of: mu, toByteOffset: offset, as: SIMD8<Float>.self)
            rawM2.storeBytes(of: m + d * (v - mu), toByteOffset: offset, as: SIMD8<Float>.self)
            a += magnitude(v)
            s += v * v
            i += 8
        }
        var absolute = laneTotal(a), square = laneTotal(s)
        while i < n {
            let v = g[i]
            let d = v - mean[i]
            mean[i] += d * inverseCount
            m2[i] += d * (v - mean[i])
            let x = Double(v)
            absolute += Swift.abs(x)
            square += x * x
            i += 1
        }
        return (absolute, square)
    }

    /// The within-batch variance of a block from the second moments: v_ω = max(0, m_ω − g_ω²), where
    /// `moments` holds m_ω = (1/B) Σ_n g_{n,ω}² and is overwritten with v_ω; returns Σ_ω v_ω. When `sums` is
    /// given, v_ω is also added to it (the epoch's per-weight accumulation).
    @inline(__always)
    static func withinBatchVariance(moments: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                                    sums: UnsafeMutablePointer<Float>?, _ n: Int) -> Double {
        var t = SIMD8<Float>.zero
        let rawM = UnsafeMutableRawPointer(moments), rawG = UnsafeRawPointer(g)
        let whole = n & ~7
        var i = 0
        while i < whole {
            let offset = i * 4
            let m = rawM.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let x = rawG.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let raw = m - x * x
            let v = raw.replacing(with: 0, where: raw .< 0)
            rawM.storeBytes(of: v, toByteOffset: offset, as: SIMD8<Float>.self)
            if let sums {
                let raw = UnsafeMutableRawPointer(sums)
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + v,
                               toByteOffset: offset, as: SIMD8<Float>.self)
            }
            t += v
            i += 8
        }
        var total = laneTotal(t)
        while i < n {
            let x = g[i]
            let v = Swift.max(moments[i] - x * x, 0)
            moments[i] = v
            sums?[i] += v
            total += Double(v)
            i += 1
        }
        return total
    }

    /// Runs `body(block, start, count)` for every block of `count` entries, the blocks split into `threads`
    /// contiguous ranges run concurrently (one range when the layer is small).
    @inline(__always)
    static func forEachBlock(count: Int, threads: Int, _ body: (Int, Int, Int) -> Void) {
        let blocks = blockCount(count)
        let ranges = count >= 1 << 15 ? Swift.max(1, Swift.min(threads, blocks)) : 1
        // Each range touches only its own blocks' entries and slots.
        ConcurrentWork.forEachRange(count: blocks, parts: ranges) { lo, hi in
            var b = lo
            while b < hi {
                body(b, b * blockSize, Swift.min(blockSize, count - b * blockSize))
                b += 1
            }
        }
    }
}

/// Per-block Float64 totals of one layer (one slot per block and per quantity), allocated once.
final class BlockPartials: @unchecked Sendable {
    /// The number of blocks.
    let blocks: Int
    /// `quantities` × `blocks` slots: quantity q of block b at q·blocks + b.
    let slots: UnsafeMutablePointer<Double>

    /// Slots for `quantities` sums over `count` entries.
    init(count: Int, quantities: Int) {
        blocks = GradientKernels.blockCount(count)
        slots = .allocate(capacity: Swift.max(1, blocks * quantities))
        slots.initialize(repeating: 0, count: Swift.max(1, blocks * quantities))
    }

    deinit { slots.deallocate() }

    /// The slots of quantity `q`.
    @inline(__always)
    func slot(_ q: Int) -> UnsafeMutablePointer<Double> { slots + q * blocks }

    /// Σ_b of quantity `q`, in block order.
    func total(_ q: Int) -> Double {
        let s = slot(q)
        var t = 0.0
        for b in 0..<blocks { t += s[b] }
        return t
    }
}
