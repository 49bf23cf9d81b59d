import Analysis
import Foundation

extension RunSeries {
    /// Whether `path` is read as a long table (by its extension: .csv, .tsv, .txt); anything else is a trace.
    public static func isTable(_ path: String) -> Bool {
        ["csv", "tsv", "txt"].contains((path as NSString).pathExtension.lowercased())
    }

    /// The file's base name without its extension: the label of a run that has no other name.
    static func baseName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The runs of a long table (Analysis' `LongTable`, the one long-table parser; docs/analysis.md, "Long
    /// tables"), restricted to the requested layers and epochs. A table without a run column is one run named
    /// after the file. Errors are `.input` errors, but for a request that ``SeriesRequest/validate()`` refuses.
    public static func readTable(_ path: String, request: SeriesRequest) throws(StudyError) -> [RunSeries] {
        try request.validate()
        if let window = request.window {
            throw StudyError(.input, "--window \(window) forms statistics from the per-step record of a trace; \(path) is a table of per-epoch values. Drop --window, or give the trace")
        }
        let table: LongTable
        do { table = try LongTable(contentsOfFile: path, requiring: request.drawing ? [] : [.signal]) } catch {
            throw StudyError(.input, error.description)
        }
        return try runs(of: table, path: path, request: request)
    }

    /// The table's layers (numbers, as `LongTable.layers`) that `wanted` names by number or label, in the table's
    /// order, or all of them; an unknown one is an `.input` error listing the table's layers, a layer named twice
    /// (`1,conv1`) a `.request` error (`requireDistinctLayers`).
    static func selectedLayers(_ wanted: [String]?, of table: LongTable, path: String) throws(StudyError) -> [String] {
        guard let wanted else { return table.layers }
        let indices = wanted.map { name in table.layers.firstIndex(of: name) ?? table.labels.firstIndex(of: name) }
        let missing = zip(wanted, indices).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            let names = table.labels == table.layers ? "" : " (" + table.labels.joined(separator: ", ") + ")"
            throw StudyError(.input, "--layers \(missing.joined(separator: ",")): \(path) has layers \(table.layers.joined(separator: ", "))\(names)")
        }
        let found = indices.compactMap { $0 }
        try requireDistinctLayers(wanted, numbers: found.map { Int(table.layers[$0]) ?? $0 }, labels: found.map { table.labels[$0] })
        return table.layers.indices.filter { found.contains($0) }.map { table.layers[$0] }
    }

    /// The runs of a long table already parsed from `path` (see `readTable`).
    public static func runs(of table: LongTable, path: String, request: SeriesRequest) throws(StudyError) -> [RunSeries] {
        if request.needsNoise && !request.drawing && !table.hasNoise {
            throw StudyError(.input, "\(path) has no noise column, which this analysis needs; add one (epoch, layer, signal, noise)")
        }
        let layers = try selectedLayers(request.layers, of: table, path: path)
        let runLabels: [String?] = table.runs.isEmpty ? [nil] : table.runs.map { Optional($0) }
        let runs = runLabels.map { run in
            let series = table.series.filter { $0.run == run && layers.contains($0.layer) }.compactMap { s -> LayerSeries? in
                let kept = s.epochs.indices.filter { request.epochs.contains(s.epochs[$0]) }
                guard !kept.isEmpty else { return nil }
                func pick(_ values: [Double]) -> [Double] { kept.map { values[$0] } }
                var layer = LayerSeries(layer: s.label, number: Int(s.layer), positions: pick(s.epochs), signal: s.signal.map(pick), noise: s.noise.map(pick),
                                        temperature: request.drawing ? s.temperature.map(pick) : nil)
                if request.drawing {
                    layer.quantileLevels = table.quantileLevels
                    layer.quantiles = s.quantiles.map(pick)
                }
                return layer
            }
            return RunSeries(label: run ?? baseName(path), path: path, kind: "table", layers: series)
        }
        guard request.drawing || runs.contains(where: { !$0.layers.isEmpty }) else {
            let epochs = table.series.flatMap(\.epochs)
            throw StudyError(.input, "\(path) has no row in --epochs \(request.epochs.description)"
                + (epochs.isEmpty ? "; it has no data rows" : "; it holds epochs \(formatNumber(epochs.min()!)) … \(formatNumber(epochs.max()!))"))
        }
        return runs
    }
}
