import Foundation
import Testing
import TestSupport

/// The library example of docs/library.md (Examples/TrainAndFit): the doc shows exactly the file, and the
/// program, built with the tests, trains on real MNIST with a recorder and fits the cooling of its trace.
@Suite struct LibraryExampleTests {
    static let example = TestPaths.packageRoot.appendingPathComponent("Examples/TrainAndFit/main.swift")

    @Test("docs/library.md shows Examples/TrainAndFit/main.swift exactly")
    func docShowsTheExample() throws {
        let doc = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/library.md"), encoding: .utf8)
        let code = try String(contentsOf: Self.example, encoding: .utf8)
        let marker = "<!-- example: Examples/TrainAndFit/main.swift -->\n```swift\n"
        let start = try #require(doc.range(of: marker), "docs/library.md has no example block")
        let end = try #require(doc.range(of: "```\n", range: start.upperBound..<doc.endIndex))
        #expect(String(doc[start.upperBound..<end.lowerBound]) == code, "docs/library.md's example differs from \(Self.example.path)")
    }

    @Test("The example trains 30 epochs with a recorder and prints a cooling fit of its trace",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not beside the project"))
    func exampleRuns() throws {
        let folder = TestPaths.temporaryFolder("thermo-library-example")
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = TestPaths.thermoBinary.deletingLastPathComponent().appendingPathComponent("thermo-example-train-and-fit")
        let process = Process()
        process.executableURL = binary
        process.arguments = [TestPaths.sharedMNIST!.path, folder.appendingPathComponent("example.h5").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let run = try runCollectingOutput(process)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("trained 30 epochs"), "\(run.stdout)")
        #expect(run.stdout.contains("α"), "no fitted exponent in: \(run.stdout)")
        let trace = try runThermo(["inspect", folder.appendingPathComponent("example.h5").path])
        #expect(trace.status == 0 && trace.stdout.contains("completed"), "\(trace.stdout) \(trace.stderr)")
        // The trace names the thermo that wrote it by the library's version, as the command's traces do.
        let version = try runThermo(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(trace.stdout.contains("written by thermo \(version),"), "\(trace.stdout)")
    }

    @Test("The example marks its trace however the run ends: finish(.completed) after the run, .diverged or .failed in its catch")
    func exampleFinishesItsTraceOnError() throws {
        let code = try String(contentsOf: Self.example, encoding: .utf8)
        let run = try #require(code.range(of: "do {\n    try trainer.run()\n    try recorder.finish(.completed)\n} catch {\n"),
                               "the run is not in a do/catch that finishes the trace")
        let handler = code[run.upperBound...].prefix { $0 != "}" }
        #expect(handler.contains("recorder.finish(divergence != nil ? .diverged : .failed, divergence: divergence)"), "\(handler)")
        #expect(!code.contains("thermoVersion: \""), "the example records a made-up version")
        #expect(code.contains("thermoVersion: thermoVersion"))
    }
}
