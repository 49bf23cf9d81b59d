import Foundation
import Testing
import NumericCore

/// The vectorised tanh of the forward pass against the exact one.
@Suite struct FastTanhTests {
    /// Every value of a grid over [−12, 12].
    func grid(step: Double = 1e-4) -> [Float] {
        stride(from: -12.0, through: 12.0, by: step).map { Float($0) }
    }

    func approximate(_ xs: [Float]) -> [Float] {
        var ys = xs
        ys.withUnsafeMutableBufferPointer { tanhInPlace($0.baseAddress!, count: $0.count) }
        return ys
    }

    @Test("Within 3.5·10⁻⁷ of tanh on [−12, 12] (a few ulps of a Float near ±1), and relatively within 10⁻⁶ near 0")
    func accuracy() {
        let xs = grid() + (0..<2000).map { Float($0) * 1e-6 }
        let ys = approximate(xs)
        var worst = 0.0, worstRelative = 0.0
        for (x, y) in zip(xs, ys) {
            let exact = Foundation.tanh(Double(x))
            worst = max(worst, abs(Double(y) - exact))
            if abs(x) < 0.5 && x != 0 { worstRelative = max(worstRelative, abs(Double(y) - exact) / abs(exact)) }
        }
        #expect(worst < 3.5e-7, "max |error| = \(worst)")
        #expect(worstRelative < 1e-6, "max relative error below 0.5: \(worstRelative)")
    }

    @Test("Odd, monotone up to its error, bounded by 1 (so 1 − tanh² ≥ 0), ±1 far out")
    func shape() {
        let xs = grid(step: 1e-3)
        let ys = approximate(xs)
        let mirrored = approximate(xs.map { -$0 })
        #expect(zip(ys, mirrored).allSatisfy { $0 == -$1 })
        #expect(ys.allSatisfy { abs($0) <= 1 })
        // Near saturation the rational form wiggles by a few ulps (at most 4.2·10⁻⁷ down between neighbours).
        #expect(zip(ys, ys.dropFirst()).allSatisfy { $1 - $0 >= -5e-7 })
        #expect(zip(ys, ys.dropFirst()).filter { abs($0.0) < 0.9 }.allSatisfy { $0 <= $1 })
        #expect(approximate([20, -20, .infinity, -.infinity]) == [1, -1, 1, -1])
    }

    @Test("NaN stays NaN: a diverged run must still be seen as diverged")
    func notANumber() {
        let ys = approximate([.nan, 1, .nan, 0, 0, 0, 0, 0, .nan])
        #expect(ys[0].isNaN && ys[2].isNaN && ys[8].isNaN && !ys[1].isNaN)
    }

    @Test("The tail after the last full SIMD8 vector gets the same values")
    func tail() {
        let xs: [Float] = (0..<13).map { Float($0) * 0.37 - 2 }
        let ys = approximate(xs)
        for (x, y) in zip(xs, ys) { #expect(y == tanh8(SIMD8(repeating: x))[0]) }
    }
}
