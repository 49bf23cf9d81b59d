/// A trace that cannot be read, written, resumed or recovered, with what is wrong and what to do.
public struct TraceError: Error, Sendable, CustomStringConvertible {
    /// The trace's path.
    public let path: String
    /// What is wrong with it, and what to do (a phrase that follows the path).
    public let message: String

    /// An error about the trace at `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// "trace FILE <message>".
    public var description: String { "trace \(path) \(message)" }
}
