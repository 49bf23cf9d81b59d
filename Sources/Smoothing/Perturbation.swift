import Foundation
import NumericCore

/// Draws the displaced weights P = W_l + ΔW^a_l of one layer for one step and sample, straight into a buffer.
///
/// Entries are independent: uniform in [−R, R] (24-bit resolution, from eight xoshiro256+ lanes in SIMD
/// registers; the edge R itself has probability 0) or normal N(0, 1/γ) (Box–Muller). They come from streams keyed by (seed, "perturbation", step, layer,
/// sample, chunk of 65,536 entries), so that (1) perturbations never touch the streams of the initialisation
/// or of the data order, (2) a resumed run draws exactly what an uninterrupted one draws, with no state to
/// save, and (3) chunks can be drawn by several threads with the same result.
public final class PerturbationSampler: @unchecked Sendable {
    /// The law of the entries.
    public enum Law: Sendable, Equatable {
        case uniform(radius: Float)
        case gaussian(standardDeviation: Float)
    }

    /// The law of the entries: uniform in [−R, R] or N(0, 1/γ).
    public let law: Law
    /// k for the distance d_{R,k}; nil for none (k = ∞, or the Gaussian kernel).
    public let sharpness: Double?
    /// The run's seed, which keys the streams (seed, "perturbation", …).
    public let seed: UInt64
    /// Threads that draw chunks in parallel.
    public var threads: Int = 1

    static let chunk = 1 << 16
    private let partials: UnsafeMutablePointer<Double>
    private let partialCapacity: Int

    /// A sampler for layers of at most `maxCount` weights.
    public init(law: Law, sharpness: Double?, seed: UInt64, maxCount: Int) {
        self.law = law
        self.sharpness = sharpness
        self.seed = seed
        partialCapacity = max(1, (maxCount + PerturbationSampler.chunk - 1) / PerturbationSampler.chunk)
        partials = .allocate(capacity: partialCapacity)
        partials.initialize(repeating: 0, count: partialCapacity)
    }

    deinit { partials.deallocate() }

    /// The stream of one chunk.
    @inline(__always)
    func stream(step: Int, layer: Int, sample: Int, chunk: Int) -> RandomStream {
        let key = (UInt64(truncatingIfNeeded: step) &* 0x9e37_79b9_7f4a_7c15)
            ^ (UInt64(truncatingIfNeeded: layer) << 56) ^ (UInt64(truncatingIfNeeded: sample) << 40)
            ^ UInt64(truncatingIfNeeded: chunk)
        return RandomStream(seed: seed, purpose: "perturbation", index: key)
    }

    /// Writes P_i = W_i + ΔW_i for i < count and returns d_{R,k}(ΔW) (0 without a finite sharpness).
    @discardableResult
    public func perturb(_ base: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int,
                        step: Int, layer: Int, sample: Int) -> Double {
        let chunks = (count + PerturbationSampler.chunk - 1) / PerturbationSampler.chunk
        precondition(chunks <= partialCapacity, "layer larger than the sampler was made for")
        // A local function, not a closure value: its captures stay on the stack (a closure stored in a `let`
        // was one heap allocation per draw).
        func work(_ c: Int) {
            let lo = c * PerturbationSampler.chunk, hi = min(count, lo + PerturbationSampler.chunk)
            var random = stream(step: step, layer: layer, sample: sample, chunk: c)
            partials[c] = fill(base + lo, output + lo, hi - lo, &random)
        }
        if threads > 1 && chunks > 1 {
            ConcurrentWork.forEach(iterations: chunks, work)
        } else {
            for c in 0..<chunks { work(c) }
        }
        var d = 0.0
        for c in 0..<chunks { d += partials[c] }  // fixed order
        return d
    }

    /// Fills one chunk; returns its share of d.
    @inline(__always)
    private func fill(_ w: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>, _ n: Int, _ random: inout RandomStream) -> Double {
        switch law {
        case .uniform(let r):
            // Sixteen 24-bit uniforms per draw of eight xoshiro256+ lanes (bits 40…63 and 16…39 of each lane).
            var lanes = UniformLanes(seededFrom: &random)
            let scale = SIMD8<Float>(repeating: 2 * r), shift = SIMD8<Float>(repeating: r)
            let addsWeights = sharpness == nil
            // Writes eight entries from i: W + Δ (or Δ alone, with a finite sharpness); fewer at the very end.
            @inline(__always) func store(_ delta: SIMD8<Float>, at i: Int) {
                if i + 8 <= n {
                    let value = addsWeights ? UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self) + delta : delta
                    UnsafeMutableRawPointer(p + i).storeBytes(of: value, as: SIMD8<Float>.self)
                } else {
                    for j in 0..<max(0, n - i) { p[i + j] = addsWeights ? w[i + j] + delta[j] : delta[j] }
                }
            }
            var i = 0
            while i < n {
                let (u, v) = lanes.next()
                store(u * scale - shift, at: i)
                store(v * scale - shift, at: i + 8)
                i += 16
            }
            guard let k = sharpness else { return 0 }
            // With a finite sharpness, p holds the displacements themselves: d over them, then add W.
            var d = 0.0
            let rr = Double(r)
            for j in 0..<n {
                d += SharpnessKernel.distance(Double(p[j]), radius: rr, sharpness: k)
                p[j] += w[j]
            }
            return d
        case .gaussian(let s):
            var i = 0
            while i < n {
                let x = random.next()
                let u1 = 1 - Float(x >> 40) * 0x1p-24          // (0, 1]
                let u2 = Float((x >> 16) & 0xff_ffff) * 0x1p-24
                let radius = (-2 * logf(u1)).squareRoot() * s
                let angle = 2 * Float.pi * u2
                p[i] = w[i] + radius * cosf(angle)
                if i + 1 < n { p[i + 1] = w[i + 1] + radius * sinf(angle) }
                i += 2
            }
            return 0
        }
    }
}

/// Eight xoshiro256+ generators in SIMD lanes, seeded from one stream: sixteen uniforms in [0, 1) per call,
/// with 24 random bits each, from bits 40…63 and 16…39 of every lane's output (xoshiro256+'s weak bits are
/// its lowest three, which are never used). Eight lanes at once let the compiler use vector registers, which a
/// single generator's serial dependency cannot.
struct UniformLanes {
    var s0 = SIMD8<UInt64>(), s1 = SIMD8<UInt64>(), s2 = SIMD8<UInt64>(), s3 = SIMD8<UInt64>()

    init(seededFrom random: inout RandomStream) {
        for lane in 0..<8 {
            s0[lane] = random.next(); s1[lane] = random.next(); s2[lane] = random.next(); s3[lane] = random.next()
        }
    }

    @inline(__always)
    mutating func next() -> (SIMD8<Float>, SIMD8<Float>) {
        let x = s0 &+ s3
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< 45) | (s3 &>> 19)
        let high = SIMD8<Int32>(truncatingIfNeeded: x &>> 40)
        let low = SIMD8<Int32>(truncatingIfNeeded: (x &>> 16) & 0xff_ffff)
        return (SIMD8<Float>(high) * 0x1p-24, SIMD8<Float>(low) * 0x1p-24)
    }
}
