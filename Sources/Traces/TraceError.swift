import NumericCore

/// A trace that cannot be read, written, resumed or recovered, with what is wrong and what to do.
public struct TraceError: Error, Sendable, DescribedError {
    /// The trace's path.
    public let path: String
    /// What is wrong with it, and what to do (a phrase that follows the path).
    public let message: String
    /// What failed underneath, without the advice (for a message that gives its own), when known.
    let cause: String?
    /// Whether a resumed trace records something other than what was asked (`--record`): a changed flag of
    /// the run, which a command reports as a usage error like every other changed flag.
    public internal(set) var isChangedRecording = false

    /// An error about the trace at `path`.
    public init(path: String, _ message: String) {
        self.init(path: path, message, cause: nil)
    }

    /// An error about the trace at `path`, caused by `cause`.
    init(path: String, _ message: String, cause: String?) {
        self.path = path
        self.message = message
        self.cause = cause
    }

    /// "trace FILE <message>".
    public var description: String { "trace \(path) \(message)" }

    /// What to do about a failed write, from its reason: " (free some space or write elsewhere)" for a full disk
    /// or a file size limit, " (choose a writable folder)" for a refused one, else nothing.
    static func hint(_ reason: String) -> String {
        let text = reason.lowercased()
        if text.contains("too large") || text.contains("no space") || text.contains("quota") {
            return " (free some space or write elsewhere)"
        }
        if text.contains("permission denied") || text.contains("read-only") { return " (choose a writable folder)" }
        return ""
    }
}
