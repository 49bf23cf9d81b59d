#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The threads behind ``ConcurrentWork``: one less than the machine's cores, started on first use and kept for
/// the life of the process. A parallel loop costs one small heap object (the wrapper `withoutActuallyEscaping`
/// makes to hand the caller's closure to other threads); Dispatch's `concurrentPerform` made about five a call.
/// Measured with heaptrack (docs/performance.md, "Allocations per step").
///
/// A job is one call's iterations 0..<n. The caller and the workers claim iterations one at a time under the
/// pool's mutex, so a job of n iterations runs on min(n, cores) threads; the caller returns when every iteration
/// has. One job runs at a time: a call that finds the pool busy (a nested call from inside an iteration, or a
/// second thread's call) runs its iterations itself, in order. Since ``ConcurrentWork``'s iterations touch
/// disjoint memory, the results are the same either way.
final class WorkerPool: @unchecked Sendable {
    /// The pool of the process.
    static let shared = WorkerPool(workers: max(0, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1))

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)   // workers: a new job
    private let done = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)   // the caller: the job is done
    private let workers: Int
    // The job; guarded by `mutex`. A non-optional function: an Optional one is stored reabstracted, and storing
    // and calling it allocated thunks (three allocations a call).
    private var job: (Int) -> Void = WorkerPool.noJob
    private var iterations = 0, next = 0, finished = 0, generation = 0
    private var busy = false

    private init(workers: Int) {
        self.workers = workers
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(done, nil)
        for _ in 0..<workers {
            var thread = pthread_t()
            let context = Unmanaged.passUnretained(self).toOpaque()
            let started = pthread_create(&thread, nil, { context in
                Unmanaged<WorkerPool>.fromOpaque(context!).takeUnretainedValue().work()
            }, context)
            precondition(started == 0, "cannot start a worker thread (pthread_create: \(started))")
            pthread_detach(thread)
        }
    }

    /// Runs `body(i)` for every i in 0..<n on the pool's threads and this one; returns false, having run
    /// nothing, when the pool has no workers or is busy with another job.
    func run(iterations n: Int, _ body: (Int) -> Void) -> Bool {
        pthread_mutex_lock(mutex)
        guard workers > 0, !busy else {
            pthread_mutex_unlock(mutex)
            return false
        }
        busy = true
        withoutActuallyEscaping(body) { body in
            job = body
            (iterations, next, finished) = (n, 0, 0)
            generation &+= 1
            pthread_cond_broadcast(wake)
            claimIterations()
            while finished < iterations { pthread_cond_wait(done, mutex) }
            job = WorkerPool.noJob  // the last reference beside the caller's: `body` must not outlive this block
        }
        busy = false
        pthread_mutex_unlock(mutex)
        return true
    }

    /// A worker's life: wait for a job, take part in it, wait for the next.
    private func work() -> Never {
        pthread_mutex_lock(mutex)
        var seen = generation
        while true {
            while generation == seen { pthread_cond_wait(wake, mutex) }
            seen = generation
            claimIterations()
        }
    }

    /// Claims and runs the current job's iterations until none is left (the mutex held on entry and on return,
    /// released while an iteration runs).
    private func claimIterations() {
        while next < iterations {
            let i = next
            next += 1
            pthread_mutex_unlock(mutex)
            invoke(i)
            pthread_mutex_lock(mutex)
            finished += 1
            if finished == iterations { pthread_cond_signal(done) }
        }
    }

    /// Iteration i of the job. Its own function so that the reference to the closure it loads is released when
    /// it returns, before the iteration counts as finished.
    @inline(never)
    private func invoke(_ i: Int) {
        job(i)
    }

    /// The job between jobs (a function without captures, so assigning it allocates nothing).
    private static func noJob(_ i: Int) {}
}
