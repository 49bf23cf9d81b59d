import NumericCore

/// The fused, numerically stable softmax cross-entropy of a batch of logits.
public enum SoftmaxCrossEntropy {
    /// The loss and counts of one batch.
    public struct Result: Sendable {
        /// Σ_n ℓ_n, in Float64 (divide by the batch size for the mean loss).
        public var lossSum: Double
        /// The number of rows whose arg-max logit is the label (ties go to the lowest class index).
        public var correct: Int
    }

    /// For logits Z (B, C) and labels y: ℓ_n = logsumexp(Z_n) − Z_{n,y_n}, computed as
    /// m = max_c Z_{n,c}, ℓ_n = m + log Σ_c exp(Z_{n,c} − m) − Z_{n,y_n}.
    /// When `delta` is given it receives ∂(scale · Σ_n ℓ_n)/∂Z = scale · (softmax(Z_n) − onehot(y_n)), (B, C);
    /// with scale = 1/B this is the gradient of the mean loss.
    @inline(__always)
    public static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
                                delta: UnsafeMutablePointer<Float>?, scale: Float) -> Result {
        var lossSum = 0.0
        var correct = 0
        for r in 0..<batch {
            let z = logits + r * classes
            let y = Int(labels[r])
            var m = z[0]
            var arg = 0
            for c in 1..<classes where z[c] > m { m = z[c]; arg = c }
            if arg == y { correct += 1 }
            var sum: Float = 0
            for c in 0..<classes { sum += _expf(z[c] - m) }
            let logSum = _logf(sum)
            lossSum += Double(m + logSum - z[y])
            if let delta {
                let d = delta + r * classes
                let inv = scale / sum
                for c in 0..<classes { d[c] = _expf(z[c] - m) * inv }
                d[y] -= scale
            }
        }
        return Result(lossSum: lossSum, correct: correct)
    }
}
