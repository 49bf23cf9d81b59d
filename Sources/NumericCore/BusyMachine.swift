import Foundation

/// A warning for a run that asks for several BLAS threads on a machine other processes already keep busy.
///
/// OpenBLAS's threads wait for one another actively (they spin and yield rather than sleep at once), so when the
/// cores they need are taken by other work, every matrix product waits for a thread that is not running. On this
/// project's 2-core machine, `thermo train --network paper-mnist` with 2 threads beside two busy processes
/// trained at 36 images/s, and with `--threads 1` beside the same two at 335 (docs/performance.md).
public enum BusyMachine {
    /// The 1-minute load average, the first field of `/proc/loadavg` (`2.05 1.98 1.50 3/120 4567`), or nil.
    public static func loadAverage(fromProcLoadavg text: String) -> Double? {
        text.split(separator: " ").first.flatMap { Double($0) }.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
    }

    /// This machine's 1-minute load average, or nil where `/proc/loadavg` cannot be read.
    public static func loadAverage() -> Double? {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap(loadAverage(fromProcLoadavg:))
    }

    /// The note for a run of `threads` BLAS threads on `cores` cores with load average `load` before it starts, or
    /// nil: one is given when the run asks for more than one thread and other work already takes a core it wants
    /// (load + threads ≥ cores + 1).
    public static func note(load: Double, cores: Int, threads: Int) -> String? {
        guard threads > 1, load + Double(threads) >= Double(cores) + 1 else { return nil }
        let shown = String(format: "%.1f", load)
        return "the machine is busy (load average \(shown) on \(cores) cores) and this run asks for \(threads) BLAS "
            + "threads: OpenBLAS's threads wait for one another actively, which can slow a run many times over while "
            + "other work holds the cores; pass --threads \(max(1, min(threads - 1, cores - Int(load.rounded())))) "
            + "while it runs"
    }
}
