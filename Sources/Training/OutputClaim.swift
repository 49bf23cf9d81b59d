#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NumericCore

/// An exclusive claim on an output path, held by the one process that will write it, from before the
/// existence check to the end of the run: an `flock` on a lock file beside it, `.NAME.thermo-lock`, which
/// holds the claimant's process id. The check and the write of an output are two steps; the claim makes them
/// one for every thermo process, so that two runs given one output never both go ahead (the second is refused
/// at its start), and `--force` never replaces a file a live run is writing.
///
/// The kernel drops the lock when the process ends, however it ends (even by SIGKILL), so a claim never
/// outlives its run; a lock file left by a killed run holds no lock and is taken over by the next claim.
/// ``release()`` removes the lock file while still holding the lock, and a claimant that locked a file
/// which was removed meanwhile (it compares the inode it locked with the one at the path) tries again, so two
/// processes never both hold "the" lock of one path. The claim never touches the output itself: the writer
/// creates it under a temporary name and renames it into place as before, and until then nothing at the
/// output's path looks like a result.
public final class OutputClaim {
    /// The output's path, as given.
    public let path: String
    /// The lock file's path.
    public let lockPath: String
    private var descriptor: Int32

    /// The suffix the lock file adds to an output's name (with a leading dot): its length counts against the
    /// 255 bytes of a file name.
    public static let lockSuffix = ".thermo-lock"

    /// Another process holds the claim on the output.
    public struct Held: Error, DescribedError {
        /// The output's path.
        public let path: String
        /// The process that holds it, when its lock file names it.
        public let holder: Int32?
        /// "PATH is being written by thermo process PID (it holds LOCK); …", with what to do.
        public var description: String {
            let who = holder.map { "thermo process \($0)" } ?? "another thermo process"
            return "\(path) is being written by \(who) (it holds \(OutputClaim.lockName(of: path))); "
                + "wait for that run to end, or choose another name"
        }
    }

    /// The lock file could not be made or is not a thermo lock.
    public struct Failure: Error, DescribedError {
        /// "cannot claim PATH: …", naming the lock file and what to do.
        public let description: String
    }

    /// The lock file of `path`: `.NAME.thermo-lock` in the folder of `path` (after resolving a symbolic link
    /// at `path` itself, so that a link and its target share one claim).
    public static func lockName(of path: String) -> String {
        let target = resolvedLink(path)
        let folder = folderOfPath(target)
        let name = "." + (target as NSString).lastPathComponent + lockSuffix
        return folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
    }

    /// `path`, or the file it names when it is a symbolic link (to an existing file).
    static func resolvedLink(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
              let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Claims `path`. Throws ``Held`` when another process holds it; with `waiting`, waits for that process
    /// to release it instead (for short critical sections such as a sweep's manifest check).
    public init(_ path: String, waiting: Bool = false) throws {
        self.path = path
        lockPath = OutputClaim.lockName(of: path)
        while true {
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                throw Failure(description: "cannot claim \(path): the lock file \(lockPath) cannot be made (\(reason)); choose a writable folder")
            }
            var code: Int32 = 0
            repeat { code = flock(fd, waiting ? LOCK_EX : LOCK_EX | LOCK_NB) } while code != 0 && errno == EINTR
            guard code == 0 else {
                let holder = OutputClaim.holder(fd)
                close(fd)
                throw Held(path: path, holder: holder)
            }
            // The holder before us may have removed the file between our open and our lock: try again.
            var locked = stat(), current = stat()
            guard fstat(fd, &locked) == 0, stat(lockPath, &current) == 0,
                  locked.st_dev == current.st_dev, locked.st_ino == current.st_ino else {
                close(fd)
                continue
            }
            guard OutputClaim.isLockFile(fd) else {
                close(fd)
                throw Failure(description: "cannot claim \(path): \(lockPath) exists and is not a thermo lock file; move it away")
            }
            let record = Array("thermo \(getpid())\n".utf8)
            // Written before the old record is cut, so that a reader never finds it empty once it was not.
            _ = record.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            _ = ftruncate(fd, off_t(record.count))
            descriptor = fd
            return
        }
    }

    /// Whether some process holds the claim on `path`, and which (nil when none does).
    public static func holder(of path: String) -> (held: Bool, pid: Int32?) {
        let fd = open(lockName(of: path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return (false, nil) }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { flock(fd, LOCK_UN); return (false, nil) }
        return (true, holder(fd))
    }

    /// Removes the lock file and drops the lock (idempotent). A run's claims are released when it ends.
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(lockPath)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// The process id a lock file records ("thermo PID"), if any.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self)
        guard text.hasPrefix("thermo ") else { return nil }
        return Int32(text.dropFirst(7).prefix { $0.isNumber })
    }

    /// Whether the open file is empty or a thermo lock file (anything else is someone's data: never truncated).
    private static func isLockFile(_ fd: Int32) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        if info.st_size == 0 { return true }
        var buffer = [UInt8](repeating: 0, count: 7)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return info.st_size < 64 && n == 7 && buffer == Array("thermo ".utf8)
    }
}
