/// A value handed to concurrent work that touches disjoint memory, which the compiler cannot see.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    /// The value shared with the concurrent iterations.
    public let value: Value
    /// Wraps `value`; the caller vouches that the concurrent uses of it touch disjoint memory.
    public init(_ value: Value) { self.value = value }
}

/// Work split over threads: each iteration runs once, the iterations of one call concurrently (on the
/// process's ``WorkerPool``: one small allocation per call), and the call returns when all are done. The caller
/// guarantees that iterations touch disjoint memory, so results never depend on the scheduling; a call made while
/// the pool is busy (from inside another call's iteration, or from a second thread) runs its iterations in order
/// on the calling thread.
public enum ConcurrentWork {
    /// Runs `body(i)` for every i in 0..<iterations, concurrently when there is more than one.
    public static func forEach(iterations: Int, _ body: (Int) -> Void) {
        if iterations <= 1 {
            if iterations == 1 { body(0) }
            return
        }
        if !WorkerPool.shared.run(iterations: iterations, body) {
            for i in 0..<iterations { body(i) }
        }
    }

    /// Splits 0..<count into `parts` contiguous ranges of ⌈count/parts⌉ (the last one shorter; empty ones are
    /// skipped) and runs `body(lower, upper)` for each range [lower, upper), concurrently when parts > 1.
    @inlinable
    public static func forEachRange(count: Int, parts: Int, _ body: (Int, Int) -> Void) {
        let parts = max(1, parts)
        let size = (count + parts - 1) / parts
        forEach(iterations: parts) { part in
            let lower = part * size, upper = min(count, lower + size)
            if lower < upper { body(lower, upper) }
        }
    }
}
