// The one definition of the layer signal S, the noise σ, the layer temperature T and the signal-to-noise ratios,
// with their edge cases (docs/definitions.md, "Training signal, noise and layer temperature"). The recorder
// (Traces) and every analysis (Analysis, the command line) compute them here.

/// The layer signal of one step, s_l(t) = (1/N_l)·Σ_{ω∈Ω_l} |∂L/∂ω| — the mean absolute gradient entry of the
/// layer's weights (paper eq. 2). Summed in index order in Float64, so the result does not depend on
/// vectorisation. (The recorder forms the same sum blockwise in its gradient kernels, which read every weight
/// once for several statistics.)
public func layerSignal(gradient: some Collection<Float>) -> Double {
    precondition(!gradient.isEmpty, "layerSignal: a layer has at least one weight")
    var sum = 0.0
    for g in gradient { sum += Double(abs(g)) }
    return sum / Double(gradient.count)
}

/// Signal, noise, temperature and signal-to-noise ratio of one layer over one group of M steps (an epoch, or
/// a window of N steps), from its step signals s_l(t):
///
///     S = (1/M) Σ_t s_l(t)                      the training signal
///     σ = ((1/M) Σ_t (s_l(t) − S)²)^½           the noise: the population standard deviation (divides by M)
///     T = σ·σ                                   the layer temperature, σ²
///     SNR = S/σ,  +∞ when σ = 0                 the layer-mean signal-to-noise ratio (+∞ unless σ > 0)
///
/// Sums run in step order in Float64, in two passes (S first, then the squared deviations), so the values do
/// not depend on who computes them. σ = 0 (one step, or identical steps) gives SNR = +∞ whatever S is,
/// S = 0 included: no fluctuation at all counts as pure signal, never as "no ratio" (NaN) — the convention of
/// docs/definitions.md, so that a crossing of SNR = 1 is never found on a zero noise.
public struct SignalAndNoise: Sendable, Equatable, Codable {
    /// S, the training signal.
    public var signal: Double
    /// σ, the noise.
    public var noise: Double

    /// The statistics of given S and σ.
    public init(signal: Double, noise: Double) {
        self.signal = signal
        self.noise = noise
    }

    /// The statistics of M step signals, `stepSignal(t)` for t = 0..<M (M ≥ 1), summed in that order.
    public init(steps M: Int, stepSignal: (Int) -> Double) {
        precondition(M > 0, "SignalAndNoise: an empty group of steps")
        var sum = 0.0
        for t in 0..<M { sum += stepSignal(t) }
        let mean = sum / Double(M)
        var squares = 0.0
        for t in 0..<M {
            let d = stepSignal(t) - mean
            squares += d * d
        }
        self.init(signal: mean, noise: (squares / Double(M)).squareRoot())
    }

    /// T = σ², the layer temperature.
    public var temperature: Double { Self.temperature(noise: noise) }
    /// SNR = S/σ (+∞ when σ = 0).
    public var signalToNoise: Double { Self.signalToNoise(signal: signal, noise: noise) }

    /// T = σ·σ.
    public static func temperature(noise σ: Double) -> Double { σ * σ }

    /// SNR = S/σ when σ > 0, else +∞: σ = 0 with any S (S = 0 included), and also a negative σ (which no run
    /// produces but a hand-made table may hold). NaN when S or σ is NaN (a diverged epoch): not a ratio at all.
    public static func signalToNoise(signal S: Double, noise σ: Double) -> Double {
        if S.isNaN || σ.isNaN { return .nan }
        return σ > 0 ? S / σ : .infinity
    }

    /// The per-weight signal-to-noise ratio ‖μ_l‖₂ / ‖√v_l‖₂ from the two norms, ‖μ_l‖₂ = (Σ_ω μ_ω²)^½ and
    /// ‖√v_l‖₂ = (Σ_ω v_ω)^½ (docs/definitions.md, "Which SNR matters"); +∞ when ‖√v_l‖₂ = 0, as for S/σ.
    public static func weightSignalToNoise(meanGradientNorm: Double, gradientStdNorm: Double) -> Double {
        signalToNoise(signal: meanGradientNorm, noise: gradientStdNorm)
    }
}

/// The per-weight signal-to-noise ratio of a layer, ‖μ_l‖₂ / ‖√v_l‖₂ (+∞ when every v_ω = 0), from the
/// per-weight gradient means μ_ω and variances v_ω over a group of steps: Σ μ_ω² and Σ v_ω summed in index
/// order in Float64, then ``SignalAndNoise/weightSignalToNoise(meanGradientNorm:gradientStdNorm:)``.
public func perWeightSignalToNoise(means: some Collection<Double>, variances: some Collection<Double>) -> Double {
    precondition(means.count == variances.count, "perWeightSignalToNoise: \(means.count) means, \(variances.count) variances")
    var mm = 0.0, vv = 0.0
    for m in means { mm += m * m }
    for v in variances { vv += v }
    return SignalAndNoise.weightSignalToNoise(meanGradientNorm: mm.squareRoot(), gradientStdNorm: vv.squareRoot())
}
