"""The core Recorder against thermo's definitions computed directly in NumPy float64 (docs/definitions.md)."""
from __future__ import annotations

import os

import h5py
import numpy as np
import pytest

from thermo_trace import Recorder, TraceClosedError, TraceExistsError

SHAPES = [(12, 20), (7, 12), (3, 7)]
EPOCHS, M = 3, 9
RTOL = 1e-10


def synthetic(seed: int = 0) -> list[list[list[np.ndarray]]]:
    """gradients[e][t][l], float64, with layer-dependent scales and means and a few constant entries."""
    rng = np.random.default_rng(seed)
    out = []
    for e in range(EPOCHS):
        epoch = []
        for t in range(M):
            grads = []
            for l, shape in enumerate(SHAPES):
                g = rng.normal(loc=0.3 * (l - 1), scale=10.0 ** -(l + e), size=shape)
                g[0, :3] = 0.25  # weights whose gradient never changes: v = 0, histogram bin 0
                grads.append(g)
            epoch.append(grads)
        out.append(epoch)
    return out


def record(path: str, gradients, **options) -> None:
    weights = [np.full(s, 0.5 + l) for l, s in enumerate(SHAPES)]
    with Recorder(path, layers=SHAPES, record="per-weight:every=2", epochs=EPOCHS, run={"batch_size": 32},
                  **options) as rec:
        for e, epoch in enumerate(gradients):
            for t, grads in enumerate(epoch):
                rec.step(grads, loss=1.0 + e + t / 10, learning_rate=0.01 * (e + 1), batch_size=32)
            rec.end_epoch({"test_accuracy": 0.5 + e / 10, "test_loss": 2.0 - e}, weights=weights)


def expected(gradients):
    """The definitions, directly: s_l(t), ||g||, S, sigma, T, SNR, mu, v, moments' norms, quantiles, histogram."""
    edges = 10.0 ** (np.arange(81) / 4 - 20)
    out = []
    for epoch in gradients:
        e = {}
        G = [np.stack([grads[l] for grads in epoch]) for l in range(len(SHAPES))]  # (M, n, m), float64
        s = np.array([[np.mean(np.abs(g[t])) for g in G] for t in range(M)])
        e["step_signal"] = s
        e["step_norm"] = np.array([[np.sqrt(np.sum(g[t] ** 2)) for g in G] for t in range(M)])
        e["S"] = s.mean(axis=0)
        e["sigma"] = s.std(axis=0)  # population (ddof = 0)
        mu = [g.mean(axis=0) for g in G]
        v = [g.var(axis=0) for g in G]
        e["mu"], e["v"] = mu, v
        e["mean_norm"] = np.array([np.sqrt(np.sum(m ** 2)) for m in mu])
        e["std_norm"] = np.array([np.sqrt(np.sum(x)) for x in v])
        e["vmean"] = np.array([np.mean(x) for x in v])
        e["quantiles"] = np.array([np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95]) for x in v])
        hist = []
        for x in v:
            lower = np.concatenate([[0.0], edges])
            upper = np.concatenate([edges, [np.inf]])
            hist.append([np.sum((x >= lo) & (x < up)) for lo, up in zip(lower, upper)])
        e["hist"] = np.array(hist)
        out.append(e)
    return out


def test_statistics_match_the_definitions_in_float64(tmp_path):
    gradients = synthetic()
    path = str(tmp_path / "core.h5")
    record(path, gradients)
    want = expected(gradients)
    with h5py.File(path, "r") as f:
        assert int(f["completed_epochs"][()]) == EPOCHS and int(f["completed_steps"][()]) == EPOCHS * M
        assert int(f["status"][()]) == 1
        for k, e in enumerate(want):
            rows = slice(k * M, (k + 1) * M)
            np.testing.assert_allclose(f["steps/layer_signal"][rows], e["step_signal"], rtol=RTOL)
            np.testing.assert_allclose(f["steps/gradient_norm"][rows], e["step_norm"], rtol=RTOL)
            np.testing.assert_allclose(f["epochs/layer_signal"][k], e["S"], rtol=RTOL)
            np.testing.assert_allclose(f["epochs/layer_noise"][k], e["sigma"], rtol=RTOL)
            np.testing.assert_allclose(f["epochs/layer_temperature"][k], e["sigma"] ** 2, rtol=RTOL)
            np.testing.assert_allclose(f["epochs/signal_to_noise"][k], e["S"] / e["sigma"], rtol=RTOL)
            np.testing.assert_allclose(f["epochs/gradient_norm_mean"][k], e["step_norm"].mean(axis=0), rtol=RTOL)
            np.testing.assert_allclose(f["epochs/mean_gradient_norm"][k], e["mean_norm"], rtol=RTOL)
            np.testing.assert_allclose(f["epochs/gradient_std_norm"][k], e["std_norm"], rtol=RTOL)
            np.testing.assert_allclose(f["epochs/weight_signal_to_noise"][k], e["mean_norm"] / e["std_norm"], rtol=RTOL)
            np.testing.assert_allclose(f["epochs/weight_temperature_mean"][k], e["vmean"], rtol=RTOL)
            # the exact zeros (v = 0) make an absolute floor necessary for the lowest quantile
            np.testing.assert_allclose(f["epochs/weight_temperature_quantiles"][k], e["quantiles"], rtol=RTOL, atol=1e-300)
            np.testing.assert_array_equal(f["epochs/weight_temperature_histogram"][k], e["hist"])
            assert f["epochs/weight_temperature_histogram"][k].sum(axis=1).tolist() == [a * b for a, b in SHAPES]
            np.testing.assert_allclose(f["epochs/weight_norm"][k],
                                       [np.sqrt(a * b) * (0.5 + l) for l, (a, b) in enumerate(SHAPES)], rtol=RTOL)
        assert f["steps/step"][:].tolist() == list(range(1, EPOCHS * M + 1))
        assert f["steps/epoch_of_step"][:].tolist() == [e for e in range(1, EPOCHS + 1) for _ in range(M)]
        assert f["epochs/last_step"][:].tolist() == [M * e for e in range(1, EPOCHS + 1)]
        np.testing.assert_allclose(f["epochs/test_accuracy"][:], [0.5, 0.6, 0.7])
        np.testing.assert_allclose(f["epochs/train_loss"][0], np.mean([1.0 + t / 10 for t in range(M)]), rtol=RTOL)
        # snapshots every 2 epochs: epoch 2 only, float32 of the float64 moments
        assert int(f["completed_snapshots"][()]) == 1
        for l in range(len(SHAPES)):
            g = f[f"weights/layer_{l + 1}"]
            assert g["epoch"][:].tolist() == [2]
            np.testing.assert_allclose(g["gradient_mean"][0], want[1]["mu"][l].astype(np.float32), rtol=1e-6, atol=0)
            np.testing.assert_allclose(g["gradient_variance"][0], want[1]["v"][l].astype(np.float32), rtol=1e-5,
                                       atol=1e-30)


def test_float32_gradients_agree_to_float32_tolerance(tmp_path):
    gradients = synthetic(1)
    single = [[[g.astype(np.float32) for g in grads] for grads in epoch] for epoch in gradients]
    record(str(tmp_path / "a.h5"), gradients)
    record(str(tmp_path / "b.h5"), single)
    with h5py.File(tmp_path / "a.h5", "r") as a, h5py.File(tmp_path / "b.h5", "r") as b:
        for name in ("layer_signal", "layer_noise", "mean_gradient_norm", "gradient_std_norm", "weight_temperature_mean"):
            np.testing.assert_allclose(b["epochs"][name][:], a["epochs"][name][:], rtol=1e-4)


def test_the_layout_is_thermo_trace_v1(tmp_path):
    path = str(tmp_path / "layout.h5")
    record(path, synthetic())
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "thermo-trace" and f.attrs["format_version"] == "1.0"
        assert list(f.attrs["recording"]) == ["layers", "moments", "per-weight:every=2"]
        assert f.attrs["widths"].tolist() == [20, 12, 7, 3] and int(f.attrs["layer_count"]) == 3
        assert int(f.attrs["steps_per_epoch"]) == M
        assert f["epochs/layer_signal"].dims[0][0].name == "/epochs/epoch"
        assert f["epochs/weight_temperature_quantiles"].dims[2][0][:].tolist() == [0.05, 0.25, 0.5, 0.75, 0.95]
        for marker in ("completed_epochs", "completed_steps", "completed_snapshots", "status", "planned_epochs"):
            assert f[marker].shape == ()


def test_bad_input_raises_clear_errors_and_leaves_files_untouched(tmp_path):
    path = tmp_path / "bad.h5"
    with pytest.raises(ValueError, match="shape"):
        with Recorder(str(path), layers=SHAPES) as rec:
            rec.step([np.zeros((12, 21)), np.zeros((7, 12)), np.zeros((3, 7))])
    with pytest.raises(ValueError, match="3 weight layers"):
        Recorder(str(tmp_path / "n.h5"), layers=SHAPES).step([np.zeros((12, 20))])
    with pytest.raises(ValueError, match="unknown record level"):
        Recorder(str(tmp_path / "r.h5"), layers=SHAPES, record="curvature")
    rec = Recorder(str(tmp_path / "closed.h5"), layers=SHAPES, steps_per_epoch=1)
    rec.close()
    with pytest.raises(TraceClosedError, match="after close"):
        rec.step([np.zeros(s) for s in SHAPES])
    with pytest.raises(TraceClosedError):
        rec.end_epoch()
    with pytest.raises(ValueError, match="unknown metrics"):
        r = Recorder(str(tmp_path / "m.h5"), layers=SHAPES)
        r.step([np.zeros(s) for s in SHAPES])
        r.end_epoch(test_acc=1.0)


def test_an_existing_file_is_refused_without_force_and_kept(tmp_path):
    existing = tmp_path / "exists.h5"
    existing.write_bytes(b"not a trace, but somebody's file")
    before = existing.stat()
    with pytest.raises(TraceExistsError, match="force=True"):
        Recorder(str(existing), layers=SHAPES)
    with pytest.raises(TraceExistsError):
        Recorder(str(existing), layers=SHAPES, steps_per_epoch=3)
    assert existing.read_bytes() == b"not a trace, but somebody's file"
    assert existing.stat().st_mtime_ns == before.st_mtime_ns
    assert [p.name for p in tmp_path.iterdir()] == ["exists.h5"]  # no partial file left
    record(str(existing), synthetic(), force=True)
    with h5py.File(existing, "r") as f:
        assert f.attrs["format"] == "thermo-trace"


def test_a_live_writer_is_never_replaced_even_with_force(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    path = tmp_path / "live.h5"
    env = {**os.environ, "PYTHONPATH": str(here.parent)}
    child = subprocess.Popen([sys.executable, str(here / "writer_child.py"), str(path), "2", "--hang"], env=env,
                             stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:
            if line.strip() == "epoch 2":
                break
        size = path.stat().st_size
        with pytest.raises(TraceExistsError, match="live process"):
            Recorder(str(path), layers=SHAPES, force=True)
        assert path.stat().st_size == size
        with h5py.File(path, "r", swmr=True) as f:
            assert int(f["completed_epochs"][()]) == 2 and int(f["writer_pid"][()]) == child.pid
    finally:
        child.kill()
        child.wait()


def test_an_epoch_with_another_step_count_is_refused(tmp_path):
    rec = Recorder(str(tmp_path / "m.h5"), layers=SHAPES)
    for _ in range(3):
        rec.step([np.ones(s) for s in SHAPES])
    rec.end_epoch()
    rec.step([np.ones(s) for s in SHAPES])
    with pytest.raises(ValueError, match="drop_last"):
        rec.end_epoch()
    rec.close()
    with h5py.File(tmp_path / "m.h5", "r") as f:
        assert int(f["completed_epochs"][()]) == 1


def test_non_finite_values_are_written_as_thermo_writes_them_and_a_divergence_is_recorded(tmp_path):
    """JSON attributes hold "inf"/"nan" strings (never Python's Infinity/NaN, which are not JSON); a loop that
    diverges closes with the divergence attribute thermo's own traces carry; S/sigma of a NaN epoch is NaN."""
    import json
    import math

    from thermo_trace import schema
    from thermo_trace.statistics import signal_to_noise

    assert json.loads(schema.json_text({"lr": float("inf"), "x": [float("nan"), -float("inf"), 1.5]})) == \
        {"lr": "inf", "x": ["nan", "-inf", 1.5]}
    assert math.isnan(signal_to_noise(float("nan"), float("nan")))
    assert math.isnan(signal_to_noise(1.0, float("nan")))
    assert signal_to_noise(1.0, 0.0) == float("inf")

    path = str(tmp_path / "d.h5")
    rec = Recorder(path, layers=SHAPES, steps_per_epoch=2, run={"configuration": {"lr": float("inf")}})
    for _ in range(2):
        rec.step([np.ones(s) for s in SHAPES], loss=1.0)
    rec.end_epoch({"train_loss": 1.0})
    with pytest.raises(ValueError):
        rec.close("completed", divergence="nowhere")
    rec.close("diverged", divergence="epoch 2, step 1: the loss is nan")
    with h5py.File(path, "r") as f:
        assert f.attrs["divergence"] == "epoch 2, step 1: the loss is nan"
        assert json.loads(f.attrs["configuration"])["lr"] == "inf"
