import Foundation

/// How the y + 1 losses L_0…L_y of one step combine into the smoothed loss, and with which weight each
/// sample's gradient enters the step's gradient.
public enum SampleCombination {
    /// The smoothed loss and the coefficients c_a with ∇(loss) = Σ_a c_a ∇L(W + ΔW^a).
    ///
    /// - PLA (eq. 19): loss = (1/S) [L_0 + Σ_{a≥1} K_a L_a], c_0 = 1/S, c_a = K_a/S, K_a = e^{−d_a};
    /// - PLEA (eq. 14): z_a = −L_a − d_a (d_0 = 0), loss = log S − logsumexp(z), c_a = softmax(z)_a;
    /// with S = y + 1. `distances` holds d_a (all zero for the hard hypercube and the Gaussian kernel).
    /// The kernel weights depend on ΔW only, never on W, so they are constants of the gradient.
    public static func combine(kind: LossConfiguration.Kind, losses: UnsafePointer<Double>,
                               distances: UnsafePointer<Double>, count s: Int,
                               coefficients: UnsafeMutablePointer<Double>) -> Double {
        switch kind {
        case .ce:
            precondition(s == 1)
            coefficients[0] = 1
            return losses[0]
        case .pla:
            var loss = losses[0]
            coefficients[0] = 1 / Double(s)
            for a in 1..<s {
                let k = exp(-distances[a])
                loss += k * losses[a]
                coefficients[a] = k / Double(s)
            }
            return loss / Double(s)
        case .plea:
            var m = -Double.infinity
            for a in 0..<s { m = max(m, -losses[a] - distances[a]) }
            var sum = 0.0
            for a in 0..<s { sum += exp(-losses[a] - distances[a] - m) }
            let lse = m + log(sum)
            for a in 0..<s { coefficients[a] = exp(-losses[a] - distances[a] - lse) }
            return log(Double(s)) - lse
        }
    }

    /// The coefficients c_a when they do not depend on the losses (PLA: c_0 = 1/S, c_a = e^{−d_a}/S, as in
    /// `combine`), written into `coefficients`; false, and nothing written, when they do (PLEA).
    public static func coefficientsBeforeLosses(kind: LossConfiguration.Kind, distances: UnsafePointer<Double>,
                                                count s: Int, coefficients: UnsafeMutablePointer<Double>) -> Bool {
        guard kind == .pla else { return false }
        coefficients[0] = 1 / Double(s)
        for a in 1..<s { coefficients[a] = exp(-distances[a]) / Double(s) }
        return true
    }
}
