/// A seeded, reproducible stream of random numbers (xoshiro256**, seeded through SplitMix64).
///
/// thermo never uses the system generator: every random draw (initialisation, data order,
/// perturbations, validation split) comes from a `RandomStream` derived from the run's seed and a
/// named purpose, so that switching one feature on never changes the numbers another one sees.
/// The whole state is four `UInt64`s, which checkpoints store verbatim.
///
/// Reference: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators" (2018).
public struct RandomStream: RandomNumberGenerator, Sendable, Equatable, Codable {
    /// The generator's state, `s[0…3]`; never all zero.
    public var state: (UInt64, UInt64, UInt64, UInt64)

    /// A stream for `seed` and a purpose (`"init"`, `"data"`, `"perturbation"`, …) and an optional index
    /// (an epoch, a layer): distinct purposes or indices give statistically independent streams.
    public init(seed: UInt64, purpose: String = "", index: UInt64 = 0) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the purpose string
        for byte in purpose.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var sm = SplitMix64(state: seed ^ RandomStream.mix(h) ^ RandomStream.mix(index &+ 0x9e37_79b9_7f4a_7c15))
        state = (sm.next(), sm.next(), sm.next(), sm.next())
        if state == (0, 0, 0, 0) { state.0 = 1 }
    }

    /// Restores a stream from a saved state.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        self.state = state == (0, 0, 0, 0) ? (1, 0, 0, 0) : state
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RandomStream.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = RandomStream.rotl(state.3, 45)
        return result
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform `Float` in [−r, r] (the closed hypercube edge is reached with probability 0).
    @inline(__always)
    public mutating func nextSymmetric(_ r: Float) -> Float { (2 * nextUnitFloat() - 1) * r }

    /// A uniform integer in 0..<n without modulo bias (Lemire's method).
    @inline(__always)
    public mutating func nextIndex(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A standard normal `Double` (Box–Muller; one of the pair is used so that the stream position depends
    /// only on how many normals were drawn).
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextUnitDouble()  // (0, 1]
        let u2 = nextUnitDouble()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    /// Fills `buffer` with a Fisher–Yates shuffle of 0..<count.
    public mutating func permutation(_ count: Int) -> [Int32] {
        var p = [Int32](unsafeUninitializedCapacity: count) { buf, n in
            for i in 0..<count { buf[i] = Int32(i) }
            n = count
        }
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = nextIndex(below: i + 1)
                p.swapAt(i, j)
            }
        }
        return p
    }

    /// Two streams are equal when their states are: they will draw the same numbers.
    public static func == (a: RandomStream, b: RandomStream) -> Bool { a.state == b.state }

    enum CodingKeys: String, CodingKey { case state }
    /// Decodes `{"state": [s0, s1, s2, s3]}` (exactly four words).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let s = try c.decode([UInt64].self, forKey: .state)
        guard s.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "a random stream state has 4 words")
        }
        self.init(state: (s[0], s[1], s[2], s[3]))
    }
    /// Encodes the state as `{"state": [s0, s1, s2, s3]}`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .state)
    }
}

/// SplitMix64, used only to spread a seed over xoshiro's 256-bit state.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return RandomStream.mix(state)
    }
}
