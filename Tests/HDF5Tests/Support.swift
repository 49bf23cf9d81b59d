import Foundation
import HDF5
import TestSupport

/// Helpers for the HDF5 tests: scratch files and external tools (h5dump, h5clear, python3).
enum Scratch {
    /// A path for a new HDF5 file `name` in a fresh temporary folder.
    static func file(_ name: String = "test.h5") -> String {
        TestPaths.temporaryFolder("thermo-hdf5").appendingPathComponent(name).path
    }
}

/// The outcome of running an external program.
struct ToolRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `arguments[0]` (looked up on PATH through /usr/bin/env) with the rest as arguments; empty stdin.
func runTool(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    // Spawn while no HDF5 call can run: a child forked while an HDF5 file is being opened or closed would
    // hold a copy of its descriptor, and so its flock() lock, until it execs, and a test that reopens the
    // file in that instant fails with "unable to lock file, errno = 11". posix_spawn returns after exec.
    try Library.withExclusiveAccess { try process.run() }
    // Drain stderr on another thread so that neither pipe can fill up and block the child.
    let reader = BackgroundReader(err.fileHandleForReading)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = reader.wait()
    return ToolRun(status: process.terminationStatus,
                   stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
}

/// Which external tools this machine has, checked once.
enum Tools {
    /// Whether `h5dump` runs.
    static let hasH5dump: Bool = (try? runTool(["h5dump", "--version"]))?.status == 0

    /// Whether `python3` can import h5py, h5netcdf and xarray.
    static let hasPythonStack: Bool =
        (try? runTool(["python3", "-c", "import h5py, h5netcdf, xarray"]))?.status == 0

    /// Whether `python3` can import h5py.
    static let hasH5py: Bool = (try? runTool(["python3", "-c", "import h5py"]))?.status == 0
}
