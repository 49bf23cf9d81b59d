/// tanh for the hidden layers' forward pass, eight lanes at a time.
///
/// glibc's scalar `tanhf` costs about as much as the GEMMs of a 784-wide tanh network (a tanh run took twice as
/// long per epoch as the same ReLU run). This is the rational minimax approximation Eigen uses for float
/// (`generic_fast_tanh_float`):
///
///     tanh x ≈ x · p(x²) / q(x²),  x clamped to [−9, 9],
///     p(u) = α₁ + α₃u + α₅u² + α₇u³ + α₉u⁴ + α₁₁u⁵ + α₁₃u⁶,   q(u) = β₀ + β₂u + β₄u² + β₆u³,
///
/// returning x itself for |x| < 4·10⁻⁴ (where tanh x = x to float precision) and for NaN, and clamped to [−1, 1] so that
/// 1 − tanh² ≥ 0 in the backward pass. Its error against the exact tanh is below 3.3·10⁻⁷ everywhere (checked
/// on a dense grid in NumericCoreTests): a few units in the last place of a Float near ±1, where it is also
/// monotone only to within that error.
@inline(__always)
public func tanh8(_ input: SIMD8<Float>) -> SIMD8<Float> {
    let x = input.clamped(lowerBound: SIMD8(repeating: -9), upperBound: SIMD8(repeating: 9))
    let x2 = x * x
    var p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13
    p = x2 * p + -8.60467152213735e-11
    p = x2 * p + 5.12229709037114e-08
    p = x2 * p + 1.48572235717979e-05
    p = x2 * p + 6.37261928875436e-04
    p = x2 * p + 4.89352455891786e-03
    p = x * p
    var q = x2 * 1.19825839466702e-06 + 1.18534705686654e-04
    q = x2 * q + 2.26843463243900e-03
    q = x2 * q + 4.89352518554385e-03
    var y = (p / q).clamped(lowerBound: SIMD8(repeating: -1), upperBound: SIMD8(repeating: 1))
    // Small |x|: tanh x = x to float precision. NaN: kept (the clamps above would turn it into ±1, and a
    // diverged run must still look diverged).
    y.replace(with: input, where: abs(input) .< 4e-4 .| (input .!= input))
    return y
}

/// The same approximation for one value (the tail of a buffer).
@inline(__always)
public func tanhApproximation(_ x: Float) -> Float { tanh8(SIMD8(repeating: x))[0] }

/// x ← tanh x over `count` contiguous values.
@inline(__always)
public func tanhInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    let vectors = count / 8
    for v in 0..<vectors {
        let raw = UnsafeMutableRawPointer(values + 8 * v)
        raw.storeBytes(of: tanh8(raw.loadUnaligned(as: SIMD8<Float>.self)), as: SIMD8<Float>.self)
    }
    for i in (8 * vectors)..<count { values[i] = tanhApproximation(values[i]) }
}

@inline(__always)
private func abs(_ x: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: -x, where: x .< 0) }
