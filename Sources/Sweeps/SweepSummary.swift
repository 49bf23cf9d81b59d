import Foundation
import NumericCore

/// Mean and sample standard deviation of a set of values.
public struct MeanDeviation: Codable, Sendable, Equatable {
    /// The mean.
    public var mean: Double
    /// The sample standard deviation (n − 1); nil for one value, where it is undefined (0 would read as a
    /// perfectly reproducible result).
    public var deviation: Double?
    /// How many values.
    public var count: Int

    /// The mean and deviation of `values`, or nil when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        let m = mean
        deviation = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot() : nil
    }
}

/// One cell in a summary: its state and accuracies.
public struct CellSummary: Codable, Sendable, Equatable {
    /// The cell's index.
    public var index: Int
    /// The cell's id.
    public var id: String
    /// The cell's settings.
    public var settings: [CellSetting]
    /// Its state.
    public var state: CellState
    /// Best and final test accuracy (fractions), when the cell has a summary.
    public var best: Double?
    /// Final test accuracy.
    public var final: Double?
    /// Epochs run.
    public var epochs: Int?
}

/// Cells that differ only in their seed: counts by state and mean ± sd over the completed seeds.
public struct SweepGroup: Codable, Sendable, Equatable {
    /// The settings the cells share (every grid setting but `seed`).
    public var settings: [CellSetting]
    /// The cells.
    public var cells: Int
    /// Cells completed, diverged, failed; `other` are pending, running or interrupted.
    public var completed: Int
    /// Diverged cells.
    public var diverged: Int
    /// Failed cells.
    public var failed: Int
    /// Pending, running or interrupted cells.
    public var other: Int
    /// Best test accuracy over the completed cells.
    public var best: MeanDeviation?
    /// Final test accuracy over the completed cells.
    public var final: MeanDeviation?
}

/// `thermo sweep --summary DIR`: the cells grouped by every setting except `seed`, with counts by state and the
/// mean ± sample standard deviation over seeds of best and final test accuracy. Only completed cells enter the
/// means; diverged and failed ones are counted.
public struct SweepSummary: Codable, Sendable, Equatable {
    /// The sweep folder.
    public var folder: String
    /// The grid's settings with more than one value, other than seed: the columns that tell groups apart.
    public var columns: [String]
    /// Whether the grid varies the seed (per-cell rows then have a seed column).
    public var variesSeed: Bool
    /// The groups, in the order of their first cell.
    public var groups: [SweepGroup]
    /// Every cell.
    public var cells: [CellSummary]

    /// The summary of the sweep in `folder`, from its cells' files.
    public init(folder: SweepFolder, manifest: Manifest) {
        self.folder = folder.root.path
        columns = manifest.grid.variedNames.filter { $0 != "seed" }
        variesSeed = manifest.grid.variedNames.contains("seed")
        cells = manifest.cells.map { cell in
            let files = folder.files(cell)
            let result = files.result()
            return CellSummary(index: cell.index, id: cell.id, settings: cell.settings, state: files.state(),
                               best: result?.bestTestAccuracy, final: result?.finalTestAccuracy, epochs: result?.epochs.count)
        }
        var order: [[CellSetting]] = []
        var members: [[CellSetting]: [CellSummary]] = [:]
        for c in cells {
            let key = c.settings.filter { $0.name != "seed" }
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(c)
        }
        groups = order.map { key in
            let m = members[key]!
            let done = m.filter { $0.state == .completed }
            return SweepGroup(settings: key, cells: m.count, completed: done.count,
                              diverged: m.filter { $0.state == .diverged }.count,
                              failed: m.filter { $0.state == .failed }.count,
                              other: m.filter { !$0.state.isFinal && $0.state != .failed }.count,
                              best: MeanDeviation(done.compactMap(\.best)), final: MeanDeviation(done.compactMap(\.final)))
        }
    }

    /// Counts of cells by state.
    public var counts: [CellState: Int] {
        Dictionary(grouping: cells, by: \.state).mapValues(\.count)
    }

    /// An aligned table (accuracies in %), one row per group, or per cell with `perCell`.
    public func table(perCell: Bool = false) -> String {
        var header = columns
        var rows: [[String]] = []
        if perCell {
            header = ["cell"] + columns + (variesSeed ? ["seed"] : []) + ["state", "best %", "final %"]
            let names = header.dropFirst().prefix { $0 != "state" }
            for c in cells {
                let values: [String] = names.map { n in c.settings.first { $0.name == n }?.value ?? "" }
                let best: String = c.best.map { String(format: "%.2f", $0 * 100) } ?? ""
                let final: String = c.final.map { String(format: "%.2f", $0 * 100) } ?? ""
                rows.append([String(c.index)] + values + [c.state.rawValue, best, final])
            }
        } else {
            header += ["cells", "completed", "diverged", "failed", "other", "best % (mean ± sd)", "final % (mean ± sd)"]
            for g in groups {
                let values: [String] = columns.map { n in g.settings.first { $0.name == n }?.value ?? "" }
                let counts: [String] = [g.cells, g.completed, g.diverged, g.failed, g.other].map(String.init)
                rows.append(values + counts + [Self.percent(g.best), Self.percent(g.final)])
            }
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        // A column of numbers (and "—" where a group has none) is right-aligned.
        let numeric = header.indices.map { i in
            rows.allSatisfy { row in row[i].isEmpty || row[i] == "—" || Double(row[i].split(separator: " ").first ?? "") != nil }
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { i in
                let pad = String(repeating: " ", count: widths[i] - cells[i].count)
                return numeric[i] ? pad + cells[i] : cells[i] + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var text = line(header) + "\n" + line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { text += line(row) + "\n" }
        let c = counts
        text += "\n\(NumberText.counted(cells.count, "cell")): " + [CellState.completed, .diverged, .failed, .interrupted, .running, .pending].compactMap { s in c[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
            + "; means over completed seeds, sd = sample standard deviation\n"
        return text
    }

    /// CSV with a header line; accuracies as fractions, empty when there are none.
    public func csv(perCell: Bool = false) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func number(_ x: Double?) -> String { x.map { NumberText.significant($0, digits: 6) } ?? "" }
        var lines: [String] = []
        if perCell {
            let names = columns + (variesSeed ? ["seed"] : [])
            lines.append((["cell", "id"] + names + ["state", "best", "final", "epochs"]).map(field).joined(separator: ","))
            for c in cells {
                let values: [String] = names.map { n in c.settings.first { $0.name == n }?.value ?? "" }
                let tail: [String] = [c.state.rawValue, number(c.best), number(c.final), c.epochs.map(String.init) ?? ""]
                lines.append(([String(c.index), c.id] + values + tail).map(field).joined(separator: ","))
            }
        } else {
            lines.append((columns + ["cells", "completed", "diverged", "failed", "other", "best_mean", "best_sd", "final_mean", "final_sd"]).map(field).joined(separator: ","))
            for g in groups {
                let values: [String] = columns.map { n in g.settings.first { $0.name == n }?.value ?? "" }
                let counts: [String] = [g.cells, g.completed, g.diverged, g.failed, g.other].map(String.init)
                let stats: [String] = [number(g.best?.mean), number(g.best?.deviation), number(g.final?.mean), number(g.final?.deviation)]
                lines.append((values + counts + stats).map(field).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary as pretty-printed JSON (accuracies as fractions).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    static func percent(_ m: MeanDeviation?) -> String {
        guard let m else { return "—" }
        guard let deviation = m.deviation else { return String(format: "%.2f", m.mean * 100) }
        return String(format: "%.2f ± %.2f", m.mean * 100, deviation * 100)
    }
}
