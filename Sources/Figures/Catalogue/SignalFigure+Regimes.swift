import Studies
import Analysis
import Foundation
import NumericCore

extension SignalPanel {
    /// The boundaries to mark for a regime analysis already made (the Studies module's `signalRegimes`, the
    /// analysis of `thermo regimes`; docs/definitions.md, "Dynamical regimes"): the median over layers of the
    /// epoch where S_l peaks (the start of the short noise-dominated transition), unless every layer peaks at
    /// its first point, and the onset e* of the late common cooling. Each detector also returns one line of
    /// evidence, so that a caller can say why a boundary is missing.
    public static func boundaries(of analysis: RegimeAnalysis) -> (boundaries: [RegimeBoundary], notes: [String]) {
        var boundaries: [RegimeBoundary] = []
        var notes: [String] = []
        let peaks = analysis.layers.map(\.regimes.signalPeak)
        guard !peaks.isEmpty else { return ([], ["no layer has data: no regime boundaries"]) }
        if peaks.allSatisfy(\.atFirstPoint) {
            notes.append("every layer's signal is largest at its first point: the early regime is shorter than the resolution, no peak marked")
        } else {
            let sorted = peaks.map(\.position).sorted()
            let median = sorted[(sorted.count - 1) / 2]
            boundaries.append(RegimeBoundary(epoch: median, label: "S peak"))
            notes.append("signal peaks at " + analysis.layers.map { "\(layerTitle($0.regimes.layer)): \(shortNumber($0.regimes.signalPeak.position))" }.joined(separator: ", ")
                         + "; marked at the median \(shortNumber(median))")
        }
        if let e = analysis.commonOnset {
            boundaries.append(RegimeBoundary(epoch: e, label: "e* = \(shortNumber(e))"))
        }
        notes.append(analysis.onsetNote.hasPrefix("late common regime") ? analysis.onsetNote : "late common regime: \(analysis.onsetNote)")
        return (boundaries, notes)
    }
}

/// A number for a label: integers plainly, others with up to 4 significant digits.
func shortNumber(_ x: Double) -> String { NumberText.wholeOrSignificant(x, digits: 4, symbols: false) }
