import ArgumentParser
import Foundation

/// Long tables of per-layer series, one row per (run, layer, epoch): CSV or TSV with a header naming the columns
/// `epoch`, `layer` and at least one of `signal`, `noise`, `temperature`; optionally `run` (aliases `seed`,
/// `trace`) and per-weight variance quantiles `q<percent>` (`q5`, `q25`, `q50`, `q75`, `q95`, `q2.5`).
///
/// The format follows the Analysis module's `LongTable` (the input of the cooling fits): the first line that is
/// neither blank nor a `#` comment is the header; the delimiter is a tab if the header holds one, else a comma;
/// names are matched case-insensitively after trimming blanks and double quotes; other columns are ignored;
/// numbers are read with `Double(_:)` (`nan` marks a missing value); layers keep their labels and are ordered
/// numerically when all are integers.
enum LongTableSource: LayerSeriesSource {
    static let formatDescription = "CSV/TSV long tables (.csv, .tsv, .txt) with columns epoch, layer, signal[, noise][, temperature][, run][, q5 … q95]"

    static func accepts(_ path: String) -> Bool {
        ["csv", "tsv", "txt"].contains((path as NSString).pathExtension.lowercased())
    }

    static func read(_ path: String) throws -> [LayerSeriesRun] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        do { return try parse(text, path: path) } catch let error as TableError {
            throw ValidationError("\(path): \(error.message)")
        }
    }

    struct TableError: Error { let message: String }

    static func parse(_ text: String, path: String) throws -> [LayerSeriesRun] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        func clean(_ s: Substring) -> String {
            var t = s.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") { t = String(t.dropFirst().dropLast()) }
            return t
        }
        func skipped(_ line: Substring) -> Bool {
            let t = line.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            return t.isEmpty || t.hasPrefix("#")
        }
        guard let headerIndex = lines.firstIndex(where: { !skipped($0) }) else {
            throw TableError(message: "no header line (expected columns epoch, layer, signal[, noise])")
        }
        let delimiter: Character = lines[headerIndex].contains("\t") ? "\t" : ","
        let header = lines[headerIndex].split(separator: delimiter, omittingEmptySubsequences: false).map(clean)
        let lower = header.map { $0.lowercased() }
        for (i, name) in lower.enumerated() where !name.isEmpty && lower[..<i].contains(name) {
            throw TableError(message: "the header names column \(header[i]) twice")
        }
        func column(_ names: String...) -> Int? { names.lazy.compactMap { lower.firstIndex(of: $0) }.first }
        guard let epochColumn = column("epoch"), let layerColumn = column("layer") else {
            throw TableError(message: "missing column \(column("epoch") == nil ? "epoch" : "layer") (header: \(header.joined(separator: ", ")))")
        }
        let signalColumn = column("signal"), noiseColumn = column("noise"), temperatureColumn = column("temperature")
        guard signalColumn != nil || noiseColumn != nil || temperatureColumn != nil else {
            throw TableError(message: "no signal, noise or temperature column (header: \(header.joined(separator: ", ")))")
        }
        let runColumn = column("run", "seed", "trace")
        var quantileColumns: [(level: Double, column: Int)] = []
        for (i, name) in lower.enumerated() where name.hasPrefix("q") {
            if let percent = Double(name.dropFirst()), percent > 0, percent < 100 { quantileColumns.append((percent / 100, i)) }
        }
        quantileColumns.sort { $0.level < $1.level }
        let used = [epochColumn, layerColumn] + [signalColumn, noiseColumn, temperatureColumn, runColumn].compactMap { $0 } + quantileColumns.map(\.column)
        let needed = used.max()! + 1

        struct Row { var epoch: Double; var values: [Double?]; var quantiles: [Double] }
        var groups: [String: [String: [(line: Int, row: Row)]]] = [:]
        var runOrder: [String] = [], layerOrder: [String] = []
        let fileLabel = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        for index in (headerIndex + 1)..<lines.count where !skipped(lines[index]) {
            let lineNumber = index + 1
            let fields = lines[index].split(separator: delimiter, omittingEmptySubsequences: false)
            guard fields.count >= needed else {
                throw TableError(message: "line \(lineNumber): \(fields.count) field\(fields.count == 1 ? "" : "s"), at least \(needed) needed")
            }
            func number(_ c: Int) throws -> Double {
                let cell = clean(fields[c])
                guard let v = Double(cell) else { throw TableError(message: "line \(lineNumber), column \(header[c]): \"\(cell)\" is not a number") }
                return v
            }
            let epoch = try number(epochColumn)
            guard epoch.isFinite else { throw TableError(message: "line \(lineNumber): the epoch is not finite") }
            let layer = clean(fields[layerColumn])
            guard !layer.isEmpty else { throw TableError(message: "line \(lineNumber): the layer is empty") }
            let run = runColumn.map { clean(fields[$0]) } ?? fileLabel
            let values = try [signalColumn, noiseColumn, temperatureColumn].map { try $0.map(number) }
            let quantiles = try quantileColumns.map { try number($0.column) }
            if groups[run] == nil { runOrder.append(run) }
            if !layerOrder.contains(layer) { layerOrder.append(layer) }
            if let previous = groups[run]?[layer]?.first(where: { $0.row.epoch == epoch }) {
                throw TableError(message: "line \(lineNumber) repeats epoch \(shortValue(epoch)) of layer \(layer)\(runColumn == nil ? "" : " in run \(run)") (first on line \(previous.line))")
            }
            groups[run, default: [:]][layer, default: []].append((lineNumber, Row(epoch: epoch, values: values, quantiles: quantiles)))
        }
        if layerOrder.allSatisfy({ Int($0) != nil }) { layerOrder.sort { Int($0)! < Int($1)! } }
        return runOrder.map { run in
            let layers = layerOrder.compactMap { layer -> LayerRecord? in
                guard let rows = groups[run]?[layer]?.map(\.row).sorted(by: { $0.epoch < $1.epoch }) else { return nil }
                return LayerRecord(
                    layer: layer, epochs: rows.map(\.epoch),
                    signal: signalColumn == nil ? nil : rows.map { $0.values[0]! },
                    noise: noiseColumn == nil ? nil : rows.map { $0.values[1]! },
                    temperature: temperatureColumn == nil ? nil : rows.map { $0.values[2]! },
                    quantiles: quantileColumns.enumerated().map { k, q in (q.level, rows.map { $0.quantiles[k] }) })
            }
            return LayerSeriesRun(label: run, path: path, layers: layers)
        }
    }
}
