import Foundation

/// An error that is one line of text, its `description` (what is wrong and what to do), and gives that line as
/// its `localizedDescription` too (LocalizedError's ``errorDescription``), so that a program showing
/// `error.localizedDescription` shows the message, not "The operation could not be completed". thermo's public
/// error types conform.
public protocol DescribedError: LocalizedError, CustomStringConvertible {}

extension DescribedError {
    /// The error's one line, ``description``.
    public var errorDescription: String? { description }
}
