import ArgumentParser
import Foundation
import NumericCore
import Settings
import Studies
import Sweeps
import Training

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
    /// Every training setting of the run (those the summary lacks at their defaults, the same for every run), to
    /// tell which runs differ in more than the seed; nil when the configuration cannot be read as one.
    var settings: TrainingConfiguration? = nil
    /// The summary's configuration object as canonical JSON (sorted keys), to tell a copy of a run from another run.
    var configurationText: String? = nil

    enum CodingKeys: String, CodingKey {
        case status, configuration, epochs, bestTestAccuracy, finalTestAccuracy
    }

    /// Whether the run is plain cross-entropy (ce, R = 0, y = 0 or no smoothed layer), a sweep's baseline.
    var isCrossEntropy: Bool {
        let loss = configuration.loss
        return loss.kind == "ce" || loss.radius == 0 || loss.samples == 0 || loss.layers.isEmpty
    }

    /// "ce", or e.g. "PLA U={2} R=0.01 y=4", with " wd 0.001" when weight decay is used.
    var label: String {
        let loss = configuration.loss
        var text = isCrossEntropy ? "ce"
            : "\(loss.kind.uppercased()) U={\(loss.layers.map(String.init).joined(separator: ","))} R=\(shortValue(loss.radius)) y=\(loss.samples)"
        if let wd = configuration.optimizer?.weightDecay, wd > 0 { text += " wd \(shortValue(wd))" }
        return text
    }
}

/// Reads summary files; a folder stands for the `.json` files directly inside it (sorted by name), a sweep folder
/// (one with a manifest.json written by `thermo sweep`) for the summaries of its cells, in cell order, and a cell
/// folder of a sweep (one with an attempt.json) for its summary.json. A summary reached twice (the same file under
/// two names, or a folder and a file in it) is refused: its run would count twice; so are two summaries of the same
/// run (a copy under another name: ``PlottedRun/isSameRun(as:)``).
func loadRunSummaries(_ inputs: [String]) throws -> [PlottedRun] {
    guard !inputs.isEmpty else { throw ValidationError("give at least one summary file (thermo train --summary FILE) or a folder of them") }
    var files: [(input: String, path: String)] = []
    var given: [String: String] = [:]
    for input in inputs {
        if let first = given[RunSeries.resolvedPath(input)] {
            let folder = FileManager.default.isFolder(input)
            throw ValidationError("\(first) and \(input) are the same \(folder ? "folder: its runs" : "file: its run") would count twice; give each run once")
        }
        given[RunSeries.resolvedPath(input)] = input
        files += try summaryFiles(input).map { (input, $0) }
    }
    var seen: [String: (input: String, path: String)] = [:]
    for file in files {
        let identity = RunSeries.resolvedPath(file.path)
        if let first = seen[identity] {
            let what = first.input == first.path && file.input == file.path ? "are the same file" : "both hold the summary \(file.path)"
            throw ValidationError("\(first.input) and \(file.input) \(what): its run would count twice; give each run once")
        }
        seen[identity] = file
    }
    let runs = try files.map { try readRunSummary($0.path) }
    for (j, run) in runs.enumerated() {
        if let first = runs[..<j].first(where: { $0.isSameRun(as: run) }) {
            throw ValidationError("\(first.path) and \(run.path) hold the same run (identical configuration and per-epoch results): one is a copy of the other, and it would count twice; give each run once")
        }
    }
    return runs
}

extension PlottedRun {
    /// Whether `other` is this run under another name (a copy of its summary): the same configuration and, at
    /// every epoch, the same test accuracy and train loss. Runs that differ in the seed alone never agree in
    /// every epoch's numbers; runs without epochs are never taken for one another.
    func isSameRun(as other: PlottedRun) -> Bool {
        guard !epochs.isEmpty, epochs.count == other.epochs.count else { return false }
        // The same configuration object (its settings follow from it, defaults and all).
        return configurationText != nil && configurationText == other.configurationText && zip(epochs, other.epochs).allSatisfy { a, b in
            a.epoch == b.epoch && a.testAccuracy == b.testAccuracy && a.trainLoss == b.trainLoss
                && a.trainAccuracy == b.trainAccuracy
        }
    }
}

/// The summary files `input` stands for: itself, or those of a sweep folder, a sweep's cell folder or a folder.
private func summaryFiles(_ input: String) throws -> [String] {
    guard FileManager.default.fileExists(atPath: input) else {
        throw CommandError("\(input) does not exist; give summary files written by 'thermo train --summary FILE' or a folder of them")
    }
    guard FileManager.default.isFolder(input) else { return [input] }
    if FileManager.default.fileExists(atPath: (input as NSString).appendingPathComponent("manifest.json")) {
        // A sweep folder (thermo sweep -o DIR): the summaries of its cells that have one.
        let sweep = SweepFolder(path: input)
        let manifest: Manifest
        do { manifest = try sweep.readManifest() } catch { throw ValidationError(error.description) }
        let summaries = manifest.cells.map { sweep.files($0).summary.path }.filter { FileManager.default.fileExists(atPath: $0) }
        guard !summaries.isEmpty else {
            throw ValidationError("the sweep in \(input) has no cell with a summary yet; run it (thermo sweep \(input)) first")
        }
        return summaries
    }
    let cell = CellFiles(folder: URL(fileURLWithPath: input))
    if FileManager.default.fileExists(atPath: cell.attempt.path) {
        // A sweep's cell folder: its run's summary, not the sweep's record of its attempts.
        guard FileManager.default.fileExists(atPath: cell.summary.path) else {
            throw ValidationError("the sweep cell \(input) has no summary.json yet; run the sweep (thermo sweep DIR) first, or give cells that have one")
        }
        return [(input as NSString).appendingPathComponent(cell.summary.lastPathComponent)]
    }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
    let json = names.filter { $0.lowercased().hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
    guard !json.isEmpty else { throw ValidationError("the folder \(input) holds no .json summary files") }
    return json.map { (input as NSString).appendingPathComponent($0) }
}

/// Reads one summary file, with its settings (``PlottedRun/settings``).
private func readRunSummary(_ path: String) throws -> PlottedRun {
    // A trace (HDF5 signature) or any file far larger than a summary is refused before it is read whole: a
    // 1.4 GB trace given by mistake would otherwise be loaded only to be rejected.
    if let handle = FileHandle(forReadingAtPath: path) {
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        if head == Data([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]) {
            throw ValidationError("\(path) is an HDF5 trace, not a run summary: plot curves and plot sweep take the JSON of 'thermo train --summary FILE' (for a trace: thermo plot signal, temperature or cooling)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > 256 << 20 {
            throw ValidationError("\(path) holds \(size >> 20) MB, far more than a run summary (a few KB per epoch); give the JSON of 'thermo train --summary FILE'")
        }
    }
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
    do {
        var run = try ThermoJSON.decoder().decode(PlottedRun.self, from: data)
        run.path = path
        // The configuration object, parsed once for both: its canonical text and its complete settings.
        let configuration = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["configuration"]
        run.settings = configuration.flatMap(completeSettings)
        run.configurationText = configuration.flatMap(canonicalText)
        return run
    } catch {
        if (path as NSString).lastPathComponent == "attempt.json", (try? JSONDecoder().decode(AttemptRecord.self, from: data)) != nil {
            throw ValidationError("\(path) is a sweep cell's record of its last attempt, not a run summary; give the cell's summary.json, its folder or the sweep folder")
        }
        if case let DecodingError.keyNotFound(key, context) = error {
            throw ValidationError("\(path) is not a thermo run summary: no '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))' (write one with 'thermo train --summary FILE')")
        }
        throw ValidationError("\(path) is not a thermo run summary (write one with 'thermo train --summary FILE'): \(describe(error))")
    }
}

/// A summary's "configuration" object as JSON with sorted keys.
private func canonicalText(_ configuration: Any) -> String? {
    guard let text = try? JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys, .fragmentsAllowed]) else { return nil }
    return String(decoding: text, as: UTF8.self)
}

/// A summary's training configuration, with every setting it lacks (a summary of an older thermo, or one
/// written by hand) at its default; nil when it does not read as a configuration.
private func completeSettings(_ given: Any) -> TrainingConfiguration? {
    /// `value` laid over `base`: objects key by key, anything else replaced.
    func overlay(_ base: Any, _ value: Any) -> Any {
        guard var object = base as? [String: Any], let top = value as? [String: Any] else { return value }
        for (key, v) in top { object[key] = object[key].map { overlay($0, v) } ?? v }
        return object
    }
    guard let defaults = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingConfiguration())),
          let merged = try? JSONSerialization.data(withJSONObject: overlay(defaults, given)) else { return nil }
    return try? ThermoJSON.decoder().decode(TrainingConfiguration.self, from: merged)
}

/// The training settings other than `excluded` in which `runs` are not all alike, in the vocabulary's order (runs
/// whose settings could not be read count as alike).
func differingSettings(_ runs: [PlottedRun], excluding excluded: Set<TrainingSetting> = []) -> [TrainingSetting] {
    let known = runs.compactMap(\.settings)
    guard let first = known.first else { return [] }
    return TrainingSetting.allCases.filter { setting in
        !excluded.contains(setting) && known.contains { setting.differs(first, $0) }
    }
}

/// `run`'s values of `settings`, e.g. ["lr = 0.01", "epochs = 2"] (nothing when its settings could not be read).
func settingValues(_ run: PlottedRun, _ settings: [TrainingSetting], separator: String = " = ") -> [String] {
    guard let c = run.settings else { return [] }
    return settings.map { "\($0.name)\(separator)\($0.value(in: c))" }
}

/// The runs' names in a key: each run's ``PlottedRun/label``, followed, where several runs share it, by the
/// settings in which those runs differ ("ce seed 1", "ce seed 2"), or by the run's file when they differ in none.
func distinctLabels(_ runs: [PlottedRun]) -> [String] {
    let groups = Dictionary(grouping: runs.indices, by: { runs[$0].label })
    return runs.indices.map { i in
        let label = runs[i].label
        let peers = groups[label]!.map { runs[$0] }
        guard peers.count > 1 else { return label }
        let values = settingValues(runs[i], differingSettings(peers), separator: " ")
        return ([label] + (values.isEmpty ? ["(\(runs[i].path))"] : values)).joined(separator: " ")
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

extension FileManager {
    /// Whether `path` names a folder (through symbolic links).
    func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
