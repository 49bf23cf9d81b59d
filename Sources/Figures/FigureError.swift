import Foundation
import NumericCore

/// Why a figure could not be made; every case reads as one line that says what is wrong and what to do.
public enum FigureError: Error, Equatable, Sendable, DescribedError {
    /// The output's extension names no supported terminal.
    case unsupportedFormat(path: String)
    /// The output's name cannot be used (empty, a folder, control characters).
    case invalidOutput(path: String, reason: String)
    /// Files the render would write exist already (and overwriting was not allowed).
    case outputExists(paths: [String])
    /// The output's folder is missing or not writable.
    case unusableFolder(path: String, reason: String)
    /// A file could not be written, moved or removed.
    case io(path: String, reason: String)
    /// An option has a value the figure cannot use (`--size`, `--xrange`, `--dpi`, …).
    case invalidOption(option: String, reason: String)
    /// The figure's data are empty or unusable.
    case invalidData(figure: String, reason: String)
    /// No `gnuplot` executable on the search path.
    case gnuplotMissing(searchPath: String)
    /// gnuplot could not be started.
    case gnuplotNotStarted(executable: String, reason: String)
    /// gnuplot ran but failed; `message` is its own error output.
    case gnuplotFailed(script: String, status: Int32, message: String)
    /// gnuplot ran longer than allowed and was stopped.
    case gnuplotTimedOut(script: String, seconds: Double)
    /// gnuplot exited cleanly but did not write the expected file.
    case noOutputWritten(path: String, message: String)

    /// The Debian package that provides gnuplot with the cairo (pdf, png), svg and cairolatex terminals.
    public static let gnuplotPackage = "gnuplot-nox"

    /// The error as one line, with the fix where there is one.
    public var description: String {
        switch self {
        case .unsupportedFormat(let path):
            let ext = (path as NSString).pathExtension
            return "cannot tell the figure format from \(path)\(ext.isEmpty ? " (no extension)" : " (.\(ext))"): end the output name in "
                + FigureFormat.allCases.map { ".\($0.rawValue)" }.joined(separator: ", ")
        case .invalidOutput(let path, let reason):
            return "cannot write the figure to \(quotedForMessage(path)): \(reason)"
        case .outputExists(let paths):
            return "\(paths.joined(separator: ", ")) already exist\(paths.count == 1 ? "s" : ""); pass --force to overwrite, or choose another output name"
        case .unusableFolder(let path, let reason):
            return "the folder \(path) \(reason)"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        case .invalidOption(let option, let reason):
            return "\(option) \(reason)"
        case .invalidData(let figure, let reason):
            return "the \(figure) figure: \(reason)"
        case .gnuplotMissing(let searchPath):
            return "gnuplot was not found on PATH (\(searchPath.isEmpty ? "empty" : searchPath)); install the Debian package \(Self.gnuplotPackage) "
                + "(sudo apt-get install \(Self.gnuplotPackage), or run scripts/setup) and try again"
        case .gnuplotNotStarted(let executable, let reason):
            return "could not start \(executable): \(reason); check the installation of the Debian package \(Self.gnuplotPackage)"
        case .gnuplotFailed(let script, let status, let message):
            var text = "gnuplot failed on \(script) (exit status \(status))"
            text += message.isEmpty ? " without a message" : ": \(message)"
            if message.contains("unknown or ambiguous terminal type") {
                text += " — this gnuplot lacks the cairo terminals; install the Debian package \(Self.gnuplotPackage)"
            }
            return text
        case .gnuplotTimedOut(let script, let seconds):
            return "gnuplot did not finish \(script) within \(Int(seconds)) s and was stopped; nothing was written"
        case .noOutputWritten(let path, let message):
            return "gnuplot exited without writing \(path)" + (message.isEmpty ? "" : ": \(message)")
        }
    }
}

/// A path for a message, with control characters made visible.
func quotedForMessage(_ s: String) -> String {
    "\"" + s.unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined() + "\""
}
