import Datasets
import Foundation
import TestSupport

/// Small synthetic data for the tests: deterministic pixels and labels.
enum Fixtures {
    /// A split of `count` images of `rows`×`columns` whose pixels and labels follow from `seed`.
    static func split(count: Int, rows: Int = 4, columns: Int = 3, classes: Int = 10, seed: Int = 1) -> LabeledImages {
        var pixels = [UInt8](repeating: 0, count: count * rows * columns)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: (i &* 37 &+ seed &* 11) ^ (i >> 3)) }
        let labels = (0..<count).map { UInt8(($0 * 7 + seed) % classes) }
        return LabeledImages(count: count, rows: rows, columns: columns, pixels: pixels, labels: labels)
    }

    /// The bytes of an IDX image file (raw).
    static func imageBytes(_ split: LabeledImages) -> [UInt8] {
        IDXFile.encodeHeader(dimensions: [split.count, split.rows, split.columns]) + split.pixels
    }

    /// The bytes of an IDX label file (raw).
    static func labelBytes(_ labels: [UInt8]) -> [UInt8] {
        IDXFile.encodeHeader(dimensions: [labels.count]) + labels
    }

    /// The `IDXError` that `body` throws, or `nil` if it throws none (or another error).
    static func idxError(_ body: () throws -> Void) -> IDXError? {
        do {
            try body()
            return nil
        } catch let error as IDXError {
            return error
        } catch {
            return nil
        }
    }
}

/// A temporary folder for one test, removed with everything in it when the test's suite value is released.
final class Scratch: Sendable {
    /// The folder.
    let path = TestPaths.temporaryFolder("thermo-datasets-test").path

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A new subfolder `name` (not created: writers create it).
    func folder(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to a new file with a unique name and returns its path.
    func file(_ bytes: [UInt8]) throws -> String {
        let file = path + "/file-\(UUID().uuidString.prefix(8))"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}
