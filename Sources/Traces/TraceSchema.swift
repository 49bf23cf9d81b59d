/// The trace format, version 1: the groups, and the version attributes every thermo trace carries. What each
/// group holds is ``TraceVariable`` (per-step, per-epoch and fixed variables) and ``SnapshotVariable``
/// (per-weight snapshots); docs/trace-format.md's variable tables are generated from them.
public enum TraceFormat {
    /// The root attribute `format` of every thermo trace.
    public static let name = "thermo-trace"
    /// The major version: readers refuse a larger one (the layout changed incompatibly).
    public static let majorVersion = 1
    /// The minor version: additions that older readers can ignore.
    public static let minorVersion = 0
    /// "1.0".
    public static var version: String { "\(majorVersion).\(minorVersion)" }

    /// The group holding one group `layer_<l>` of per-weight snapshots per layer.
    public static let weightsGroup = "weights"
    /// The snapshot group of layer l (1-based): `weights/layer_<l>`.
    public static func snapshotGroup(layer l: Int) -> String { "\(weightsGroup)/layer_\(l)" }
}

/// A group of a trace whose variables share their first axis: one row per optimizer step, or per epoch.
public enum TraceGroup: String, CaseIterable, Sendable {
    /// `/steps`, one row per optimizer step t.
    case steps
    /// `/epochs`, one row per epoch e.
    case epochs

    /// The group's unlimited first dimension: `step` or `epoch`.
    public var rowDimension: TraceDimension { self == .steps ? .step : .epoch }
    /// The group's `long_name` attribute.
    public var longName: String { self == .steps ? "per-step record" : "per-epoch record" }
    /// The dimension scale of the group's rows (`steps/step`, `epochs/epoch`).
    public var rowScale: TraceVariable { self == .steps ? .step : .epoch }
    /// The group's `layer` coordinate (`steps/layer`, `epochs/layer`).
    public var layerScale: TraceVariable { self == .steps ? .stepLayer : .epochLayer }
}

/// A dimension of the variables of `/steps` and `/epochs`; each is a dimension scale of the same name in the
/// variable's group (h5netcdf and xarray take a dimension's name from its scale).
public enum TraceDimension: String, Sendable {
    /// t, the optimizer step (unlimited, `/steps`).
    case step
    /// e, the epoch (unlimited, `/epochs`).
    case epoch
    /// l = 1…L, the weight layer.
    case layer
    /// p, the quantile levels of ``TemperatureDistribution/levels``.
    case quantile
    /// The histogram bins of ``TemperatureDistribution``.
    case bin
}

/// The element type of a trace variable.
public enum TraceElement: String, Sendable {
    /// 64-bit float.
    case float64
    /// 64-bit signed integer.
    case int64
    /// 32-bit float (per-weight snapshots).
    case float32
}

/// When a variable exists in a trace.
public enum TraceRequirement: String, Sendable {
    /// In every trace.
    case always
    /// With per-weight moments (`moments`, `per-weight`).
    case moments
    /// With `batch-variance`.
    case batchVariance = "batch-variance"
    /// With a smoothing loss (PLA, PLEA).
    case smoothing
    /// With `curvature`.
    case curvature

    /// Whether a trace with this recording and loss holds variables of this requirement.
    public func isMet(by recording: TraceRecording, smoothing: Bool) -> Bool {
        switch self {
        case .always: true
        case .moments: recording.weightMoments
        case .batchVariance: recording.batchVariance
        case .smoothing: smoothing
        case .curvature: recording.curvature != nil
        }
    }
}

/// How a variable of `/steps` or `/epochs` is stored, which decides the attributes it carries.
public enum TraceVariableKind: String, Sendable {
    /// Appendable along its group's first dimension (chunked, compressed); attributes `long_name`,
    /// `definition`, `units`. The first record of a group is that group's unlimited dimension scale.
    case record
    /// A fixed-length dimension scale (`layer`, `quantile`, `bin`); attribute `long_name`.
    case scale
    /// A fixed-length variable along one scale (`weight_count`, `bin_lower`, …); attributes `long_name`, `definition`.
    case fixed
}

/// The variables of `/steps` and `/epochs`, the one list from which the writer creates and fills a trace,
/// the readers and the validation name what they read, and docs/trace-format.md's tables are generated.
/// Cases are in creation order within each group.
public enum TraceVariable: CaseIterable, Sendable, Hashable {
    // MARK: /steps
    /// `steps/layer`, the layer coordinate (scale).
    case stepLayer
    /// `steps/step`, t (the unlimited scale).
    case step
    /// `steps/epoch_of_step`, e of step t.
    case epochOfStep
    /// `steps/batch_size`, B of the step.
    case batchSize
    /// `steps/loss`, the objective minimised on the mini-batch.
    case loss
    /// `steps/cross_entropy`, the mini-batch's mean cross-entropy.
    case crossEntropy
    /// `steps/learning_rate`, η.
    case learningRate
    /// `steps/layer_signal`, s_l(t).
    case stepLayerSignal
    /// `steps/gradient_norm`, ‖∂L/∂W_l‖₂ at step t.
    case stepGradientNorm
    /// `steps/within_batch_variance`, the layer-mean within-batch variance at step t.
    case stepWithinBatchVariance

    // MARK: /epochs
    /// `epochs/layer`, the layer coordinate (scale).
    case epochLayer
    /// `epochs/quantile`, the quantile levels p (scale).
    case quantile
    /// `epochs/bin`, the histogram bins (scale).
    case bin
    /// `epochs/weight_count`, N_l.
    case weightCount
    /// `epochs/fan_in`, n_{l−1}.
    case fanIn
    /// `epochs/fan_out`, n_l.
    case fanOut
    /// `epochs/bin_lower`, the bins' lower edges.
    case binLower
    /// `epochs/bin_upper`, the bins' upper edges.
    case binUpper
    /// `epochs/epoch`, e (the unlimited scale).
    case epoch
    /// `epochs/steps`, M, the steps of the epoch.
    case epochSteps
    /// `epochs/last_step`, t of the epoch's last step.
    case lastStep
    /// `epochs/train_objective`.
    case trainObjective
    /// `epochs/train_loss`.
    case trainLoss
    /// `epochs/train_accuracy`.
    case trainAccuracy
    /// `epochs/test_loss`.
    case testLoss
    /// `epochs/test_accuracy`.
    case testAccuracy
    /// `epochs/validation_loss`.
    case validationLoss
    /// `epochs/validation_accuracy`.
    case validationAccuracy
    /// `epochs/training_seconds`.
    case trainingSeconds
    /// `epochs/seconds`.
    case epochSeconds
    /// `epochs/layer_signal`, S_l(e).
    case layerSignal
    /// `epochs/layer_noise`, σ_l(e).
    case layerNoise
    /// `epochs/layer_temperature`, T_l(e) = σ_l(e)².
    case layerTemperature
    /// `epochs/signal_to_noise`, S_l(e)/σ_l(e).
    case signalToNoise
    /// `epochs/gradient_norm_mean`.
    case gradientNormMean
    /// `epochs/weight_norm`, ‖W_l‖₂.
    case weightNorm
    /// `epochs/mean_gradient_norm`, ‖μ_l(e)‖₂.
    case meanGradientNorm
    /// `epochs/gradient_std_norm`, ‖√v_l(e)‖₂.
    case gradientStdNorm
    /// `epochs/weight_signal_to_noise`, ‖μ_l‖₂/‖√v_l‖₂.
    case weightSignalToNoise
    /// `epochs/weight_temperature_mean`, (1/N_l) Σ_ω v_ω.
    case weightTemperatureMean
    /// `epochs/weight_temperature_quantiles`.
    case weightTemperatureQuantiles
    /// `epochs/weight_temperature_histogram`.
    case weightTemperatureHistogram
    /// `epochs/within_batch_variance`, the epoch mean of the step's layer-mean within-batch variance.
    case withinBatchVariance
    /// `epochs/sample_weight_max` (PLA/PLEA).
    case sampleWeightMax
    /// `epochs/sample_weight_unperturbed` (PLA/PLEA).
    case sampleWeightUnperturbed
    /// `epochs/sample_effective_count` (PLA/PLEA).
    case sampleEffectiveCount
    /// `epochs/perturbed_loss_increase` (PLA/PLEA).
    case perturbedLossIncrease
    /// `epochs/curvature_probe_loss`, the probe batch's cross-entropy (curvature).
    case curvatureProbeLoss
    /// `epochs/curvature_lambda_max`, λ_max(H_ll) (curvature).
    case curvatureLambdaMax
    /// `epochs/curvature_lambda_max_residual`, its Ritz residual (curvature).
    case curvatureLambdaMaxResidual
    /// `epochs/curvature_trace`, tr H_ll (curvature).
    case curvatureTrace
    /// `epochs/curvature_trace_se`, its standard error (curvature).
    case curvatureTraceStandardError
    /// `epochs/curvature_full_lambda_max`, λ_max(H) (curvature).
    case curvatureFullLambdaMax

    /// Everything the format says about one variable.
    public struct Entry: Sendable, Hashable {
        /// `steps` or `epochs`.
        public let group: TraceGroup
        /// The dataset name.
        public let name: String
        /// Every axis, the first being the group's row dimension for records.
        public let dimensions: [TraceDimension]
        /// The element type.
        public let element: TraceElement
        /// How it is stored.
        public let kind: TraceVariableKind
        /// When it is present (scales and fixed variables: always).
        public let requirement: TraceRequirement
        /// The `long_name` attribute, a short title.
        public let longName: String
        /// The `definition` attribute, with its formula in ASCII; nil for scales, which have none.
        public let definition: String?
        /// The `units` attribute ("1" dimensionless, "s" seconds); nil for scales and fixed variables.
        public let units: String?
    }

    // The one table of the format. Appendable records: (group, name, axes after the first, element,
    // requirement, long_name, definition, units).
    private static func record(_ group: TraceGroup, _ name: String, _ axes: [TraceDimension], _ element: TraceElement,
                               _ requirement: TraceRequirement, _ longName: String, _ definition: String,
                               units: String = "1") -> Entry {
        Entry(group: group, name: name, dimensions: [group.rowDimension] + axes, element: element, kind: .record,
                    requirement: requirement, longName: longName, definition: definition, units: units)
    }

    private static func scale(_ group: TraceGroup, _ name: TraceDimension, _ element: TraceElement, _ longName: String) -> Entry {
        Entry(group: group, name: name.rawValue, dimensions: [name], element: element, kind: .scale,
                    requirement: .always, longName: longName, definition: nil, units: nil)
    }

    private static func fixed(_ name: String, along dimension: TraceDimension, _ element: TraceElement, _ longName: String,
                              _ definition: String) -> Entry {
        Entry(group: .epochs, name: name, dimensions: [dimension], element: element, kind: .fixed,
                    requirement: .always, longName: longName, definition: definition, units: nil)
    }

    /// Everything the format says about this variable.
    public var entry: Entry {
        let s = TraceGroup.steps, e = TraceGroup.epochs
        switch self {
        case .stepLayer: return Self.scale(s, .layer, .int64, "weight layer l (1 = first, L = output)")
        case .step: return Self.record(s, "step", [], .int64, .always, "optimizer step",
                                       "t, the optimizer step counted over the whole run, from 1 (dimension scale)")
        case .epochOfStep: return Self.record(s, "epoch_of_step", [], .int64, .always, "epoch of the step", "e, the epoch that step t belongs to, from 1")
        case .batchSize: return Self.record(s, "batch_size", [], .int64, .always, "mini-batch size", "B, the number of samples in the step's mini-batch")
        case .loss: return Self.record(s, "loss", [], .float64, .always, "mini-batch objective",
                                       "the objective minimised on the step's mini-batch: mean cross-entropy, or L_PLA / L_PLEA")
        case .crossEntropy: return Self.record(s, "cross_entropy", [], .float64, .always, "mini-batch cross-entropy",
                                               "(1/B) sum_n l_n(W), the mean cross-entropy at the unperturbed weights, before the update")
        case .learningRate: return Self.record(s, "learning_rate", [], .float64, .always, "learning rate", "eta of the step")
        case .stepLayerSignal: return Self.record(s, "layer_signal", [.layer], .float64, .always, "layer signal s_l(t)",
                                                  "s_l(t) = (1/N_l) sum_{w in Omega_l} |dL/dw|: the mean absolute gradient entry of W_l (biases excluded)")
        case .stepGradientNorm: return Self.record(s, "gradient_norm", [.layer], .float64, .always, "gradient norm",
                                                   "||dL/dW_l||_2 = (sum_{w in Omega_l} (dL/dw)^2)^(1/2) (biases excluded)")
        case .stepWithinBatchVariance: return Self.record(s, "within_batch_variance", [.layer], .float64, .batchVariance, "within-batch gradient variance",
                                                          "(1/N_l) sum_w [(1/B) sum_n g_{n,w}^2 - (dL/dw)^2], g_{n,w} the gradient of sample n's loss")

        case .epochLayer: return Self.scale(e, .layer, .int64, "weight layer l (1 = first, L = output)")
        case .quantile: return Self.scale(e, .quantile, .float64, "quantile level p")
        case .bin: return Self.scale(e, .bin, .int64, "histogram bin of per-weight temperatures")
        case .weightCount: return Self.fixed("weight_count", along: .layer, .int64, "weights in the layer",
                                             "N_l = n_l * n_{l-1} (C_out * C_in*k*k for a convolution), the size of Omega_l (biases excluded)")
        case .fanIn: return Self.fixed("fan_in", along: .layer, .int64, "inputs of the layer", "n_{l-1} (C_in*k*k for a convolution: its kernel's fan-in)")
        case .fanOut: return Self.fixed("fan_out", along: .layer, .int64, "outputs of the layer", "n_l (C_out for a convolution)")
        case .binLower: return Self.fixed("bin_lower", along: .bin, .float64, "lower edge of the bin",
                                          "0 for bin 0, else 10^((bin-1)/4 - 20); a bin holds v with bin_lower <= v < bin_upper")
        case .binUpper: return Self.fixed("bin_upper", along: .bin, .float64, "upper edge of the bin", "10^(bin/4 - 20), inf for the last bin")
        case .epoch: return Self.record(e, "epoch", [], .int64, .always, "epoch", "e, numbered from 1 (dimension scale)")
        case .epochSteps: return Self.record(e, "steps", [], .int64, .always, "steps in the epoch", "M, the number of mini-batch steps of epoch e")
        case .lastStep: return Self.record(e, "last_step", [], .int64, .always, "last step of the epoch", "t of the epoch's last step")
        case .trainObjective: return Self.record(e, "train_objective", [], .float64, .always, "train objective",
                                                 "mean over the epoch's mini-batches of the objective minimised, each before its update")
        case .trainLoss: return Self.record(e, "train_loss", [], .float64, .always, "train loss",
                                            "mean over the epoch's mini-batches of the mean cross-entropy, each before its update")
        case .trainAccuracy: return Self.record(e, "train_accuracy", [], .float64, .always, "train accuracy",
                                                "fraction of the epoch's training samples classified correctly, before each update")
        case .testLoss: return Self.record(e, "test_loss", [], .float64, .always, "test loss", "mean cross-entropy on the test split after the epoch")
        case .testAccuracy: return Self.record(e, "test_accuracy", [], .float64, .always, "test accuracy", "fraction of the test split classified correctly after the epoch")
        case .validationLoss: return Self.record(e, "validation_loss", [], .float64, .always, "validation loss",
                                                 "mean cross-entropy on the held-out validation images after the epoch (NaN without validation)")
        case .validationAccuracy: return Self.record(e, "validation_accuracy", [], .float64, .always, "validation accuracy",
                                                     "accuracy on the held-out validation images after the epoch (NaN without validation)")
        case .trainingSeconds: return Self.record(e, "training_seconds", [], .float64, .always, "training time", "seconds spent in the epoch's steps", units: "s")
        case .epochSeconds: return Self.record(e, "seconds", [], .float64, .always, "epoch time", "seconds for the whole epoch, evaluation included", units: "s")
        case .layerSignal: return Self.record(e, "layer_signal", [.layer], .float64, .always, "layer signal S_l(e)",
                                              "S_l(e) = (1/M) sum_t s_l(t) over the epoch's M steps")
        case .layerNoise: return Self.record(e, "layer_noise", [.layer], .float64, .always, "layer noise sigma_l(e)",
                                             "sigma_l(e) = ((1/M) sum_t (s_l(t) - S_l(e))^2)^(1/2), the population standard deviation")
        case .layerTemperature: return Self.record(e, "layer_temperature", [.layer], .float64, .always, "layer temperature T_l(e)", "T_l(e) = sigma_l(e)^2")
        case .signalToNoise: return Self.record(e, "signal_to_noise", [.layer], .float64, .always, "layer signal-to-noise ratio",
                                                "SNR_l(e) = S_l(e) / sigma_l(e) (inf when sigma_l(e) = 0)")
        case .gradientNormMean: return Self.record(e, "gradient_norm_mean", [.layer], .float64, .always, "mean gradient norm",
                                                   "(1/M) sum_t ||dL/dW_l||_2 at step t")
        case .weightNorm: return Self.record(e, "weight_norm", [.layer], .float64, .always, "weight norm",
                                             "||W_l||_2, the Frobenius norm of the weights after the epoch's last update (biases excluded)")
        case .meanGradientNorm: return Self.record(e, "mean_gradient_norm", [.layer], .float64, .moments, "norm of the epoch-mean gradient",
                                                   "||mu_l(e)||_2 = (sum_w mu_w^2)^(1/2), mu_w the mean of dL/dw over the epoch's steps")
        case .gradientStdNorm: return Self.record(e, "gradient_std_norm", [.layer], .float64, .moments, "norm of the per-weight standard deviations",
                                                  "||sqrt(v_l(e))||_2 = (sum_w v_w)^(1/2), v_w = (1/M) sum_t (dL/dw - mu_w)^2 (Welford)")
        case .weightSignalToNoise: return Self.record(e, "weight_signal_to_noise", [.layer], .float64, .moments, "per-weight signal-to-noise ratio",
                                                      "||mu_l(e)||_2 / ||sqrt(v_l(e))||_2")
        case .weightTemperatureMean: return Self.record(e, "weight_temperature_mean", [.layer], .float64, .moments, "mean per-weight temperature",
                                                        "(1/N_l) sum_w v_w")
        case .weightTemperatureQuantiles:
            return Self.record(e, "weight_temperature_quantiles", [.layer, .quantile], .float64, .moments,
                               "quantiles of the per-weight temperatures",
                               "quantiles of v_w over Omega_l at the levels of the quantile coordinate (linear interpolation, numpy's default)")
        case .weightTemperatureHistogram:
            return Self.record(e, "weight_temperature_histogram", [.layer, .bin], .int64, .moments,
                               "histogram of the per-weight temperatures",
                               "number of weights w in Omega_l with v_w in [bin_lower, bin_upper)")
        case .withinBatchVariance: return Self.record(e, "within_batch_variance", [.layer], .float64, .batchVariance, "within-batch gradient variance",
                                                      "(1/M) sum_t of the step's within_batch_variance")
        case .sampleWeightMax: return Self.record(e, "sample_weight_max", [], .float64, .smoothing, "largest sample weight",
                                                  "(1/M) sum_t max_a w_a, w_a the weight of sample a's gradient in the step's gradient")
        case .sampleWeightUnperturbed: return Self.record(e, "sample_weight_unperturbed", [], .float64, .smoothing, "weight of the unperturbed sample",
                                                          "(1/M) sum_t w_0")
        case .sampleEffectiveCount: return Self.record(e, "sample_effective_count", [], .float64, .smoothing, "effective number of samples",
                                                       "(1/M) sum_t exp(-sum_a p_a ln p_a), p_a = w_a / sum_b w_b (1 ... y+1)")
        case .perturbedLossIncrease: return Self.record(e, "perturbed_loss_increase", [], .float64, .smoothing, "loss increase under perturbation",
                                                        "(1/M) sum_t [(1/y) sum_{a>=1} L_a - L_0]")
        case .curvatureProbeLoss: return Self.record(e, "curvature_probe_loss", [], .float64, .curvature, "probe-batch cross-entropy",
                                                     "(1/B) sum_n l_n(W) on the fixed probe batch after the epoch's last update (NaN in epochs without a measurement)")
        case .curvatureLambdaMax: return Self.record(e, "curvature_lambda_max", [.layer], .float64, .curvature, "top eigenvalue of the layer's Hessian block",
                                                     "lambda_max(H_ll), H_ll = d2L/dW_l2 of the probe batch's mean cross-entropy over W_l (biases fixed), by Lanczos (NaN in epochs without a measurement)")
        case .curvatureLambdaMaxResidual: return Self.record(e, "curvature_lambda_max_residual", [.layer], .float64, .curvature, "Ritz residual of lambda_max",
                                                             "||H_ll y - theta y||_2 = beta_m |s_m| of the top Ritz pair (theta, y)")
        case .curvatureTrace: return Self.record(e, "curvature_trace", [.layer], .float64, .curvature, "trace of the layer's Hessian block",
                                                 "tr H_ll by Hutchinson: (1/P) sum_p z_p^T H_ll z_p, z_p Rademacher")
        case .curvatureTraceStandardError: return Self.record(e, "curvature_trace_se", [.layer], .float64, .curvature, "standard error of the trace",
                                                              "s/sqrt(P), s the sample standard deviation of the P values z_p^T H_ll z_p")
        case .curvatureFullLambdaMax: return Self.record(e, "curvature_full_lambda_max", [], .float64, .curvature, "top eigenvalue of the full Hessian",
                                                         "lambda_max(H), H over every weight of the network (biases fixed), by Lanczos")
        }
    }

    /// `steps` or `epochs`.
    public var group: TraceGroup { entry.group }
    /// The dataset name.
    public var name: String { entry.name }
    /// The HDF5 path: `group/name`.
    public var path: String { "\(group.rawValue)/\(name)" }
    /// The axes after the group's row dimension (records), e.g. [layer] or [layer, quantile]; a scale's or
    /// fixed variable's only axis.
    public var axes: [TraceDimension] { kind == .record ? Array(entry.dimensions.dropFirst()) : entry.dimensions }
    /// The element type.
    public var element: TraceElement { entry.element }
    /// How it is stored.
    public var kind: TraceVariableKind { entry.kind }
    /// When it is present.
    public var requirement: TraceRequirement { entry.requirement }
    /// The `long_name` attribute.
    public var longName: String { entry.longName }
    /// The `definition` attribute (nil for scales).
    public var definition: String? { entry.definition }
    /// The `units` attribute (nil for scales and fixed variables).
    public var units: String? { entry.units }

    /// The appendable records of a trace with this recording and loss, in a group, in creation order (the
    /// group's unlimited scale first).
    public static func records(in group: TraceGroup, recording: TraceRecording, smoothing: Bool) -> [TraceVariable] {
        allCases.filter { $0.group == group && $0.kind == .record && $0.requirement.isMet(by: recording, smoothing: smoothing) }
    }

    /// Every variable of a group, scales and fixed variables included, in creation order.
    public static func all(in group: TraceGroup) -> [TraceVariable] { allCases.filter { $0.group == group } }
}

/// A per-weight snapshot variable of `/weights/layer_<l>`: shape (snapshot, row, column), Float32, attributes
/// `long_name`, `definition`, `units` ("1").
public enum SnapshotVariable: String, CaseIterable, Sendable, Hashable {
    /// μ_ω of the snapshot epoch.
    case gradientMean = "gradient_mean"
    /// v_ω, the per-weight temperature, of the snapshot epoch.
    case gradientVariance = "gradient_variance"
    /// (1/M) Σ_t v^B_ω of the snapshot epoch (batch-variance snapshots).
    case withinBatchVariance = "within_batch_variance"

    /// The dataset name.
    public var name: String { rawValue }
    /// Whether it needs moment snapshots (else batch-variance snapshots).
    public var fromMoments: Bool { self != .withinBatchVariance }
    /// The `long_name` attribute.
    public var longName: String {
        switch self {
        case .gradientMean: "per-weight gradient mean"
        case .gradientVariance: "per-weight temperature"
        case .withinBatchVariance: "per-weight within-batch variance"
        }
    }
    /// The `definition` attribute.
    public var definition: String {
        switch self {
        case .gradientMean: "mu_w = (1/M) sum_t dL/dw over the snapshot epoch's M steps, for w = W_l[row, column]"
        case .gradientVariance: "v_w = (1/M) sum_t (dL/dw - mu_w)^2 over the snapshot epoch's steps (Welford)"
        case .withinBatchVariance: "(1/M) sum_t [(1/B) sum_n g_{n,w}^2 - (dL/dw)^2] over the snapshot epoch's steps"
        }
    }
    /// The `units` attribute.
    public var units: String { "1" }
    /// The HDF5 path in layer l's snapshot group: `weights/layer_<l>/NAME`.
    public func path(layer l: Int) -> String { TraceFormat.snapshotGroup(layer: l) + "/" + name }

    /// The snapshot variables a recording writes.
    public static func variables(for recording: TraceRecording) -> [SnapshotVariable] {
        allCases.filter { $0.fromMoments ? recording.snapshotMoments : recording.snapshotBatchVariance }
    }
}

/// The dimension scales of a snapshot group `/weights/layer_<l>`.
public enum SnapshotScale: String, CaseIterable, Sendable {
    /// The snapshot epochs (unlimited).
    case epoch
    /// Output unit i of W_l[i, j].
    case row
    /// Input unit j of W_l[i, j].
    case column

    /// The HDF5 path in layer l's snapshot group.
    public func path(layer l: Int) -> String { TraceFormat.snapshotGroup(layer: l) + "/" + rawValue }
    /// The `long_name` attribute.
    public var longName: String {
        switch self {
        case .epoch: "epoch of the snapshot (epochs e with e mod snapshot_every = 0)"
        case .row: "output unit i of W_l[i, j] (from 0)"
        case .column: "input unit j of W_l[i, j] (from 0)"
        }
    }
}
