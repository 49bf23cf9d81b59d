/// 2 × 2 max-pooling with stride 2 on NCHW images (PyTorch's `MaxPool2d(2)`): C × H × W in,
/// C × ⌊H/2⌋ × ⌊W/2⌋ out; an odd last row or column is dropped, as PyTorch does.
///
/// Forward: A[n, c, y, x] = max_{i, j ∈ {0, 1}} X[n, c, 2y + i, 2x + j].
/// Backward: the whole gradient of an output goes to the one input that was its maximum.
/// **Ties**: the first maximum in row-major window order wins — (0,0), (0,1), (1,0), (1,1) — because a later
/// entry replaces the running maximum only when strictly greater. The forward pass records the winner's
/// place in its window in `argmax` (one byte an output: k = 2i + j for (i, j), so the input offset is
/// 2y·W + 2x + i·W + j, ``inputOffset(window:row:column:width:)``), and the backward pass never compares floats
/// again. A byte rather than the offset in the plane keeps the argmax of paper-mnist's two poolings at 2.7 MB
/// for a batch of 256 (10.6 MB as Int32 offsets).
public enum MaxPool {
    /// ⌊H/2⌋ × ⌊W/2⌋.
    @inline(__always)
    public static func outputSize(height: Int, width: Int) -> (height: Int, width: Int) { (height / 2, width / 2) }

    /// The offset in its H × W input plane (row length `width`) of window place k = 2i + j of output (y, x).
    @inline(__always)
    public static func inputOffset(window k: UInt8, row y: Int, column x: Int, width W: Int) -> Int {
        (2 * y + Int(k >> 1)) * W + 2 * x + Int(k & 1)
    }

    /// Forward over `batch · channels` planes of H × W; `argmax` (one byte per output) receives the place
    /// k = 2i + j of each output's maximum in its 2 × 2 window.
    public static func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                               argmax: UnsafeMutablePointer<UInt8>, planes: Int, height H: Int, width W: Int) {
        let Ho = H / 2, Wo = W / 2
        for plane in 0..<planes {
            let x = input + plane * H * W, a = output + plane * Ho * Wo, arg = argmax + plane * Ho * Wo
            for y in 0..<Ho {
                for c in 0..<Wo {
                    let top = 2 * y * W + 2 * c
                    var best: UInt8 = 0, m = x[top]
                    if x[top + 1] > m { m = x[top + 1]; best = 1 }
                    if x[top + W] > m { m = x[top + W]; best = 2 }
                    if x[top + W + 1] > m { m = x[top + W + 1]; best = 3 }
                    a[y * Wo + c] = m
                    arg[y * Wo + c] = best
                }
            }
        }
    }

    /// Backward: dX = 0, then dX[n, c, 2y + i, 2x + j] = dA[n, c, y, x] for every output, (i, j) its maximum's
    /// place (windows do not overlap).
    public static func backward(outputGradient: UnsafePointer<Float>, argmax: UnsafePointer<UInt8>,
                                inputGradient: UnsafeMutablePointer<Float>, planes: Int, height H: Int, width W: Int) {
        let Ho = H / 2, Wo = W / 2
        for plane in 0..<planes {
            let dx = inputGradient + plane * H * W, da = outputGradient + plane * Ho * Wo, arg = argmax + plane * Ho * Wo
            for i in 0..<(H * W) { dx[i] = 0 }
            for y in 0..<Ho {
                for c in 0..<Wo { dx[inputOffset(window: arg[y * Wo + c], row: y, column: c, width: W)] = da[y * Wo + c] }
            }
        }
    }
}
