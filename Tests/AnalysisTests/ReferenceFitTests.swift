import Foundation
import Testing
import TestSupport
@testable import Analysis

/// The Python reference script (Tests/Scripts/fit_reference.py — outside the test target's folder, so that
/// SwiftPM does not treat it as an unhandled resource), and whether scipy is importable.
enum ReferenceScript {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/fit_reference.py")

    static let scipyAvailable: Bool = (try? run(["-c", "import scipy, numpy"]).status) == 0

    /// Runs python3 with `arguments`; returns the exit status and standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try launch(process)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    struct Output: Decodable {
        let model: String
        let parameters: [String: Double]
        let amplitudes: [Double]
        let rss: Double
    }
}

@Suite("Agreement with an independent implementation (scipy.optimize.least_squares)")
struct ReferenceFitTests {
    @Test(.enabled(if: ReferenceScript.scipyAvailable, "scipy is not installed: the reference comparison is skipped"),
          arguments: CoolingModel.allCases)
    func parametersAgreeWithScipy(model: CoolingModel) throws {
        let epochs = stride(from: 4.0, through: 240, by: 4).map { $0 }
        let curves = syntheticCurves(model: model, theta: truth(model), amplitudes: [0.2, -1, 0.5], epochs: epochs,
                                     noise: 0.04, seed: 77)
        // Write the long table (with a comment line and an extra column, which both readers must ignore).
        var csv = "# synthetic \(model) curves\nepoch,layer,signal,step\n"
        for curve in curves {
            for (e, v) in zip(curve.epochs, curve.values) {
                csv += "\(e),\(curve.layer),\(v.description),\(Int(e) * 100)\n"
            }
        }
        let folder = TestPaths.temporaryFolder("thermo-analysis-reference")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("curves.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)

        let table = try LongTable(contentsOf: file)
        let fit = try coolingFit(try #require(table.curves(.signal).first), model: model)
        let run = try ReferenceScript.run([ReferenceScript.path.path, model.rawValue, file.path])
        #expect(run.status == 0, "fit_reference.py failed: \(run.stderr)")
        let reference = try JSONDecoder().decode(ReferenceScript.Output.self, from: Data(run.stdout.utf8))
        var worst = 0.0
        for p in fit.parameters {
            let expected = try #require(reference.parameters[p.name])
            worst = max(worst, abs(p.value - expected) / abs(expected))
            #expect(relativelyClose(p.value, expected, 1e-5), "\(model) \(p.name): thermo \(p.value), scipy \(expected)")
        }
        for (a, expected) in zip(fit.amplitudes, reference.amplitudes) {
            #expect(abs(a.value - expected) <= 1e-5 * max(1, abs(expected)), "\(model) \(a.curve): thermo \(a.value), scipy \(expected)")
        }
        #expect(relativelyClose(fit.residualSumOfSquares, reference.rss, 1e-8))
        print("scipy agreement, \(model): largest relative parameter difference \(worst)")
    }
}
