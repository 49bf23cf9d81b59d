import ArgumentParser
import Foundation
import NumericCore

/// Writes one line to standard error, with control characters (other than the line breaks the message means)
/// escaped, so that a file name holding an escape sequence or a carriage return cannot rewrite the terminal.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((escapingControlCharacters(line, keepingNewlines: true) + "\n").utf8))
}

/// `text` with its C0 and C1 control characters and DEL written as escapes (`\n`, `\r`, `\t`, `\u{1B}`, …),
/// newlines kept as they are when `keepingNewlines`: what a user-supplied name (a path, a layer label) looks
/// like inside a one-line message.
func escapingControlCharacters(_ text: String, keepingNewlines: Bool = false) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        let v = scalar.value
        guard v < 0x20 || (0x7F...0x9F).contains(v) else { out.append(scalar); continue }
        if scalar == "\n" && keepingNewlines { out.append(scalar); continue }
        let escape: String
        switch scalar {
        case "\n": escape = "\\n"
        case "\r": escape = "\\r"
        case "\t": escape = "\\t"
        default: escape = "\\u{" + String(v, radix: 16, uppercase: true) + "}"
        }
        out.append(contentsOf: escape.unicodeScalars)
    }
    return String(out)
}

/// An error found while a command works, already phrased for the user (one line: what is wrong, what to do).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `n` and `noun`, in the plural unless `n` is 1 (``NumberText/counted(_:_:)``).
func counted(_ n: Int, _ noun: String) -> String { NumberText.counted(n, noun) }

/// `argument` quoted for a shell when it holds anything but plain characters.
func shellQuoted(_ argument: String) -> String {
    let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !argument.isEmpty && argument.allSatisfy({ plain.contains($0) }) { return argument }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Checks a `--threads` value against the machine: at least 1, at most the cores this process may use
/// (more BLAS threads than cores only make OpenBLAS wait on itself, and a count past its own cap would be
/// recorded as something that never ran).
func validateThreadCount(_ threads: Int?) throws {
    guard let threads else { return }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    if threads > cores {
        throw ValidationError("--threads \(threads) is more than the \(cores) cores of this machine; use at most \(cores) "
            + "(more BLAS threads than cores only slow the matrix products down)")
    }
}
