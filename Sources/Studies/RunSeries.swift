import Analysis
import LayerStatistics

/// One layer's curve at one resolution: per epoch (or per window of steps) the layer signal S_l, the noise σ_l,
/// the temperature T_l and the signal-to-noise ratio S_l/σ_l, and — when recorded — the per-weight quantities.
/// The one type a layer's statistics take between the trace (or long table) and the studies and figures.
public struct LayerSeries: Codable, Sendable, Equatable {
    /// The layer's label ("1", "3"; "conv1", "fc1" in a network with convolutions).
    public var layer: String
    /// The layer number l, from 1 (a table's layer column), when known.
    public var number: Int? = nil
    /// Positions in training time: epochs, or for windows of steps the epoch at the window's end (last step / M).
    public var positions: [Double]
    /// The last step of each epoch or window (traces only).
    public var lastSteps: [Int]?
    /// M, the steps in each epoch or window (traces only).
    public var stepCounts: [Int]?
    /// S_l = (1/M) Σ_t s_l(t) (nil: a table drawn without a signal column).
    public var signal: [Double]?
    /// σ_l, the population standard deviation of s_l(t) over the M steps (nil: a table without a noise column).
    public var noise: [Double]?
    /// T_l = σ_l², or a table's own temperature column when it is drawn (nil: neither).
    public var temperature: [Double]?
    /// ‖μ_l‖₂/‖√v_l‖₂, the per-weight SNR, per epoch (traces recording moments, epoch resolution only).
    public var weightSignalToNoise: [Double]? = nil
    /// ‖μ_l‖₂ per epoch.
    public var meanGradientNorm: [Double]? = nil
    /// ‖√v_l‖₂ per epoch.
    public var gradientStdNorm: [Double]? = nil
    /// (1/N_l) Σ_ω v_ω per epoch.
    public var weightTemperatureMean: [Double]? = nil
    /// Quantile levels p in (0, 1) of the per-weight temperatures v_ω, increasing.
    public var quantileLevels: [Double] = []
    /// Per level of `quantileLevels`, the quantile of v_ω at each position.
    public var quantiles: [[Double]] = []

    /// A layer's series; the temperature defaults to T_l = σ_l², the number to the label's when it is one.
    public init(layer: String, number: Int? = nil, positions: [Double], lastSteps: [Int]? = nil, stepCounts: [Int]? = nil,
                signal: [Double]?, noise: [Double]?, temperature: [Double]? = nil) {
        self.layer = layer
        self.number = number ?? Int(layer)
        self.positions = positions
        self.lastSteps = lastSteps
        self.stepCounts = stepCounts
        self.signal = signal
        self.noise = noise
        self.temperature = temperature ?? noise.map(Self.temperature(noise:))
    }

    /// T_l = σ_l² (``SignalAndNoise/temperature(noise:)``).
    public static func temperature(noise: [Double]) -> [Double] { noise.map(SignalAndNoise.temperature(noise:)) }

    /// SNR_l = S_l/σ_l, +∞ when σ = 0 (``SignalAndNoise/signalToNoise(signal:noise:)``); nil without signal or noise.
    public var signalToNoise: [Double]? {
        guard let signal, let noise else { return nil }
        return zip(signal, noise).map { SignalAndNoise.signalToNoise(signal: $0, noise: $1) }
    }

    /// The series as the regime analysis reads it, for the run labelled `run` (nil: one run): S_l and σ_l, and
    /// with `perWeight` the per-weight SNR when recorded (for its SNR = 1 crossing). A missing column stands in for the other (noise ?? signal, signal ??
    /// noise), so that the signal peak and the onset test can still be found; the SNR = 1 crossing of such a
    /// series is then meaningless (SNR ≡ 1) and the caller that needs it requires the noise first. Nil when the
    /// series has neither.
    public func regimeSeries(run: String?, perWeight: Bool = false) -> RegimeSeries? {
        guard let signal = signal ?? noise else { return nil }
        return RegimeSeries(layer: layer, run: run, positions: positions, signal: signal, noise: noise ?? signal,
                            perWeightSNR: perWeight ? weightSignalToNoise : nil)
    }
}

/// One run's layers from one input at one resolution: what a trace or a run of a long table holds, read once,
/// for every study and figure.
public struct RunSeries: Codable, Sendable, Equatable {
    /// The run's label: the table's run column, else the file's base name.
    public var label: String
    /// The input file.
    public var path: String
    /// "trace" or "table".
    public var kind: String
    /// Epochs, or windows of steps.
    public var resolution: Resolution
    /// M of the trace (nil for tables).
    public var stepsPerEpoch: Int?
    /// What the trace records (nil for tables).
    public var recording: [String]?
    /// The layers, in order.
    public var layers: [LayerSeries]
    /// Things the reader should know (quantities not available, steps left out).
    public var notes: [String] = []
    /// The trace's `run_id` (nil for tables): two traces with one are copies of one run.
    public var runID: String? = nil

    /// A run of `layers` read from `path`.
    public init(label: String, path: String, kind: String, resolution: Resolution = .epochs, stepsPerEpoch: Int? = nil,
                recording: [String]? = nil, layers: [LayerSeries], notes: [String] = []) {
        self.label = label
        self.path = path
        self.kind = kind
        self.resolution = resolution
        self.stepsPerEpoch = stepsPerEpoch
        self.recording = recording
        self.layers = layers
        self.notes = notes
    }

    /// The regime analysis' input: every layer, with σ required (the SNR = 1 crossing needs it).
    public func regimeSeries(run: String?) throws(StudyError) -> [RegimeSeries] {
        var series: [RegimeSeries] = []
        for layer in layers {
            guard layer.noise != nil, let s = layer.regimeSeries(run: run, perWeight: true) else {
                throw StudyError(.input, "\(path) has no noise column: the signal-to-noise ratio S/σ needs σ; add a noise column (epoch, layer, signal, noise)")
            }
            series.append(s)
        }
        return series
    }
}
