import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NumericCore

/// Why one download failed.
public enum DownloadFailure: Error, Sendable, DescribedError {
    /// The host could not be reached at all (no network, no DNS, connection refused, timed out).
    case unreachable(host: String, reason: String)
    /// The server answered with an HTTP error status.
    case httpStatus(Int)
    /// The download grew past `limit` bytes and was stopped.
    case tooLarge(limit: Int)
    /// Writing the downloaded bytes failed.
    case cannotWrite(path: String, reason: String)
    /// Any other transfer error.
    case transfer(reason: String)

    /// Whether this failure means the host could not be reached (rather than a bad answer).
    public var isUnreachable: Bool { if case .unreachable = self { return true } else { return false } }

    /// One line.
    public var description: String {
        switch self {
        case let .unreachable(host, reason): return "cannot reach \(host) (\(reason))"
        case let .httpStatus(code): return "the server answered HTTP \(code)"
        case let .tooLarge(limit): return "the download grew past \(grouped(limit)) bytes and was stopped"
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .transfer(reason): return "transfer failed (\(reason))"
        }
    }
}

/// Downloads `url` into the file at `path` (created or truncated), streaming the body to disk as it arrives
/// and stopping past `limit` bytes. Returns the number of bytes written. Blocks until done.
///
/// Uses Foundation's `URLSession` (libcurl underneath on Linux); `timeout` is the longest wait for any
/// data before giving up.
public func downloadFile(from url: URL, to path: String, limit: Int, timeout: TimeInterval = 30) throws -> Int {
    guard FileManager.default.createFile(atPath: path, contents: nil),
          let handle = FileHandle(forWritingAtPath: path) else {
        throw DownloadFailure.cannotWrite(path: path, reason: "cannot create the file")
    }
    defer { try? handle.close() }
    let delegate = DownloadDelegate(handle: handle, path: path, limit: limit)
    FoundationScratch.around {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout, 1800)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        session.dataTask(with: url).resume()
        delegate.finished.wait()
        session.finishTasksAndInvalidate()
    }
    return try delegate.result(host: url.host ?? url.absoluteString)
}

/// Receives one transfer's events and writes its body to the file. Its state is guarded by a lock;
/// `finished` is signalled once the task completes.
private final class DownloadDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let handle: FileHandle
    private let path: String
    private let limit: Int
    private let lock = NSLock()
    private var written = 0
    private var status: Int?
    private var failure: DownloadFailure?
    private var transportError: Error?
    let finished = DispatchSemaphore(value: 0)

    init(handle: FileHandle, path: String, limit: Int) {
        self.handle = handle
        self.path = path
        self.limit = limit
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        let code = (response as? HTTPURLResponse)?.statusCode
        lock.withLock { status = code }
        if let code, !(200..<300).contains(code) {
            lock.withLock { failure = .httpStatus(code) }
            completionHandler(.cancel)
        } else {
            completionHandler(.allow)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let stop: Bool = lock.withLock {
            guard failure == nil else { return true }
            written += data.count
            if written > limit {
                failure = .tooLarge(limit: limit)
                return true
            }
            do {
                try handle.write(contentsOf: data)
            } catch {
                failure = .cannotWrite(path: path, reason: "\(error.localizedDescription)")
                return true
            }
            return false
        }
        if stop { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.withLock { transportError = error }
        finished.signal()
    }

    /// The bytes written, or why the transfer failed.
    func result(host: String) throws -> Int {
        try lock.withLock {
            if let failure { throw failure }
            if let error = transportError {
                throw DownloadDelegate.classify(error, host: host)
            }
            if let status, !(200..<300).contains(status) { throw DownloadFailure.httpStatus(status) }
            return written
        }
    }

    /// Sorts a transport error into "cannot reach the host" or another failure.
    static func classify(_ error: Error, host: String) -> DownloadFailure {
        let unreachableCodes: Set<URLError.Code> = [
            .notConnectedToInternet, .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .timedOut,
            .networkConnectionLost, .internationalRoamingOff, .dataNotAllowed,
        ]
        if let urlError = error as? URLError {
            if unreachableCodes.contains(urlError.code) {
                return .unreachable(host: host, reason: urlError.localizedDescription)
            }
            return .transfer(reason: urlError.localizedDescription)
        }
        return .transfer(reason: "\(error)")
    }
}

/// Where Foundation's networking keeps its files. On Linux a `URLSession`, even an ephemeral one, creates
/// `$XDG_CACHE_HOME/org.swift.foundation.URLCache/thermo` and `$XDG_DATA_HOME/<the binary's folder name>` (e.g.
/// `~/.local/share/release`) and leaves them behind, empty. During a download thermo points both variables at
/// one temporary folder of the process, removed at exit, and restores the user's values afterwards.
enum FoundationScratch {
    nonisolated(unsafe) private static var folder: String?
    private static let names = ["XDG_CACHE_HOME", "XDG_DATA_HOME"]

    /// Runs `body` (a download) with both variables pointing at the scratch folder, made on the first call.
    static func around<T>(_ body: () throws -> T) rethrows -> T {
        if folder == nil {
            var template = Array((NSTemporaryDirectory() + "/thermo-urlsession-XXXXXX").utf8CString)
            if let made = mkdtemp(&template) {
                folder = String(cString: made)
                atexit {
                    if let folder = FoundationScratch.folder { try? FileManager.default.removeItem(atPath: folder) }
                }
            }
        }
        guard let folder else { return try body() }
        let saved = names.map { getenv($0).map { String(cString: $0) } }
        for name in names { setenv(name, folder, 1) }
        defer {
            for (name, old) in zip(names, saved) {
                if let old { setenv(name, old, 1) } else { unsetenv(name) }
            }
        }
        return try body()
    }
}
