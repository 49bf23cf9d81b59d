"""``Recorder``: the framework-free core. One ``step(gradients)`` per optimizer step, one ``end_epoch(metrics)``
per epoch, ``close()`` at the end (or a ``with`` block). Statistics are streamed: per step a few numbers per
layer and one Welford update of the per-weight moments; an epoch of gradients is never held.

The file is created when the number of steps per epoch M is known: at construction when ``steps_per_epoch``
is given, else at the first ``end_epoch`` (an existing target is refused at construction either way).
Every epoch must then have M steps (thermo's format; drop the last partial batch, e.g. ``drop_last=True``).
"""
from __future__ import annotations

import json
import math
import os
import shlex
import socket
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Mapping, Optional, Sequence, Union

import h5py
import numpy as np

from . import __version__, schema
from .statistics import WelfordMoments, layer_epoch, step_statistics, summarise_moments
from .writer import Layout, SWMRWriter, check_target, create_trace

Shape = Union[tuple[int, ...], Sequence[int]]
EPOCH_METRICS = ("train_objective", "train_loss", "train_accuracy", "test_loss", "test_accuracy",
                 "validation_loss", "validation_accuracy", "training_seconds", "seconds")


def _int64(value: int) -> int:
    """The Int64 bit pattern of a seed that may be a UInt64 (as thermo stores its seed)."""
    return value - 2**64 if value >= 2**63 else value


class TraceClosedError(RuntimeError):
    """``step`` or ``end_epoch`` after ``close``."""


def parse_record(record: Union[str, Sequence[str]]) -> tuple[bool, int]:
    """(moments, snapshot_every) from thermo's level names: ``layers``, ``moments``, ``per-weight[:every=K]``."""
    levels = [record] if isinstance(record, str) else list(record)
    moments, every = False, 0
    for item in (x.strip() for level in levels for x in level.split(",")):
        if item == "layers":
            continue
        if item == "moments":
            moments = True
        elif item == "per-weight" or item.startswith("per-weight:every="):
            moments = True
            every = int(item.split("=", 1)[1]) if "=" in item else 1
            if every < 1:
                raise ValueError(f"record level {item!r}: every=K needs K >= 1")
        else:
            raise ValueError(f"unknown record level {item!r}; thermo_trace records layers, moments and "
                             "per-weight[:every=K] (batch-variance and curvature need thermo's own passes)")
    return moments, every


def matrix_shape(shape: Shape) -> tuple[int, int]:
    """(n_l, n_{l-1}) of a weight: (out, in) for a linear layer, (out, in*kh*kw) for a convolution."""
    shape = tuple(int(s) for s in shape)
    if len(shape) < 2 or min(shape) < 1:
        raise ValueError(f"a weight layer needs a shape (out, in, ...) with positive sizes, not {shape}")
    return shape[0], int(np.prod(shape[1:]))


def layer_labels(shapes: Sequence[tuple[int, ...]]) -> list[str]:
    """thermo's labels: ``conv<l>`` for weight layer l when it is a convolution (a weight of rank 4),
    ``fc<k>`` for the k-th dense layer."""
    labels, dense = [], 0
    for l, shape in enumerate(shapes, start=1):
        if len(shape) > 2:
            labels.append(f"conv{l}")
        else:
            dense += 1
            labels.append(f"fc{dense}")
    return labels


class Recorder:
    """Records thermo trace v1 from gradients given as arrays.

    ``layers``: the weight shapes in layer order (a sequence, or a mapping name -> shape); ``run``: root
    attributes and metadata (``batch_size``, ``seed``, ``data_set``, ``train_images``, ``test_images``,
    ``activation``, ``configuration`` (a dict, stored as sorted-key JSON), ...); ``record``: thermo's levels.
    """

    def __init__(self, path: Union[str, os.PathLike[str]], layers: Union[Sequence[Shape], Mapping[str, Shape]],
                 run: Optional[Mapping[str, Any]] = None, record: Union[str, Sequence[str]] = "moments",
                 steps_per_epoch: Optional[int] = None, epochs: Optional[int] = None, force: bool = False) -> None:
        self.path = os.fspath(path)
        self.names = list(layers.keys()) if isinstance(layers, Mapping) else [f"layer_{i + 1}" for i in range(len(layers))]
        shapes = list(layers.values()) if isinstance(layers, Mapping) else list(layers)
        if not shapes:
            raise ValueError("a trace needs at least one weight layer")
        self.shapes = [tuple(int(s) for s in shape) for shape in shapes]
        self.matrices = [matrix_shape(s) for s in self.shapes]
        self.moments, self.snapshot_every = parse_record(record)
        self.labels = layer_labels(self.shapes)
        self.run = dict(run or {})
        self.planned_epochs = int(epochs or 0)
        self.force = force
        check_target(self.path, force)
        self._writer: Optional[SWMRWriter] = None
        self._closed = False
        self._steps_per_epoch = steps_per_epoch
        self._epoch = 1
        self._step = 0
        self._rows: list[list[float]] = []  # per step: loss, cross_entropy, lr, batch, s_1, |g_1|, s_2, ...
        self._welford: list[WelfordMoments] = []  # created at the first step, in the gradients' dtype
        self._epoch_started = time.time()
        self._last_step_time = self._epoch_started
        if steps_per_epoch is not None:
            self._open(int(steps_per_epoch))

    # -- file ---------------------------------------------------------------------------------------------
    def _attributes(self, layout: Layout) -> dict[str, Any]:
        run = self.run
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        command = [sys.executable, *sys.argv] if run.get("command") is None else list(run["command"])
        configuration = dict(run.get("configuration", {}))
        configuration.setdefault("source", f"thermo_trace {__version__} (Python)")
        configuration.setdefault("layers", dict(zip(self.names, [list(s) for s in self.shapes])))
        session = {"command": command, "firstEpoch": 1, "host": socket.gethostname(), "pid": os.getpid(),
                   "started": now, "thermoVersion": f"thermo_trace {__version__}"}
        return {
            "format": "thermo-trace", "format_version": "1.0", "format_version_major": 1, "format_version_minor": 0,
            "thermo_version": f"thermo_trace {__version__} (Python)", "created": now,
            "command": " ".join(shlex.quote(c) for c in command), "command_arguments": command,
            "configuration": schema.json_text(configuration),
            "recording": layout.recording, "snapshot_every": layout.snapshot_every or 1,
            "data_set": str(run.get("data_set", "")), "data_directory": str(run.get("data_directory", "")),
            "data_checksums": schema.json_text(run.get("data_checksums", {})),
            "train_images": int(run.get("train_images", 0)), "validation_images": int(run.get("validation_images", 0)),
            "test_images": int(run.get("test_images", 0)), "seed": _int64(int(run.get("seed", 0))),
            "blas_threads": int(run.get("blas_threads", 0)), "recorder_threads": 1,
            "blas": str(run.get("blas", f"numpy {np.__version__}")), "hdf5_version": h5py.version.hdf5_version,
            "steps_per_epoch": layout.steps_per_epoch, "batch_size": int(run.get("batch_size", 0)),
            "widths": layout.widths, "layer_count": layout.layer_count,
            "activation": str(run.get("activation", "")), "loss": str(run.get("loss", "ce")), "smoothing": 0,
            "first_epoch": 1, "run_id": str(uuid.uuid4()), "sessions": schema.json_text([session]),
            **{k: v for k, v in run.get("extra_attributes", {}).items()},
        }

    def _open(self, steps_per_epoch: int) -> None:
        if steps_per_epoch < 1:
            raise ValueError(f"steps_per_epoch must be at least 1, not {steps_per_epoch}")
        layout = Layout(self.matrices, steps_per_epoch, self.moments, self.snapshot_every, self.labels)
        create_trace(self.path, layout, self._attributes(layout), max(self.planned_epochs, 1), self.force)
        self._writer = SWMRWriter(self.path, layout)
        self._steps_per_epoch = steps_per_epoch

    # -- recording ----------------------------------------------------------------------------------------
    def _check_open(self, what: str) -> None:
        if self._closed:
            raise TraceClosedError(f"{what}() after close(): the trace {self.path} is closed")

    def _check_gradients(self, gradients: Sequence[Any]) -> None:
        if len(gradients) != len(self.shapes):
            raise ValueError(f"step() got {len(gradients)} gradients for {len(self.shapes)} weight layers "
                             f"({', '.join(self.names)})")
        for name, shape, g in zip(self.names, self.shapes, gradients):
            if tuple(g.shape) != shape:
                raise ValueError(f"step(): the gradient of {name} has shape {tuple(g.shape)}, not the layer's {shape}")

    def step(self, gradients: Union[Sequence[np.ndarray], Mapping[str, np.ndarray]], loss: float = math.nan,
             learning_rate: float = math.nan, batch_size: Optional[int] = None,
             cross_entropy: Optional[float] = None) -> None:
        """Observes one optimizer step: one gradient per weight layer (the gradient before the update)."""
        self._check_open("step")
        grads = [gradients[n] for n in self.names] if isinstance(gradients, Mapping) else list(gradients)
        self._check_gradients(grads)
        row = [float(loss), float(loss if cross_entropy is None else cross_entropy), float(learning_rate),
               float(self.run.get("batch_size", 0) if batch_size is None else batch_size)]
        for l, g in enumerate(grads):
            g = np.asarray(g)
            row.extend(step_statistics(g))
            if self.moments:
                if len(self._welford) <= l:
                    dtype = np.dtype(np.float64 if g.dtype == np.float64 else np.float32)
                    self._welford.append(WelfordMoments(self.matrices[l], dtype))
                self._welford[l].observe(g.reshape(self.matrices[l]))
        self._record_row(row)

    def _record_row(self, row: list[float]) -> None:
        self._rows.append(row)
        self._step += 1
        self._last_step_time = time.time()

    def _finish_moments(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [w.finish() for w in self._welford]

    def end_epoch(self, metrics: Optional[Mapping[str, float]] = None,
                  weights: Optional[Sequence[np.ndarray]] = None, **more: float) -> None:
        """Completes the epoch: computes its statistics and appends it to the trace (crash-safe).

        ``metrics`` (or keywords): any of train_objective, train_loss, train_accuracy, test_loss, test_accuracy,
        validation_loss, validation_accuracy, training_seconds, seconds (NaN when absent; train_loss defaults
        to the mean of the steps' losses, train_objective to train_loss, the times to the measured ones).
        ``weights``: W_l after the epoch's last update, for ||W_l||_2 (NaN without).
        """
        self._check_open("end_epoch")
        given = {**(metrics or {}), **more}
        unknown = sorted(set(given) - set(EPOCH_METRICS))
        if unknown:
            raise ValueError(f"end_epoch(): unknown metrics {unknown}; known: {', '.join(EPOCH_METRICS)}")
        rows = self._collect_rows()
        M = rows.shape[0]
        if M == 0:
            raise ValueError("end_epoch() without a step() in the epoch")
        if self._writer is None:
            self._open(M)
        if M != self._steps_per_epoch:
            raise ValueError(f"epoch {self._epoch} has {M} steps, but every epoch of a trace has the same number "
                             f"M = {self._steps_per_epoch}: drop the last partial batch (drop_last=True)")
        L = len(self.shapes)
        signals, norms = rows[:, 4::2][:, :L], rows[:, 5::2][:, :L]
        now = time.time()
        epoch: dict[str, Any] = {name: math.nan for name in EPOCH_METRICS}
        epoch["train_loss"] = float(np.mean(rows[:, 1]))
        epoch["training_seconds"] = self._last_step_time - self._epoch_started
        epoch["seconds"] = now - self._epoch_started
        epoch.update({k: float(v) for k, v in given.items()})
        if "train_objective" not in given:
            epoch["train_objective"] = float(np.mean(rows[:, 0])) if "train_loss" not in given else epoch["train_loss"]
        stats = [layer_epoch(signals[:, l]) for l in range(L)]
        first = self._step - M + 1
        epoch.update(epoch=self._epoch, steps=M, last_step=self._step,
                     layer_signal=[s[0] for s in stats], layer_noise=[s[1] for s in stats],
                     layer_temperature=[s[2] for s in stats], signal_to_noise=[s[3] for s in stats],
                     gradient_norm_mean=norms.sum(axis=0) / M,
                     weight_norm=self._weight_norms(weights))
        snapshot = None
        if self.moments:
            moments = self._finish_moments()
            summaries = [summarise_moments(mu, v) for mu, v in moments]
            epoch.update(mean_gradient_norm=[s.mean_gradient_norm for s in summaries],
                         gradient_std_norm=[s.gradient_std_norm for s in summaries],
                         weight_signal_to_noise=[s.weight_signal_to_noise for s in summaries],
                         weight_temperature_mean=[s.weight_temperature_mean for s in summaries],
                         weight_temperature_quantiles=np.stack([s.quantiles for s in summaries]),
                         weight_temperature_histogram=np.stack([s.histogram for s in summaries]))
            if self.snapshot_every and self._epoch % self.snapshot_every == 0:
                snapshot = (self._epoch, moments)
        steps = {"step": np.arange(first, self._step + 1), "epoch_of_step": np.full(M, self._epoch),
                 "batch_size": rows[:, 3], "loss": rows[:, 0], "cross_entropy": rows[:, 1],
                 "learning_rate": rows[:, 2], "layer_signal": signals, "gradient_norm": norms}
        assert self._writer is not None
        self._writer.append_epoch(steps, epoch, snapshot, max(self.planned_epochs, self._epoch))
        self._epoch += 1
        self._rows = []
        self._epoch_started = time.time()

    def _collect_rows(self) -> np.ndarray:
        return np.asarray(self._rows, dtype=np.float64).reshape(len(self._rows), 4 + 2 * len(self.shapes))

    def _weight_norms(self, weights: Optional[Sequence[np.ndarray]]) -> list[float]:
        if weights is None:
            return [math.nan] * len(self.shapes)
        return [float(np.sqrt(np.sum(np.asarray(w, dtype=np.float64) ** 2))) for w in weights]

    def close(self, status: str = "completed", divergence: Optional[str] = None) -> None:
        """Marks the run ``completed`` (or ``interrupted``, ``diverged``, ``failed``) and closes the file.
        ``divergence`` (with ``diverged``) says where and how, as thermo's own traces do in the root attribute
        ``divergence`` (e.g. "epoch 2, step 6: the loss is nan"). Steps of an unfinished epoch are dropped, as
        thermo drops them. Idempotent."""
        if divergence is not None and status != "diverged":
            raise ValueError("divergence goes with status 'diverged'")
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._writer.close(status, divergence=divergence)

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if kind is None:
            self.close("completed")
        else:
            self.close("interrupted" if issubclass(kind, KeyboardInterrupt) else "failed")

    def __del__(self) -> None:
        try:
            if not self._closed and self._writer is not None:
                self._writer.file.close()  # status stays running, as for a kill
        except Exception:
            pass


__all__ = ["Recorder", "TraceClosedError", "parse_record", "matrix_shape", "EPOCH_METRICS"]
