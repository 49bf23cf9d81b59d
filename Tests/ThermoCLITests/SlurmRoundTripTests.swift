import Foundation
import Testing
import TestSupport

/// The real Slurm round trip (Tests/Scripts/slurm-roundtrip.sh): a single-node Slurm started on this machine runs
/// a 2-cell sweep submitted with `thermo sweep --slurm --submit`. Skipped, with the reason, where Slurm and munge
/// cannot be installed or the tests do not run as root (or with THERMO_SKIP_SLURM=1).
@Suite struct SlurmRoundTripTests {
    @Test("A 2-cell sweep through a real single-node Slurm", realMNIST, .timeLimit(.minutes(4)))
    func roundTrip() throws {
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/Scripts/slurm-roundtrip.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "THERMO": TestPaths.thermoBinary.path, "THERMO_MNIST": TestPaths.sharedMNIST!.path,
        ]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        if process.terminationStatus == 77 {
            let reason = text.split(separator: "\n").first { $0.hasPrefix("SKIP:") } ?? "skipped"
            print("Slurm round trip skipped: \(reason)")
            try Test.cancel("Slurm round trip skipped: \(reason)")
        }
        #expect(process.terminationStatus == 0, "slurm-roundtrip.sh failed after \(Int(seconds)) s:\n\(text)")
        print(String(format: "Slurm round trip passed in %.1f s", seconds))
    }
}
