import Foundation

// The dynamical regimes of a whole run (docs/definitions.md, "Dynamical regimes"): every layer's signal peak and
// SNR = 1 crossings (`layerRegimes`) and the onset e* of the late common regime (`commonRegimeOnset`), searched
// after the latest signal peak. One function, so that `thermo regimes`, the default window of
// `thermo fit-cooling` and the boundaries of `thermo plot signal` agree.

/// One layer's series at one resolution (epochs, or windows of steps), the input of `regimeAnalysis`.
public struct RegimeSeries: Sendable, Equatable {
    /// The layer's label ("1", "fc2", …).
    public var layer: String
    /// The run (trace, seed) it comes from, when several are analysed together.
    public var run: String?
    /// Positions in training time (epochs, fractional for windows of steps), increasing.
    public var positions: [Double]
    /// S_l and σ_l at those positions.
    public var signal: [Double]
    /// The noise σ_l at those positions.
    public var noise: [Double]
    /// The per-weight SNR ‖μ_l‖/‖√v_l‖ at those positions, when recorded (per-epoch moments only).
    public var perWeightSNR: [Double]?

    /// A layer's series; `positions`, `signal`, `noise` (and `perWeightSNR`, if given) have one entry per group.
    public init(layer: String, run: String? = nil, positions: [Double], signal: [Double], noise: [Double],
                perWeightSNR: [Double]? = nil) {
        precondition(positions.count == signal.count && signal.count == noise.count,
                     "RegimeSeries \(layer): \(positions.count) positions, \(signal.count) signals, \(noise.count) noises")
        if let perWeightSNR { precondition(perWeightSNR.count == positions.count, "RegimeSeries \(layer): perWeightSNR has the wrong length") }
        self.layer = layer
        self.run = run
        self.positions = positions
        self.signal = signal
        self.noise = noise
        self.perWeightSNR = perWeightSNR
    }

    /// "layer 2", or "run a layer 2" when the run is named.
    public var name: String { (run.map { "run \($0) " } ?? "") + "layer \(layer)" }
}

/// Settings of the regime analysis.
public struct RegimeOptions: Codable, Sendable, Equatable {
    /// The curves whose common decay defines the late regime: signal (default), noise or both.
    public var curves: CurveSelection = .signal
    /// The decay model of the onset test (the nested decay by default).
    public var model: CoolingModel = .nested
    /// The ΔAIC threshold of the onset criterion (2: "fits as well as"; see `CommonRegimeOnset`).
    public var threshold: Double = CommonDecayCriterion.defaultThreshold
    /// About how many candidate window starts are tried.
    public var candidateCount: Int = 20
    /// The common end of the windows (nil: the last position).
    public var end: Double? = nil
    /// The defaults: signal curves, the nested model, ΔAIC ≤ 2, about 20 candidates, windows to the last position.
    public init() {}
}

/// The regimes of a run (or of several runs analysed together): per layer the signal peak and the SNR = 1
/// crossings with their evidence, and the onset e* of the late common regime with the evidence at every
/// candidate start — or why it was not located.
///
/// Method (every threshold is here, none is hidden):
/// - signal peak: the first position of the largest S_l; a peak at the first point means the early regime is
///   shorter than the resolution (`SignalPeak.atFirstPoint`);
/// - SNR = 1: the first downward crossing SNR_{i−1} > 1 ≥ SNR_i, interpolated linearly in ln SNR; on the
///   layer-mean S/σ always, on the per-weight ‖μ‖/‖√v‖ when recorded (`SNRCrossing`);
/// - e*: `commonRegimeOnset` (ΔAIC = AIC_shared − AIC_per-curve ≤ `threshold` on [s, end]) over about
///   `candidateCount` starts s spaced evenly in ln e between the latest signal peak of any layer and the last
///   position that leaves max(10, C + 3) positions in the window (the late regime follows the transition,
///   which starts near the signal peak). Points with a non-positive or non-finite value or position are left
///   out of the onset fits (their count is in `leftOut`).
public struct RegimeAnalysis: Codable, Sendable {
    /// One layer's boundaries.
    public struct Layer: Codable, Sendable {
        /// The run the layer comes from (nil for a single unnamed run).
        public var run: String?
        /// Its signal peak and SNR = 1 crossings, with their evidence.
        public var regimes: LayerRegimes
    }
    /// The options the analysis ran with.
    public var options: RegimeOptions
    /// Every layer with at least one position, in input order.
    public var layers: [Layer]
    /// The latest signal peak over layers: the candidate starts of e* begin there.
    public var searchFrom: Double?
    /// The candidate starts tried.
    public var candidateStarts: [Double]
    /// The onset test, when candidates could be formed and the fits could be made.
    public var onset: CommonRegimeOnset?
    /// e*, if found.
    public var commonOnset: Double? { onset?.onset }
    /// Points left out of the onset fits because their value or position was not positive and finite.
    public var leftOut: Int
    /// One line of evidence about e*: found where, or why not.
    public var onsetNote: String
}

/// The regime analysis of `series` (see `RegimeAnalysis`). Never throws: a boundary that cannot be found is
/// reported as not found, with the reason.
public func regimeAnalysis(_ series: [RegimeSeries], options: RegimeOptions = RegimeOptions()) -> RegimeAnalysis {
    let usable = series.filter { !$0.positions.isEmpty }
    let layers = usable.map { s in
        RegimeAnalysis.Layer(run: s.run, regimes: layerRegimes(layer: s.layer, positions: s.positions, signal: s.signal,
                                                               noise: s.noise, perWeightSNR: s.perWeightSNR))
    }
    var analysis = RegimeAnalysis(options: options, layers: layers, searchFrom: nil, candidateStarts: [], onset: nil,
                                  leftOut: 0, onsetNote: "")
    guard !usable.isEmpty else {
        analysis.onsetNote = "late common regime not located: no layer has data"
        return analysis
    }
    var curves: [CoolingCurve] = []
    var leftOut = 0
    for s in usable {
        for kind in CurveKind.allCases where options.curves.includes(kind) {
            let values = kind == .signal ? s.signal : s.noise
            var epochs: [Double] = [], kept: [Double] = []
            for (e, v) in zip(s.positions, values) {
                if e > 0, v > 0, e.isFinite, v.isFinite { epochs.append(e); kept.append(v) } else { leftOut += 1 }
            }
            if !epochs.isEmpty {
                curves.append(CoolingCurve(layer: s.layer, kind: kind, run: s.run, epochs: epochs, values: kept))
            }
        }
    }
    analysis.leftOut = leftOut
    let latestPeak = layers.map(\.regimes.signalPeak.position).max() ?? -Double.infinity
    analysis.searchFrom = latestPeak
    let keep = max(10, curves.count + 3)
    let bounded = curves.flatMap(\.epochs).filter { e in options.end.map { e <= $0 } ?? true }
    let starts = regimeCandidateStarts(bounded, from: latestPeak, keep: keep, count: options.candidateCount)
    analysis.candidateStarts = starts
    guard curves.count >= 2 else {
        analysis.onsetNote = "late common regime not located: the common-decay test compares curves and needs at least 2, \(curves.count) usable"
        return analysis
    }
    guard !starts.isEmpty else {
        analysis.onsetNote = "late common regime not located at this resolution: fewer than \(keep) positions after the latest signal peak at \(formatEpoch(latestPeak))"
        return analysis
    }
    do {
        let onset = try commonRegimeOnset(curves, model: options.model, starts: starts, end: options.end,
                                          threshold: options.threshold)
        analysis.onset = onset
        analysis.onsetNote = onset.onset == nil ? onset.note + " (at this resolution)" : onset.note
    } catch {
        analysis.onsetNote = "late common regime not located: \(error.description)"
    }
    return analysis
}

/// About `count` window starts spaced evenly in ln e over the distinct positive, finite positions ≥ `from`,
/// snapped to the first recorded position at or after each target; the window from the last start holds at
/// least `keep` positions (the start included). Empty when fewer than `keep` + 1 positions lie at or after
/// `from`.
public func regimeCandidateStarts(_ positions: [Double], from: Double, keep: Int, count: Int = 20) -> [Double] {
    let epochs = Array(Set(positions.filter { $0 > 0 && $0 >= from && $0.isFinite })).sorted()
    guard epochs.count > keep, count > 0 else { return [] }
    let first = epochs[0], last = epochs[epochs.count - keep]
    var starts: [Double] = []
    for k in 0..<count {
        let target = last > first && count > 1 ? exp(log(first) + (log(last) - log(first)) * Double(k) / Double(count - 1)) : first
        if let e = epochs.first(where: { $0 >= target * (1 - 1e-12) }), e <= last, starts.last != e { starts.append(e) }
    }
    return starts
}
