import Testing
@testable import Analysis

@Suite("Dense symmetric linear algebra")
struct LinearAlgebraTests {
    @Test func choleskySolvesAPositiveDefiniteSystem() throws {
        let a = [4.0, 2, 0.6, 2, 5, 1, 0.6, 1, 3]
        let x = [1.0, -2, 0.5]
        let b = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * x[$1] } }
        let solved = SymmetricLinearAlgebra.solve(a, b, dimension: 3)
        #expect(solved.factorization == .cholesky)
        #expect(solved.rank == 3)
        for i in 0..<3 { #expect(abs(solved.solution[i] - x[i]) < 1e-13) }
    }

    @Test func pivotedCholeskyHandlesASemidefiniteMatrix() {
        // Rank one: v·vᵀ with v = (1, 2, 3); b in the range of A.
        let v = [1.0, 2, 3]
        let a = (0..<9).map { v[$0 / 3] * v[$0 % 3] }
        let b = v.map { $0 * 14 }  // A·(1, 2, 3)ᵀ = v·14
        let solved = SymmetricLinearAlgebra.solve(a, b, dimension: 3)
        #expect(solved.factorization == .pivotedCholesky)
        #expect(solved.rank == 1)
        // A·x reproduces b.
        for i in 0..<3 {
            let ax = (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * solved.solution[$1] }
            #expect(abs(ax - b[i]) < 1e-12)
        }
    }

    @Test func inverseTimesMatrixIsIdentity() throws {
        let a = [4.0, 2, 0.6, 2, 5, 1, 0.6, 1, 3]
        let inv = try SymmetricLinearAlgebra.inverse(a, dimension: 3)
        for i in 0..<3 {
            for j in 0..<3 {
                let s = (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * inv[$1 * 3 + j] }
                #expect(abs(s - (i == j ? 1 : 0)) < 1e-13)
            }
        }
        // An indefinite but regular matrix goes through the eigendecomposition.
        let b = [1.0, 2, 2, 1]
        let binv = try SymmetricLinearAlgebra.inverse(b, dimension: 2)
        #expect(abs(binv[0] - (-1.0 / 3)) < 1e-14 && abs(binv[1] - 2.0 / 3) < 1e-14)
    }

    @Test func singularMatrixThrows() {
        #expect(throws: SingularMatrixError(rank: 1, dimension: 2)) {
            try SymmetricLinearAlgebra.inverse([1, 1, 1, 1], dimension: 2)
        }
    }
}

@Suite("Distributions")
struct DistributionTests {
    // Reference values from scipy.stats 1.17 (t.ppf, norm.ppf, f.sf, t.sf).
    @Test(arguments: [
        (0.975, 1.0, 12.706204736174694), (0.975, 2, 4.302652729749462), (0.975, 3, 3.1824463052837078),
        (0.975, 5, 2.5705818356363146), (0.975, 10, 2.228138851986274), (0.975, 30, 2.0422724563012378),
        (0.995, 3, 5.840909309733355), (0.975, 1000, 1.9623390808264083), (0.975, 2500, 1.960913344795567), (0.975, 40000, 1.960023293084913),
        (0.9, 7.5, 1.4052118464159533), (0.025, 12, -2.1788128296672293), (0.9999, 4, 13.033671720896821),
    ])
    func studentTQuantile(p: Double, nu: Double, expected: Double) {
        let t = StudentT.quantile(p, degreesOfFreedom: nu)
        #expect(relativelyClose(t, expected, 1e-12), "t_\(p)(\(nu)) = \(t), scipy \(expected)")
    }

    @Test func normalQuantileAndTails() {
        #expect(relativelyClose(StandardNormal.quantile(0.975), 1.959963984540054, 1e-14))
        #expect(relativelyClose(StandardNormal.quantile(1e-10), -6.361340902404056, 1e-13))
        #expect(relativelyClose(StudentT.upperTail(2.5, degreesOfFreedom: 7), 0.020496109292876444, 1e-12))
        #expect(relativelyClose(fDistributionUpperTail(3.0, 2, 10), 0.09536743164062497, 1e-12))
        #expect(relativelyClose(fDistributionUpperTail(1.5, 6, 4000), 0.17389418447486482, 1e-10))
        #expect(relativelyClose(fDistributionUpperTail(0.2, 3, 7), 0.8931679556624899, 1e-12))
    }
}

@Suite("Levenberg–Marquardt")
struct LevenbergMarquardtTests {
    /// Rosenbrock as least squares: r = (10(x₂ − x₁²), 1 − x₁).
    static func rosenbrock() -> ResidualProblem {
        ResidualProblem(parameterCount: 2,
                        residuals: { x in [10 * (x[1] - x[0] * x[0]), 1 - x[0]] },
                        jacobian: { x in [[-20 * x[0], 10], [-1, 0]] })
    }

    @Test func findsTheRosenbrockMinimum() throws {
        let s = try LevenbergMarquardt.minimize(Self.rosenbrock(), start: [-1.2, 1], bounds: [.unbounded, .unbounded])
        #expect(abs(s.parameters[0] - 1) < 1e-8 && abs(s.parameters[1] - 1) < 1e-8)
        #expect(s.boundContacts == [nil, nil])
    }

    @Test func respectsBoxBoundsAndReportsContacts() throws {
        // With x₁ ≤ 0.5 the constrained minimum is (0.5, 0.25).
        let s = try LevenbergMarquardt.minimize(Self.rosenbrock(), start: [-1.2, 1],
                                                bounds: [ParameterBounds(lower: -2, upper: 0.5), .unbounded])
        #expect(abs(s.parameters[0] - 0.5) < 1e-12)
        #expect(abs(s.parameters[1] - 0.25) < 1e-8)
        #expect(s.boundContacts[0] == .upper && s.boundContacts[1] == nil)
    }

    @Test func nonConvergenceIsATypedErrorWithTheLastStep() {
        do {
            var options = LevenbergMarquardt.Options()
            options.maxIterations = 3
            _ = try LevenbergMarquardt.minimize(Self.rosenbrock(), start: [-1.2, 1], bounds: [.unbounded, .unbounded], options: options)
            Issue.record("expected non-convergence")
        } catch {
            #expect(error.reason == .iterationLimit)
            #expect(error.iterations == 3)
            #expect(error.lastStep.count == 2 && error.lastStep.contains { $0 != 0 })
            #expect(error.description.contains("after 3 iterations"))
            #expect(!error.description.contains("\n"))
        }
    }
}
