#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive lock on a cell (flock on `DIR/cells/ID/.lock`), held by the process that runs it, so that two
/// processes (a local sweep and a Slurm task, say) never run one cell at once. The kernel releases it when the
/// process ends, however it ends, so a killed cell never stays "running".
public final class CellLock {
    private let descriptor: Int32

    /// Takes the lock at `url`, or returns nil when another process holds it.
    public init?(at url: URL) throws {
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SweepError.io("cannot open the lock file \(url.path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Whether some process holds the lock at `url` (false when there is no lock file).
    public static func isHeld(at url: URL) -> Bool {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}
