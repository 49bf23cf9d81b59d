import NumericCore

/// The trace of a symmetric operator from products with random sign vectors (Hutchinson's estimator).
///
/// For Rademacher z (entries ±1 with probability ½ each), E[zᵀ A z] = Σ_i A_ii = tr A. With P independent
/// probes the estimate is t̂ = (1/P) Σ_p z_pᵀ A z_p, and its standard error s/√P, with s the sample standard
/// deviation of the P values zᵀ A z (NaN for P = 1).
public struct Hutchinson: Sendable {
    /// An estimate and its standard error.
    public struct Estimate: Sendable, Codable, Equatable {
        /// t̂.
        public var trace: Double
        /// s/√P.
        public var standardError: Double
        /// P.
        public var probes: Int
    }

    /// P, the number of probe vectors.
    public var probes: Int

    /// An estimator with `probes` probes.
    public init(probes: Int = 10) {
        precondition(probes >= 1, "Hutchinson's estimator needs at least one probe")
        self.probes = probes
    }

    /// Estimates tr A for the operator `apply` (y = A x, length `dimension`), drawing the probes from `random`.
    public func run(dimension n: Int, random: inout RandomStream,
                    apply: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Estimate {
        let z = FloatBuffer(count: n), y = FloatBuffer(count: n)
        var values: [Double] = []
        for _ in 0..<probes {
            var bits: UInt64 = 0
            for i in 0..<n {
                if i % 64 == 0 { bits = random.next() }
                z.pointer[i] = bits & 1 == 0 ? 1 : -1
                bits >>= 1
            }
            apply(z.pointer, y.pointer)
            values.append(dot(z.pointer, y.pointer, n))
        }
        let mean = values.reduce(0, +) / Double(probes)
        guard probes > 1 else { return Estimate(trace: mean, standardError: .nan, probes: 1) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(probes - 1)
        return Estimate(trace: mean, standardError: (variance / Double(probes)).squareRoot(), probes: probes)
    }
}
