import Foundation
import LayerStatistics

// The dynamical regimes of docs/definitions.md: per layer the signal peak and the SNR = 1 crossing, and for all
// layers together the onset e* of the late common cooling. Every detector returns its evidence.

/// Which signal-to-noise ratio a regime boundary was found on.
public enum SNRKind: String, Codable, Sendable {
    /// S_l/σ_l, the ratio of the layer-mean signal to its standard deviation over steps.
    case layerMean = "layer-mean S/σ"
    /// ‖μ_l‖₂/‖√v_l‖₂, from the per-weight gradient means and variances.
    case perWeight = "per-weight ‖μ‖/‖√v‖"
}

/// Where a layer's signal S_l peaks.
public struct SignalPeak: Codable, Sendable, Equatable {
    /// The position (epoch or window position) and index of the largest S.
    public var position: Double
    /// The index of the peak in the series.
    public var index: Int
    /// S_l at the peak, its largest value.
    public var signal: Double
    /// True when the peak is the first point: the early regime is shorter than the resolution.
    public var atFirstPoint: Bool
    /// One line of evidence.
    public var note: String
}

/// The first downward crossing of SNR = 1, or why none was found.
public struct SNRCrossing: Codable, Sendable, Equatable {
    /// The SNR the crossing was searched on: layer-mean S_l/σ_l or per-weight ‖μ_l‖₂/‖√v_l‖₂.
    public var kind: SNRKind
    /// Whether the SNR falls from above 1 to at most 1 within the series.
    public var found: Bool
    /// Where SNR = 1, interpolated linearly in ln SNR between the last point above 1 and the first at or below.
    public var position: Double?
    /// The index of the first point with SNR ≤ 1.
    public var index: Int?
    /// One line of evidence, e.g. "not found at this resolution: SNR stays above 1 (minimum 1.7 at 230)".
    public var note: String
}

/// The per-layer regime boundaries.
public struct LayerRegimes: Codable, Sendable {
    /// The layer's label ("1", "fc2", …).
    public var layer: String
    /// Where S_l peaks, with its evidence.
    public var signalPeak: SignalPeak
    /// The crossing on the layer-mean SNR, and on the per-weight SNR when it was given.
    public var crossings: [SNRCrossing]
}

/// The signal peak and SNR = 1 crossings of one layer's series at `positions` (epochs or window positions,
/// increasing). `signal` and `noise` are S_l and σ_l; `perWeightSNR`, if given, is ‖μ_l‖/‖√v_l‖ at the same
/// positions. A crossing is the first i with SNR_{i−1} > 1 ≥ SNR_i (σ = 0 counts as SNR = +∞); if the first
/// point is already at or below 1, or the SNR never falls to 1, the crossing is "not found at this resolution"
/// and the note says which and gives the extreme value seen.
public func layerRegimes(layer: String, positions: [Double], signal: [Double], noise: [Double],
                         perWeightSNR: [Double]? = nil) -> LayerRegimes
{
    precondition(!positions.isEmpty && positions.count == signal.count && signal.count == noise.count,
                 "layerRegimes: positions, signal and noise must have the same positive length")
    var peak = 0
    for i in 1..<max(1, signal.count) where signal[i] > signal[peak] { peak = i }
    let atFirst = peak == 0 && signal.count > 1
    let peakNote = atFirst
        ? "the signal is largest at the first point (\(formatEpoch(positions[0]))): the early regime is shorter than this resolution"
        : "the signal peaks at \(formatEpoch(positions[peak])) (S = \(formatShort(signal[peak])))"
    let layerMean = zip(signal, noise).map { SignalAndNoise.signalToNoise(signal: $0, noise: $1) }
    var crossings = [snrCrossing(positions: positions, snr: layerMean, kind: .layerMean)]
    if let perWeightSNR {
        precondition(perWeightSNR.count == positions.count, "layerRegimes: perWeightSNR has the wrong length")
        crossings.append(snrCrossing(positions: positions, snr: perWeightSNR, kind: .perWeight))
    }
    return LayerRegimes(layer: layer,
                        signalPeak: SignalPeak(position: positions[peak], index: peak, signal: signal[peak],
                                               atFirstPoint: atFirst, note: peakNote),
                        crossings: crossings)
}

/// `layerRegimes` from grouped statistics (epochs or windows of steps).
public func layerRegimes(layer: String, statistics: [LayerSignalStatistics], perWeightSNR: [Double]? = nil) -> LayerRegimes {
    layerRegimes(layer: layer, positions: statistics.map(\.position), signal: statistics.map(\.signal),
                 noise: statistics.map(\.noise), perWeightSNR: perWeightSNR)
}

/// The first downward crossing of SNR = 1 (see `layerRegimes`).
func snrCrossing(positions: [Double], snr: [Double], kind: SNRKind) -> SNRCrossing {
    if snr[0] <= 1 {
        return SNRCrossing(kind: kind, found: false, position: nil, index: nil,
                           note: "not found at this resolution: \(kind.rawValue) is already \(formatShort(snr[0])) ≤ 1 at the first point (\(formatEpoch(positions[0])))")
    }
    for i in 1..<max(1, snr.count) where snr[i] <= 1 && snr[i - 1] > 1 {
        var position = positions[i]
        let a = log(snr[i - 1]), b = log(max(snr[i], Double.leastNormalMagnitude))
        if a.isFinite, b.isFinite, a > b {
            position = positions[i - 1] + (a / (a - b)) * (positions[i] - positions[i - 1])
        }
        return SNRCrossing(kind: kind, found: true, position: position, index: i,
                           note: "\(kind.rawValue) falls to 1 between \(formatEpoch(positions[i - 1])) and \(formatEpoch(positions[i])) (interpolated \(formatShort(position)))")
    }
    var lowest = 0
    for i in 0..<snr.count where snr[i] < snr[lowest] { lowest = i }
    return SNRCrossing(kind: kind, found: false, position: nil, index: nil,
                       note: "not found at this resolution: \(kind.rawValue) stays above 1 (minimum \(formatShort(snr[lowest])) at \(formatEpoch(positions[lowest])))")
}

/// The onset e* of the late common regime, with the evidence at every candidate start.
///
/// Criterion: for a window start s, fit the model on [s, end] once with shared decay parameters and once with
/// per-curve ones (`CommonalityTest`); the common decay *holds* at s when
/// ΔAIC(s) = AIC_shared − AIC_per-curve ≤ `threshold`. The default threshold 2 reads "fits as well as" in the
/// usual sense of information criteria: models within 2 AIC units have substantial support (Burnham & Anderson,
/// *Model selection and multimodel inference*, 2002, §2.6). With independent residuals and a truly common decay,
/// ΔAIC = Λ − 2d₁ with Λ ~ χ²_{d₁} (d₁ = (C − 1)·p), so a window fails by chance with probability
/// P(χ²_{d₁} > 2d₁ + 2) — 5% for d₁ = 2, 3% for d₁ = 6; a threshold of 0 would fail 6–14% of common windows.
/// e* is the earliest candidate start at which it holds. Because a single window can pass by chance, the result
/// also says whether it holds at every later candidate (`stable`) and lists ΔAIC, ΔBIC and the F-test p-value
/// for each candidate; a candidate whose fits fail counts as not holding and carries the error.
public struct CommonRegimeOnset: Codable, Sendable {
    /// The evidence at one window start.
    public struct Candidate: Codable, Sendable {
        /// The window start s (epoch or window position).
        public var start: Double
        /// The (position, curve) points in [s, end] (0 if the window could not be formed).
        public var pointCount: Int
        /// ΔAIC(s) = AIC_shared − AIC_per-curve (nil if the fits failed).
        public var deltaAIC: Double?
        /// ΔBIC(s) = BIC_shared − BIC_per-curve (nil if the fits failed).
        public var deltaBIC: Double?
        /// The F-test p-value of a common decay on [s, end] (nil if the fits failed).
        public var pValue: Double?
        /// ΔAIC(s) ≤ threshold: the common decay holds from s (false when the fits failed).
        public var holds: Bool
        /// Why the fits at s failed, if they did.
        public var error: String?
    }
    /// The decay model fitted at every candidate start.
    public var model: CoolingModel
    /// The criterion in words.
    public var criterion: String
    /// The ΔAIC threshold of the criterion (2 by default).
    public var threshold: Double
    /// The common end of the windows (nil: the last position).
    public var end: Double?
    /// e*, if some candidate holds.
    public var onset: Double?
    /// Whether the criterion also holds at every later candidate.
    public var stable: Bool
    /// The evidence at every candidate start, in order.
    public var candidates: [Candidate]
    /// One line of evidence.
    public var note: String
}

/// Estimates the onset e* of the late common regime (see `CommonRegimeOnset`) on `curves` (all layers; signal,
/// noise or both) for the window starts `starts` (default: about `count` starts evenly spaced in ln e).
public func commonRegimeOnset(_ curves: [CoolingCurve], model: CoolingModel = .nested, starts: [Double]? = nil,
                              end: Double? = nil, threshold: Double = CommonDecayCriterion.defaultThreshold, count: Int = 20,
                              bounds: [ParameterBounds]? = nil,
                              options: LevenbergMarquardt.Options = LevenbergMarquardt.Options()) throws(CoolingFitError) -> CommonRegimeOnset
{
    guard !curves.isEmpty else { throw .noCurves(selection: "input") }
    guard curves.count >= 2 else { throw .tooFewCurves(have: curves.count, purpose: "the onset of the common regime") }
    let all = try PreparedCurves(curves, window: EpochWindow(from: nil, to: end))
    // Per-curve fits need p + 2 points per curve; keep at least 10.
    let chosen = starts ?? defaultWindowStarts(all, model: model, count: count)
    var candidates: [CommonRegimeOnset.Candidate] = []
    for s in chosen {
        var pointCount = 0
        do {
            let data = try PreparedCurves(curves, window: EpochWindow(from: s, to: end))
            pointCount = data.pointCount
            let engine = try FitEngine(model: model, data: data, bounds: bounds, options: options)
            let (fit, solution) = try engine.fit()
            let test = try commonality(engine: engine, sharedFit: fit, sharedSolution: solution)
            candidates.append(.init(start: s, pointCount: pointCount, deltaAIC: test.deltaAIC, deltaBIC: test.deltaBIC,
                                    pValue: test.pValue, holds: CommonDecayCriterion.holds(deltaAIC: test.deltaAIC, threshold: threshold),
                                    error: nil))
        } catch {
            candidates.append(.init(start: s, pointCount: pointCount, deltaAIC: nil, deltaBIC: nil, pValue: nil,
                                    holds: false, error: error.description))
        }
    }
    let criterion = "earliest window start s at which the shared \(model.displayName) decay on [s, end] has ΔAIC = AIC_shared − AIC_per-curve ≤ \(formatShort(threshold))"
    guard let first = candidates.firstIndex(where: \.holds) else {
        let best = candidates.compactMap(\.deltaAIC).min()
        return CommonRegimeOnset(model: model, criterion: criterion, threshold: threshold, end: end, onset: nil,
                                 stable: false, candidates: candidates,
                                 note: "no common regime found: per-curve decays are preferred at every start"
                                    + (best.map { " (smallest ΔAIC \(formatShort($0)))" } ?? ""))
    }
    let later = candidates[first...]
    let failures = later.filter { !$0.holds }.count
    let onset = candidates[first].start
    let note = "common decay from \(formatEpoch(onset)) (ΔAIC = \(formatShort(candidates[first].deltaAIC ?? .nan)))"
        + (failures == 0 ? ", holding at every later start" : "; it fails again at \(failures) of \(later.count - 1) later starts")
    return CommonRegimeOnset(model: model, criterion: criterion, threshold: threshold, end: end, onset: onset,
                             stable: failures == 0, candidates: candidates, note: note)
}
