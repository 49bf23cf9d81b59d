"""Traces written by the package pass thermo's own validation: inspect, temperature, regimes, fit-cooling,
plot signal and temperature, inspect while the writer runs (SWMR), and recover after a kill."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

HERE = Path(__file__).resolve().parent
CHILD = [sys.executable, str(HERE / "writer_child.py")]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "synthetic.h5"
    subprocess.run([*CHILD, str(path), "24"], check=True, env=ENV, capture_output=True, timeout=300)
    return path


def test_inspect_reads_the_trace(thermo, finished):
    out = thermo.run("inspect", str(finished)).stdout
    assert "thermo-trace 1.0" in out and "completed" in out
    assert "24 complete epochs" in out and "layers, moments, per-weight:every=2" in out
    # the run's facts come from the root attributes (the configuration is the package's own JSON)
    assert "30→16→10→4 relu on synthetic, loss ce, batch 64" in out, out
    assert "written by thermo_trace " in out and "thermo thermo_trace" not in out, out
    json_out = thermo.run("inspect", "--format", "json", str(finished)).stdout
    assert '"completed_epochs"' in json_out or "completedEpochs" in json_out or "24" in json_out


def test_the_analyses_read_the_trace(thermo, finished, tmp_path):
    assert "epoch" in thermo.run("temperature", str(finished)).stdout
    thermo.run("regimes", str(finished))
    fit = thermo.run("fit-cooling", str(finished), "--from", "4").stdout
    assert fit.strip()
    for figure in ("signal", "temperature"):
        out = tmp_path / f"{figure}.png"
        thermo.run("plot", figure, str(finished), "-o", str(out))
        assert out.stat().st_size > 1000


def test_inspect_follows_a_live_writer_and_recover_handles_a_kill(thermo, tmp_path):
    path = tmp_path / "killed.h5"
    child = subprocess.Popen([*CHILD, str(path), "40", "--hang"], env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:  # wait for the run to finish its epochs, then hang with the file open
            if line.strip() == "epoch 40":
                break
        live = thermo.run("inspect", str(path)).stdout  # SWMR read while the writer holds the file
        assert "40 complete epochs" in live and "running" in live
        assert "writer is gone" not in live  # a Python writer counts as alive while its process lives
        refused = thermo.run("recover", str(path), check=False)  # never over a live writer
        assert refused.returncode != 0 and "is being written by process" in refused.stderr, refused.stderr
        with h5py.File(path, "r", swmr=True) as f:
            assert int(f["status"][()]) == 0  # still running: recover changed nothing
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    # at once, before any repair: thermo's SWMR readers read every marked epoch
    assert "40 complete epochs" in thermo.run("inspect", str(path)).stdout
    thermo.run("temperature", str(path))
    with pytest.raises(OSError):
        h5py.File(path, "r").close()  # plain opens see the "open for write" flags until recover
    thermo.run("recover", str(path))
    with h5py.File(path, "r") as f:
        assert int(f["completed_epochs"][()]) == 40
        assert int(f["status"][()]) == 5  # recovered
        assert f["epochs/epoch"].shape == (40,)


def test_a_kill_in_the_middle_of_an_epoch_keeps_the_marked_epochs(thermo, tmp_path):
    path = tmp_path / "mid.h5"
    code = ("import os, signal, numpy as np, sys; sys.path.insert(0, %r); from writer_child import *\n"
            "rng = np.random.default_rng(1)\n"
            "rec = Recorder(%r, layers=SHAPES, steps_per_epoch=5, epochs=9)\n"
            "for e in range(1, 4):\n"
            "    for _ in range(5): rec.step(gradients(rng, e))\n"
            "    rec.end_epoch()\n"
            "for _ in range(3): rec.step(gradients(rng, 4))\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n") % (str(HERE), str(path))
    result = subprocess.run([sys.executable, "-c", code], env=ENV, timeout=120)
    assert result.returncode == -signal.SIGKILL
    assert "3 complete epochs" in thermo.run("inspect", str(path)).stdout
    thermo.run("recover", str(path))
    with h5py.File(path, "r") as f:
        assert int(f["completed_epochs"][()]) == 3 and f["steps/step"].shape == (15,)
