import Foundation
import Testing
import TestSupport

/// Every notebook-as-script runs end to end in its QUICK mode, through the built binary, on real MNIST.
@Suite(.serialized) struct NotebookTests {
    static let scripts = ["quickstart.sh", "fig1-cooling.sh", "fig3-partial-vs-isotropic.sh", "fig4-layer-subsets.sh",
                          "fig5-sampling.sh", "paper-budget-smoothing.sh", "cnn-smoothing-weight-decay.sh", "read-trace.py"]

    static var pythonReadsTraces: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import h5py, xarray, h5netcdf"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    @Test("A notebook-as-script runs in QUICK mode", .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"),
          arguments: scripts)
    func quickMode(_ script: String) throws {
        if script.hasSuffix(".py") && !NotebookTests.pythonReadsTraces {
            print("SKIP: \(script) needs h5py, h5netcdf and xarray (pip install h5py h5netcdf xarray)")
            return
        }
        let out = TestPaths.temporaryFolder("thermo-notebook")
        defer { try? FileManager.default.removeItem(at: out) }
        let path = TestPaths.packageRoot.appendingPathComponent("notebooks-as-scripts/\(script)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The shell notebooks take QUICK and OUT as options here (`--quick --out DIR`), the Python one from the
        // environment; THERMO comes from the environment for all.
        process.arguments = script.hasSuffix(".py") ? ["python3", path] : ["bash", path, "--quick", "--out", out.path]
        var env = ProcessInfo.processInfo.environment
        if script.hasSuffix(".py") {
            env["QUICK"] = "1"
            env["OUT"] = out.path
        }
        env["THERMO"] = TestPaths.thermoBinary.path
        env["THERMO_DATA"] = TestPaths.sharedMNIST!.path
        process.environment = env
        let log = out.appendingPathComponent("notebook.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(script) failed:\n\(text.suffix(3000))")
        if script.hasSuffix(".sh") {
            let pngs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".png") }
            #expect(!pngs.isEmpty, "\(script) drew no figure")
        }
    }

    @Test("A shell notebook refuses an option it does not take, and a word, before it runs anything; --help lists its options",
          arguments: scripts.filter { $0.hasSuffix(".sh") })
    func options(_ script: String) throws {
        let out = TestPaths.temporaryFolder("thermo-notebook")
        defer { try? FileManager.default.removeItem(at: out) }
        let path = TestPaths.packageRoot.appendingPathComponent("notebooks-as-scripts/\(script)").path
        func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["bash", path] + arguments
            var env = ProcessInfo.processInfo.environment
            env["THERMO"] = TestPaths.thermoBinary.path
            env.removeValue(forKey: "QUICK")
            process.environment = env
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let target = out.appendingPathComponent("never").path
        for bad in [["--datset", "cifar10"], ["cifar10"], ["--epochs"], ["--epochs", "--quick"]] {
            let (status, output) = try run(["--quick", "--out", target] + bad)
            #expect(status == 64, "\(script) \(bad): \(output)")
            #expect(output.hasPrefix("error: ") && output.contains("--help"), "\(output)")
            #expect(!FileManager.default.fileExists(atPath: target), "\(script) \(bad) created its output folder")
        }
        let (status, output) = try run(["--help"])
        #expect(status == 0 && output.contains("Options") && output.contains("--epochs VALUE") == (script != "quickstart.sh"), "\(output)")
    }
}
