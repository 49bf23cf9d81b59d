#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading with POSIX calls: its size, and positioned reads straight into the caller's
/// buffer (no intermediate `Data`). Closed when released.
final class InputFile {
    /// The path as given.
    let path: String
    /// The open descriptor.
    private let descriptor: Int32
    /// The file's size in bytes when it was opened.
    let size: Int

    /// Opens `path` for reading; a missing file, a folder or an unreadable file is an `IDXError.unreadable`.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IDXError.unreadable(path: path, reason: InputFile.lastError()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = InputFile.lastError()
            close(fd)
            throw IDXError.unreadable(path: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw IDXError.unreadable(path: path, reason: "not a regular file")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes at byte `offset` into `buffer`; returns how many were read, fewer than
    /// `count` only at the end of the file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw IDXError.unreadable(path: path, reason: InputFile.lastError())
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Up to `count` bytes at byte `offset`, fewer only at the end of the file.
    func readBytes(count: Int, at offset: Int) throws -> [UInt8] {
        var failure: Error?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            do {
                initialized = try read(into: UnsafeMutableRawPointer(base), count: count, at: offset)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// The text of the current `errno`.
    static func lastError() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}
