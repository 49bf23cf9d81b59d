import Training
import NumericCore

/// What a trace records beyond the always-present per-step and per-epoch layer statistics, as chosen with
/// `thermo train --record LEVEL` (repeatable, or comma-separated).
///
/// Levels:
/// - `layers`: the minimal record: per step the loss, η, s_l(t) and ‖∇_{W_l} L‖₂; per epoch S_l, σ_l, T_l,
///   SNR_l, ‖W_l‖₂ and the epoch's train/test metrics. No per-weight state is kept.
/// - `moments` (the default when no `--record` is given): `layers` plus each weight's gradient mean μ_ω and
///   variance v_ω over the epoch's mini-batches (Welford), from which the per-weight temperature distribution
///   (mean, quantiles, histogram), ‖μ_l‖₂, ‖√v_l‖₂ and the per-weight SNR ‖μ_l‖₂/‖√v_l‖₂ are recorded.
/// - `per-weight[:every=K]`: `moments` plus snapshots of μ_ω and v_ω for every weight, every K epochs
///   (epochs e with e mod K = 0; K = 1 by default), compressed.
/// - `batch-variance[:every=K]`: the within-batch per-weight gradient variance
///   (1/B) Σ_n g_{n,ω}² − ḡ_ω² from per-sample gradients, as a layer mean per step and per epoch; with
///   `:every=K`, or together with `per-weight` (then at its K), also snapshots of each weight's epoch mean of
///   it. Cross-entropy runs only.
/// - `curvature[:every=K|log][:probes=P]`: per layer λ_max and tr of the Hessian block H_ll and the full H's
///   λ_max, on the run's fixed probe batch, after epochs e with e mod K = 0 (K = 20 by default) or, with
///   `every=log`, at ten epochs per decade, and after the run's last epoch (``CurvatureSchedule``); P Hutchinson
///   probes (10 by default).
/// Levels combine: `--record layers --record batch-variance` gives the minimal record plus batch variance.
public struct TraceRecording: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Keep per-weight Welford moments over each epoch (the `moments` level).
    public var weightMoments: Bool
    /// Snapshot μ_ω and v_ω (requires `weightMoments`).
    public var snapshotMoments: Bool
    /// Record the within-batch variance from per-sample gradients.
    public var batchVariance: Bool
    /// Snapshot each weight's epoch-mean within-batch variance (requires `batchVariance`).
    public var snapshotBatchVariance: Bool
    /// K ≥ 1: snapshots are taken after epochs e with e mod K = 0 (``validate()``, which `TraceRecorder` calls
    /// when it creates a trace, refuses K < 1).
    public var snapshotEvery: Int
    /// When and how layer curvature is measured (nil: not recorded).
    public var curvature: CurvatureSchedule? = nil

    /// The default record: `moments`.
    public static let standard = TraceRecording(weightMoments: true, snapshotMoments: false, batchVariance: false,
                                                snapshotBatchVariance: false, snapshotEvery: 1)
    /// The minimal record: `layers`.
    public static let layers = TraceRecording(weightMoments: false, snapshotMoments: false, batchVariance: false,
                                              snapshotBatchVariance: false, snapshotEvery: 1)

    /// A recording with every field given. Snapshots imply the moments they snapshot, and with moment
    /// snapshots the batch variance (when recorded) is snapshotted too, as `--record` does.
    public init(weightMoments: Bool, snapshotMoments: Bool, batchVariance: Bool, snapshotBatchVariance: Bool,
                snapshotEvery: Int) {
        self.weightMoments = weightMoments || snapshotMoments
        self.snapshotMoments = snapshotMoments
        self.batchVariance = batchVariance || snapshotBatchVariance
        self.snapshotBatchVariance = snapshotBatchVariance || (batchVariance && snapshotMoments)
        self.snapshotEvery = max(1, snapshotEvery)
    }

    /// Parses `--record` values: each is `layers`, `moments`, `per-weight[:every=K]` or
    /// `batch-variance[:every=K]`, and a value may list several separated by commas. No value gives
    /// ``standard``. Throws a ``TraceRecordingError`` naming the bad value and what is accepted.
    public init(parsing values: [String]) throws(TraceRecordingError) {
        let items = values.flatMap { $0.split(separator: ",").map { String($0).trimmingSpaces() } }.filter { !$0.isEmpty }
        guard !items.isEmpty else { self = .standard; return }
        var moments = false, perWeight = false, batch = false
        var perWeightEvery: Int? = nil, batchEvery: Int? = nil
        var curvature: CurvatureSchedule? = nil
        for item in items {
            if item == "curvature" || item.hasPrefix("curvature:") {
                let schedule = try CurvatureSchedule(parsing: item)
                if let curvature, curvature != schedule {
                    throw TraceRecordingError("'\(item)' and '\(curvature.description)' give curvature twice with different options; give it once")
                }
                curvature = schedule
                continue
            }
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            let every = try parts.count == 2 ? TraceRecording.parseEvery(parts[1], item: item) : nil
            switch parts[0] {
            case "layers":
                guard every == nil else { throw TraceRecordingError("'\(item)': 'layers' takes no options") }
            case "moments":
                guard every == nil else {
                    throw TraceRecordingError("'\(item)': 'moments' takes no options; use per-weight:every=K for snapshots")
                }
                moments = true
            case "per-weight":
                perWeight = true
                perWeightEvery = try TraceRecording.merge(every, perWeightEvery, level: "per-weight")
            case "batch-variance":
                batch = true
                batchEvery = try TraceRecording.merge(every, batchEvery, level: "batch-variance")
            default:
                throw TraceRecordingError("'\(item)' is not a recording level; use layers, moments, per-weight[:every=K], batch-variance[:every=K] or curvature[:every=K|log][:probes=P]")
            }
        }
        if let a = perWeightEvery, let b = batchEvery, a != b {
            throw TraceRecordingError("per-weight:every=\(a) and batch-variance:every=\(b) differ; snapshots share one period, give one K")
        }
        let every = perWeightEvery ?? batchEvery ?? 1
        self.init(weightMoments: moments || perWeight, snapshotMoments: perWeight, batchVariance: batch,
                  snapshotBatchVariance: batch && (batchEvery != nil || perWeight), snapshotEvery: every)
        self.curvature = curvature
    }

    /// A level's period given again: the same K (or none) is fine, another K is refused.
    private static func merge(_ every: Int?, _ earlier: Int?, level: String) throws(TraceRecordingError) -> Int? {
        if let every, let earlier, every != earlier {
            throw TraceRecordingError("\(level):every=\(earlier) and \(level):every=\(every) give \(level) twice with different periods; give one K")
        }
        return every ?? earlier
    }

    private static func parseEvery(_ text: String, item: String) throws(TraceRecordingError) -> Int {
        guard text.hasPrefix("every="), let k = Int(text.dropFirst(6)), k >= 1 else { throw everyError(item) }
        return k
    }

    /// The error of a snapshot level `item` whose period is not a K ≥ 1.
    private static func everyError(_ item: String) -> TraceRecordingError {
        TraceRecordingError("'\(item)': the option is every=K with K ≥ 1 (e.g. per-weight:every=5)")
    }

    /// Refuses a recording whose fields were set to values no trace can record, as `--record` refuses their
    /// spelling: a snapshot period ``snapshotEvery`` below 1 (when snapshots are taken), and the curvature
    /// schedule's own values (``CurvatureSchedule/validate()``). `TraceRecorder` checks this when it creates a trace,
    /// before any training.
    public func validate() throws(TraceRecordingError) {
        if takesSnapshots && snapshotEvery < 1 {
            throw TraceRecording.everyError(levels.first { $0.contains(":every=") } ?? "per-weight:every=\(snapshotEvery)")
        }
        try curvature?.validate()
    }

    /// Whether per-weight snapshots are taken at all.
    public var takesSnapshots: Bool { snapshotMoments || snapshotBatchVariance }

    /// Whether the epoch `epoch` ends with a snapshot: e mod K = 0.
    public func isSnapshotEpoch(_ epoch: Int) -> Bool { takesSnapshots && epoch % snapshotEvery == 0 }

    /// The levels, as `--record` names them and as the trace's `recording` attribute lists them.
    public var levels: [String] {
        var result = ["layers"]
        if weightMoments { result.append("moments") }
        if snapshotMoments { result.append("per-weight:every=\(snapshotEvery)") }
        if batchVariance { result.append(snapshotBatchVariance ? "batch-variance:every=\(snapshotEvery)" : "batch-variance") }
        if let curvature { result.append(curvature.description) }
        return result
    }

    /// The levels joined by commas, e.g. `layers,moments,per-weight:every=5`.
    public var description: String { levels.joined(separator: ",") }
}

/// A `--record` value that cannot be used.
extension TraceRecording {
    /// The one rule of what a run lets a trace record. Within-batch variances need per-sample gradients, which
    /// only plain cross-entropy has (a smoothing loss mixes y + 1 displaced networks per sample). Nil
    /// when `configuration` can give everything this recording asks for; else the level refused and why, as
    /// "needs …: …".
    public func refusal(for configuration: TrainingConfiguration) -> (level: String, reason: String)? {
        if batchVariance && !configuration.loss.isCrossEntropy {
            return ("batch-variance", "needs plain cross-entropy: per-sample gradients are not defined for --loss \(configuration.loss.kind.rawValue)")
        }
        return nil
    }
}

/// A `--record` value that cannot be parsed, with what is accepted instead.
public struct TraceRecordingError: Error, Sendable, DescribedError {
    /// What is wrong and what is accepted.
    public let message: String
    init(_ message: String) { self.message = message }
    /// "--record <message>".
    public var description: String { "--record \(message)" }
}

extension String {
    /// The string without leading and trailing white space.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
