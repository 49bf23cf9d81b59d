import Foundation

extension RunSeries {
    /// The description of the inputs the analyses accept, for help texts.
    public static let analysisFormats = "thermo traces (.h5, written by 'thermo train --trace') or CSV/TSV long tables (.csv, .tsv, .txt) with columns epoch, layer, signal[, noise][, run]"

    /// The inputs the figures accept, by kind, for help texts and messages.
    public static let figureFormats = [
        "CSV/TSV long tables (.csv, .tsv, .txt) with columns epoch, layer, signal[, noise][, temperature][, run][, q5 … q95]",
        "thermo traces (.h5, .hdf5, written by 'thermo train --trace')",
    ]

    /// The runs of every input of an analysis, in order: tables by their extension (`isTable`), anything else
    /// as a trace. Run labels are made unique (a file name repeated gets "#2", …); a note is added to every run
    /// whose S or σ holds values no recorded run can (`impossibleValuesNote`). Errors are `.input` errors, but
    /// for an input given twice (`requireDistinctInputs`, `requireDistinctRuns`) and a request that
    /// ``SeriesRequest/validate()`` refuses.
    public static func load(_ paths: [String], request: SeriesRequest) throws(StudyError) -> [RunSeries] {
        try request.validate()
        var runs: [RunSeries] = []
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else {
                throw StudyError(.input, "\(path) does not exist; give a trace written by 'thermo train --trace FILE.h5' or a CSV/TSV long table")
            }
        }
        try requireDistinctInputs(paths)
        for path in paths {
            runs += isTable(path) ? try readTable(path, request: request) : [try readTrace(path, request: request)]
        }
        try requireDistinctRuns(runs)
        var seen: [String: Int] = [:]
        for i in runs.indices {
            let count = (seen[runs[i].label] ?? 0) + 1
            seen[runs[i].label] = count
            if count > 1 { runs[i].label += "#\(count)" }
            if let note = impossibleValuesNote(runs[i]) { runs[i].notes.append(note) }
        }
        return runs
    }

    /// The runs of every input of a figure (`SeriesRequest.figure`), in order: tables (.csv, .tsv, .txt) and
    /// traces (.h5, .hdf5). A folder, another extension, an input given twice and a table's errors are `.request`
    /// errors (the figure cannot be drawn from what was named); a missing file and a trace's errors are `.input`
    /// errors, as for an analysis, and so are two traces of one run (`requireDistinctRuns`).
    public static func loadFigureInputs(_ paths: [String]) throws(StudyError) -> [RunSeries] {
        guard !paths.isEmpty else { throw StudyError(.request, "give at least one input: " + figureFormats.joined(separator: " or ")) }
        var runs: [RunSeries] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                // As for an analysis (`load`): the input is missing, not the command malformed.
                throw StudyError(.input, "\(path) does not exist; give a trace written by 'thermo train --trace FILE.h5' or a CSV/TSV long table")
            }
            guard !isFolder.boolValue else { throw StudyError(.request, "\(path) is a folder; give the table file itself") }
            let read: [RunSeries]
            if isTable(path) {
                do { read = try readTable(path, request: .figure) } catch { throw error.reported(as: .request) }
            } else if ["h5", "hdf5"].contains((path as NSString).pathExtension.lowercased()) {
                read = [try readTrace(path, request: .figure)]
            } else {
                throw StudyError(.request, "cannot read \(path): the accepted inputs are " + figureFormats.joined(separator: ", "))
            }
            guard !read.isEmpty, read.contains(where: { !$0.layers.isEmpty }) else { throw StudyError(.request, "\(path) holds no data rows") }
            runs += read
        }
        try requireDistinctInputs(paths)
        try requireDistinctRuns(runs)
        return runs
    }

    /// Refuses a file named twice (`a.h5 ./a.h5`, a symbolic link beside its target): its run would count as two
    /// runs (two seeds, twice the curves). A `.request` error naming both arguments. The files must exist.
    public static func requireDistinctInputs(_ paths: [String]) throws(StudyError) {
        var seen: [String: String] = [:]
        for path in paths {
            let identity = resolvedPath(path)
            if let first = seen[identity] {
                throw StudyError(.request, "\(first) and \(path) are the same file: its run would count twice; give each run once")
            }
            seen[identity] = path
        }
    }

    /// Refuses two traces of one run (the same `run_id`, docs/trace-format.md: one is a copy of the other), and
    /// two runs holding the same numbers (`holdSameNumbers`: a trace and its exported table), which would count
    /// as two seeds. An `.input` error naming both.
    public static func requireDistinctRuns(_ runs: [RunSeries]) throws(StudyError) {
        var seen: [String: String] = [:]
        for run in runs {
            guard let id = run.runID else { continue }
            if let first = seen[id], first != run.path {
                throw StudyError(.input, "\(first) and \(run.path) hold the same run (run_id \(id)): one is a copy of the other, and it would count twice; give each run once")
            }
            seen[id] = run.path
        }
        for (i, run) in runs.enumerated() {
            if let earlier = runs[..<i].first(where: { holdSameNumbers($0, run) }) {
                let first = earlier.path == run.path ? "\(earlier.path) (run \(earlier.label))" : earlier.path
                let second = earlier.path == run.path ? "run \(run.label)" : run.path
                throw StudyError(.input, "\(first) and \(second) hold the same numbers (a layer's S and σ agree to 5 digits at every epoch both hold): one is a copy or an export of the other, and it would count twice; give each run once")
            }
        }
    }

    /// Whether two runs hold the same curves: a layer of one and the layer of the same label in the other agree —
    /// S and σ (whichever both have, at least one) equal to a relative 1e-5 — at every position they share, and
    /// they share at least three. That is a trace beside a table exported from it (all of it, or some layers or
    /// epochs), or two copies of a table. Runs of different seeds differ in the first digits.
    static func holdSameNumbers(_ a: RunSeries, _ b: RunSeries) -> Bool {
        func agree(_ x: [Double]?, _ i: [Int], _ y: [Double]?, _ j: [Int]) -> Bool? {
            guard let x, let y, x.count > i.max() ?? -1, y.count > j.max() ?? -1 else { return nil }
            return zip(i, j).allSatisfy { k, m in
                let u = x[k], v = y[m]
                return u == v || (u.isFinite && v.isFinite && abs(u - v) <= 1e-5 * max(abs(u), abs(v)))
            }
        }
        for p in a.layers {
            for q in b.layers where q.layer == p.layer {
                var index: [Double: Int] = [:]
                for (k, position) in p.positions.enumerated() { index[position] = k }
                let shared = q.positions.enumerated().compactMap { m, position in index[position].map { ($0, m) } }
                guard shared.count >= 3 else { continue }
                let i = shared.map(\.0), j = shared.map(\.1)
                // A layer whose S is 0 throughout (a dead layer in both seeds) tells nothing.
                guard let signal = p.signal ?? p.noise, i.contains(where: { $0 < signal.count && signal[$0] != 0 }) else { continue }
                let checks = [agree(p.signal, i, q.signal, j), agree(p.noise, i, q.noise, j)].compactMap { $0 }
                if !checks.isEmpty && checks.allSatisfy({ $0 }) { return true }
            }
        }
        return false
    }

    /// The file `path` names, with symbolic links, `.` and `..` resolved (the path itself when it cannot be).
    public static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return (path as NSString).standardizingPath }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// A note when S or σ holds NaN, ±∞ or a negative value, which no recorded run produces (both are means and
    /// spreads of gradient magnitudes): the input is damaged or was written by something else. The values are
    /// shown as they are; each analysis says how it treats them.
    public static func impossibleValuesNote(_ run: RunSeries) -> String? {
        var count = 0
        var first: String?
        for series in run.layers {
            for (name, values) in [("S", series.signal ?? []), ("σ", series.noise ?? [])] {
                for (k, v) in values.enumerated() where !v.isFinite || v < 0 {
                    count += 1
                    if first == nil { first = "layer \(series.layer), epoch \(formatNumber(series.positions[k])), \(name) = \(formatNumber(v))" }
                }
            }
        }
        guard count > 0, let first else { return nil }
        return "\(run.path): \(count) value\(count == 1 ? " of S or σ is" : "s of S or σ are") NaN, infinite or negative "
            + "(first: \(first)); gradient magnitudes cannot be: the input may be damaged"
    }

    /// The run named `name`, or the only run; a `.request` error lists the runs when the choice is ambiguous.
    public static func select(_ runs: [RunSeries], named name: String?) throws(StudyError) -> RunSeries {
        if let name {
            guard let run = runs.first(where: { $0.label == name }) else {
                throw StudyError(.request, "--run \(name) is not among the runs \(runs.map(\.label).joined(separator: ", "))")
            }
            return run
        }
        guard runs.count == 1 else {
            throw StudyError(.request, "the inputs hold \(runs.count) runs (\(runs.map(\.label).joined(separator: ", "))); choose one with --run NAME")
        }
        return runs[0]
    }
}
