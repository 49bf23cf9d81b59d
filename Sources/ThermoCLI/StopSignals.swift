#if canImport(Glibc)
import Glibc
#endif

/// The signal that asked the run to stop (SIGINT or SIGTERM), or 0. Written only by the handler below (a
/// 32-bit store, atomic on every platform Swift runs on) and read between training steps.
nonisolated(unsafe) private var pendingStopSignal: Int32 = 0

/// SIGINT and SIGTERM (what Slurm sends before preemption or at its time limit) ask training to stop at the
/// next step boundary; a second SIGINT or SIGTERM exits at once (status 128 + signal), which still leaves a
/// readable trace and every checkpoint written so far.
enum StopSignals {
    /// Installs the handlers.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            if pendingStopSignal != 0 { _exit(128 + signal) }
            pendingStopSignal = signal
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have started us with these signals blocked (the mask is inherited across exec):
        // unblock them, or a scheduler's SIGTERM would never reach the handler.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The pending signal, or nil.
    static var pending: Int32? { pendingStopSignal == 0 ? nil : pendingStopSignal }

    /// "SIGINT", "SIGTERM" or "signal N".
    static func name(_ signal: Int32) -> String {
        signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
    }
}
