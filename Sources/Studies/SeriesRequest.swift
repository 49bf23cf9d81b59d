import Analysis
import Foundation

/// The time resolution of per-layer statistics.
public enum Resolution: Codable, Equatable, Sendable {
    /// One group per recorded epoch.
    case epochs
    /// Consecutive windows of `steps` optimizer steps from the per-step record (`--window N`).
    case windows(steps: Int)

    /// "per epoch" or "per window of 50 steps".
    public var description: String {
        switch self {
        case .epochs: "per epoch"
        case .windows(let n): "per window of \(n) step\(n == 1 ? "" : "s")"
        }
    }
}

/// A closed range of epochs, either end open ("40:", ":200", "40:200"), as `--epochs A:B` gives it.
public struct EpochRange: Equatable, Sendable {
    /// The first epoch kept (nil: from the first).
    public var from: Double?
    /// The last epoch kept (nil: to the last).
    public var to: Double?

    /// The epochs in [from, to]; nil ends are open.
    public init(from: Double? = nil, to: Double? = nil) {
        self.from = from
        self.to = to
    }

    /// Reads "A:B", "A:", ":B" or ":" ("*" stands for an open end); nil when the text is not such a range.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2 else { return nil }
        func end(_ s: String) -> Double?? {
            if s.isEmpty || s == "*" { return .some(nil) }
            guard let v = Double(s), v.isFinite else { return nil }
            return .some(v)
        }
        guard let a = end(parts[0]), let b = end(parts[1]) else { return nil }
        from = a
        to = b
    }

    /// True when both ends are given and A > B: no epoch lies in the range.
    public var isEmpty: Bool { if let from, let to { from > to } else { false } }

    /// Whether epoch `e` lies in the range.
    public func contains(_ e: Double) -> Bool { (from.map { e >= $0 } ?? true) && (to.map { e <= $0 } ?? true) }

    /// "[40, 200]" with "…" for an open end.
    public var description: String { EpochWindow(from: from, to: to).description }
}

/// What a study needs from its inputs: which layers and epochs, at which resolution, with which quantities.
public struct SeriesRequest: Sendable {
    /// The layers to keep, by label ("1", "3"); nil for all.
    public var layers: [String]? = nil
    /// The epochs to keep.
    public var epochs = EpochRange()
    /// Windows of N ≥ 1 steps from the per-step record instead of epochs (``validate()`` refuses N < 1).
    public var window: Int? = nil
    /// Whether to read the per-weight quantities (‖μ‖, ‖√v‖, their SNR, temperature mean and quantiles), when
    /// recorded.
    public var perWeight = false
    /// Whether the noise σ_l is required (tables may lack it; not checked when `drawing`).
    public var needsNoise = false
    /// Whether a table is read as the figures read it: every value column optional (a table may hold only
    /// noise or only temperature), its temperature and quantile columns kept. The analyses require the
    /// signal and derive T = σ² themselves.
    public var drawing = false

    /// A request for every layer and epoch, without per-weight quantities.
    public init() {}

    /// Refuses a request no input can meet, as a `.request` error naming the flag: a `window` of fewer than 1
    /// step. `RunSeries.load`, `readTrace` and `readTable` check this before they read anything.
    public func validate() throws(StudyError) {
        try SeriesRequest.checkWindow(window)
    }

    /// Refuses windows of fewer than 1 step (nil, per-epoch statistics, is fine), as `--window` does.
    public static func checkWindow(_ window: Int?) throws(StudyError) {
        if let window, window < 1 { throw StudyError(.request, "--window takes a positive number of steps") }
    }

    /// What the figures read (`thermo plot signal|temperature|cooling`): every layer and epoch, with the
    /// per-weight quantiles of traces and whatever value columns a table holds.
    public static var figure: SeriesRequest {
        var request = SeriesRequest()
        request.perWeight = true
        request.drawing = true
        return request
    }
}

/// Refuses a layer selected twice: `wanted` are the `--layers` entries as given, `numbers` the layer each one
/// resolves to (from 1) and `labels` that layer's label. Each curve would otherwise be fitted as two, and count
/// twice in every comparison. A `.request` error naming the entries.
public func requireDistinctLayers(_ wanted: [String], numbers: [Int], labels: [String]) throws(StudyError) {
    var first: [Int: Int] = [:]
    for (k, number) in numbers.enumerated() {
        if let j = first[number] {
            let name = labels[k] == String(number) ? "layer \(number)" : "layer \(number) (\(labels[k]))"
            let given = wanted[j] == wanted[k] ? "\(wanted[k]) twice" : "\(wanted[j]) and \(wanted[k])"
            throw StudyError(.request, "--layers \(wanted.joined(separator: ",")) names \(name) more than once (\(given)); give each layer once")
        }
        first[number] = k
    }
}

/// The layer labels of `--layers 1,3` (blank entries ignored); nil for nil, and nil when no label is left.
public func layerLabels(_ text: String) -> [String]? {
    let labels = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return labels.isEmpty ? nil : labels
}
