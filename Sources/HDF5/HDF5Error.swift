import CHDF5
import Foundation
import HDF5Shim

/// A failed HDF5 operation, described in one readable line.
///
/// The ``message`` names the operation, the object (an HDF5 path and/or a file path) and the reason, which
/// for failures inside the C library is taken from the innermost entries of HDF5's error stack, e.g.
/// `cannot open "/tmp/x.h5": file signature not found (not an HDF5 file)`.
public struct HDF5Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was attempted, as a verb phrase: "open", "create dataset", "read attribute"…
    public let operation: String
    /// The object concerned, as the reader would name it: `"/train/loss" in "/tmp/run.h5"`, or a file path.
    public let object: String
    /// Why it failed: HDF5's innermost messages, or this module's own check.
    public let reason: String
    /// HDF5's error stack as it was captured, innermost entry first, one `function(): description` per entry;
    /// empty when the failure was detected by this module rather than the C library.
    public let stack: [String]

    /// An error with the given parts; `stack` defaults to empty (a failure found by this module).
    public init(operation: String, object: String, reason: String, stack: [String] = []) {
        self.operation = operation
        self.object = object
        self.reason = reason
        self.stack = stack
    }

    /// The one-line message: `cannot <operation> <object>: <reason>`.
    public var message: String { "cannot \(operation) \(object): \(reason)" }

    /// The same as ``message``.
    public var description: String { message }
}

// MARK: - Capturing HDF5's error stack

/// One entry of HDF5's error stack, as copied out of `H5E_error2_t`.
private struct StackEntry {
    var function: String
    var description: String
    var minor: String
}

extension HDF5Error {
    /// Builds an error from HDF5's current error stack, then clears that stack. Call it under the library lock,
    /// right after the failing C call. `fallback` is the reason used when the stack is empty (the high-level
    /// H5DS functions, for one, often fail without pushing anything).
    static func fromStack(operation: String, object: String,
                          fallback: String = "the HDF5 library reported a failure") -> HDF5Error {
        let entries = Library.call { currentStack() }
        let reason = entries.isEmpty ? fallback : summarise(entries)
        return HDF5Error(operation: operation, object: object, reason: reason,
                         stack: entries.map { "\($0.function)(): \($0.description)" })
    }

    /// Copies the current error stack (innermost entry first) and clears it.
    private static func currentStack() -> [StackEntry] {
        // H5Eget_current_stack copies the stack and clears the live one, so the walk below sees a stable copy.
        let stack = H5Eget_current_stack()
        guard stack >= 0 else { return [] }
        defer { H5Eclose_stack(stack) }
        var entries: [StackEntry] = []
        withUnsafeMutablePointer(to: &entries) { pointer in
            _ = H5Ewalk2(stack, H5E_WALK_UPWARD, { _, error, context in
                guard let error, let context else { return 0 }
                let e = error.pointee
                var buffer = [CChar](repeating: 0, count: 256)
                let length = H5Eget_msg(e.min_num, nil, &buffer, buffer.count)
                let minor = length > 0 ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) },
                                                as: UTF8.self) : ""
                let entry = StackEntry(function: e.func_name.map { String(cString: $0) } ?? "?",
                                       description: e.desc.map { String(cString: $0) } ?? "",
                                       minor: minor)
                context.assumingMemoryBound(to: [StackEntry].self).pointee.append(entry)
                return 0
            }, pointer)
        }
        return entries
    }

    /// Minor messages too generic to add anything to a description ("Unable to open file", "Can't open
    /// object", "Object not found"…): they are left out of the summary.
    private static let genericMinorPrefixes = ["Unable to", "Can't", "Callback failed", "Object not found",
                                               "Read failed", "Write failed", "Not found"]

    /// One line from the innermost stack entry: its description, tidied, and its minor message in parentheses
    /// when that adds something (e.g. "file signature not found (not an HDF5 file)").
    private static func summarise(_ entries: [StackEntry]) -> String {
        guard let innermost = entries.first(where: { !$0.description.isEmpty }) ?? entries.first else {
            return "the HDF5 library reported a failure"
        }
        var text = tidy(innermost.description)
        let minor = innermost.minor.trimmingSpaces()
        let generic = genericMinorPrefixes.contains { minor.hasPrefix($0) }
        if !minor.isEmpty, !generic, !text.lowercased().contains(minor.lowercased()) {
            // Lower-case the first word unless it is an acronym ("HDF5 …").
            let first = minor.prefix { $0 != " " }
            let phrase = first == first.uppercased() ? minor : minor.prefix(1).lowercased() + minor.dropFirst()
            text += " (\(phrase))"
        }
        return text
    }

    /// Shortens HDF5's descriptions that carry a dump of internal arguments, keeping the OS error message:
    /// "unable to open file: name = 'x', errno = 2, error message = 'No such file or directory', flags = 0…"
    /// becomes "unable to open file: no such file or directory", and "file write failed: time = …, filename = 'x',
    /// file descriptor = 3, errno = 27, error message = 'File too large', buf = …" becomes "file write failed: file
    /// too large".
    static func tidy(_ description: String) -> String {
        let single = description.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard let nameRange = single.firstRange(of: ": name = ") ?? single.firstRange(of: ", name = ")
            ?? single.firstRange(of: ": time = ") else { return single }
        let head = single[..<nameRange.lowerBound]
        if let start = single.firstRange(of: "error message = '") {
            let rest = single[start.upperBound...]
            if let end = rest.firstIndex(of: "'") {
                let osMessage = rest[..<end]
                return "\(head): \(osMessage.prefix(1).lowercased())\(osMessage.dropFirst())"
            }
        }
        return String(head)
    }
}

extension String {
    /// The string without leading and trailing spaces and newlines (no Foundation needed).
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

// HDF5 sits below NumericCore, so it does not take its DescribedError; this is the same conformance.
extension HDF5Error: LocalizedError {
    /// The error's one line, ``description``, so that `error.localizedDescription` shows the message.
    public var errorDescription: String? { description }
}
