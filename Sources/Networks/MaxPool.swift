/// 2 × 2 max-pooling with stride 2 on NCHW images (PyTorch's `MaxPool2d(2)`): C × H × W in,
/// C × ⌊H/2⌋ × ⌊W/2⌋ out; an odd last row or column is dropped, as PyTorch does.
///
/// Forward: A[n, c, y, x] = max_{i, j ∈ {0, 1}} X[n, c, 2y + i, 2x + j].
/// Backward: the whole gradient of an output goes to the one input that was its maximum.
/// **Ties**: the first maximum in row-major window order wins — (0,0), (0,1), (1,0), (1,1) — because a later
/// entry replaces the running maximum only when strictly greater. The forward pass records the winner's
/// offset in `argmax`, so the backward pass never compares floats again.
public enum MaxPool {
    /// ⌊H/2⌋ × ⌊W/2⌋.
    @inline(__always)
    public static func outputSize(height: Int, width: Int) -> (height: Int, width: Int) { (height / 2, width / 2) }

    /// Forward over `batch · channels` planes of H × W; `argmax` (one Int32 per output) receives the offset,
    /// within its input plane, of each output's maximum.
    public static func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                               argmax: UnsafeMutablePointer<Int32>, planes: Int, height H: Int, width W: Int) {
        let Ho = H / 2, Wo = W / 2
        for plane in 0..<planes {
            let x = input + plane * H * W, a = output + plane * Ho * Wo, arg = argmax + plane * Ho * Wo
            for y in 0..<Ho {
                for c in 0..<Wo {
                    let top = 2 * y * W + 2 * c
                    var best = top, m = x[top]
                    if x[top + 1] > m { m = x[top + 1]; best = top + 1 }
                    if x[top + W] > m { m = x[top + W]; best = top + W }
                    if x[top + W + 1] > m { m = x[top + W + 1]; best = top + W + 1 }
                    a[y * Wo + c] = m
                    arg[y * Wo + c] = Int32(best)
                }
            }
        }
    }

    /// Backward: dX = 0, then dX[n, c, argmax] += dA[n, c, y, x] for every output (windows do not overlap).
    public static func backward(outputGradient: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
                                inputGradient: UnsafeMutablePointer<Float>, planes: Int, height H: Int, width W: Int) {
        let Ho = H / 2, Wo = W / 2
        for plane in 0..<planes {
            let dx = inputGradient + plane * H * W, da = outputGradient + plane * Ho * Wo, arg = argmax + plane * Ho * Wo
            for i in 0..<(H * W) { dx[i] = 0 }
            for q in 0..<(Ho * Wo) { dx[Int(arg[q])] += da[q] }
        }
    }
}
