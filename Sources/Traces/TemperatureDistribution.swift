import Foundation

/// The distribution over the weights of one layer of their per-weight temperatures v_ω (the variance of
/// ∂L/∂ω across an epoch's mini-batches): mean, quantiles and a histogram on fixed log-spaced bins.
///
/// - Quantiles at the levels ``levels`` (5, 25, 50, 75, 95 %), by linear interpolation between order
///   statistics (numpy's default, `np.quantile(v, p)`): with v sorted ascending and h = (N − 1)·p,
///   q(p) = v_⌊h⌋ + (h − ⌊h⌋)(v_⌊h⌋+1 − v_⌊h⌋).
/// - Histogram: ``binCount`` = 82 bins. With edges e_j = 10^(j/4 − 20), j = 0…80 (four bins per decade, from
///   10⁻²⁰ to 1), bin 0 is [0, e_0) (it holds the weights whose gradient never changed, v = 0), bin i is
///   [e_{i−1}, e_i) for i = 1…80, and bin 81 is [1, ∞). Counts are numbers of weights, summing to N_l.
///   Comparisons are made in Float64 on the Float32 values.
public enum TemperatureDistribution {
    /// The quantile levels p: 0.05, 0.25, 0.5, 0.75, 0.95.
    public static let levels: [Double] = [0.05, 0.25, 0.5, 0.75, 0.95]
    /// The number of histogram bins: underflow, 80 quarter-decade bins, overflow.
    public static let binCount = 82
    /// e_j = 10^(j/4 − 20) for j = 0…80.
    public static let edges: [Double] = (0...80).map { pow(10.0, Double($0) / 4 - 20) }
    /// Lower edge of each bin: 0, e_0, …, e_80.
    public static let lowerEdges: [Double] = [0] + edges
    /// Upper edge of each bin: e_0, …, e_80, +∞.
    public static let upperEdges: [Double] = edges + [Double.infinity]

    /// Sorts `values` (non-negative Float32, as produced by the recorder) ascending in place, using `scratch`
    /// (at least `count` entries): an LSD radix sort on the IEEE bit patterns, which order non-negative floats
    /// exactly as their values. Linear time, no allocation.
    public static func sortNonNegative(_ values: UnsafeMutablePointer<Float>, count: Int, scratch: UnsafeMutablePointer<Float>) {
        guard count > 1 else { return }
        let a = UnsafeMutableRawPointer(values).bindMemory(to: UInt32.self, capacity: count)
        let b = UnsafeMutableRawPointer(scratch).bindMemory(to: UInt32.self, capacity: count)
        defer {
            _ = UnsafeMutableRawPointer(values).bindMemory(to: Float.self, capacity: count)
            _ = UnsafeMutableRawPointer(scratch).bindMemory(to: Float.self, capacity: count)
        }
        var source = a, target = b
        var counts = [Int](repeating: 0, count: 256)
        counts.withUnsafeMutableBufferPointer { counts in
            for shift in stride(from: UInt32(0), to: 32, by: 8) {
                for i in 0..<256 { counts[i] = 0 }
                for i in 0..<count { counts[Int((source[i] >> shift) & 0xff)] += 1 }
                if counts[Int((source[0] >> shift) & 0xff)] == count { continue }  // this byte is the same everywhere
                var offset = 0
                for i in 0..<256 { let c = counts[i]; counts[i] = offset; offset += c }
                for i in 0..<count {
                    let key = Int((source[i] >> shift) & 0xff)
                    target[counts[key]] = source[i]
                    counts[key] += 1
                }
                swap(&source, &target)
            }
        }
        if source != a { a.update(from: source, count: count) }
    }

    /// The quantiles at ``levels`` of `sorted` (ascending), by linear interpolation; NaN when empty.
    public static func quantiles(sorted: UnsafePointer<Float>, count: Int) -> [Double] {
        levels.map { p in
            guard count > 0 else { return .nan }
            let h = Double(count - 1) * p
            let lo = Int(h.rounded(.down)), hi = min(lo + 1, count - 1)
            let a = Double(sorted[lo]), b = Double(sorted[hi])
            return a + (h - Double(lo)) * (b - a)
        }
    }

    /// The histogram counts (``binCount`` bins) of `sorted` (ascending).
    public static func histogram(sorted: UnsafePointer<Float>, count: Int) -> [Int64] {
        // below[j] = the number of values < e_j, found by binary search.
        let below = edges.map { edge -> Int in
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(sorted[mid]) < edge { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        var counts = [Int64](repeating: 0, count: binCount)
        counts[0] = Int64(below[0])
        for j in 1..<below.count { counts[j] = Int64(below[j] - below[j - 1]) }
        counts[binCount - 1] = Int64(count - below[below.count - 1])
        return counts
    }

    /// The bin that a value falls into (a reference for tests and readers: the same rule as ``histogram``).
    public static func bin(of value: Double) -> Int {
        var i = 0
        while i < edges.count && !(value < edges[i]) { i += 1 }
        return i
    }
}
