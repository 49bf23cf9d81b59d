// Small dense symmetric linear algebra in Float64 for the fits, on LAPACK (through NumericCore's `LAPACK`).
// The matrices here are the normal equations of a fit (a handful of parameters).
import NumericCore

/// The factorization a symmetric solve ended up using.
public enum SymmetricFactorization: String, Codable, Sendable {
    /// A = L·Lᵀ with L lower triangular (the matrix was numerically positive definite).
    case cholesky
    /// P·A·Pᵀ = L·Lᵀ with complete (diagonal) pivoting, largest remaining diagonal first; pivots below the
    /// rank tolerance are dropped, giving the basic solution of a rank-deficient positive-semidefinite system.
    case pivotedCholesky
}

/// A symmetric system that could not be inverted: its numerical rank is below its dimension.
public struct SingularMatrixError: Error, Equatable, Sendable, DescribedError {
    /// The numerical rank: the number of eigenvalues |λ_k| above the rank tolerance.
    public let rank: Int
    /// The dimension n of the n×n matrix.
    public let dimension: Int
    /// The error as one line: dimension, numerical rank, and that some parameters are not identifiable.
    public var description: String {
        "the \(dimension)×\(dimension) matrix is singular (numerical rank \(rank)): some parameters are not identifiable"
    }
}

/// Dense symmetric solvers on row-major n×n `[Double]` matrices, on LAPACK.
///
/// A matrix is numerically positive definite when its Cholesky factorization A = L·Lᵀ (`dpotrf`) exists
/// with every pivot l_kk² above the rank tolerance n·ε·max_j |A_jj| (ε = `Double.ulpOfOne`). `solve` then
/// uses it (`dpotrs`); otherwise it factors P·A·Pᵀ = L·Lᵀ with complete pivoting (`dpstrf`, same tolerance)
/// and returns the basic solution, zero along the dropped pivots, with the numerical rank. `inverse` uses
/// the Cholesky factor (`dpotri`) or, failing that, the eigendecomposition A = V·Λ·Vᵀ (`dsyev`):
/// A⁻¹ = V·Λ⁻¹·Vᵀ when every |λ_k| is above the tolerance (an indefinite but regular matrix), else it
/// throws `SingularMatrixError`.
public enum SymmetricLinearAlgebra {
    /// The rank tolerance n·ε·max_j |A_jj|.
    static func rankTolerance(_ a: [Double], dimension n: Int) -> Double {
        var maxDiagonal = 0.0
        for k in 0..<n { maxDiagonal = max(maxDiagonal, abs(a[k * n + k])) }
        return Double(n) * Double.ulpOfOne * maxDiagonal
    }

    /// The Cholesky factor of `a` if `a` is numerically positive definite (every pivot above the tolerance).
    static func positiveDefiniteFactor(_ a: [Double], dimension n: Int) -> LAPACK.Cholesky? {
        guard let factor = LAPACK.cholesky(a, dimension: n),
              factor.pivotsExceed(rankTolerance(a, dimension: n)) else { return nil }
        return factor
    }

    /// Solves the symmetric positive-semidefinite system A·x = b (the normal equations of a fit): Cholesky
    /// first, the pivoted Cholesky's basic solution as the fallback. Returns the solution, the factorization
    /// used and the numerical rank.
    public static func solve(_ a: [Double], _ b: [Double], dimension n: Int)
        -> (solution: [Double], factorization: SymmetricFactorization, rank: Int)
    {
        precondition(a.count == n * n, "solve: expected \(n)×\(n) entries")
        precondition(b.count == n, "solve: right-hand side has \(b.count) entries, expected \(n)")
        if let factor = positiveDefiniteFactor(a, dimension: n) {
            return (factor.solve(b), .cholesky, n)
        }
        let pivoted = LAPACK.pivotedCholesky(a, dimension: n, tolerance: rankTolerance(a, dimension: n))
        return (pivoted.basicSolution(b), .pivotedCholesky, pivoted.rank)
    }

    /// The inverse A⁻¹ of a symmetric matrix, exactly symmetric: from the Cholesky factor when A is
    /// numerically positive definite, else from the eigendecomposition when every |λ_k| is above the rank
    /// tolerance; otherwise `SingularMatrixError` is thrown with the number of eigenvalues above it.
    public static func inverse(_ a: [Double], dimension n: Int) throws(SingularMatrixError) -> [Double] {
        precondition(a.count == n * n, "inverse: expected \(n)×\(n) entries")
        if let factor = positiveDefiniteFactor(a, dimension: n) { return factor.inverse() }
        guard let (lambda, v) = LAPACK.symmetricEigen(a, dimension: n) else {
            throw SingularMatrixError(rank: 0, dimension: n)
        }
        let tolerance = rankTolerance(a, dimension: n)
        let rank = lambda.filter { abs($0) > tolerance }.count
        guard rank == n else { throw SingularMatrixError(rank: rank, dimension: n) }
        var x = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var s = 0.0
                for k in 0..<n { s += v[k * n + i] * v[k * n + j] / lambda[k] }
                x[i * n + j] = s
                x[j * n + i] = s
            }
        }
        return x
    }
}
