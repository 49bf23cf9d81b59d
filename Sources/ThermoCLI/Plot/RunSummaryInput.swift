import ArgumentParser
import Foundation
import NumericCore
import Sweeps

/// The fields of a `thermo train --summary` file that the figures use, read leniently (other fields are ignored,
/// so summaries from newer versions still load).
struct PlottedRun: Decodable {
    struct Configuration: Decodable {
        struct Loss: Decodable {
            var kind: String
            var layers: [Int]
            var radius: Double
            var samples: Int
            var sharpness: Double?
            var kernel: String?
        }
        struct Architecture: Decodable {
            var widths: [Int]
            var activation: String
        }
        struct Optimizer: Decodable {
            var learningRate: Double?
            var weightDecay: Double?
        }
        var dataset: String?
        var seed: UInt64?
        var loss: Loss
        var architecture: Architecture?
        var optimizer: Optimizer?
    }
    struct Epoch: Decodable {
        var epoch: Int
        var trainLoss: Double
        var trainAccuracy: Double?
        var testAccuracy: Double
    }
    var status: String?
    var configuration: Configuration
    var epochs: [Epoch]
    var bestTestAccuracy: Double?
    var finalTestAccuracy: Double?

    /// The file it was read from.
    var path: String = ""

    enum CodingKeys: String, CodingKey {
        case status, configuration, epochs, bestTestAccuracy, finalTestAccuracy
    }

    /// "ce", or e.g. "PLA U={2} R=0.01 y=4", with " wd 0.001" when weight decay is used.
    var label: String {
        let loss = configuration.loss
        var text = loss.kind == "ce" || loss.radius == 0 || loss.samples == 0 ? "ce"
            : "\(loss.kind.uppercased()) U={\(loss.layers.map(String.init).joined(separator: ","))} R=\(shortValue(loss.radius)) y=\(loss.samples)"
        if let wd = configuration.optimizer?.weightDecay, wd > 0 { text += " wd \(shortValue(wd))" }
        return text
    }
}

/// Reads summary files; a folder stands for the `.json` files directly inside it (sorted by name), and a sweep
/// folder (one with a manifest.json written by `thermo sweep`) for the summaries of its cells, in cell order.
func loadRunSummaries(_ inputs: [String]) throws -> [PlottedRun] {
    guard !inputs.isEmpty else { throw ValidationError("give at least one summary file (thermo train --summary FILE) or a folder of them") }
    var files: [String] = []
    for input in inputs {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
            throw ValidationError("\(input) does not exist; give summary files written by 'thermo train --summary FILE' or a folder of them")
        }
        if isFolder.boolValue, FileManager.default.fileExists(atPath: (input as NSString).appendingPathComponent("manifest.json")) {
            // A sweep folder (thermo sweep -o DIR): the summaries of its cells that have one.
            let sweep = SweepFolder(path: input)
            let manifest: Manifest
            do { manifest = try sweep.readManifest() } catch { throw ValidationError(error.description) }
            let summaries = manifest.cells.map { sweep.files($0).summary.path }.filter { FileManager.default.fileExists(atPath: $0) }
            guard !summaries.isEmpty else {
                throw ValidationError("the sweep in \(input) has no cell with a summary yet; run it (thermo sweep \(input)) first")
            }
            files += summaries
        } else if isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
            let json = names.filter { $0.lowercased().hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            guard !json.isEmpty else { throw ValidationError("the folder \(input) holds no .json summary files") }
            files += json.map { (input as NSString).appendingPathComponent($0) }
        } else {
            files.append(input)
        }
    }
    return try files.map { path in
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            var run = try JSONDecoder().decode(PlottedRun.self, from: data)
            run.path = path
            return run
        } catch let DecodingError.keyNotFound(key, context) {
            throw ValidationError("\(path) is not a thermo run summary: no '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))' (write one with 'thermo train --summary FILE')")
        } catch {
            throw ValidationError("\(path) is not a thermo run summary (write one with 'thermo train --summary FILE'): \(describe(error))")
        }
    }
}

/// A decoding error in one line.
func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context):
        return "invalid JSON" + (context.codingPath.isEmpty ? "" : " at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        return "unexpected value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
    default:
        return "\(error)"
    }
}

/// A number for a label: up to 4 significant digits, integers plainly.
func shortValue(_ x: Double) -> String {
    NumberText.wholeOrSignificant(x, digits: 4, symbols: false)
}
