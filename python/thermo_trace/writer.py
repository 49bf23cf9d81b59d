"""Creates a thermo trace v1 file and appends epochs to it, crash-safe and SWMR, as thermo's ``TraceWriter``:

1. the whole layout (groups, datasets at zero rows, dimension scales, attributes, markers) is built in
   ``FILE.partial-PID`` beside the target and renamed into place; an existing file is never touched unless
   ``force`` (and never while its writer is alive);
2. the file is reopened as the single SWMR writer (HDF5 1.10 file format, readable by thermo's HDF5 1.10);
3. each epoch: append its step rows, its epoch row and snapshots; flush; write the markers ``completed_steps``,
   ``completed_snapshots``, ``completed_epochs``, ``last_update``; flush again. Rows beyond the markers are
   never trusted by readers, so a kill at any moment leaves every marked epoch complete.
"""
from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

import h5py
import numpy as np

from . import schema
from .schema import Variable

LIBVER = ("v110", "v110")  # superblock 3, SWMR, readable by HDF5 >= 1.10 (thermo links 1.10)


class TraceExistsError(FileExistsError):
    """The target exists (and ``force`` was not given, or its writer is alive)."""


@dataclass
class Layout:
    """What fixes a trace's shape: layer shapes (n_l, n_{l-1}), M, the levels, the snapshot period K."""

    shapes: list[tuple[int, int]]
    steps_per_epoch: int
    moments: bool
    snapshot_every: int  # 0: no snapshots
    labels: Optional[list[str]] = None  # "fc1", "conv3": thermo's layer labels (layer_labels)

    @property
    def layer_count(self) -> int:
        return len(self.shapes)

    @property
    def recording(self) -> list[str]:
        levels = ["layers"]
        if self.moments:
            levels.append("moments")
        if self.snapshot_every:
            levels.append(f"per-weight:every={self.snapshot_every}")
        return levels

    @property
    def widths(self) -> list[int]:
        """n_0 .. n_L: the first layer's fan-in, then every fan-out (for convolutions thermo stores flattened
        sizes C*H*W, which the gradients do not tell: there, see layer_rows and layer_columns)."""
        return [self.shapes[0][1]] + [out for out, _ in self.shapes]

    def layer_attributes(self) -> dict[str, Any]:
        """``layer_rows``, ``layer_columns``, ``layer_labels``: W_l as a matrix (C_out x C_in*k*k for a
        convolution) and its label."""
        labels = self.labels or [f"fc{l}" for l in range(1, self.layer_count + 1)]
        return {"layer_rows": [r for r, _ in self.shapes], "layer_columns": [c for _, c in self.shapes],
                "layer_labels": labels}


def _writer_alive(path: str) -> bool:
    """True when ``path`` is a trace whose status is running and whose writer process is alive on this host."""
    try:
        with h5py.File(path, "r", swmr=True, locking=False) as f:
            if int(f["status"][()]) != schema.STATUS["running"]:
                return False
            pid = int(f["writer_pid"][()])
            sessions = json.loads(str(f.attrs.get("sessions", "[]")) or "[]")
            host = sessions[-1].get("host") if sessions else None
    except Exception:  # not a trace, or unreadable: nothing live to protect
        return False
    if host not in (None, socket.gethostname()) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_target(path: str, force: bool) -> None:
    """Refuses an existing ``path`` without ``force``, and always one whose writer is alive."""
    if not os.path.lexists(path):
        return
    if not force:
        raise TraceExistsError(f"{path} exists; thermo_trace never overwrites a trace: choose another path "
                               "or pass force=True to replace it")
    if _writer_alive(path):
        raise TraceExistsError(f"{path} is a trace being written by a live process; not replacing it even "
                               "with force=True")


def _attach(ds: h5py.Dataset, scales: Sequence[h5py.Dataset]) -> None:
    for axis, scale in enumerate(scales):
        ds.dims[axis].attach_scale(scale)


def _set_attributes(ds: h5py.Dataset, v: Variable) -> None:
    ds.attrs["long_name"] = v.long_name
    if v.definition is not None:
        ds.attrs["definition"] = v.definition
    if v.units is not None:
        ds.attrs["units"] = v.units


def _chunk_rows(v: Variable) -> int:
    if v.name == "weight_temperature_quantiles":
        return schema.CHUNK_ROWS_QUANTILES
    if v.name == "weight_temperature_histogram":
        return schema.CHUNK_ROWS_HISTOGRAM
    return schema.CHUNK_ROWS[(v.dims[0], min(len(v.dims), 2))]


def _create_group(group: h5py.Group, variables: Sequence[Variable], sizes: Mapping[str, int],
                  values: Mapping[str, Any], moments: bool) -> None:
    """Creates one group's scales, fixed variables and appendable records (at zero rows)."""
    scales: dict[str, h5py.Dataset] = {}
    chosen = [v for v in variables if v.level == "always" or moments]
    for v in chosen:  # the scales: fixed ones, and the record along the unlimited dimension
        if v.kind == "scale" or (v.kind == "record" and v.dims == (v.name,)):
            if v.kind == "scale":
                ds = group.create_dataset(v.name, data=np.asarray(values[v.name], dtype=v.dtype))
            else:
                ds = group.create_dataset(v.name, shape=(0,), maxshape=(None,), dtype=v.dtype,
                                          chunks=(_chunk_rows(v),), compression="gzip", compression_opts=4,
                                          shuffle=True)
            ds.make_scale(v.name)
            _set_attributes(ds, v)
            scales[v.name] = ds
    for v in chosen:
        if v.name in scales:
            continue
        if v.kind == "fixed":
            ds = group.create_dataset(v.name, data=np.asarray(values[v.name], dtype=v.dtype))
        else:
            tail = tuple(sizes[d] for d in v.dims[1:])
            ds = group.create_dataset(v.name, shape=(0, *tail), maxshape=(None, *tail), dtype=v.dtype,
                                      chunks=(_chunk_rows(v), *tail), compression="gzip", compression_opts=4,
                                      shuffle=True)
        _set_attributes(ds, v)
        _attach(ds, [scales[d] for d in v.dims])


def _create_weights(root: h5py.Group, layout: Layout) -> None:
    weights = root.create_group("weights")
    byname = {v.name: v for v in schema.WEIGHTS}
    for l, (rows, columns) in enumerate(layout.shapes, start=1):
        g = weights.create_group(f"layer_{l}")
        g.attrs["layer"] = np.int64(l)
        g.attrs["long_name"] = f"per-weight snapshots of layer {l}, W_l[row, column]"
        g.attrs["snapshot_every"] = np.int64(layout.snapshot_every)
        epoch = g.create_dataset("epoch", shape=(0,), maxshape=(None,), dtype="int64", chunks=(512,))
        epoch.make_scale("epoch")
        _set_attributes(epoch, byname["epoch"])
        row = g.create_dataset("row", data=np.arange(rows, dtype=np.int64))
        row.make_scale("row")
        _set_attributes(row, byname["row"])
        column = g.create_dataset("column", data=np.arange(columns, dtype=np.int64))
        column.make_scale("column")
        _set_attributes(column, byname["column"])
        chunk_rows = max(1, min(rows, 65536 // columns))
        for name in ("gradient_mean", "gradient_variance"):
            ds = g.create_dataset(name, shape=(0, rows, columns), maxshape=(None, rows, columns), dtype="float32",
                                  chunks=(1, chunk_rows, min(columns, 65536)), compression="gzip",
                                  compression_opts=1, shuffle=True)
            _set_attributes(ds, byname[name])
            _attach(ds, [epoch, row, column])


def create_trace(path: str, layout: Layout, attributes: Mapping[str, Any], planned_epochs: int, force: bool) -> None:
    """Builds the complete empty trace in ``path.partial-PID`` and renames it into place."""
    check_target(path, force)
    partial = f"{path}.partial-{os.getpid()}"
    try:
        with h5py.File(partial, "w", libver=LIBVER) as f:
            for name, value in {**attributes, **layout.layer_attributes()}.items():
                if isinstance(value, str):
                    f.attrs.create(name, str(value), dtype=h5py.string_dtype())
                elif isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
                    f.attrs.create(name, np.asarray(value, dtype=object), dtype=h5py.string_dtype())
                elif isinstance(value, (list, tuple)):
                    f.attrs[name] = np.asarray(value, dtype=np.int64)
                else:
                    f.attrs[name] = np.int64(value)
            marker_values = {"completed_epochs": 0, "completed_steps": 0, "completed_snapshots": 0,
                             "status": schema.STATUS["running"], "planned_epochs": planned_epochs,
                             "writer_pid": os.getpid(), "last_update": time.time()}
            for name, (dtype, attrs) in schema.MARKERS.items():
                ds = f.create_dataset(name, data=np.asarray(marker_values[name], dtype=dtype))
                for k, v in attrs.items():
                    ds.attrs[k] = v
                if name == "status":
                    ds.attrs["flag_values"] = np.arange(6, dtype=np.int64)
            L = layout.layer_count
            lower, upper = schema.bin_edges()
            values = {"layer": np.arange(1, L + 1), "quantile": schema.QUANTILE_LEVELS,
                      "bin": np.arange(schema.BIN_COUNT), "bin_lower": lower, "bin_upper": upper,
                      "weight_count": [o * i for o, i in layout.shapes], "fan_in": [i for _, i in layout.shapes],
                      "fan_out": [o for o, _ in layout.shapes]}
            sizes = {"layer": L, "quantile": len(schema.QUANTILE_LEVELS), "bin": schema.BIN_COUNT}
            steps = f.create_group("steps")
            steps.attrs["long_name"] = "per-step record"
            _create_group(steps, schema.STEPS, sizes, values, layout.moments)
            epochs = f.create_group("epochs")
            epochs.attrs["long_name"] = "per-epoch record"
            _create_group(epochs, schema.EPOCHS, sizes, values, layout.moments)
            if layout.snapshot_every:
                _create_weights(f, layout)
        check_target(path, force)
        if force:
            os.replace(partial, path)
        else:
            os.link(partial, path)  # fails if path appeared meanwhile: never replaces a file
            os.unlink(partial)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise


class SWMRWriter:
    """The open trace, as its single SWMR writer."""

    def __init__(self, path: str, layout: Layout) -> None:
        self.path = path
        self.layout = layout
        self.file = h5py.File(path, "r+", libver=LIBVER)
        f = self.file
        self.steps = {v.name: f["steps"][v.name] for v in schema.STEPS if v.kind == "record" and v.name in f["steps"]}
        self.epochs = {v.name: f["epochs"][v.name] for v in schema.EPOCHS
                       if v.kind == "record" and v.name in f["epochs"]}
        self.snapshots = ([{n: f[f"weights/layer_{l}/{n}"] for n in ("epoch", "gradient_mean", "gradient_variance")}
                           for l in range(1, layout.layer_count + 1)] if layout.snapshot_every else [])
        self.markers = {name: f[name] for name in schema.MARKERS}
        self.completed_steps = int(self.markers["completed_steps"][()])
        self.completed_epochs = int(self.markers["completed_epochs"][()])
        self.completed_snapshots = int(self.markers["completed_snapshots"][()])
        self.markers["writer_pid"][()] = os.getpid()
        f.swmr_mode = True

    @staticmethod
    def _append(ds: h5py.Dataset, start: int, rows: np.ndarray) -> None:
        ds.resize(start + rows.shape[0], axis=0)
        ds[start:start + rows.shape[0]] = rows

    def append_epoch(self, steps: Mapping[str, np.ndarray], epoch: Mapping[str, np.ndarray],
                     snapshot: Optional[tuple[int, Sequence[tuple[np.ndarray, np.ndarray]]]],
                     planned_epochs: int) -> None:
        """Appends one complete epoch (rows, then markers, with a flush after each)."""
        m = next(iter(steps.values())).shape[0]
        for name, ds in self.steps.items():
            self._append(ds, self.completed_steps, np.asarray(steps[name], dtype=ds.dtype))
        for name, ds in self.epochs.items():
            self._append(ds, self.completed_epochs, np.asarray(epoch[name], dtype=ds.dtype)[None, ...])
        if snapshot is not None:
            number, layers = snapshot
            for datasets, (mean, variance) in zip(self.snapshots, layers):
                self._append(datasets["epoch"], self.completed_snapshots, np.asarray([number], dtype=np.int64))
                self._append(datasets["gradient_mean"], self.completed_snapshots,
                             np.asarray(mean, dtype=np.float32)[None, ...])
                self._append(datasets["gradient_variance"], self.completed_snapshots,
                             np.asarray(variance, dtype=np.float32)[None, ...])
        self.file.flush()
        self.completed_steps += m
        self.completed_epochs += 1
        if snapshot is not None:
            self.completed_snapshots += 1
        if planned_epochs > int(self.markers["planned_epochs"][()]):
            self.markers["planned_epochs"][()] = planned_epochs
        self.markers["completed_steps"][()] = self.completed_steps
        self.markers["completed_snapshots"][()] = self.completed_snapshots
        self.markers["completed_epochs"][()] = self.completed_epochs
        self.markers["last_update"][()] = time.time()
        self.file.flush()

    def close(self, status: str, divergence: Optional[str] = None) -> None:
        """Writes ``status`` (and ``last_update``), flushes and closes; the file is then ordinary HDF5. A
        ``divergence`` becomes the root attribute of that name, written after the SWMR writer has closed."""
        if not self.file.id.valid:
            return
        self.markers["status"][()] = schema.STATUS[status]
        self.markers["last_update"][()] = time.time()
        self.file.flush()
        path = self.file.filename
        self.file.close()
        if divergence is not None:
            with h5py.File(path, "r+") as file:
                file.attrs["divergence"] = divergence
