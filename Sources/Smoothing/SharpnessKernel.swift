import Foundation

/// The finite-sharpness distance and kernel of eqs. (5)–(6), per coordinate and summed, in log space.
///
///     d_{R,k}(ΔW) = −Σ_i log[(1 − σ(2k(ΔW_i − R))) σ(2k(ΔW_i + R))]
///                 =  Σ_i softplus(2k(ΔW_i − R)) + softplus(−2k(ΔW_i + R)),     K_{R,k} = e^{−d_{R,k}}
///
/// using 1 − σ(z) = σ(−z) and −log σ(z) = softplus(−z), softplus(z) = max(z, 0) + log(1 + e^{−|z|}), which
/// never overflows and never takes the log of an underflowed product. As k → ∞, K tends to the indicator of
/// the hypercube [−R, R]^N (eq. 8).
public enum SharpnessKernel {
    /// softplus(z) = log(1 + e^z), stable for every z.
    @inline(__always)
    public static func softplus(_ z: Double) -> Double { max(z, 0) + log1p(exp(-abs(z))) }

    /// d_i(x) for one coordinate: softplus(2k(x − R)) + softplus(−2k(x + R)).
    @inline(__always)
    public static func distance(_ x: Double, radius r: Double, sharpness k: Double) -> Double {
        softplus(2 * k * (x - r)) + softplus(-2 * k * (x + r))
    }

    /// K(x) = e^{−d_i(x)} for one coordinate (Figure 2, right).
    public static func kernel(_ x: Double, radius r: Double, sharpness k: Double) -> Double {
        exp(-distance(x, radius: r, sharpness: k))
    }

    /// E[d_{R,k}(ΔW)] for `coordinates` entries drawn uniformly from [−R, R].
    ///
    /// Per coordinate, substituting u = 2k(x − R) in the first term and u = −2k(x + R) in the second, both
    /// become ∫_{−4kR}^{0} softplus(u) du / 2k, so E[d_i] = (1/2R)(1/k) ∫_{−4kR}^{0} softplus(u) du, which tends to
    /// π²/(24kR) for large kR. The integrand is smooth; composite Simpson's rule on 2,000 intervals of
    /// [−min(4kR, 60), 0] (softplus(−60) < 10⁻²⁶) is exact to many digits at every k.
    public static func expectedDistance(coordinates: Int, radius r: Double, sharpness k: Double) -> Double {
        guard r > 0 else { return Double(coordinates) * distance(0, radius: 0, sharpness: k) }
        let a = min(4 * k * r, 60), n = 2000
        let h = a / Double(n)
        var sum = softplus(-a) + softplus(0)
        for i in 1..<n { sum += (i % 2 == 1 ? 4 : 2) * softplus(-a + Double(i) * h) }
        let integral = sum * h / 3
        return Double(coordinates) * integral / (2 * r * k)
    }

    /// The smallest sharpness k for which E[d] ≤ `target` with `coordinates` smoothed entries (bisection on
    /// log k; E[d] falls as k grows).
    public static func sharpnessFor(expectedDistance target: Double, coordinates: Int, radius r: Double) -> Double {
        var lo = 1e-6, hi = 1e12
        for _ in 0..<200 {
            let mid = (lo * hi).squareRoot()
            if expectedDistance(coordinates: coordinates, radius: r, sharpness: mid) > target { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// A warning when the kernel weight e^{−d} of a displaced sample is negligible for this many coordinates
    /// (E[d] > 20, i.e. e^{−d} ≲ 2·10⁻⁹): then PLA reduces to L_0/(1+y) and PLEA to L_0 + log(1+y), and the
    /// smoothing does nothing. Nil when the kernel is usable.
    public static func degeneracyWarning(coordinates: Int, radius r: Double, sharpness k: Double) -> String? {
        let d = expectedDistance(coordinates: coordinates, radius: r, sharpness: k)
        guard d > 20 else { return nil }
        let needed = sharpnessFor(expectedDistance: 1, coordinates: coordinates, radius: r)
        return String(format: "with --sharpness %g and --radius %g over %d smoothed weights, the kernel weight e^(-d) of a displaced sample is about e^(-%.3g): "
                      + "the displaced samples carry no weight (PLA becomes L0/(1+y), PLEA becomes cross-entropy). "
                      + "Use a sharpness of at least %.3g for E[d] ≤ 1, or omit --sharpness for the hard hypercube.",
                      k, r, coordinates, d, needed)
    }
}
