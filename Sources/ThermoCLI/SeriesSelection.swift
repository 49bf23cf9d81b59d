import Analysis
import ArgumentParser
import Foundation
import NumericCore
import Studies

// The flags that choose what the studies read, and how their errors and reports reach the terminal. The inputs
// themselves (traces and long tables into `RunSeries`) are read by the Studies module.

/// An error found while reading or analysing inputs: one line saying what is wrong and what to do.
struct AnalysisCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a study step: a `.request` error becomes a usage error (ValidationError: the message and the usage
/// line); an `.input` error is reported as it is (one `error:` line).
func studied<T>(_ body: () throws(StudyError) -> T) throws -> T {
    do { return try body() } catch {
        if error.kind == .request { throw ValidationError(error.description) }
        throw error
    }
}

/// `--epochs A:B`: a closed range of epochs, either end open ("40:", ":200", "40:200").
extension EpochRange: ExpressibleByArgument {
    /// Reads `--epochs`' "A:B", "A:", ":B" or ":" ("*" for an open end); nil otherwise.
    public init?(argument: String) { self.init(parsing: argument) }
    /// No completion: an epoch range is typed, not chosen from a list.
    public static var defaultCompletionKind: CompletionKind { .default }
}

/// `--layers`, `--epochs` and `--window`: which part of a run an analysis reads, shared by `temperature` and
/// `regimes`.
struct SeriesSelection: ParsableArguments {
    @Option(help: ArgumentHelp("Layers to use, by number or by name: 1,3 or fc1,fc2 (conv3 in a network with convolutions; default: all).", valueName: "L1,L2,…"))
    var layers: String?
    @Option(help: ArgumentHelp("Epochs to use: A:B, A: or :B (default: all).", valueName: "A:B"))
    var epochs: EpochRange?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Work on windows of N steps from the per-step record instead of epochs.", valueName: "N"))
    var window: Int?

    func validate() throws {
        try studied { () throws(StudyError) in try SeriesRequest.checkWindow(window) }
        if let epochs, epochs.isEmpty {
            throw ValidationError("--epochs \(epochs.description) is empty: its first epoch comes after its last; give A:B with A ≤ B")
        }
        _ = try parseLayerList(layers)
    }

    /// The request for these layers, epochs and windows, with the per-weight quantities and the noise.
    func request() throws -> SeriesRequest {
        var request = SeriesRequest()
        request.layers = try parseLayerList(layers)
        request.epochs = epochs ?? EpochRange()
        request.window = window
        request.perWeight = true
        request.needsNoise = true
        return request
    }
}

/// Prints `value` as pretty JSON with sorted keys; non-finite numbers are written as the strings "inf",
/// "-inf" and "nan" (JSON has no infinity).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = ThermoJSON.encoder([.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// The layer labels of `--layers 1,3` (blank entries ignored); a label given twice is refused (the same layer
/// under its number and its name is refused when the input is read).
func parseLayerList(_ text: String?) throws -> [String]? {
    guard let text else { return nil }
    guard let labels = layerLabels(text) else { throw ValidationError("--layers takes layer labels separated by commas, e.g. 1,3") }
    if let repeated = labels.enumerated().first(where: { k, label in labels[..<k].contains(label) })?.element {
        throw ValidationError("--layers \(labels.joined(separator: ",")) names layer \(repeated) more than once; give each layer once")
    }
    return labels
}
