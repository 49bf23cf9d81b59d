import Foundation
import NumericCore
import Synchronization
import Testing

@Suite("Concurrent work on the worker pool")
struct ConcurrentWorkTests {
    @Test("Every iteration runs exactly once, for any count, call after call")
    func everyIterationOnce() {
        for n in [0, 1, 2, 3, 7, 64, 1000] {
            for _ in 0..<50 {
                let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(1, n))
                counts.initialize(repeating: 0, count: max(1, n))
                defer { counts.deallocate() }
                ConcurrentWork.forEach(iterations: n) { i in counts[i] += 1 }
                #expect((0..<n).allSatisfy { counts[$0] == 1 }, "n = \(n)")
            }
        }
    }

    @Test("forEachRange covers 0..<count with disjoint ranges")
    func rangesCover() {
        for (count, parts) in [(10, 3), (3, 10), (0, 4), (1000, 2), (17, 17)] {
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(1, count))
            hits.initialize(repeating: 0, count: max(1, count))
            defer { hits.deallocate() }
            ConcurrentWork.forEachRange(count: count, parts: parts) { lo, hi in
                for i in lo..<hi { hits[i] += 1 }
            }
            #expect((0..<count).allSatisfy { hits[$0] == 1 }, "count \(count), parts \(parts)")
        }
    }

    @Test("A call from inside an iteration (the pool busy) runs its own iterations, all of them")
    func nestedCalls() {
        let grid = UnsafeMutablePointer<Int>.allocate(capacity: 8 * 8)
        grid.initialize(repeating: 0, count: 64)
        defer { grid.deallocate() }
        ConcurrentWork.forEach(iterations: 8) { i in
            ConcurrentWork.forEach(iterations: 8) { j in grid[8 * i + j] += 1 }
        }
        #expect((0..<64).allSatisfy { grid[$0] == 1 })
    }

    @Test("Calls from several threads at once each complete every iteration")
    func callsFromSeveralThreads() {
        let totals = Mutex([Int](repeating: 0, count: 4))
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for _ in 0..<200 {
                let sums = UnsafeMutablePointer<Int>.allocate(capacity: 16)
                sums.initialize(repeating: 0, count: 16)
                ConcurrentWork.forEach(iterations: 16) { i in sums[i] = i + 1 }
                let total = (0..<16).reduce(0) { $0 + sums[$1] }
                sums.deallocate()
                totals.withLock { $0[caller] += total }
            }
        }
        #expect(totals.withLock { $0 } == [Int](repeating: 200 * 136, count: 4))
    }

    @Test("With more than one core, the iterations of one call run on more than one thread")
    func runsInParallel() {
        guard ProcessInfo.processInfo.activeProcessorCount > 1 else { return }
        // Two iterations that each wait for the other to start: they finish only if they run at the same time.
        var overlapped = false
        for _ in 0..<20 where !overlapped {
            let started = Atomic<Int>(0)
            let met = Atomic<Int>(0)
            ConcurrentWork.forEach(iterations: 2) { _ in
                started.add(1, ordering: .sequentiallyConsistent)
                let deadline = Date().addingTimeInterval(0.5)
                while started.load(ordering: .sequentiallyConsistent) < 2 && Date() < deadline {}
                if started.load(ordering: .sequentiallyConsistent) == 2 { met.add(1, ordering: .sequentiallyConsistent) }
            }
            overlapped = met.load(ordering: .sequentiallyConsistent) == 2
        }
        #expect(overlapped, "two iterations never ran at the same time")
    }
}
