/// The trace format, version 1: names, groups, shapes and meanings of everything a trace holds. The writer
/// creates, and the reader expects, exactly what is listed here; docs/trace-format.md describes the same.
public enum TraceFormat {
    /// The root attribute `format` of every thermo trace.
    public static let name = "thermo-trace"
    /// The major version: readers refuse a larger one (the layout changed incompatibly).
    public static let majorVersion = 1
    /// The minor version: additions that older readers can ignore.
    public static let minorVersion = 0
    /// "1.0".
    public static var version: String { "\(majorVersion).\(minorVersion)" }

    /// The group of per-step variables (dimension `step`).
    public static let stepsGroup = "steps"
    /// The group of per-epoch variables (dimension `epoch`).
    public static let epochsGroup = "epochs"
    /// The group holding one group `layer_<l>` of per-weight snapshots per layer.
    public static let weightsGroup = "weights"
    /// The snapshot group of layer l (1-based): `weights/layer_<l>`.
    public static func snapshotGroup(layer l: Int) -> String { "\(weightsGroup)/layer_\(l)" }
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

    /// Whether a trace with this recording and loss holds variables of this requirement.
    public func isMet(by recording: TraceRecording, smoothing: Bool) -> Bool {
        switch self {
        case .always: true
        case .moments: recording.weightMoments
        case .batchVariance: recording.batchVariance
        case .smoothing: smoothing
        }
    }
}

/// One appendable variable of `/steps` or `/epochs`: its first axis is the group's `step` or `epoch`
/// dimension, its other axes are among `layer`, `quantile`, `bin`.
public struct TraceVariable: Sendable, Hashable {
    /// `steps` or `epochs`.
    public let group: String
    /// The dataset name.
    public let name: String
    /// The axes after the first: [], ["layer"], ["layer", "quantile"] or ["layer", "bin"].
    public let axes: [String]
    /// The element type.
    public let element: TraceElement
    /// When it is present.
    public let requirement: TraceRequirement
    /// A short title (the `long_name` attribute).
    public let longName: String
    /// The definition, with its formula (the `definition` attribute).
    public let definition: String
    /// The unit (the `units` attribute): "1" for dimensionless, "s" for seconds.
    public let units: String

    /// The HDF5 path: `group/name`.
    public var path: String { "\(group)/\(name)" }

    init(_ group: String, _ name: String, _ axes: [String], _ element: TraceElement, _ requirement: TraceRequirement,
         _ longName: String, _ definition: String, units: String = "1") {
        self.group = group
        self.name = name
        self.axes = axes
        self.element = element
        self.requirement = requirement
        self.longName = longName
        self.definition = definition
        self.units = units
    }
}

extension TraceVariable {
    private static let s = TraceFormat.stepsGroup
    private static let e = TraceFormat.epochsGroup

    /// Every variable of `/steps`, in creation order (the scale `step` first).
    public static let stepVariables: [TraceVariable] = [
        TraceVariable(s, "step", [], .int64, .always, "optimizer step",
                      "t, the optimizer step counted over the whole run, from 1 (dimension scale)"),
        TraceVariable(s, "epoch_of_step", [], .int64, .always, "epoch of the step", "e, the epoch that step t belongs to, from 1"),
        TraceVariable(s, "batch_size", [], .int64, .always, "mini-batch size", "B, the number of samples in the step's mini-batch"),
        TraceVariable(s, "loss", [], .float64, .always, "mini-batch objective",
                      "the objective minimised on the step's mini-batch: mean cross-entropy, or L_PLA / L_PLEA"),
        TraceVariable(s, "cross_entropy", [], .float64, .always, "mini-batch cross-entropy",
                      "(1/B) sum_n l_n(W), the mean cross-entropy at the unperturbed weights, before the update"),
        TraceVariable(s, "learning_rate", [], .float64, .always, "learning rate", "eta of the step"),
        TraceVariable(s, "layer_signal", ["layer"], .float64, .always, "layer signal s_l(t)",
                      "s_l(t) = (1/N_l) sum_{w in Omega_l} |dL/dw|: the mean absolute gradient entry of W_l (biases excluded)"),
        TraceVariable(s, "gradient_norm", ["layer"], .float64, .always, "gradient norm",
                      "||dL/dW_l||_2 = (sum_{w in Omega_l} (dL/dw)^2)^(1/2) (biases excluded)"),
        TraceVariable(s, "within_batch_variance", ["layer"], .float64, .batchVariance, "within-batch gradient variance",
                      "(1/N_l) sum_w [(1/B) sum_n g_{n,w}^2 - (dL/dw)^2], g_{n,w} the gradient of sample n's loss"),
    ]

    /// Every variable of `/epochs`, in creation order (the scale `epoch` first).
    public static let epochVariables: [TraceVariable] = [
        TraceVariable(e, "epoch", [], .int64, .always, "epoch", "e, numbered from 1 (dimension scale)"),
        TraceVariable(e, "steps", [], .int64, .always, "steps in the epoch", "M, the number of mini-batch steps of epoch e"),
        TraceVariable(e, "last_step", [], .int64, .always, "last step of the epoch", "t of the epoch's last step"),
        TraceVariable(e, "train_objective", [], .float64, .always, "train objective",
                      "mean over the epoch's mini-batches of the objective minimised, each before its update"),
        TraceVariable(e, "train_loss", [], .float64, .always, "train loss",
                      "mean over the epoch's mini-batches of the mean cross-entropy, each before its update"),
        TraceVariable(e, "train_accuracy", [], .float64, .always, "train accuracy",
                      "fraction of the epoch's training samples classified correctly, before each update"),
        TraceVariable(e, "test_loss", [], .float64, .always, "test loss", "mean cross-entropy on the test split after the epoch"),
        TraceVariable(e, "test_accuracy", [], .float64, .always, "test accuracy", "fraction of the test split classified correctly after the epoch"),
        TraceVariable(e, "validation_loss", [], .float64, .always, "validation loss",
                      "mean cross-entropy on the held-out validation images after the epoch (NaN without validation)"),
        TraceVariable(e, "validation_accuracy", [], .float64, .always, "validation accuracy",
                      "accuracy on the held-out validation images after the epoch (NaN without validation)"),
        TraceVariable(e, "training_seconds", [], .float64, .always, "training time", "seconds spent in the epoch's steps", units: "s"),
        TraceVariable(e, "seconds", [], .float64, .always, "epoch time", "seconds for the whole epoch, evaluation included", units: "s"),
        TraceVariable(e, "layer_signal", ["layer"], .float64, .always, "layer signal S_l(e)",
                      "S_l(e) = (1/M) sum_t s_l(t) over the epoch's M steps"),
        TraceVariable(e, "layer_noise", ["layer"], .float64, .always, "layer noise sigma_l(e)",
                      "sigma_l(e) = ((1/M) sum_t (s_l(t) - S_l(e))^2)^(1/2), the population standard deviation"),
        TraceVariable(e, "layer_temperature", ["layer"], .float64, .always, "layer temperature T_l(e)", "T_l(e) = sigma_l(e)^2"),
        TraceVariable(e, "signal_to_noise", ["layer"], .float64, .always, "layer signal-to-noise ratio",
                      "SNR_l(e) = S_l(e) / sigma_l(e) (inf when sigma_l(e) = 0)"),
        TraceVariable(e, "gradient_norm_mean", ["layer"], .float64, .always, "mean gradient norm",
                      "(1/M) sum_t ||dL/dW_l||_2 at step t"),
        TraceVariable(e, "weight_norm", ["layer"], .float64, .always, "weight norm",
                      "||W_l||_2, the Frobenius norm of the weights after the epoch's last update (biases excluded)"),
        TraceVariable(e, "mean_gradient_norm", ["layer"], .float64, .moments, "norm of the epoch-mean gradient",
                      "||mu_l(e)||_2 = (sum_w mu_w^2)^(1/2), mu_w the mean of dL/dw over the epoch's steps"),
        TraceVariable(e, "gradient_std_norm", ["layer"], .float64, .moments, "norm of the per-weight standard deviations",
                      "||sqrt(v_l(e))||_2 = (sum_w v_w)^(1/2), v_w = (1/M) sum_t (dL/dw - mu_w)^2 (Welford)"),
        TraceVariable(e, "weight_signal_to_noise", ["layer"], .float64, .moments, "per-weight signal-to-noise ratio",
                      "||mu_l(e)||_2 / ||sqrt(v_l(e))||_2"),
        TraceVariable(e, "weight_temperature_mean", ["layer"], .float64, .moments, "mean per-weight temperature",
                      "(1/N_l) sum_w v_w"),
        TraceVariable(e, "weight_temperature_quantiles", ["layer", "quantile"], .float64, .moments,
                      "quantiles of the per-weight temperatures",
                      "quantiles of v_w over Omega_l at the levels of the quantile coordinate (linear interpolation, numpy's default)"),
        TraceVariable(e, "weight_temperature_histogram", ["layer", "bin"], .int64, .moments,
                      "histogram of the per-weight temperatures",
                      "number of weights w in Omega_l with v_w in [bin_lower, bin_upper)"),
        TraceVariable(e, "within_batch_variance", ["layer"], .float64, .batchVariance, "within-batch gradient variance",
                      "(1/M) sum_t of the step's within_batch_variance"),
        TraceVariable(e, "sample_weight_max", [], .float64, .smoothing, "largest sample weight",
                      "(1/M) sum_t max_a w_a, w_a the weight of sample a's gradient in the step's gradient"),
        TraceVariable(e, "sample_weight_unperturbed", [], .float64, .smoothing, "weight of the unperturbed sample",
                      "(1/M) sum_t w_0"),
        TraceVariable(e, "sample_effective_count", [], .float64, .smoothing, "effective number of samples",
                      "(1/M) sum_t exp(-sum_a p_a ln p_a), p_a = w_a / sum_b w_b (1 ... y+1)"),
        TraceVariable(e, "perturbed_loss_increase", [], .float64, .smoothing, "loss increase under perturbation",
                      "(1/M) sum_t [(1/y) sum_{a>=1} L_a - L_0]"),
    ]

    /// The variables of a trace with this recording and loss, in a group.
    public static func variables(in group: String, recording: TraceRecording, smoothing: Bool) -> [TraceVariable] {
        let all = group == TraceFormat.stepsGroup ? stepVariables : epochVariables
        return all.filter { $0.requirement.isMet(by: recording, smoothing: smoothing) }
    }
}

/// A per-weight snapshot variable of `/weights/layer_<l>`: shape (snapshot, row, column), Float32.
public struct SnapshotVariable: Sendable, Hashable {
    /// The dataset name.
    public let name: String
    /// Whether it needs moment snapshots (else batch-variance snapshots).
    public let fromMoments: Bool
    /// A short title.
    public let longName: String
    /// The definition.
    public let definition: String

    /// The three snapshot variables.
    public static let all: [SnapshotVariable] = [
        SnapshotVariable(name: "gradient_mean", fromMoments: true, longName: "per-weight gradient mean",
                         definition: "mu_w = (1/M) sum_t dL/dw over the snapshot epoch's M steps, for w = W_l[row, column]"),
        SnapshotVariable(name: "gradient_variance", fromMoments: true, longName: "per-weight temperature",
                         definition: "v_w = (1/M) sum_t (dL/dw - mu_w)^2 over the snapshot epoch's steps (Welford)"),
        SnapshotVariable(name: "within_batch_variance", fromMoments: false, longName: "per-weight within-batch variance",
                         definition: "(1/M) sum_t [(1/B) sum_n g_{n,w}^2 - (dL/dw)^2] over the snapshot epoch's steps"),
    ]

    /// The snapshot variables a recording writes.
    public static func variables(for recording: TraceRecording) -> [SnapshotVariable] {
        all.filter { $0.fromMoments ? recording.snapshotMoments : recording.snapshotBatchVariance }
    }
}

/// The run-level facts that change while a trace is written, kept in scalar datasets at the root (HDF5 1.10
/// cannot change attributes under SWMR). The markers are written after the rows they count, and flushed:
/// a reader trusts them, never the datasets' own lengths.
public enum TraceMarker: String, CaseIterable, Sendable {
    /// The number of complete rows of `/epochs`.
    case completedEpochs = "completed_epochs"
    /// The number of complete rows of `/steps`.
    case completedSteps = "completed_steps"
    /// The number of complete snapshots in each `/weights/layer_<l>`.
    case completedSnapshots = "completed_snapshots"
    /// The run's state, a ``TraceStatus`` code.
    case status
    /// E, the number of epochs the run was asked for (it grows when a resumed run asks for more).
    case plannedEpochs = "planned_epochs"
    /// The process id of the last writer.
    case writerProcess = "writer_pid"
    /// When the markers were last written, in seconds since 1970-01-01 UTC (Float64).
    case lastUpdate = "last_update"
}

/// The state of the run that writes a trace, stored as an Int64 code in the `status` dataset.
public enum TraceStatus: Int64, CaseIterable, Sendable, CustomStringConvertible {
    /// Being written, or its writer was killed before it could say otherwise.
    case running = 0
    /// Every planned epoch was recorded.
    case completed = 1
    /// Stopped by a request (SIGINT/SIGTERM) at a step boundary.
    case interrupted = 2
    /// Stopped because the loss became non-finite.
    case diverged = 3
    /// Stopped by an error (e.g. a full disk).
    case failed = 4
    /// The writer was killed; `thermo recover` restored the file.
    case recovered = 5

    /// The code's name: running, completed, interrupted, diverged, failed, recovered.
    public var description: String {
        switch self {
        case .running: "running"
        case .completed: "completed"
        case .interrupted: "interrupted"
        case .diverged: "diverged"
        case .failed: "failed"
        case .recovered: "recovered"
        }
    }
}
