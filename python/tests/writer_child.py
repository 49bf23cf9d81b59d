"""A child process for the crash and SWMR tests: records EPOCHS epochs of synthetic cooling gradients,
printing "epoch N" after each; with --hang it waits for ever after the epochs (to be watched, then killed)."""
from __future__ import annotations

import sys
import time

import numpy as np

from thermo_trace import Recorder

SHAPES = [(16, 30), (10, 16), (4, 10)]


def gradients(rng: np.random.Generator, epoch: int) -> list[np.ndarray]:
    """Signal ~ epoch^-0.5, noise ~ epoch^-1 per layer: a trace with a late common cooling regime."""
    return [rng.normal(0.0, 1.0, s) * (1 + 0.5 * rng.normal()) * 1e-2 * (l + 1) * epoch ** -1.0
            + 1e-2 * epoch ** -0.5 for l, s in enumerate(SHAPES)]


def main(path: str, epochs: int, hang: bool, steps: int = 12) -> None:
    rng = np.random.default_rng(7)
    rec = Recorder(path, layers=SHAPES, record="per-weight:every=2", epochs=epochs, steps_per_epoch=steps,
                   run={"batch_size": 64, "activation": "relu", "data_set": "synthetic"})
    for e in range(1, epochs + 1):
        for _ in range(steps):
            rec.step(gradients(rng, e), loss=2.0 / e, learning_rate=0.01)
        rec.end_epoch(train_loss=2.0 / e, test_loss=2.1 / e, test_accuracy=1 - 1 / (e + 1),
                      weights=[np.full(s, 0.1) for s in SHAPES])
        print(f"epoch {e}", flush=True)
    if hang:
        while True:
            time.sleep(1)
    rec.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), "--hang" in sys.argv)
