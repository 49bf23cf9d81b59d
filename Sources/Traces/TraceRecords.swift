/// The rows of `/steps` gathered over one epoch, written when the epoch completes. Layer quantities are stored
/// step-major: entry t·L + (l − 1) is layer l of the t-th row.
public struct StepRows: Sendable, Equatable {
    /// L, the number of weight layers.
    public let layerCount: Int
    /// t, the global step (from 1).
    public var step: [Int64] = []
    /// e, the epoch of the step.
    public var epoch: [Int64] = []
    /// B of the step.
    public var batchSize: [Int64] = []
    /// The objective minimised (cross-entropy, or L_PLA/L_PLEA) on the mini-batch.
    public var loss: [Double] = []
    /// The mean cross-entropy of the mini-batch at the unperturbed weights.
    public var crossEntropy: [Double] = []
    /// η.
    public var learningRate: [Double] = []
    /// s_l(t) = (1/N_l) Σ_{ω∈Ω_l} |∂L/∂ω|, (row, layer).
    public var layerSignal: [Double] = []
    /// ‖∂L/∂W_l‖₂ = (Σ_{ω∈Ω_l} (∂L/∂ω)²)^½, (row, layer).
    public var gradientNorm: [Double] = []
    /// (1/N_l) Σ_ω [(1/B) Σ_n g_{n,ω}² − ḡ_ω²], (row, layer); empty unless batch variance is recorded.
    public var withinBatchVariance: [Double] = []

    /// Empty rows for `layerCount` layers, with room for `capacity` steps.
    public init(layerCount: Int, capacity: Int = 0) {
        self.layerCount = layerCount
        reserve(capacity)
    }

    /// Reserves room for `capacity` rows in every column.
    mutating func reserve(_ capacity: Int) {
        step.reserveCapacity(capacity); epoch.reserveCapacity(capacity); batchSize.reserveCapacity(capacity)
        loss.reserveCapacity(capacity); crossEntropy.reserveCapacity(capacity); learningRate.reserveCapacity(capacity)
        layerSignal.reserveCapacity(capacity * layerCount); gradientNorm.reserveCapacity(capacity * layerCount)
        withinBatchVariance.reserveCapacity(capacity * layerCount)
    }

    /// The number of rows.
    public var count: Int { step.count }

    /// Removes every row, keeping the capacity.
    mutating func removeAll() {
        step.removeAll(keepingCapacity: true); epoch.removeAll(keepingCapacity: true)
        batchSize.removeAll(keepingCapacity: true); loss.removeAll(keepingCapacity: true)
        crossEntropy.removeAll(keepingCapacity: true); learningRate.removeAll(keepingCapacity: true)
        layerSignal.removeAll(keepingCapacity: true); gradientNorm.removeAll(keepingCapacity: true)
        withinBatchVariance.removeAll(keepingCapacity: true)
    }
}

/// The gradient statistics of one epoch, per layer (arrays indexed by l − 1), as written to `/epochs`.
public struct LayerEpochStatistics: Sendable, Equatable {
    /// M, the number of steps (mini-batches) of the epoch.
    public var steps: Int
    /// S_l = (1/M) Σ_t s_l(t).
    public var layerSignal: [Double]
    /// σ_l = ((1/M) Σ_t (s_l(t) − S_l)²)^½ (population standard deviation).
    public var layerNoise: [Double]
    /// T_l = σ_l².
    public var layerTemperature: [Double]
    /// SNR_l = S_l / σ_l (+∞ when σ_l = 0, S_l = 0 included: ``SignalAndNoise``).
    public var signalToNoise: [Double]
    /// (1/M) Σ_t ‖∂L/∂W_l‖₂ at step t.
    public var gradientNormMean: [Double]
    /// ‖W_l‖₂ (Frobenius) after the epoch's last update.
    public var weightNorm: [Double]
    /// ‖μ_l‖₂ = (Σ_ω μ_ω²)^½, μ_ω the mean of ∂L/∂ω over the epoch's steps (moments only).
    public var meanGradientNorm: [Double]?
    /// ‖√v_l‖₂ = (Σ_ω v_ω)^½, v_ω the population variance of ∂L/∂ω over the epoch's steps (moments only).
    public var gradientStdNorm: [Double]?
    /// ‖μ_l‖₂ / ‖√v_l‖₂, the per-weight signal-to-noise ratio (moments only).
    public var weightSignalToNoise: [Double]?
    /// (1/N_l) Σ_ω v_ω, the mean per-weight temperature (moments only).
    public var weightTemperatureMean: [Double]?
    /// Quantiles of v_ω over Ω_l at ``TemperatureDistribution/levels``, (layer, quantile) (moments only).
    public var weightTemperatureQuantiles: [Double]?
    /// Histogram counts of v_ω over Ω_l, (layer, bin) (moments only).
    public var weightTemperatureHistogram: [Int64]?
    /// (1/M) Σ_t of the step's layer-mean within-batch variance (batch variance only).
    public var withinBatchVariance: [Double]?
    /// Smoothing losses: the epoch means of the per-step sample statistics.
    public var samples: SampleStatistics?
    /// The curvature measured after this epoch (curvature recording, in a scheduled epoch).
    public var curvature: EpochCurvature?
}

/// The curvature measured after an epoch's last update (``CurvatureSchedule``), as the trace stores it.
public struct EpochCurvature: Sendable, Equatable {
    /// The probe batch's mean cross-entropy.
    public var probeLoss: Double
    /// Per layer: λ_max(H_ll), its Ritz residual, tr H_ll and its standard error.
    public var lambdaMax: [Double], lambdaMaxResidual: [Double], trace: [Double], traceStandardError: [Double]
    /// λ_max of the full H.
    public var fullLambdaMax: Double

    /// The curvature of one epoch, per layer l at index l − 1.
    public init(probeLoss: Double, lambdaMax: [Double], lambdaMaxResidual: [Double], trace: [Double],
                traceStandardError: [Double], fullLambdaMax: Double) {
        self.probeLoss = probeLoss
        self.lambdaMax = lambdaMax
        self.lambdaMaxResidual = lambdaMaxResidual
        self.trace = trace
        self.traceStandardError = traceStandardError
        self.fullLambdaMax = fullLambdaMax
    }
}

/// Epoch means, over steps, of statistics of the y + 1 samples of a smoothing loss (PLA, PLEA).
/// With w_a the weights of the samples' gradients in the step's gradient and L_a their losses (a = 0 is the
/// unperturbed weights):
public struct SampleStatistics: Sendable, Equatable {
    /// mean_t max_a w_a.
    public var maximumWeight: Double
    /// mean_t w_0.
    public var unperturbedWeight: Double
    /// mean_t exp(−Σ_a ŵ_a ln ŵ_a), ŵ = w/Σw: the effective number of samples (1 … y + 1).
    public var effectiveSamples: Double
    /// mean_t [(1/y) Σ_{a≥1} L_a − L_0]: how much the displacements raise the loss.
    public var lossIncrease: Double
}
