"""The thermo trace v1 schema: every variable of ``/steps``, ``/epochs`` and ``/weights/layer_l`` with its
dimensions, type and the attributes ``long_name``, ``definition`` and ``units``, verbatim as thermo writes them
(``Sources/Traces/TraceSchema.swift``; the tables of docs/trace-format.md). ``tests/test_schema.py`` checks
these tables against docs/trace-format.md, so a change on thermo's side fails the Python tests.

Only the levels this package records are listed: ``layers``, ``moments`` and ``per-weight[:every=K]``
(no batch-variance, smoothing or curvature variables: they need thermo's own forward/backward passes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

FORMAT_NAME = "thermo-trace"
FORMAT_MAJOR = 1
FORMAT_MINOR = 0
QUANTILE_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
BIN_COUNT = 82
STATUS = {"running": 0, "completed": 1, "interrupted": 2, "diverged": 3, "failed": 4, "recovered": 5}


@dataclass(frozen=True)
class Variable:
    """One dataset of a group.

    ``kind``: ``record`` (appendable along the group's first dimension; the first record of a group is its
    unlimited dimension scale), ``scale`` (a fixed dimension scale) or ``fixed`` (fixed length along one scale).
    ``dims`` name the dimension scales of each axis; ``level`` is ``always`` or ``moments`` (what records it).
    """

    name: str
    kind: str
    dims: tuple[str, ...]
    dtype: str
    long_name: str
    definition: Optional[str] = None
    units: Optional[str] = None
    level: str = "always"


V = Variable
STEPS: tuple[Variable, ...] = (
    V("layer", "scale", ("layer",), "int64", "weight layer l (1 = first, L = output)"),
    V("step", "record", ("step",), "int64", "optimizer step",
      "t, the optimizer step counted over the whole run, from 1 (dimension scale)", "1"),
    V("epoch_of_step", "record", ("step",), "int64", "epoch of the step", "e, the epoch that step t belongs to, from 1", "1"),
    V("batch_size", "record", ("step",), "int64", "mini-batch size", "B, the number of samples in the step's mini-batch", "1"),
    V("loss", "record", ("step",), "float64", "mini-batch objective",
      "the objective minimised on the step's mini-batch: mean cross-entropy, or L_PLA / L_PLEA", "1"),
    V("cross_entropy", "record", ("step",), "float64", "mini-batch cross-entropy",
      "(1/B) sum_n l_n(W), the mean cross-entropy at the unperturbed weights, before the update", "1"),
    V("learning_rate", "record", ("step",), "float64", "learning rate", "eta of the step", "1"),
    V("layer_signal", "record", ("step", "layer"), "float64", "layer signal s_l(t)",
      "s_l(t) = (1/N_l) sum_{w in Omega_l} |dL/dw|: the mean absolute gradient entry of W_l (biases excluded)", "1"),
    V("gradient_norm", "record", ("step", "layer"), "float64", "gradient norm",
      "||dL/dW_l||_2 = (sum_{w in Omega_l} (dL/dw)^2)^(1/2) (biases excluded)", "1"),
)

EPOCHS: tuple[Variable, ...] = (
    V("layer", "scale", ("layer",), "int64", "weight layer l (1 = first, L = output)"),
    V("quantile", "scale", ("quantile",), "float64", "quantile level p"),
    V("bin", "scale", ("bin",), "int64", "histogram bin of per-weight temperatures"),
    V("weight_count", "fixed", ("layer",), "int64", "weights in the layer",
      "N_l = n_l * n_{l-1} (C_out * C_in*k*k for a convolution), the size of Omega_l (biases excluded)"),
    V("fan_in", "fixed", ("layer",), "int64", "inputs of the layer", "n_{l-1} (C_in*k*k for a convolution: its kernel's fan-in)"),
    V("fan_out", "fixed", ("layer",), "int64", "outputs of the layer", "n_l (C_out for a convolution)"),
    V("bin_lower", "fixed", ("bin",), "float64", "lower edge of the bin",
      "0 for bin 0, else 10^((bin-1)/4 - 20); a bin holds v with bin_lower <= v < bin_upper"),
    V("bin_upper", "fixed", ("bin",), "float64", "upper edge of the bin", "10^(bin/4 - 20), inf for the last bin"),
    V("epoch", "record", ("epoch",), "int64", "epoch", "e, numbered from 1 (dimension scale)", "1"),
    V("steps", "record", ("epoch",), "int64", "steps in the epoch", "M, the number of mini-batch steps of epoch e", "1"),
    V("last_step", "record", ("epoch",), "int64", "last step of the epoch", "t of the epoch's last step", "1"),
    V("train_objective", "record", ("epoch",), "float64", "train objective",
      "mean over the epoch's mini-batches of the objective minimised, each before its update", "1"),
    V("train_loss", "record", ("epoch",), "float64", "train loss",
      "mean over the epoch's mini-batches of the mean cross-entropy, each before its update", "1"),
    V("train_accuracy", "record", ("epoch",), "float64", "train accuracy",
      "fraction of the epoch's training samples classified correctly, before each update", "1"),
    V("test_loss", "record", ("epoch",), "float64", "test loss", "mean cross-entropy on the test split after the epoch", "1"),
    V("test_accuracy", "record", ("epoch",), "float64", "test accuracy",
      "fraction of the test split classified correctly after the epoch", "1"),
    V("validation_loss", "record", ("epoch",), "float64", "validation loss",
      "mean cross-entropy on the held-out validation images after the epoch (NaN without validation)", "1"),
    V("validation_accuracy", "record", ("epoch",), "float64", "validation accuracy",
      "accuracy on the held-out validation images after the epoch (NaN without validation)", "1"),
    V("training_seconds", "record", ("epoch",), "float64", "training time", "seconds spent in the epoch's steps", "s"),
    V("seconds", "record", ("epoch",), "float64", "epoch time", "seconds for the whole epoch, evaluation included", "s"),
    V("layer_signal", "record", ("epoch", "layer"), "float64", "layer signal S_l(e)",
      "S_l(e) = (1/M) sum_t s_l(t) over the epoch's M steps", "1"),
    V("layer_noise", "record", ("epoch", "layer"), "float64", "layer noise sigma_l(e)",
      "sigma_l(e) = ((1/M) sum_t (s_l(t) - S_l(e))^2)^(1/2), the population standard deviation", "1"),
    V("layer_temperature", "record", ("epoch", "layer"), "float64", "layer temperature T_l(e)", "T_l(e) = sigma_l(e)^2", "1"),
    V("signal_to_noise", "record", ("epoch", "layer"), "float64", "layer signal-to-noise ratio",
      "SNR_l(e) = S_l(e) / sigma_l(e) (inf when sigma_l(e) = 0)", "1"),
    V("gradient_norm_mean", "record", ("epoch", "layer"), "float64", "mean gradient norm",
      "(1/M) sum_t ||dL/dW_l||_2 at step t", "1"),
    V("weight_norm", "record", ("epoch", "layer"), "float64", "weight norm",
      "||W_l||_2, the Frobenius norm of the weights after the epoch's last update (biases excluded)", "1"),
    V("mean_gradient_norm", "record", ("epoch", "layer"), "float64", "norm of the epoch-mean gradient",
      "||mu_l(e)||_2 = (sum_w mu_w^2)^(1/2), mu_w the mean of dL/dw over the epoch's steps", "1", "moments"),
    V("gradient_std_norm", "record", ("epoch", "layer"), "float64", "norm of the per-weight standard deviations",
      "||sqrt(v_l(e))||_2 = (sum_w v_w)^(1/2), v_w = (1/M) sum_t (dL/dw - mu_w)^2 (Welford)", "1", "moments"),
    V("weight_signal_to_noise", "record", ("epoch", "layer"), "float64", "per-weight signal-to-noise ratio",
      "||mu_l(e)||_2 / ||sqrt(v_l(e))||_2", "1", "moments"),
    V("weight_temperature_mean", "record", ("epoch", "layer"), "float64", "mean per-weight temperature",
      "(1/N_l) sum_w v_w", "1", "moments"),
    V("weight_temperature_quantiles", "record", ("epoch", "layer", "quantile"), "float64",
      "quantiles of the per-weight temperatures",
      "quantiles of v_w over Omega_l at the levels of the quantile coordinate (linear interpolation, numpy's default)",
      "1", "moments"),
    V("weight_temperature_histogram", "record", ("epoch", "layer", "bin"), "int64",
      "histogram of the per-weight temperatures",
      "number of weights w in Omega_l with v_w in [bin_lower, bin_upper)", "1", "moments"),
)

WEIGHTS: tuple[Variable, ...] = (
    V("epoch", "record", ("epoch",), "int64", "epoch of the snapshot (epochs e with e mod snapshot_every = 0)"),
    V("row", "scale", ("row",), "int64", "output unit i of W_l[i, j] (from 0)"),
    V("column", "scale", ("column",), "int64", "input unit j of W_l[i, j] (from 0)"),
    V("gradient_mean", "record", ("epoch", "row", "column"), "float32", "per-weight gradient mean",
      "mu_w = (1/M) sum_t dL/dw over the snapshot epoch's M steps, for w = W_l[row, column]", "1"),
    V("gradient_variance", "record", ("epoch", "row", "column"), "float32", "per-weight temperature",
      "v_w = (1/M) sum_t (dL/dw - mu_w)^2 over the snapshot epoch's steps (Welford)", "1"),
)

#: Root scalar datasets (markers): name -> (dtype, attributes).
MARKERS: dict[str, tuple[str, dict[str, str]]] = {
    "completed_epochs": ("int64", {"long_name": "number of complete rows of /epochs (readers ignore rows beyond it)"}),
    "completed_steps": ("int64", {"long_name": "number of complete rows of /steps (readers ignore rows beyond it)"}),
    "completed_snapshots": ("int64", {
        "long_name": "number of complete snapshots in each /weights/layer_<l> (readers ignore the rest)"}),
    "status": ("int64", {"long_name": "state of the run (see flag_values and flag_meanings)",
                         "flag_meanings": "running completed interrupted diverged failed recovered"}),
    "planned_epochs": ("int64", {"long_name": "number of epochs the run was asked for"}),
    "writer_pid": ("int64", {"long_name": "process id of the last writer"}),
    "last_update": ("float64", {"long_name": "time of the last write",
                                "units": "seconds since 1970-01-01 00:00:00 UTC"}),
}

#: Chunk rows along the unlimited axis, by the rank of the variable: (epoch|step, rank) -> rows.
CHUNK_ROWS = {("step", 1): 4096, ("step", 2): 1024, ("epoch", 1): 512, ("epoch", 2): 128}
CHUNK_ROWS_QUANTILES = 64
CHUNK_ROWS_HISTOGRAM = 16


def bin_edges() -> tuple[list[float], list[float]]:
    """``bin_lower`` and ``bin_upper``: e_j = 10^(j/4 - 20), j = 0..80; bin 0 = [0, e_0), bin i = [e_{i-1}, e_i),
    bin 81 = [e_80 = 1, inf)."""
    import numpy as np

    e = 10.0 ** (np.arange(81) / 4 - 20)
    return [0.0, *e.tolist()], [*e.tolist(), float("inf")]


def json_text(value: object) -> str:
    """``value`` as the JSON thermo writes: keys sorted, and NaN and +/-inf as the strings "nan", "inf" and "-inf"
    (JSON has no literal for them; Python's own ``NaN``/``Infinity`` are not JSON and other readers refuse them).
    Values JSON cannot hold otherwise become their ``str``."""
    import json
    import math

    def safe(v: object) -> object:
        if isinstance(v, float) and not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        if isinstance(v, dict):
            return {str(k): safe(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [safe(x) for x in v]
        return v

    return json.dumps(safe(value), sort_keys=True, default=str, allow_nan=False)

