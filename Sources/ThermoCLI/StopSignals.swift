#if canImport(Glibc)
import Glibc
#endif
import Sweeps

/// The signal that asked the run to stop (SIGINT, SIGTERM, SIGQUIT or SIGHUP), or 0. Written only by the handler below (a
/// 32-bit store, atomic on every platform Swift runs on) and read between training steps.
nonisolated(unsafe) private var pendingStopSignal: Int32 = 0

/// SIGINT, SIGTERM (what Slurm sends before preemption or at its time limit) and SIGQUIT (Ctrl-\, which would
/// otherwise reach the Swift runtime's crash reporter) ask training to stop at the next step boundary, and so does
/// SIGHUP (a closed terminal or a dropped SSH session) unless it is ignored (`nohup`), which it then stays; a
/// second one exits at once (status 128 + signal), which still leaves a readable trace and every checkpoint
/// written so far.
enum StopSignals {
    /// Installs the handlers.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            if pendingStopSignal != 0 { _exit(128 + signal) }
            pendingStopSignal = signal
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        signal(SIGQUIT, handler)
        // Under nohup SIGHUP is ignored, and must stay so: the user asked the run to outlive the terminal.
        let previous = signal(SIGHUP, handler)
        let hangupIgnored = unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
        if hangupIgnored { signal(SIGHUP, SIG_IGN) }
        // A parent may have started us with these signals blocked (the mask is inherited across exec):
        // unblock them, or a scheduler's SIGTERM would never reach the handler.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGQUIT)
        if !hangupIgnored { sigaddset(&set, SIGHUP) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The pending signal, or nil.
    static var pending: Int32? { pendingStopSignal == 0 ? nil : pendingStopSignal }

    /// "SIGINT", "SIGTERM", "SIGQUIT", "SIGHUP" or "signal N".
    static func name(_ signal: Int32) -> String { signalName(signal) }
}
