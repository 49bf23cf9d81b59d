// Small dense symmetric linear algebra in Float64, written out so that Analysis needs no LAPACK.
// The matrices here are the normal equations of a fit (a handful of parameters), so plain loops are right.

/// The factorization a symmetric solve ended up using.
public enum SymmetricFactorization: String, Codable, Sendable {
    /// A = L·Lᵀ with L lower triangular (the matrix was numerically positive definite).
    case cholesky
    /// P·A·Pᵀ = L·D·Lᵀ with unit lower-triangular L, diagonal D and a symmetric pivoting P (largest remaining
    /// diagonal first); pivots below the rank tolerance are dropped, giving the basic solution of a
    /// rank-deficient system.
    case pivotedLDLT
}

/// A symmetric system that could not be inverted: its numerical rank is below its dimension.
public struct SingularMatrixError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The numerical rank found by the pivoted LDLᵀ factorization.
    public let rank: Int
    /// The dimension n of the n×n matrix.
    public let dimension: Int
    public var description: String {
        "the \(dimension)×\(dimension) matrix is singular (numerical rank \(rank)): some parameters are not identifiable"
    }
}

/// Dense symmetric solvers on row-major n×n `[Double]` matrices.
///
/// `solve` tries the Cholesky factorization A = L·Lᵀ (Golub & Van Loan, *Matrix Computations*, 4th ed.,
/// Alg. 4.2.1) and falls back to an LDLᵀ factorization with symmetric diagonal pivoting
/// (ibid. §4.2.8, the outer-product form with the largest remaining diagonal as pivot) when a Cholesky pivot
/// is not safely positive. Pivots |d_k| ≤ n·ε·max_j |A_jj| count as zero: the corresponding solution
/// components are set to zero (a basic solution), and the numerical rank is reported.
public enum SymmetricLinearAlgebra {
    /// The Cholesky factor L (row-major, lower triangle; the strict upper triangle is zero) of the symmetric
    /// positive-definite n×n matrix `a`, or nil if a pivot l_kk² = a_kk − Σ_{j<k} l_kj² is not above
    /// n·ε·max_j a_jj (the matrix is not numerically positive definite).
    public static func cholesky(_ a: [Double], dimension n: Int) -> [Double]? {
        precondition(a.count == n * n, "cholesky: expected \(n)×\(n) entries")
        var maxDiagonal = 0.0
        for k in 0..<n { maxDiagonal = max(maxDiagonal, abs(a[k * n + k])) }
        let tolerance = Double(n) * Double.ulpOfOne * maxDiagonal
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > tolerance, d.isFinite else { return nil }
            let ljj = d.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / ljj
            }
        }
        return l
    }

    /// Solves L·Lᵀ·x = b by forward and back substitution, for the factor returned by `cholesky`.
    public static func choleskySolve(_ l: [Double], _ b: [Double], dimension n: Int) -> [Double] {
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * y[k] }
            y[i] = s / l[i * n + i]
        }
        return y
    }

    /// The pivoted factorization P·A·Pᵀ = L·D·Lᵀ: `l` unit lower triangular (row-major, in pivoted order),
    /// `d` the diagonal, `order[k]` the original index of pivoted position k, `rank` the number of pivots
    /// above the tolerance n·ε·max_j |A_jj| (later pivots are set to zero).
    public static func pivotedLDLT(_ a: [Double], dimension n: Int)
        -> (l: [Double], d: [Double], order: [Int], rank: Int)
    {
        precondition(a.count == n * n, "pivotedLDLT: expected \(n)×\(n) entries")
        var w = a  // working copy, permuted in place
        var order = Array(0..<n)
        var maxDiagonal = 0.0
        for k in 0..<n { maxDiagonal = max(maxDiagonal, abs(a[k * n + k])) }
        let tolerance = Double(n) * Double.ulpOfOne * maxDiagonal
        var d = [Double](repeating: 0, count: n)
        var l = [Double](repeating: 0, count: n * n)
        var rank = 0
        for k in 0..<n {
            // Choose the largest remaining diagonal and swap it to position k (rows and columns).
            var p = k
            for i in k..<n where abs(w[i * n + i]) > abs(w[p * n + p]) { p = i }
            if p != k {
                order.swapAt(p, k)
                for j in 0..<n { let t = w[k * n + j]; w[k * n + j] = w[p * n + j]; w[p * n + j] = t }
                for i in 0..<n { let t = w[i * n + k]; w[i * n + k] = w[i * n + p]; w[i * n + p] = t }
                for j in 0..<k { let t = l[k * n + j]; l[k * n + j] = l[p * n + j]; l[p * n + j] = t }
            }
            l[k * n + k] = 1
            let pivot = w[k * n + k]
            guard abs(pivot) > tolerance, pivot.isFinite else {
                // The remaining Schur complement is numerically zero: the rank is k.
                for i in k..<n { d[i] = 0; l[i * n + i] = 1 }
                break
            }
            rank += 1
            d[k] = pivot
            for i in (k + 1)..<max(k + 1, n) { l[i * n + k] = w[i * n + k] / pivot }
            // Schur complement update of the trailing block: W_ij −= L_ik·d_k·L_jk.
            for i in (k + 1)..<max(k + 1, n) {
                let lik = l[i * n + k] * pivot
                for j in (k + 1)..<max(k + 1, n) { w[i * n + j] -= lik * l[j * n + k] }
            }
        }
        return (l, d, order, rank)
    }

    /// Solves P·A·Pᵀ = L·D·Lᵀ for x, with zero components along dropped pivots.
    static func pivotedSolve(_ f: (l: [Double], d: [Double], order: [Int], rank: Int), _ b: [Double],
                             dimension n: Int) -> [Double] {
        var y = [Double](repeating: 0, count: n)
        for k in 0..<n { y[k] = b[f.order[k]] }
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= f.l[i * n + k] * y[k] }
            y[i] = s
        }
        for i in 0..<n { y[i] = i < f.rank ? y[i] / f.d[i] : 0 }
        for i in stride(from: n - 1, through: 0, by: -1) where i < f.rank {
            var s = y[i]
            for k in (i + 1)..<max(i + 1, n) { s -= f.l[k * n + i] * y[k] }
            y[i] = s
        }
        var x = [Double](repeating: 0, count: n)
        for k in 0..<n { x[f.order[k]] = y[k] }
        return x
    }

    /// Solves the symmetric system A·x = b: Cholesky first, the pivoted LDLᵀ as the fallback.
    /// Returns the solution, the factorization used and the numerical rank.
    public static func solve(_ a: [Double], _ b: [Double], dimension n: Int)
        -> (solution: [Double], factorization: SymmetricFactorization, rank: Int)
    {
        precondition(b.count == n, "solve: right-hand side has \(b.count) entries, expected \(n)")
        if let l = cholesky(a, dimension: n) {
            return (choleskySolve(l, b, dimension: n), .cholesky, n)
        }
        let f = pivotedLDLT(a, dimension: n)
        return (pivotedSolve(f, b, dimension: n), .pivotedLDLT, f.rank)
    }

    /// The inverse A⁻¹ of a symmetric positive-definite matrix, column by column from the Cholesky factor;
    /// a matrix that is not numerically positive definite is checked with the pivoted LDLᵀ, and if its rank is
    /// full (an indefinite but regular matrix) inverted through it, otherwise `SingularMatrixError` is thrown.
    /// The result is symmetrised, (X + Xᵀ)/2.
    public static func inverse(_ a: [Double], dimension n: Int) throws(SingularMatrixError) -> [Double] {
        var x = [Double](repeating: 0, count: n * n)
        var e = [Double](repeating: 0, count: n)
        if let l = cholesky(a, dimension: n) {
            for j in 0..<n {
                e[j] = 1
                let column = choleskySolve(l, e, dimension: n)
                e[j] = 0
                for i in 0..<n { x[i * n + j] = column[i] }
            }
        } else {
            let f = pivotedLDLT(a, dimension: n)
            guard f.rank == n else { throw SingularMatrixError(rank: f.rank, dimension: n) }
            for j in 0..<n {
                e[j] = 1
                let column = pivotedSolve(f, e, dimension: n)
                e[j] = 0
                for i in 0..<n { x[i * n + j] = column[i] }
            }
        }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let s = 0.5 * (x[i * n + j] + x[j * n + i])
                x[i * n + j] = s
                x[j * n + i] = s
            }
        }
        return x
    }
}
