#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The last SIGINT, SIGTERM, SIGHUP or SIGQUIT received while a `SignalWatch` is active (0: none).
private let receivedSignal = Atomic<Int32>(0)

/// Catches SIGINT, SIGTERM, SIGHUP and SIGQUIT while a local sweep runs, so that it can stop launching cells and
/// pass the signal on to the running ones; restores the default handlers when stopped.
final class SignalWatch {
    static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    init() {
        _ = receivedSignal.exchange(0, ordering: .relaxed) // initialise the global before any handler runs
        var set = sigset_t()
        sigemptyset(&set)
        for s in Self.signals {
            signal(s) { number in receivedSignal.store(number, ordering: .relaxed) }
            sigaddset(&set, s)
        }
        // A parent may have started this process with these signals blocked (the mask is inherited).
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal received since the last call, if any.
    func take() -> Int32? {
        let s = receivedSignal.exchange(0, ordering: .relaxed)
        return s == 0 ? nil : s
    }

    /// Restores the default dispositions.
    func stop() {
        for s in Self.signals { signal(s, SIG_DFL) }
    }

    /// A signal's name, for messages.
    static func name(_ signal: Int32) -> String { signalName(signal) }
}

/// "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGKILL" by number, else "signal N": the one naming of signals in
/// thermo's messages.
public func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    case SIGQUIT: return "SIGQUIT"
    case SIGKILL: return "SIGKILL"
    default: return "signal \(signal)"
    }
}
