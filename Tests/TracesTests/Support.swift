import Foundation
import Datasets
import HDF5
import Networks
import NumericCore
import TestSupport
import Training
@testable import Traces

/// Provenance for in-process tests.
let testProvenance = TraceProvenance(thermoVersion: "test", command: ["thermo-tests", "--flag", "it's quoted"],
                                     dataChecksums: ["train_images": "sha256:0000"], blasThreads: 1, blas: "test")

/// A path for a new file `name` in a fresh temporary folder.
func scratchFile(_ name: String = "trace.h5") -> String {
    TestPaths.temporaryFolder("thermo-traces").appendingPathComponent(name).path
}

/// The outcome of running an external program.
struct ToolRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Starts `executable` with `arguments` while no HDF5 call can run in this process (a child forked while a
/// file is being opened would hold its lock until it execs), with empty stdin and captured output.
func startProcess(_ executable: URL, _ arguments: [String]) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try Library.withExclusiveAccess { try process.run() }
    return (process, out, err)
}

/// Waits for a started process and collects its output.
func finish(_ process: Process, _ out: Pipe, _ err: Pipe) -> ToolRun {
    let reader = BackgroundReader(err.fileHandleForReading)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = reader.wait()
    return ToolRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs a program found on PATH (through /usr/bin/env).
func runTool(_ arguments: [String]) throws -> ToolRun {
    let (process, out, err) = try startProcess(URL(fileURLWithPath: "/usr/bin/env"), arguments)
    return finish(process, out, err)
}

/// Runs the built `thermo` binary.
func runThermoSafely(_ arguments: [String]) throws -> ToolRun {
    let (process, out, err) = try startProcess(TestPaths.thermoBinary, arguments)
    return finish(process, out, err)
}

/// Which external tools this machine has, checked once.
enum Tools {
    /// Whether `h5dump` runs.
    static let hasH5dump: Bool = (try? runTool(["h5dump", "--version"]))?.status == 0
    /// Whether `python3` can import h5py, h5netcdf and xarray (installed from PyPI by .ci/run).
    static let hasPythonStack: Bool = (try? runTool(["python3", "-c", "import h5py, h5netcdf, xarray"]))?.status == 0
}

/// |a − b| ≤ relative·|b| + absolute.
func close(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
    if a == b { return true }
    if a.isNaN && b.isNaN { return true }
    return abs(a - b) <= relative * abs(b) + absolute
}
