"""notebooks-as-scripts/pytorch-mnist-trace.py runs in its QUICK mode (real MNIST from THERMO_DATA or the
workshop's data folder when present, else a small random data set in MNIST's format)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="torch is not installed: the PyTorch notebook is skipped (pip install torch)")

from .fake_mnist import write_fake_mnist  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def mnist_folder(tmp_path: Path) -> Path:
    for candidate in (os.environ.get("THERMO_DATA"), ROOT / ".." / "shared" / "data"):
        if candidate and (Path(candidate) / "mnist" / "train-images-idx3-ubyte.gz").exists():
            return Path(candidate)
    return write_fake_mnist(tmp_path / "data", train=2000, test=500)


def test_the_pytorch_notebook_runs_in_quick_mode(thermo, tmp_path):
    env = {**os.environ, "QUICK": "1", "OUT": str(tmp_path / "out"), "THERMO": str(thermo.path),
           "THERMO_DATA": str(mnist_folder(tmp_path))}
    result = subprocess.run([sys.executable, str(ROOT / "notebooks-as-scripts" / "pytorch-mnist-trace.py")], env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "out" / "pytorch-signal.png").stat().st_size > 1000
    assert "late decay" in result.stdout
