import Foundation

/// How gnuplot is found and run: the `gnuplot` executable on the search path of `environment`, started with the
/// script's name as its only argument, in the script's folder, with empty standard input.
public struct Gnuplot: Sendable {
    /// The environment gnuplot is looked up in (its PATH) and run with.
    public var environment: [String: String]
    /// Seconds after which a running gnuplot is stopped.
    public var timeout: Double

    /// gnuplot from `environment`'s PATH (default: this process's environment).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Double = 300) {
        self.environment = environment
        self.timeout = timeout
    }

    /// The `gnuplot` executable on PATH.
    public func executable() throws(FigureError) -> URL {
        let path = environment["PATH"] ?? ""
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("gnuplot")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        throw .gnuplotMissing(searchPath: path)
    }

    /// Runs `gnuplot ./<script>` in `folder`; throws with gnuplot's own error output when it fails. The `./` keeps
    /// gnuplot from reading a name that starts with `<` as a command to pipe from.
    public func run(script: String, in folder: URL) throws(FigureError) {
        let executable = try executable()
        let errorURL = folder.appendingPathComponent(".gnuplot-stderr-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil),
              let errorHandle = try? FileHandle(forWritingTo: errorURL) else {
            throw .io(path: errorURL.path, reason: "cannot create a file for gnuplot's messages")
        }
        defer {
            try? errorHandle.close()
            try? FileManager.default.removeItem(at: errorURL)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["./" + script]
        process.currentDirectoryURL = folder
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        do { try process.run() } catch {
            throw .gnuplotNotStarted(executable: executable.path, reason: error.localizedDescription)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                throw .gnuplotTimedOut(script: script, seconds: timeout)
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let message = Self.cleaned((try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw .gnuplotFailed(script: script, status: process.terminationStatus, message: message)
        }
    }

    /// gnuplot's error output reduced to its meaningful lines: blank lines and the caret lines that point at a
    /// column are dropped, the rest joined with " | " (at most the last 12 lines).
    static func cleaned(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "^" }
        return lines.suffix(12).joined(separator: " | ")
    }
}
