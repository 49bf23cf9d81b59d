import Testing
import NumericCore

/// The LAPACK wrappers on small systems whose answers are known in closed form.
struct LAPACKTests {
    /// A = [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]]; A·(1, −1)ᵀ = (2, −1)ᵀ; A⁻¹ = [[3, −2], [−2, 4]]/8.
    let a: [Double] = [4, 2, 2, 3]

    @Test func choleskyFactorsSolvesAndInverts() throws {
        let factor = try #require(LAPACK.cholesky(a, dimension: 2))
        #expect(abs(factor.diagonal[0] - 2) < 1e-15 && abs(factor.diagonal[1] - 2.0.squareRoot()) < 1e-15)
        #expect(factor.pivotsExceed(1.9) && !factor.pivotsExceed(2.1))
        let x = factor.solve([2, -1])
        #expect(abs(x[0] - 1) < 1e-15 && abs(x[1] + 1) < 1e-15)
        let inverse = factor.inverse()
        for (got, want) in zip(inverse, [3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8]) { #expect(abs(got - want) < 1e-15) }
        #expect(inverse[1] == inverse[2])
    }

    @Test func choleskyRefusesAnIndefiniteMatrix() {
        #expect(LAPACK.cholesky([1, 2, 2, 1], dimension: 2) == nil)
    }

    @Test func pivotedCholeskyFindsTheRankAndTheBasicSolution() {
        // A = v·vᵀ, v = (1, 2, 3): rank 1, the largest diagonal (index 2) is the first pivot; b = A·(1, 2, 3)ᵀ.
        let v = [1.0, 2, 3]
        let a = (0..<9).map { v[$0 / 3] * v[$0 % 3] }
        let f = LAPACK.pivotedCholesky(a, dimension: 3, tolerance: 1e-12)
        #expect(f.rank == 1)
        #expect(f.order.first == 2)
        let x = f.basicSolution(v.map { $0 * 14 })
        #expect(x[0] == 0 && x[1] == 0)
        #expect(abs(x[2] - 14.0 / 3) < 1e-14)
    }

    @Test func symmetricEigenOfATwoByTwo() throws {
        // [[1, 2], [2, 1]]: λ = −1 with (1, −1)/√2 and λ = 3 with (1, 1)/√2.
        let (values, vectors) = try #require(LAPACK.symmetricEigen([1, 2, 2, 1], dimension: 2))
        #expect(abs(values[0] + 1) < 1e-15 && abs(values[1] - 3) < 1e-15)
        let h = 0.5.squareRoot()
        #expect(abs(abs(vectors[0]) - h) < 1e-15 && abs(vectors[0] + vectors[1]) < 1e-15)
        #expect(abs(abs(vectors[2]) - h) < 1e-15 && abs(vectors[2] - vectors[3]) < 1e-15)
        #expect(LAPACK.symmetricEigen([1, .nan, .nan, 1], dimension: 2) == nil)
    }
}
