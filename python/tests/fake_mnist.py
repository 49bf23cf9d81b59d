"""A tiny MNIST-format data set (IDX, gzip) of random images, for thermo runs that need no download."""
from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np


def write_fake_mnist(root: Path, train: int = 256, test: int = 64, seed: int = 0) -> Path:
    """Writes root/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz; returns root (for THERMO_DATA)."""
    rng = np.random.default_rng(seed)
    folder = root / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    for prefix, n in (("train", train), ("t10k", test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(struct.pack(">II", 2049, n) + labels.tobytes())
    return root


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip) as a uint8 array of its shape."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
