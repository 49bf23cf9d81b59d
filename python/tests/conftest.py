"""Shared fixtures: the thermo binary (``THERMO_BIN``, default ``../.build/debug/thermo`` from python/)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]


def thermo_binary() -> Path | None:
    path = Path(os.environ.get("THERMO_BIN", PYTHON_DIR / ".." / ".build" / "debug" / "thermo")).resolve()
    return path if path.is_file() and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def thermo() -> "Thermo":
    path = thermo_binary()
    if path is None:
        message = ("the thermo binary is absent (set THERMO_BIN, or run 'swift build' so that ../.build/debug/thermo "
                   "exists): the tests that check traces with thermo are skipped")
        if os.environ.get("THERMO_REQUIRE_BIN") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return Thermo(path)


class Thermo:
    """Runs the thermo binary; ``run`` returns the completed process (stdout and stderr as text)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def run(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run([str(self.path), *args], capture_output=True, text=True, timeout=600,
                                env={**os.environ, **(env or {})})
        if check and result.returncode != 0:
            raise AssertionError(f"thermo {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result
