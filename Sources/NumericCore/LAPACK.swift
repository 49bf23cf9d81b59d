import CBLAS

/// The LAPACK routines thermo calls (the copy inside OpenBLAS), on symmetric n×n Float64 matrices stored as
/// `[Double]`. Every LAPACK call in the project goes through here, so that Fortran calling conventions never
/// leak into other modules.
///
/// LAPACK works on column-major storage; a symmetric matrix reads the same in both orders, so callers pass
/// row-major arrays unchanged. The factors are described here in row-major terms.
public enum LAPACK {
    /// A = L·Lᵀ with L lower triangular (LAPACK `dpotrf`), for symmetric positive-definite A.
    public struct Cholesky: Sendable {
        /// The dimension n.
        public let dimension: Int
        /// Row-major n×n storage whose lower triangle holds L (the strict upper triangle holds A's entries).
        let storage: [Double]

        /// The diagonal of L: l_kk = √(a_kk − Σ_{j<k} l_kj²).
        public var diagonal: [Double] { (0..<dimension).map { storage[$0 * dimension + $0] } }

        /// Whether every pivot l_kk² is finite and above `tolerance`: the matrix is numerically positive definite.
        public func pivotsExceed(_ tolerance: Double) -> Bool {
            diagonal.allSatisfy { ($0 * $0).isFinite && $0 * $0 > tolerance }
        }

        /// x with A·x = b, by the two triangular solves L·y = b, Lᵀ·x = y (LAPACK `dpotrs`).
        public func solve(_ b: [Double]) -> [Double] {
            precondition(b.count == dimension, "Cholesky.solve: \(b.count) entries, expected \(dimension)")
            guard dimension > 0 else { return [] }
            var x = b
            var n = Int32(dimension), one: Int32 = 1, lda = Int32(dimension), info: Int32 = 0
            storage.withUnsafeBufferPointer { a in
                dpotrs_("U", &n, &one, a.baseAddress, &lda, &x, &n, &info, 1)
            }
            precondition(info == 0, "dpotrs: argument \(-info) is invalid")
            return x
        }

        /// A⁻¹ = L⁻ᵀ·L⁻¹ (LAPACK `dpotri`), row-major and exactly symmetric.
        public func inverse() -> [Double] {
            let n = dimension
            guard n > 0 else { return [] }
            var x = storage
            var n32 = Int32(n), lda = Int32(n), info: Int32 = 0
            dpotri_("U", &n32, &x, &lda, &info, 1)
            precondition(info == 0, "dpotri: the Cholesky factor has a zero diagonal entry \(info)")
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { x[i * n + j] = x[j * n + i] } }
            return x
        }
    }

    /// The Cholesky factor of the symmetric n×n matrix `a` (row-major; only its lower triangle is read),
    /// or nil if a leading minor is not positive (LAPACK `dpotrf`, INFO > 0).
    public static func cholesky(_ a: [Double], dimension n: Int) -> Cholesky? {
        precondition(a.count == n * n, "cholesky: expected \(n)×\(n) entries")
        guard n > 0 else { return Cholesky(dimension: 0, storage: []) }
        var l = a
        var n32 = Int32(n), lda = Int32(n), info: Int32 = 0
        dpotrf_("U", &n32, &l, &lda, &info, 1)
        precondition(info >= 0, "dpotrf: argument \(-info) is invalid")
        return info == 0 ? Cholesky(dimension: n, storage: l) : nil
    }

    /// P·A·Pᵀ = L·Lᵀ with complete (diagonal) pivoting, for symmetric positive-semidefinite A (LAPACK
    /// `dpstrf`): at step k the largest remaining diagonal of the Schur complement is the pivot, and the
    /// factorization stops at the first pivot ≤ `tolerance`; `rank` is the number of pivots taken.
    public struct PivotedCholesky: Sendable {
        /// The dimension n.
        public let dimension: Int
        /// The numerical rank r: the leading r×r block of L is complete.
        public let rank: Int
        /// `order[k]` is the original index of pivoted position k.
        public let order: [Int]
        /// Row-major n×n storage whose leading r×r lower triangle holds L₁₁.
        let storage: [Double]

        /// The basic solution of A·x = b: with c = P·b, L₁₁·L₁₁ᵀ·y₁ = c₁ (LAPACK `dpotrs` on the leading r×r
        /// block), y₂ = 0, x = Pᵀ·y. For b in the range of A it solves the system exactly (up to rounding).
        public func basicSolution(_ b: [Double]) -> [Double] {
            let n = dimension
            precondition(b.count == n, "PivotedCholesky.basicSolution: \(b.count) entries, expected \(n)")
            var x = [Double](repeating: 0, count: n)
            guard rank > 0 else { return x }
            var y = (0..<rank).map { b[order[$0]] }
            var r = Int32(rank), one: Int32 = 1, lda = Int32(n), info: Int32 = 0
            storage.withUnsafeBufferPointer { a in
                dpotrs_("U", &r, &one, a.baseAddress, &lda, &y, &r, &info, 1)
            }
            precondition(info == 0, "dpotrs: argument \(-info) is invalid")
            for k in 0..<rank { x[order[k]] = y[k] }
            return x
        }
    }

    /// The pivoted Cholesky factorization of the symmetric n×n matrix `a` (row-major), stopping at the first
    /// pivot ≤ `tolerance` (LAPACK `dpstrf`).
    public static func pivotedCholesky(_ a: [Double], dimension n: Int, tolerance: Double) -> PivotedCholesky {
        precondition(a.count == n * n, "pivotedCholesky: expected \(n)×\(n) entries")
        guard n > 0 else { return PivotedCholesky(dimension: 0, rank: 0, order: [], storage: []) }
        var l = a
        var pivots = [Int32](repeating: 0, count: n)
        var work = [Double](repeating: 0, count: 2 * n)
        var n32 = Int32(n), lda = Int32(n), rank: Int32 = 0, tol = tolerance, info: Int32 = 0
        dpstrf_("U", &n32, &l, &lda, &pivots, &rank, &tol, &work, &info, 1)
        precondition(info >= 0, "dpstrf: argument \(-info) is invalid")
        return PivotedCholesky(dimension: n, rank: Int(rank), order: pivots.map { Int($0) - 1 }, storage: l)
    }

    /// The eigenvalues λ_k (ascending) and orthonormal eigenvectors of the symmetric n×n matrix `a`
    /// (LAPACK `dsyev`): `vectors[k * n + i]` is component i of the eigenvector of λ_k. Nil if the QR
    /// iteration did not converge (or `a` holds NaN).
    public static func symmetricEigen(_ a: [Double], dimension n: Int) -> (values: [Double], vectors: [Double])? {
        precondition(a.count == n * n, "symmetricEigen: expected \(n)×\(n) entries")
        guard n > 0 else { return ([], []) }
        guard a.allSatisfy(\.isFinite) else { return nil }
        var v = a
        var values = [Double](repeating: 0, count: n)
        var n32 = Int32(n), lda = Int32(n), info: Int32 = 0
        var lwork = Int32(-1), optimal = 0.0
        dsyev_("V", "U", &n32, &v, &lda, &values, &optimal, &lwork, &info, 1, 1)  // workspace query
        lwork = max(Int32(optimal), 3 * n32 - 1, 1)
        var work = [Double](repeating: 0, count: Int(lwork))
        dsyev_("V", "U", &n32, &v, &lda, &values, &work, &lwork, &info, 1, 1)
        precondition(info >= 0, "dsyev: argument \(-info) is invalid")
        return info == 0 ? (values, v) : nil
    }
}
