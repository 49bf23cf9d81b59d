"""The statistics of a thermo trace, computed as thermo computes them (docs/definitions.md,
docs/trace-format.md "How the numbers are computed"), for NumPy gradients.

Per step t and weight layer l, with Omega_l the N_l = n_l * n_{l-1} entries of W_l (biases excluded):

    s_l(t)          = (1/N_l) sum_w |dL/dw|                  (layer signal, accumulated in float64)
    ||dL/dW_l||_2   = (sum_w (dL/dw)^2)^(1/2)                (gradient norm, float64)

Per weight, streamed over the epoch's steps k = 1..M (Welford, in the gradient's dtype, like thermo's two
float32 buffers; float64 gradients give float64 moments):

    d = g - mu;  mu <- mu + d/k;  M2 <- M2 + d^2 (k-1)/k     (= d (g - mu_new), Welford's update)
    v_w = max(M2_w / M, 0)                                   (population variance, the per-weight temperature)

Per epoch e, from the M values s_l(t) (two-pass, float64):

    S_l = (1/M) sum_t s_l(t);  sigma_l = ((1/M) sum_t (s_l(t) - S_l)^2)^(1/2);  T_l = sigma_l^2
    SNR_l = S_l / sigma_l (+inf when sigma_l = 0);  ||mu_l|| = (sum_w mu_w^2)^(1/2);  ||sqrt v_l|| = (sum_w v_w)^(1/2)
"""
from __future__ import annotations

from dataclasses import dataclass, field
import math
import numpy as np

from .schema import BIN_COUNT, QUANTILE_LEVELS, bin_edges

_EDGES = np.asarray(bin_edges()[1][:-1], dtype=np.float64)  # e_0 .. e_80


def signal_to_noise(signal: float, noise: float) -> float:
    """S / sigma when sigma > 0, else +inf; NaN when S or sigma is NaN (thermo's ``SignalAndNoise.signalToNoise``)."""
    if math.isnan(signal) or math.isnan(noise):
        return float("nan")
    return signal / noise if noise > 0 else float("inf")


def step_statistics(gradient: np.ndarray) -> tuple[float, float]:
    """(s_l(t), ||dL/dW_l||_2) of one layer's gradient, in float64."""
    g = np.asarray(gradient, dtype=np.float64).ravel()
    return float(np.abs(g).sum() / g.size), float(np.sqrt(np.dot(g, g)))


def layer_epoch(signals: np.ndarray) -> tuple[float, float, float, float]:
    """(S_l, sigma_l, T_l, SNR_l) from the epoch's M values s_l(t) (two-pass, population sigma)."""
    s = np.asarray(signals, dtype=np.float64)
    mean = float(s.sum() / s.size)
    noise = float(np.sqrt(((s - mean) ** 2).sum() / s.size))
    return mean, noise, noise * noise, signal_to_noise(mean, noise)


def temperature_histogram(v: np.ndarray) -> np.ndarray:
    """Counts of v_w in the 82 fixed bins: [0, e_0), [e_{i-1}, e_i) for i = 1..80, [e_80, inf); e_j = 10^(j/4-20)."""
    index = np.searchsorted(_EDGES, np.asarray(v, dtype=np.float64).ravel(), side="right")
    return np.bincount(index, minlength=BIN_COUNT).astype(np.int64)


@dataclass
class MomentSummary:
    """The per-layer moments of an epoch: ||mu_l||_2, ||sqrt v_l||_2, their ratio, mean v, quantiles, histogram."""

    mean_gradient_norm: float
    gradient_std_norm: float
    weight_signal_to_noise: float
    weight_temperature_mean: float
    quantiles: np.ndarray
    histogram: np.ndarray


def summarise_moments(mean: np.ndarray, variance: np.ndarray) -> MomentSummary:
    """The epoch's moment statistics from mu_w and v_w (v already divided by M and clamped at 0).

    Quantiles: numpy's default linear interpolation, q = v_(h) + (h - floor h)(v_(h+1) - v_(h)), h = (N-1)p.
    """
    mu = np.asarray(mean, dtype=np.float64).ravel()
    v = np.asarray(variance, dtype=np.float64).ravel()
    squares = float(np.dot(mu, mu))
    variances = float(v.sum())
    return MomentSummary(
        mean_gradient_norm=float(np.sqrt(squares)),
        gradient_std_norm=float(np.sqrt(variances)),
        weight_signal_to_noise=signal_to_noise(np.sqrt(squares), np.sqrt(variances)),
        weight_temperature_mean=variances / v.size,
        quantiles=np.quantile(v, QUANTILE_LEVELS),
        histogram=temperature_histogram(v),
    )


@dataclass
class WelfordMoments:
    """Per-weight running mean and M2 of one layer over an epoch (two buffers of the gradient's dtype)."""

    shape: tuple[int, ...]
    dtype: np.dtype
    count: int = 0
    mean: np.ndarray = field(init=False)
    m2: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.mean = np.zeros(self.shape, dtype=self.dtype)
        self.m2 = np.zeros(self.shape, dtype=self.dtype)

    def observe(self, g: np.ndarray) -> None:
        """One Welford step: d = g - mu; mu += d/k; M2 += d^2 (k-1)/k."""
        self.count += 1
        k = self.count
        d = np.subtract(g, self.mean, dtype=self.dtype)
        self.mean += d / k if self.dtype == np.float64 else d * self.dtype.type(1.0 / k)
        d *= d
        d *= self.dtype.type((k - 1) / k)
        self.m2 += d

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """(mu, v) with v = max(M2/M, 0); resets the moments for the next epoch (the returned arrays are new)."""
        mean = self.mean.copy()
        variance = np.maximum(self.m2 / self.dtype.type(self.count), 0).astype(self.dtype)
        self.mean.fill(0)
        self.m2.fill(0)
        self.count = 0
        return mean, variance


__all__ = ["signal_to_noise", "step_statistics", "layer_epoch", "temperature_histogram", "MomentSummary",
           "summarise_moments", "WelfordMoments"]
