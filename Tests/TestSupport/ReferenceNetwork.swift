import Foundation

/// A Float64 reference of thermo's fully-connected network, written independently with plain loops: the loss
/// L = (1/B) Σ_n [logsumexp(z_n) − z_{n,y_n}] of an MLP whose parameters are given as one flat array in
/// thermo's layout (W_1 row-major (n_1, n_0), b_1, W_2, …), ReLU or tanh on hidden layers.
public func referenceLoss(_ p: [Double], widths: [Int], relu: Bool, x: [Double], y: [Int]) -> Double {
    let batch = y.count
    var total = 0.0
    for n in 0..<batch {
        var a = Array(x[(n * widths[0])..<((n + 1) * widths[0])])
        var offset = 0
        for l in 1..<widths.count {
            let nin = widths[l - 1], nout = widths[l]
            var z = [Double](repeating: 0, count: nout)
            for i in 0..<nout {
                var s = p[offset + nout * nin + i]  // bias
                for j in 0..<nin { s += p[offset + i * nin + j] * a[j] }
                z[i] = s
            }
            offset += nout * nin + nout
            if l < widths.count - 1 {
                a = z.map { relu ? max(0, $0) : tanh($0) }
            } else {
                let m = z.max()!
                let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
                total += lse - z[y[n]]
            }
        }
    }
    return total / Double(batch)
}
