import Foundation
import NumericCore

/// Whether a curve is a layer's training signal S_l(e) or its noise σ_l(e) (docs/definitions.md).
public enum CurveKind: String, Codable, Sendable, CaseIterable {
    case signal, noise
}

/// Which curves enter a cooling fit: every layer's signal, its noise, or both (then every layer gives two
/// curves, each with its own amplitude, all sharing the decay parameters).
public enum CurveSelection: String, Codable, Sendable, CaseIterable {
    case signal, noise, both

    /// Whether curves of `kind` are selected.
    public func includes(_ kind: CurveKind) -> Bool {
        switch self {
        case .signal: return kind == .signal
        case .noise: return kind == .noise
        case .both: return true
        }
    }
}

/// One positive series against epochs — a layer's S_l(e) or σ_l(e) from one run (trace).
public struct CoolingCurve: Codable, Sendable, Equatable {
    /// The layer's label ("1", "fc2", …).
    public var layer: String
    /// Signal or noise.
    public var kind: CurveKind
    /// The run (trace, seed) the curve comes from, when several are compared; nil for a single run.
    public var run: String?
    /// Epochs e > 0 (fractional for windows of steps), in any order.
    public var epochs: [Double]
    /// The values at those epochs, > 0.
    public var values: [Double]

    /// A curve of `values` at `epochs` (equal counts, checked).
    public init(layer: String, kind: CurveKind = .signal, run: String? = nil, epochs: [Double], values: [Double]) {
        precondition(epochs.count == values.count,
                     "curve \(layer) \(kind): \(epochs.count) epochs but \(values.count) values")
        self.layer = layer
        self.kind = kind
        self.run = run
        self.epochs = epochs
        self.values = values
    }

    /// "layer 2 signal", or "run 3 layer 2 signal" when the run is named.
    public var name: String {
        (run.map { "run \($0) " } ?? "") + "layer \(layer) \(kind.rawValue)"
    }
}

/// A closed window of epochs [from, to]; either end may be open (nil).
public struct EpochWindow: Codable, Sendable, Equatable {
    /// The first epoch in the window (nil: no lower end).
    public var from: Double?
    /// The last epoch in the window (nil: no upper end).
    public var to: Double?
    /// The window [from, to]; both ends open by default.
    public init(from: Double? = nil, to: Double? = nil) {
        self.from = from
        self.to = to
    }
    /// Whether e lies in the window.
    @inline(__always) public func contains(_ e: Double) -> Bool {
        (from.map { e >= $0 } ?? true) && (to.map { e <= $0 } ?? true)
    }
    /// "[40, 900]", with "…" for an open end.
    public var description: String {
        "[\(from.map(formatEpoch) ?? "…"), \(to.map(formatEpoch) ?? "…")]"
    }
}

/// Why a cooling fit could not be made; each case reads as one clear line.
public enum CoolingFitError: Error, Equatable, Sendable, DescribedError {
    /// No curve was given (or none of the selected kind).
    case noCurves(selection: String)
    /// The window's lower end exceeds its upper end.
    case invalidWindow(from: Double, to: Double)
    /// A curve has no point in the window (curve nil: no curve has any).
    case emptyWindow(window: EpochWindow, curve: String?)
    /// The window holds `have` points but the model needs `need`; `detail` explains the count.
    case tooFewPoints(model: CoolingModel, have: Int, need: Int, detail: String)
    /// The window holds enough points but only `have` distinct epochs, where the model's shared parameters need
    /// `need` (p + 1: every curve's amplitude takes up one epoch's level, the decay needs the others).
    case tooFewEpochs(model: CoolingModel, have: Int, need: Int, window: EpochWindow)
    /// A value ≤ 0, whose logarithm is undefined.
    case nonPositiveValue(curve: String, epoch: Double, value: Double)
    /// A NaN or infinite value or epoch.
    case nonFiniteValue(curve: String, epoch: Double, value: Double)
    /// An epoch ≤ 0 (the models need ln e).
    case nonPositiveEpoch(curve: String, epoch: Double)
    /// Levenberg–Marquardt did not converge.
    case notConverged(model: CoolingModel, LevenbergMarquardtError)
    /// A bootstrap over traces needs at least two traces.
    case tooFewTraces(have: Int)
    /// A comparison between curves (the commonality test, the onset of the common regime) needs two curves.
    case tooFewCurves(have: Int, purpose: String)
    /// The block bootstrap's block of `length` epochs is not shorter than the `points` epochs of a curve in
    /// `window`: every replicate would redraw the data themselves.
    case blockTooLong(length: Int, points: Int, window: EpochWindow)

    /// The error as one line naming the curve, epoch or window concerned.
    public var description: String {
        switch self {
        case .noCurves(let selection):
            return "no \(selection) curves to fit"
        case .invalidWindow(let from, let to):
            return "the window [\(formatEpoch(from)), \(formatEpoch(to))] is empty: its start exceeds its end"
        case .emptyWindow(let window, let curve):
            if let curve { return "\(curve) has no epoch in the window \(window.description)" }
            return "no curve has an epoch in the window \(window.description)"
        case .tooFewPoints(let model, let have, let need, let detail):
            return "too few points for the \(model.displayName) model: \(have) in the window, at least \(need) needed (\(detail))"
        case .tooFewEpochs(let model, let have, let need, let window):
            return "too few distinct epochs for the \(model.displayName) model: \(have) in the window \(window.description), at least \(need) needed "
                + "(\(need - 1) shared parameter\(need == 2 ? "" : "s") + 1: each curve's amplitude fixes one epoch's level, the decay needs the others)"
        case .nonPositiveValue(let curve, let epoch, let value):
            return "\(curve) is \(formatShort(value)) at epoch \(formatEpoch(epoch)): the logarithm of a non-positive value is undefined"
        case .nonFiniteValue(let curve, let epoch, let value):
            return "\(curve) has a non-finite entry (\(formatShort(value))) at epoch \(formatEpoch(epoch))"
        case .nonPositiveEpoch(let curve, let epoch):
            return "\(curve) has epoch \(formatEpoch(epoch)): the cooling models need epochs > 0 (ln e)"
        case .notConverged(let model, let error):
            return "\(model.displayName) fit: \(error.description)"
        case .tooFewTraces(let have):
            return "a bootstrap over traces needs at least 2 traces, \(have) given"
        case .tooFewCurves(let have, let purpose):
            return "\(purpose) needs at least 2 curves, \(have) given"
        case .blockTooLong(let length, let points, let window):
            return "a bootstrap block of \(length) epoch\(length == 1 ? "" : "s") is not shorter than the \(points) epochs in the window "
                + "\(window.description): every replicate would be the data themselves (an interval of zero width); the largest block is \(points - 1)"
        }
    }
}

/// Curves restricted to a window and laid out for fitting: the unique epochs of all curves (sorted) with
/// their logarithms, and per curve a contiguous run of points (epoch index, y = ln value), sorted by epoch.
struct PreparedCurves: Sendable {
    /// The curves' names, in input order.
    var names: [String]
    /// Sorted unique epochs in the window (u), and ln of each.
    var epochs: [Double]
    var lnEpochs: [Double]
    /// curveStart[c] ..< curveStart[c + 1] are curve c's points.
    var curveStart: [Int]
    /// Per point: the index of its epoch in `epochs`.
    var pointEpoch: [Int32]
    /// Per point: y = ln value.
    var logValues: [Double]
    /// Whether every curve has the same sequence of epoch indices (the usual case: layers recorded together),
    /// which lets the block bootstrap resample the same blocks of epochs in every curve.
    var sharedGrid: Bool
    /// The window actually covered: [first, last] epoch.
    var window: EpochWindow

    var curveCount: Int { names.count }
    var pointCount: Int { logValues.count }
    func pointCount(ofCurve c: Int) -> Int { curveStart[c + 1] - curveStart[c] }

    /// Validates and lays out `curves` within `window`; values outside the window are not inspected.
    init(_ curves: [CoolingCurve], window: EpochWindow) throws(CoolingFitError) {
        if let from = window.from, let to = window.to, from > to { throw .invalidWindow(from: from, to: to) }
        var selected: [[(Double, Double)]] = []
        var all: [Double] = []
        for curve in curves {
            var points: [(Double, Double)] = []
            for (e, v) in zip(curve.epochs, curve.values) {
                guard e.isFinite else { throw .nonFiniteValue(curve: curve.name, epoch: e, value: e) }
                guard window.contains(e) else { continue }
                guard e > 0 else { throw .nonPositiveEpoch(curve: curve.name, epoch: e) }
                guard v.isFinite else { throw .nonFiniteValue(curve: curve.name, epoch: e, value: v) }
                guard v > 0 else { throw .nonPositiveValue(curve: curve.name, epoch: e, value: v) }
                points.append((e, v))
            }
            guard !points.isEmpty else { throw .emptyWindow(window: window, curve: curve.name) }
            points.sort { $0.0 < $1.0 }
            selected.append(points)
            all.append(contentsOf: points.map(\.0))
        }
        all.sort()
        var unique: [Double] = []
        unique.reserveCapacity(all.count)
        for e in all where unique.last != e { unique.append(e) }
        names = curves.map(\.name)
        epochs = unique
        lnEpochs = unique.map { log($0) }
        curveStart = [0]
        pointEpoch = []
        logValues = []
        var grid: [Int32]? = nil
        var shared = true
        for points in selected {
            var indices: [Int32] = []
            indices.reserveCapacity(points.count)
            var j = 0
            for (e, v) in points {
                while unique[j] < e { j += 1 }
                indices.append(Int32(j))
                logValues.append(log(v))
            }
            if let grid { shared = shared && grid == indices } else { grid = indices }
            pointEpoch.append(contentsOf: indices)
            curveStart.append(logValues.count)
        }
        sharedGrid = shared
        self.window = EpochWindow(from: unique.first, to: unique.last)
    }

    /// Curve c alone, re-indexed onto its own epochs.
    func single(_ c: Int) -> PreparedCurves {
        var copy = self
        let range = curveStart[c]..<curveStart[c + 1]
        // A curve's epoch indices never decrease (its points are sorted by epoch), so one pass finds the epochs
        // it uses, in order, and each point's index among them.
        var used: [Int32] = [], reindexed: [Int32] = []
        used.reserveCapacity(range.count)
        reindexed.reserveCapacity(range.count)
        for j in pointEpoch[range] {
            if used.last != j { used.append(j) }
            reindexed.append(Int32(used.count - 1))
        }
        copy.names = [names[c]]
        copy.epochs = used.map { epochs[Int($0)] }
        copy.lnEpochs = used.map { lnEpochs[Int($0)] }
        copy.curveStart = [0, range.count]
        copy.pointEpoch = reindexed
        copy.logValues = Array(logValues[range])
        copy.sharedGrid = true
        copy.window = EpochWindow(from: copy.epochs.first, to: copy.epochs.last)
        return copy
    }

    /// Checks that the window holds enough points for `model` with shared parameters: n ≥ C + p + 1 (one degree
    /// of freedom left for the noise variance; else `tooFewPoints`) and at least p + 1 distinct epochs (else
    /// `tooFewEpochs`, whatever the number of points).
    func requirePoints(for model: CoolingModel) throws(CoolingFitError) {
        let p = model.parameterCount
        let need = curveCount + p + 1
        if pointCount < need {
            throw .tooFewPoints(model: model, have: pointCount, need: need,
                                detail: "\(curveCount) amplitude\(curveCount == 1 ? "" : "s") + \(p) shared parameter\(p == 1 ? "" : "s") + 1")
        }
        if epochs.count < p + 1 { throw .tooFewEpochs(model: model, have: epochs.count, need: p + 1, window: window) }
    }
}
