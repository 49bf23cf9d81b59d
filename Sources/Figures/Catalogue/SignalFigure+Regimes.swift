import Analysis
import Foundation

extension SignalPanel {
    /// The regime boundaries of `layers` as the Analysis module finds them (docs/science.md, "Dynamical
    /// regimes"): the median over layers of the epoch where S_l peaks (the start of the short noise-dominated
    /// transition), unless every layer peaks at its first point, and the onset e* of the late common cooling
    /// (`commonRegimeOnset` with the nested model on the signal curves). Each detector also returns one line of
    /// evidence, so that a caller can say why a boundary is missing.
    public static func detectedBoundaries(_ layers: [SignalSeries]) -> (boundaries: [RegimeBoundary], notes: [String]) {
        var boundaries: [RegimeBoundary] = []
        var notes: [String] = []
        let usable = layers.filter { !$0.epochs.isEmpty }
        guard !usable.isEmpty else { return ([], ["no layer has data: no regime boundaries"]) }
        let peaks = usable.map { layer in
            layerRegimes(layer: layer.layer, positions: layer.epochs, signal: layer.signal,
                         noise: layer.noise ?? layer.signal).signalPeak
        }
        if peaks.allSatisfy(\.atFirstPoint) {
            notes.append("every layer's signal is largest at its first point: the early regime is shorter than the resolution, no peak marked")
        } else {
            let sorted = peaks.map(\.position).sorted()
            let median = sorted[(sorted.count - 1) / 2]
            boundaries.append(RegimeBoundary(epoch: median, label: "S peak"))
            notes.append("signal peaks at " + zip(usable, peaks).map { "layer \($0.layer): \(shortNumber($1.position))" }.joined(separator: ", ")
                         + "; marked at the median \(shortNumber(median))")
        }
        let curves = usable.map { layer -> CoolingCurve in
            let points = zip(layer.epochs, layer.signal).filter { $0.0 > 0 && $0.1 > 0 && $0.0.isFinite && $0.1.isFinite }
            return CoolingCurve(layer: layer.layer, kind: .signal, epochs: points.map(\.0), values: points.map(\.1))
        }
        // The late regime follows the transition, so candidate starts begin at the last layer's signal peak.
        let latestPeak = peaks.map(\.position).max() ?? -Double.infinity
        let starts = candidateStarts(curves.flatMap(\.epochs), from: latestPeak, keep: max(10, curves.count + 3))
        guard !starts.isEmpty else {
            notes.append("late common regime not located: fewer than \(max(10, curves.count + 3)) epochs after the signal peak at \(shortNumber(latestPeak))")
            return (boundaries, notes)
        }
        do {
            let onset = try commonRegimeOnset(curves.filter { !$0.epochs.isEmpty }, starts: starts)
            if let e = onset.onset {
                boundaries.append(RegimeBoundary(epoch: e, label: "e* = \(shortNumber(e))"))
            }
            notes.append("late common regime: \(onset.note)")
        } catch {
            notes.append("late common regime not located: \(error.description)")
        }
        return (boundaries, notes)
    }
}

/// About `count` window starts spaced evenly in ln e over the recorded epochs ≥ `from` (and > 0), snapped to
/// recorded epochs, leaving at least `keep` epochs after the last start.
func candidateStarts(_ all: [Double], from: Double, keep: Int, count: Int = 20) -> [Double] {
    let epochs = Array(Set(all.filter { $0 > 0 && $0 >= from && $0.isFinite })).sorted()
    guard epochs.count > keep else { return [] }
    let first = epochs[0], last = epochs[epochs.count - keep]
    var starts: [Double] = []
    for k in 0..<count {
        let target = last > first ? exp(log(first) + (log(last) - log(first)) * Double(k) / Double(count - 1)) : first
        if let e = epochs.first(where: { $0 >= target * (1 - 1e-12) }), e <= last, starts.last != e { starts.append(e) }
    }
    return starts
}

/// A number for a label: integers plainly, others with up to 4 significant digits.
func shortNumber(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return String(format: "%.4g", x)
}
