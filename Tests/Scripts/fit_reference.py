#!/usr/bin/env python3
"""An independent reference for thermo's cooling fits.

Fits ln S_c(e) = a_c - g(e; theta) jointly to every layer of a long-table CSV (columns epoch, layer, signal;
'#' comment lines and extra columns allowed) with scipy.optimize.least_squares on the *full* parameter vector
(amplitudes and shared parameters together, finite-difference Jacobian, trust-region reflective with bounds),
from a few starting points, keeping the best. Nothing is shared with the Swift implementation but the model
definitions:
    nested:      g = alpha (e^beta - 1)/beta     (alpha ln e at beta = 0)
    power:       g = alpha ln e
    exponential: g = e / tau                     (fitted in ln tau)
    stretched:   g = (e / tau)^beta              (fitted in ln tau)

Usage: fit_reference.py MODEL TABLE.csv  ->  JSON on stdout:
    {"model": ..., "parameters": {name: value}, "amplitudes": [...], "rss": ...}
"""
import csv
import json
import sys

import numpy as np
from scipy.optimize import least_squares

BOUNDS = {  # in the fitted coordinates (ln tau for tau)
    "nested": ([-np.inf, -5.0], [np.inf, 5.0]),
    "power": ([-np.inf], [np.inf]),
    "exponential": ([np.log(1e-6)], [np.log(1e12)]),
    "stretched": ([np.log(1e-10), 0.01], [np.log(1e10), 1.0]),
}


def read_table(path):
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if line.strip() and not line.lstrip().startswith("#")))
    layers = sorted({r["layer"].strip() for r in rows}, key=lambda s: (0, int(s)) if s.isdigit() else (1, s))
    curves = []
    for layer in layers:
        points = sorted((float(r["epoch"]), float(r["signal"])) for r in rows if r["layer"].strip() == layer)
        curves.append((np.array([p[0] for p in points]), np.log(np.array([p[1] for p in points]))))
    return layers, curves


def decay(model, e, theta):
    lne = np.log(e)
    if model == "power":
        return theta[0] * lne
    if model == "nested":
        alpha, beta = theta
        return alpha * lne if beta == 0 else alpha * np.expm1(beta * lne) / beta
    if model == "exponential":
        return e * np.exp(-theta[0])
    if model == "stretched":
        return np.exp(theta[1] * (lne - theta[0]))
    raise ValueError(model)


def fit(model, curves):
    p = len(BOUNDS[model][0])
    c = len(curves)

    def residuals(x):
        theta = x[c:]
        return np.concatenate([x[k] - decay(model, e, theta) - y for k, (e, y) in enumerate(curves)])

    all_e = np.concatenate([e for e, _ in curves])
    median = float(np.median(all_e))
    starts = {
        "nested": [[1.0, b] for b in (-1.0, -0.3, 0.0, 0.3, 1.0)],
        "power": [[1.0]],
        "exponential": [[np.log(median)], [np.log(10 * median)]],
        "stretched": [[np.log(median), b] for b in (0.2, 0.5, 0.8)],
    }[model]
    lower = [-np.inf] * c + list(BOUNDS[model][0])
    upper = [np.inf] * c + list(BOUNDS[model][1])
    best = None
    for theta0 in starts:
        amplitudes0 = [float(np.mean(y + decay(model, e, theta0))) for e, y in curves]
        try:
            r = least_squares(residuals, amplitudes0 + list(theta0), bounds=(lower, upper), method="trf",
                              jac="3-point", x_scale="jac", ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=20000)
        except ValueError:
            continue
        if best is None or r.cost < best.cost:
            best = r
    x = best.x
    theta = list(x[c:])
    if model in ("exponential", "stretched"):
        theta[0] = float(np.exp(theta[0]))
    names = {"nested": ["alpha", "beta"], "power": ["alpha"], "exponential": ["tau"], "stretched": ["tau", "beta"]}[model]
    return {
        "model": model,
        "parameters": {n: float(v) for n, v in zip(names, theta)},
        "amplitudes": [float(v) for v in x[:c]],
        "rss": float(2 * best.cost),
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model, path = sys.argv[1], sys.argv[2]
    _, curves = read_table(path)
    print(json.dumps(fit(model, curves)))


if __name__ == "__main__":
    main()
