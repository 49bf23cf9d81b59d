import Foundation
import HDF5

/// Helpers shared by the test targets: paths to the real data and to the built binary, temporary folders.
public enum TestPaths {
    /// The package's root folder (the one holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The real MNIST folder shared beside the project (`../shared/data/mnist`), if present.
    public static var sharedMNIST: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/mnist")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("train-images-idx3-ubyte.gz").path) ? url : nil
    }

    /// A new empty temporary folder, unique to the caller.
    public static func temporaryFolder(_ label: String = "thermo-test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The output of one run of the built `thermo` binary.
public struct ThermoRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    /// A run's outcome, for helpers that start thermo themselves (under a file size limit, as another user).
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs the `thermo` binary that `swift test` built beside the test bundle, with `arguments`, in `directory`,
/// and with `environment` added to the test's own. Standard input is empty.
public func runThermo(_ arguments: [String], in directory: URL? = nil,
                      environment: [String: String] = [:]) throws -> ThermoRun {
    let process = Process()
    process.executableURL = TestPaths.thermoBinary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    return try runCollectingOutput(process)
}

/// Starts `process` (through `launch`) with empty standard input, reads its standard output and error to the
/// end — both at once, so that a chatty child never blocks on a full pipe — and waits for it.
public func runCollectingOutput(_ process: Process) throws -> ThermoRun {
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try launch(process)
    let reader = BackgroundReader(err.fileHandleForReading)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = reader.wait()
    return ThermoRun(status: process.terminationStatus,
                     stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}

/// Facts about how the tests were built.
public enum TestBuild {
    /// Whether this build runs under ThreadSanitizer (`swift test --sanitize=thread`): its runtime is loaded.
    /// TSan's runtime cannot run under a file size limit (it dies of SIGBUS in its own code, whatever the
    /// limit), so the tests that impose one (the full-disk cases) are skipped there.
    public static let threadSanitizer: Bool = dlsym(nil, "__tsan_init") != nil
}

extension TestPaths {
    /// The `thermo` executable built by `swift build`/`swift test` (same products folder as the tests).
    public static var thermoBinary: URL {
        // The test bundle lives in the products folder (.build/<triple>/debug/…xctest); so does `thermo`.
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("thermo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/thermo")
    }
}

/// Reads a pipe to its end on a thread of its own, so that a child writing to two pipes never blocks on a full
/// one; ``wait()`` returns the bytes. The hand-over happens under a lock (NSCondition), so that the reading
/// thread's write and the caller's read are ordered for ThreadSanitizer too (polling `Thread.isFinished` is not).
public final class BackgroundReader: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: Data? = nil

    /// Starts reading `handle`.
    public init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let bytes = handle.readDataToEndOfFile()
            condition.lock()
            data = bytes
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    /// Waits for the end of the pipe; the bytes read.
    public func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data!
    }
}

/// Starts `process` while no HDF5 call can run in this process. Tests run in parallel in one process: a child
/// forked while another test is opening an HDF5 file would hold a copy of its descriptor, and so its flock()
/// lock, until it execs, and that test's next open of the file fails with "unable to lock file, errno = 11".
/// (posix_spawn returns after the exec.) Every test that starts a program starts it through this.
///
/// The child gets `XDG_DATA_HOME` pointed at a folder that does not exist (unless the test sets it), so that
/// data sets in the machine's per-user data folder (`~/.local/share/thermo`) never change what a test sees.
/// A test that fetches into the default folder sets `XDG_DATA_HOME` itself.
public func launch(_ process: Process) throws {
    var environment = process.environment ?? ProcessInfo.processInfo.environment
    if environment["XDG_DATA_HOME"] == nil { environment["XDG_DATA_HOME"] = NSTemporaryDirectory() + "thermo-tests-unused-xdg-data-home" }
    process.environment = environment
    try Library.withExclusiveAccess { try process.run() }
    ChildWatchdog.watch(process)
}

/// Ends any child that outlives `THERMO_TEST_CHILD_SECONDS` (default 600 s): a child that hangs (a signal that never
/// arrives, a lock never released) then fails its test with status 128 + 9 and a line on standard error naming
/// it, instead of holding up the whole suite until CI's time runs out. No test's child needs more than a minute.
public enum ChildWatchdog {
    /// The longest a child may run.
    public static let seconds: Double = ProcessInfo.processInfo.environment["THERMO_TEST_CHILD_SECONDS"].flatMap(Double.init) ?? 600

    /// Schedules the check for `process`, which has just started.
    static func watch(_ process: Process) {
        let pid = process.processIdentifier
        let started = process.arguments ?? []
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            guard process.isRunning, process.processIdentifier == pid else { return }
            FileHandle.standardError.write(Data("test watchdog: pid \(pid) (\(process.executableURL?.lastPathComponent ?? "?") \(started.joined(separator: " "))) ran over \(Int(seconds)) s; killed\n".utf8))
            kill(pid, SIGKILL)
        }
    }
}
