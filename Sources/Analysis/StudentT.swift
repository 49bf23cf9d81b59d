import Foundation

// The distributions behind the intervals and tests: the normal and Student t quantiles, the regularised
// incomplete beta function, and the F distribution's upper tail.

/// The standard normal distribution.
public enum StandardNormal {
    /// Φ(x) = ½·erfc(−x/√2).
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Φ⁻¹(p) for 0 < p < 1: P. J. Acklam's rational approximation (relative error 1.15·10⁻⁹), refined by one
    /// Halley step on Φ(x) − p computed with erfc, which brings it to full double precision.
    public static func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normal quantile: p = \(p) is outside (0, 1)")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let pLow = 0.02425
        var x: Double
        if p < pLow {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - pLow {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // Halley refinement.
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(0.5 * x * x)
        x -= u / (1 + 0.5 * x * u)
        return x
    }
}

/// The regularised incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
///
/// Evaluated by its continued fraction with the modified Lentz method (Press et al., *Numerical Recipes*,
/// 3rd ed., §6.4), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) for x > (a + 1)/(a + b + 2), where the
/// fraction converges fastest.
public func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    precondition(a > 0 && b > 0, "incomplete beta: a = \(a), b = \(b) must be positive")
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
        return exp(logFront) * betaContinuedFraction(x, a, b) / a
    }
    return 1 - exp(logFront) * betaContinuedFraction(1 - x, b, a) / b
}

/// The continued fraction of the incomplete beta function (modified Lentz, relative tolerance 10⁻¹⁵).
private func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...100_000 {
        let m = Double(m), m2 = 2 * m
        var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d; if abs(d) < tiny { d = tiny }
        c = 1 + aa / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d; if abs(d) < tiny { d = tiny }
        c = 1 + aa / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) <= 1e-15 { break }
    }
    return h
}

/// Student's t distribution with ν > 0 degrees of freedom (ν need not be an integer).
public enum StudentT {
    /// The density f(t) = Γ((ν+1)/2) / (√(νπ)·Γ(ν/2)) · (1 + t²/ν)^(−(ν+1)/2).
    public static func density(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let logNormalisation: Double = lgamma(0.5 * (nu + 1)) - lgamma(0.5 * nu) - 0.5 * log(nu * Double.pi)
        let logKernel: Double = -0.5 * (nu + 1) * log1p(t * t / nu)
        return exp(logNormalisation + logKernel)
    }

    /// The upper tail P(T > t) for t ≥ 0: ½·I_{ν/(ν+t²)}(ν/2, ½); for t < 0, 1 − P(T > −t).
    public static func upperTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student t: ν = \(nu) must be positive")
        if t < 0 { return 1 - upperTail(-t, degreesOfFreedom: nu) }
        return 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), 0.5 * nu, 0.5)
    }

    /// The distribution function P(T ≤ t).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        t >= 0 ? 1 - upperTail(t, degreesOfFreedom: nu) : upperTail(-t, degreesOfFreedom: nu)
    }

    /// The quantile t_p(ν), 0 < p < 1: exact for ν = 1 (tan(π(p − ½))) and ν = 2 ((2p − 1)/√(2p(1 − p)));
    /// otherwise the Cornish–Fisher expansion about the normal quantile (Abramowitz & Stegun 26.7.5) as the
    /// start of a Newton iteration on the upper tail (for ν > 2000 the expansion itself, whose error O(ν⁻⁵) is
    /// then smaller than the rounding of the lgamma differences in the exact tail), P(T > t) = 1 − p, safeguarded by bisection on a bracket,
    /// to a relative accuracy of about 10⁻¹³.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "Student t quantile: p = \(p) is outside (0, 1)")
        precondition(nu > 0, "Student t quantile: ν = \(nu) must be positive")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: nu) }
        if nu == 1 { return tan(Double.pi * (p - 0.5)) }
        if nu == 2 { return (2 * p - 1) / (2 * p * (1 - p)).squareRoot() }
        if nu.isInfinite { return StandardNormal.quantile(p) }
        let q = 1 - p  // the upper tail to hit
        let z = StandardNormal.quantile(p)
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        var t = z + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu) + g4 / (nu * nu * nu * nu)
        // For large ν the expansion's error, O(ν⁻⁵), is below the rounding of lgamma differences in the exact tail.
        if nu > 2000 { return t }
        // Bracket [lo, hi] with tail(lo) ≥ q ≥ tail(hi).
        var lo = 0.0, hi = max(t, 1.0)
        while upperTail(hi, degreesOfFreedom: nu) > q { lo = hi; hi *= 2 }
        if !(t > lo && t < hi) { t = 0.5 * (lo + hi) }
        for _ in 0..<200 {
            let f = upperTail(t, degreesOfFreedom: nu) - q
            if f > 0 { lo = t } else { hi = t }
            var next = t + f / density(t, degreesOfFreedom: nu)
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - t) <= 1e-14 * abs(t) { return next }
            t = next
        }
        return t
    }
}

/// The upper tail of Fisher's F distribution with (d₁, d₂) degrees of freedom:
/// P(F > f) = I_{d₂/(d₂ + d₁f)}(d₂/2, d₁/2).
public func fDistributionUpperTail(_ f: Double, _ d1: Double, _ d2: Double) -> Double {
    if f <= 0 { return 1 }
    return regularizedIncompleteBeta(d2 / (d2 + d1 * f), 0.5 * d2, 0.5 * d1)
}
