/// One value of one setting in a cell.
public struct CellSetting: Codable, Sendable, Equatable, Hashable {
    /// The key (`radius`).
    public var name: String
    /// The value passed to `thermo train` (`0.01`).
    public var value: String

    /// A setting.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The state of a cell, derived from the files in its folder (see `CellFiles.state()`).
public enum CellState: String, Codable, Sendable, CaseIterable {
    /// Never started.
    case pending
    /// A process holds the cell's lock right now.
    case running
    /// Started and stopped without finishing (killed, interrupted, the machine went down); resumes from its
    /// checkpoint when it has one.
    case interrupted
    /// Ended with an error (exit status other than 0 and 3); retried by the next run of the sweep.
    case failed
    /// Finished: its summary says `completed`.
    case completed
    /// Training diverged (NaN or infinite loss): a result, reported as such and not retried, since a rerun with
    /// the same seed diverges at the same step.
    case diverged

    /// Whether a run of the sweep starts (or resumes, or retries) the cell.
    public var needsRun: Bool { self == .pending || self == .interrupted || self == .failed }
    /// Whether the cell has its final result.
    public var isFinal: Bool { self == .completed || self == .diverged }
}

/// One run of a sweep: a point of the grid, its folder and its `thermo train` arguments.
public struct Cell: Codable, Sendable, Equatable {
    /// The position in the grid's order, from 0 (also the Slurm array index).
    public var index: Int
    /// A stable name made of the index and the varied settings: `cell-0007-loss=pla,smooth=1,2,radius=0.0316,seed=2`.
    public var id: String
    /// The cell's folder, relative to the sweep folder: `cells/ID`.
    public var folder: String
    /// The settings of the grid in this cell, in the grid's order (smoothing settings dropped when `loss = ce`).
    public var settings: [CellSetting]
    /// The `thermo train` flags of the grid and the fixed flags (the sweep adds the cell's own outputs).
    public var arguments: [String]
    /// The state when the manifest was last written; the cell's files are the truth (`CellFiles.state()`).
    public var status: CellState?

    /// A cell.
    public init(index: Int, id: String, settings: [CellSetting], arguments: [String], status: CellState? = nil) {
        self.index = index
        self.id = id
        self.folder = "cells/" + id
        self.settings = settings
        self.arguments = arguments
        self.status = status
    }

    /// The value of setting `name` in this cell, if the grid has it.
    public func value(_ name: String) -> String? {
        settings.first { $0.name == name }?.value
    }
}

extension Grid {
    /// The cells, in a stable, documented order: the Cartesian product of the settings' values, with the first
    /// setting varying slowest and the last fastest (as nested loops in the order the settings are written), each
    /// setting's values in the order given. A cell whose `loss` is `ce` drops the smoothing settings and fixed
    /// flags (smooth, radius, samples, sharpness, kernel, gamma, smoothing-path), which mean nothing for
    /// cross-entropy; a smoothing cell drops the other kernel's spread (`gamma` for the uniform kernel, `radius`
    /// and `sharpness` for the Gaussian one); cells that thereby become equal are kept once, at the first position. Indices count the
    /// cells that remain.
    public func cells() throws(GridError) -> [Cell] {
        var total = 1
        for s in settings {
            total = total.multipliedReportingOverflow(by: s.values.count).partialValue
            guard total <= 100_000 else {
                throw GridError(source: s.source, column: nil, "the grid has more than 100,000 cells; split the sweep")
            }
        }
        var seen = Set<[CellSetting]>()
        var points: [[CellSetting]] = []
        let fixedForCrossEntropy = Self.droppingSmoothingFlags(fixed)
        var counters = Array(repeating: 0, count: settings.count)
        for _ in 0..<total {
            var point = zip(settings, counters).map { CellSetting(name: $0.name, value: $0.values[$1]) }
            if point.contains(where: { $0.name == "loss" && $0.value == "ce" }) {
                point.removeAll { GridKey.named($0.name)?.isSmoothing ?? false }
            } else {
                // Each kernel keeps its own spread: --radius (and --sharpness) for the uniform one, --gamma for the
                // Gaussian one; `kernel = uniform | gaussian` crossed with both would otherwise make cells
                // thermo train refuses.
                let foreign = otherKernelsSpread(point)
                point.removeAll { foreign.contains($0.name) }
            }
            if seen.insert(point).inserted { points.append(point) }
            // Advance the counters like an odometer: the last setting fastest.
            var k = settings.count - 1
            while k >= 0 {
                counters[k] += 1
                if counters[k] < settings[k].values.count { break }
                counters[k] = 0
                k -= 1
            }
        }
        let varied = Set(variedNames)
        let width = max(4, String(max(0, points.count - 1)).count)
        return points.enumerated().map { index, point in
            let named = point.filter { varied.contains($0.name) }
            let crossEntropy = point.contains { $0.name == "loss" && $0.value == "ce" }
            let own = crossEntropy ? fixedForCrossEntropy : Self.droppingFlags(fixed) { otherKernelsSpread(point).contains($0.name) }
            return Cell(index: index, id: Self.cellID(index: index, settings: named, width: width), settings: point, arguments: Self.arguments(point) + own)
        }
    }

    /// The value of `flag` among the fixed `flags` (`--kernel gaussian` or `--kernel=gaussian`), if given.
    static func fixedValue(_ flag: String, in flags: [String]) -> String? {
        for (i, word) in flags.enumerated() {
            if word == flag, i + 1 < flags.count { return flags[i + 1] }
            if word.hasPrefix(flag + "=") { return String(word.dropFirst(flag.count + 1)) }
        }
        return nil
    }

    /// The settings that belong to the other kernel than the cell's (`point`'s `kernel`, else the fixed `--kernel`,
    /// else uniform): `gamma` for the uniform kernel, `radius` and `sharpness` for the Gaussian one.
    func otherKernelsSpread(_ point: [CellSetting]) -> Set<String> {
        let kernel = point.first { $0.name == "kernel" }?.value ?? Self.fixedValue("--kernel", in: fixed) ?? "uniform"
        return kernel == "gaussian" ? ["radius", "sharpness"] : ["gamma"]
    }

    /// `flags` without the smoothing flags (`--radius 0.1`, `--smooth=2`, …) and their values.
    static func droppingSmoothingFlags(_ flags: [String]) -> [String] {
        droppingFlags(flags) { $0.isSmoothing }
    }

    /// `flags` without the flags whose grid key satisfies `drop`, and their values.
    static func droppingFlags(_ flags: [String], where drop: (GridKey) -> Bool) -> [String] {
        var kept: [String] = []
        var i = 0
        while i < flags.count {
            let word = flags[i]
            if word.hasPrefix("--"), let key = GridKey.named(String(word.dropFirst(2).split(separator: "=", maxSplits: 1)[0])), drop(key) {
                i += word.contains("=") ? 1 : 2
                continue
            }
            kept.append(word)
            i += 1
        }
        return kept
    }

    /// `thermo train` flags for `settings`: `--name value`, or `--name` alone for a `yes` flag.
    static func arguments(_ settings: [CellSetting]) -> [String] {
        settings.flatMap { s -> [String] in
            if GridKey.named(s.name)?.kind == .flag { return s.value == "yes" ? ["--" + s.name] : [] }
            return ["--" + s.name, s.value]
        }
    }

    /// `cell-0007-loss=pla,smooth=1,2,radius=0.0316`, safe as a file name: characters other than letters, digits
    /// and `.,=+-_` become `_`; a name longer than 120 characters is cut and ends in a hash of the whole.
    public static func cellID(index: Int, settings: [CellSetting], width: Int = 4) -> String {
        var number = String(index)
        if number.count < width { number = String(repeating: "0", count: width - number.count) + number }
        let text = settings.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        let safe = String(text.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || ".,=+-_".contains(c)) ? c : "_"
        })
        var id = "cell-" + number + (safe.isEmpty ? "" : "-" + safe)
        if id.count > 120 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            let hex = String(hash, radix: 16)
            id = String(id.prefix(110)) + "-" + String(repeating: "0", count: 16 - hex.count) + hex
        }
        return id
    }
}
