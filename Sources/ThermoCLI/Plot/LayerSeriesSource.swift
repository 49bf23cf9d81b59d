import ArgumentParser
import Foundation

/// One layer's series from an input file; absent quantities are nil.
struct LayerRecord {
    var layer: String
    /// Epochs, increasing.
    var epochs: [Double]
    /// S_l, σ_l and T_l per epoch.
    var signal: [Double]?
    var noise: [Double]?
    var temperature: [Double]?
    /// Quantiles of the per-weight gradient variances: level in (0, 1) and values per epoch, by level.
    var quantiles: [(level: Double, values: [Double])] = []
}

/// One run's layers from an input file.
struct LayerSeriesRun {
    /// The run's name: the file's run column, else the file's base name.
    var label: String
    /// The file it came from.
    var path: String
    /// The layers, in order.
    var layers: [LayerRecord]
}

/// A kind of input that holds per-layer series (signal, noise, temperature, per-weight quantiles) for
/// `thermo plot signal`, `temperature` and `cooling`. To read another format (e.g. trace files), write a type
/// conforming to this protocol and add it to `layerSeriesSources`; the commands need no other change.
protocol LayerSeriesSource {
    /// What the source reads, for messages: "CSV/TSV long tables (.csv, .tsv, .txt)".
    static var formatDescription: String { get }
    /// Whether this source reads the file at `path` (by its extension).
    static func accepts(_ path: String) -> Bool
    /// The runs in the file (a table with a run column holds several).
    static func read(_ path: String) throws -> [LayerSeriesRun]
}

/// The input formats of `thermo plot signal|temperature|cooling`, tried in order.
var layerSeriesSources: [any LayerSeriesSource.Type] { [LongTableSource.self, TraceSource.self] }

/// The accepted inputs of `thermo plot signal|temperature|cooling`, for help texts.
var layerSeriesFormats: String { layerSeriesSources.map { $0.formatDescription }.joined(separator: "; or ") }

/// Reads every input with the first source that accepts it; the runs of all inputs, in order.
func loadLayerSeries(_ paths: [String]) throws -> [LayerSeriesRun] {
    guard !paths.isEmpty else {
        throw ValidationError("give at least one input: " + layerSeriesSources.map { $0.formatDescription }.joined(separator: " or "))
    }
    var runs: [LayerSeriesRun] = []
    for path in paths {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw ValidationError("\(path) does not exist") }
        guard !isFolder.boolValue else { throw ValidationError("\(path) is a folder; give the table file itself") }
        guard let source = layerSeriesSources.first(where: { $0.accepts(path) }) else {
            throw ValidationError("cannot read \(path): the accepted inputs are " + layerSeriesSources.map { $0.formatDescription }.joined(separator: ", "))
        }
        let read = try source.read(path)
        guard !read.isEmpty, read.contains(where: { !$0.layers.isEmpty }) else { throw ValidationError("\(path) holds no data rows") }
        runs += read
    }
    return runs
}

/// Notes about values a logarithmic axis cannot show (NaN, ±∞, zero or negative), which gnuplot leaves out
/// silently: one note per run and quantity, naming the first such point and how many there are.
func undrawableValueNotes(_ runs: [LayerSeriesRun], quantities: [(name: String, values: (LayerRecord) -> [Double]?)]) -> [String] {
    var notes: [String] = []
    for run in runs {
        for quantity in quantities {
            var count = 0
            var first: (layer: String, epoch: Double, value: Double)? = nil
            for layer in run.layers {
                guard let values = quantity.values(layer) else { continue }
                for (epoch, value) in zip(layer.epochs, values) where !(value.isFinite && value > 0) {
                    count += 1
                    if first == nil { first = (layer.layer, epoch, value) }
                }
            }
            if let first {
                notes.append("\(run.path): \(count) \(quantity.name) value\(count == 1 ? " is" : "s are") NaN, infinite or not positive "
                    + "(first: layer \(first.layer), epoch \(shortValue(first.epoch)), \(first.value)); the logarithmic axis leaves \(count == 1 ? "it" : "them") out")
            }
        }
    }
    return notes
}
