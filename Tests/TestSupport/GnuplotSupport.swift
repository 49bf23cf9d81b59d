import Foundation

/// Running plain gnuplot from tests.
public enum GnuplotSupport {
    /// Whether `gnuplot` is on PATH.
    public static var isInstalled: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/gnuplot")
        }
    }

    /// Runs `gnuplot script` in `folder`; returns the exit status and standard error.
    public static func run(script: String, in folder: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gnuplot", script]
        process.currentDirectoryURL = folder
        let errorFile = folder.appendingPathComponent(".test-gnuplot-stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: errorFile)
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try launch(process)
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errorFile)
        return (process.terminationStatus, text)
    }
}
