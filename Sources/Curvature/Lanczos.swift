import NumericCore

/// The extreme eigenvalues of a symmetric operator known only through products, by the Lanczos iteration with
/// full reorthogonalisation.
///
/// From a random unit q_1 (Rademacher entries / √n, from its own seeded stream): for j = 1…m,
/// w = A q_j, α_j = q_jᵀ w, w ← w − α_j q_j − β_{j−1} q_{j−1}, then w ← w − Q (Qᵀ w) twice (classical
/// Gram–Schmidt against every earlier q, repeated so that Float32 rounding cannot bring back converged
/// directions), β_j = ‖w‖, q_{j+1} = w / β_j. The eigenvalues θ of the tridiagonal T_m = tridiag(β, α, β) (the
/// Ritz values) approximate A's extreme eigenvalues from inside; the residual of Ritz pair i is
/// ‖A y_i − θ_i y_i‖ = β_m |s_{m,i}|, with s_i the eigenvector of T_m. The iteration stops early when β_j
/// vanishes (an invariant subspace: the Ritz values are then exact).
public struct Lanczos: Sendable {
    /// The outcome of one run.
    public struct Result: Sendable, Codable, Equatable {
        /// The Ritz values, largest first (at most `steps` of them).
        public var ritzValues: [Double]
        /// ‖A y_i − θ_i y_i‖ for each Ritz value, in the same order.
        public var residuals: [Double]
        /// The number of products made.
        public var steps: Int
    }

    /// m, the largest number of Lanczos steps (products).
    public var steps: Int

    /// A Lanczos iteration of at most `steps` products.
    public init(steps: Int = 20) {
        precondition(steps >= 1, "Lanczos needs at least one step")
        self.steps = steps
    }

    /// Runs the iteration on the operator `apply` (y = A x, both of length `dimension`), starting from the stream
    /// `random`. Holds min(m, n) + 1 vectors of `dimension` Float32 values: the basis q_1 … q_m (q_{m+1} is never
    /// formed: the last step needs only its norm β_m) and w.
    public func run(dimension n: Int, random: inout RandomStream,
                    apply: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Result {
        precondition(n >= 1)
        let m = min(steps, n)
        let basis = FloatBuffer(count: m * n)  // q_1 … q_m, row j−1 = q_j
        let w = FloatBuffer(count: n), h = FloatBuffer(count: m + 1)
        let start = 1 / Float(n).squareRoot()
        for i in 0..<n { basis.pointer[i] = random.next() & 1 == 0 ? start : -start }
        var alpha: [Double] = [], beta: [Double] = []
        for j in 0..<m {
            let q = basis.pointer + j * n
            apply(q, w.pointer)
            let a = dot(q, w.pointer, n)
            alpha.append(a)
            for i in 0..<n { w.pointer[i] -= Float(a) * q[i] }
            if j > 0 { let b = Float(beta[j - 1]), p = q - n; for i in 0..<n { w.pointer[i] -= b * p[i] } }
            for _ in 0..<2 {  // w ← w − Q (Qᵀ w) over q_1 … q_{j+1}
                BLAS.sgemv(.none, m: j + 1, n: n, a: basis.pointer, lda: n, x: w.pointer, y: h.pointer)
                BLAS.sgemv(.transposed, m: j + 1, n: n, alpha: -1, a: basis.pointer, lda: n, x: h.pointer, beta: 1,
                           y: w.pointer)
            }
            let norm = dot(w.pointer, w.pointer, n).squareRoot()
            beta.append(norm)
            if !(norm > 1e-10 * max(1, abs(a))) || j == m - 1 { break }
            let next = basis.pointer + (j + 1) * n
            for i in 0..<n { next[i] = Float(Double(w.pointer[i]) / norm) }
        }
        return Lanczos.ritz(alpha: alpha, beta: beta)
    }

    /// The eigenvalues of T = tridiag(β, α, β) (k×k, k = α.count), largest first, with the residuals
    /// β_k |s_{k,i}| (β_k = the last β, the norm of the part left outside the Krylov space).
    static func ritz(alpha: [Double], beta: [Double]) -> Result {
        let k = alpha.count
        var t = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            t[i * k + i] = alpha[i]
            if i + 1 < k { t[i * k + i + 1] = beta[i]; t[(i + 1) * k + i] = beta[i] }
        }
        guard let (values, vectors) = LAPACK.symmetricEigen(t, dimension: k) else {
            return Result(ritzValues: [.nan], residuals: [.nan], steps: k)
        }
        let last = beta.count == k ? beta[k - 1] : 0
        let order = (0..<k).reversed()
        return Result(ritzValues: order.map { values[$0] },
                      residuals: order.map { abs(last * vectors[$0 * k + (k - 1)]) }, steps: k)
    }
}

/// Σ x_i y_i in Float64.
func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Double {
    var s = 0.0
    for i in 0..<n { s += Double(x[i]) * Double(y[i]) }
    return s
}
