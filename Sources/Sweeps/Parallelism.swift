/// How a local sweep shares the machine: `jobs` cells at once, each with `threads` BLAS threads, so that
/// jobs × threads ≤ cores.
///
/// The default is one BLAS thread per cell and as many cells at once as there are cores. A sweep is many
/// independent runs: running them side by side uses every core with no synchronisation at all, while one run's
/// BLAS threads share each matrix product and wait for each other, which pays off only for large layers. The
/// thread count does not follow `--jobs` by default because a run's numbers are bit-identical only for a given
/// count: a cell resumed by a later run of the sweep with other `--jobs` continues with the same arithmetic.
public struct Parallelism: Sendable, Equatable {
    /// Cells run at once.
    public let jobs: Int
    /// BLAS threads of each cell.
    public let threads: Int

    /// `jobs` and `threads` as given, or chosen: threads defaults to 1 and jobs to cores ÷ threads (at least 1).
    /// Jobs × threads above `cores` is refused.
    public init(jobs: Int?, threads: Int?, cores: Int) throws(SweepError) {
        let cores = max(1, cores)
        if let jobs, jobs < 1 { throw .invalid("--jobs must be at least 1, got \(jobs)") }
        if let threads, threads < 1 { throw .invalid("--threads must be at least 1, got \(threads)") }
        let j = jobs ?? max(1, cores / (threads ?? 1))
        let t = threads ?? 1
        guard j * t <= cores else {
            throw .invalid("--jobs \(j) × --threads \(t) = \(j * t) BLAS threads on \(cores) core\(cores == 1 ? "" : "s"); "
                + "lower --jobs or --threads so that jobs × threads ≤ \(cores)")
        }
        self.jobs = j
        self.threads = t
    }
}
