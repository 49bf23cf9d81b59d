import Foundation
import Studies

/// Traces and tables written once for the studies' tests, in a scratch folder of their own.
enum Fixtures {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("thermo-studies-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A 60-epoch cooling trace (nested α = 0.9, β = 0.2 from the signal peak at epoch 4), with moments.
    static let cooling: String = {
        let path = folder.appendingPathComponent("cooling.h5").path
        try! SyntheticTrace.cooling(epochs: 60, recording: .standard).write(to: path)
        return path
    }()

    /// Writes `text` to `name` in the scratch folder.
    static func write(_ text: String, _ name: String) -> String {
        let path = folder.appendingPathComponent(name).path
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
