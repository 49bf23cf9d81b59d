import Analysis
import ArgumentParser
import Foundation

/// Long tables of per-layer series as inputs of `thermo plot signal|temperature|cooling`: read by the Analysis
/// module's `LongTable`, the one long-table parser (its format is in docs/analysis.md, "Long tables"), with no
/// value column required beyond one of `signal`, `noise`, `temperature`; a table without a run column is one
/// run named after the file.
enum LongTableSource: LayerSeriesSource {
    static let formatDescription = "CSV/TSV long tables (.csv, .tsv, .txt) with columns epoch, layer, signal[, noise][, temperature][, run][, q5 … q95]"

    static func accepts(_ path: String) -> Bool {
        ["csv", "tsv", "txt"].contains((path as NSString).pathExtension.lowercased())
    }

    static func read(_ path: String) throws -> [LayerSeriesRun] {
        let table: LongTable
        do { table = try LongTable(contentsOfFile: path, requiring: []) } catch {
            throw ValidationError(error.description)
        }
        return runs(of: table, path: path)
    }

    /// The table's runs as figure inputs.
    static func runs(of table: LongTable, path: String) -> [LayerSeriesRun] {
        let fileLabel = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let runLabels: [String?] = table.runs.isEmpty ? [nil] : table.runs.map { Optional($0) }
        return runLabels.map { run in
            let layers = table.series.filter { $0.run == run }.map { s in
                LayerRecord(layer: s.layer, epochs: s.epochs, signal: s.signal, noise: s.noise, temperature: s.temperature,
                            quantiles: Array(zip(table.quantileLevels, s.quantiles)).map { (level: $0.0, values: $0.1) })
            }
            return LayerSeriesRun(label: run ?? fileLabel, path: path, layers: layers)
        }
    }
}
