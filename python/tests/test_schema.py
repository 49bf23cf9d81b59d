"""The package's layout equals thermo's: the schema tables against docs/trace-format.md, and every dataset
and attribute of a package trace against a trace written by ``thermo train`` (same recording levels)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

from thermo_trace import Recorder, schema

from .fake_mnist import write_fake_mnist

DOC = Path(__file__).resolve().parents[2] / "docs" / "trace-format.md"


def doc_table(group: str) -> dict[str, list[str]]:
    text = DOC.read_text()
    block = text.split(f"(TraceSchemaTables): {group} -->", 1)[1].split("<!-- end of generated table -->", 1)[0]
    rows = {}
    for line in block.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 8 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = [c.replace("\\|", "|") for c in cells]
    return rows


def test_schema_matches_the_documentation():
    for group, variables in (("steps", schema.STEPS), ("epochs", schema.EPOCHS), ("weights", schema.WEIGHTS)):
        table = doc_table(group)
        for v in variables:
            name, kind, dims, dtype, units, _, long_name, definition = table[v.name]
            assert long_name == v.long_name, v.name
            assert definition.strip("`") == (v.definition or "—"), v.name
            assert units.strip("`") == (v.units or "—"), v.name
            assert dims == ", ".join(v.dims), v.name
            assert dtype.lower() == v.dtype, v.name


def describe(f: h5py.File) -> dict[str, object]:
    """Every object's kind, dtype, maxshape after the first axis, chunks, filters and attributes (not values)."""
    out: dict[str, object] = {}

    def visit(name: str, obj) -> None:
        attrs = {k: (v.tolist() if isinstance(v, np.ndarray) and v.dtype != object else str(v))
                 for k, v in obj.attrs.items() if k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
        if isinstance(obj, h5py.Dataset):
            dims = [[s.name for s in d.values()] for d in obj.dims] if not obj.is_scale else None
            out[name] = (str(obj.dtype), obj.maxshape[1:] if obj.maxshape else (), obj.chunks and obj.chunks[1:],
                         obj.chunks and obj.chunks[0], obj.compression, obj.compression_opts, obj.shuffle,
                         obj.is_scale, dims, attrs)
        else:
            out[name] = ("group", attrs.get("long_name"), attrs.get("layer"))

    f.visititems(visit)
    return out


ROOT_ATTRIBUTES_THAT_DIFFER = {"command", "command_arguments", "configuration", "created", "run_id", "sessions",
                               "thermo_version", "blas", "hdf5_version", "data_directory", "data_checksums",
                               "test_images", "train_images", "data_set", "activation", "recorder_threads",
                               "blas_threads"}


def test_a_package_trace_has_the_layout_of_a_thermo_trace(thermo, tmp_path):
    data = write_fake_mnist(tmp_path / "data", train=512)
    reference = tmp_path / "thermo.h5"
    thermo.run("train", "--layers", "784,16,10", "--epochs", "2", "--batch-size", "128", "--trace", str(reference),
               "--record", "per-weight:every=1", "--quiet", "--checkpoint", str(tmp_path / "c.ckpt"),
               env={"THERMO_DATA": str(data)})
    ours = tmp_path / "ours.h5"
    rng = np.random.default_rng(0)
    with Recorder(str(ours), layers=[(16, 784), (10, 16)], record="per-weight:every=1", epochs=2,
                  run={"batch_size": 128, "seed": 1}) as rec:
        for _ in range(2):
            for _ in range(4):
                rec.step([rng.normal(size=(16, 784)), rng.normal(size=(10, 16))])
            rec.end_epoch()
    with h5py.File(reference, "r") as a, h5py.File(ours, "r") as b:
        want, got = describe(a), describe(b)
        assert sorted(want) == sorted(got)
        for name in want:
            assert got[name] == want[name], name
        assert sorted(a.attrs) == sorted(b.attrs)
        for key in a.attrs:
            if key not in ROOT_ATTRIBUTES_THAT_DIFFER:
                x, y = a.attrs[key], b.attrs[key]
                assert np.array_equal(np.asarray(x), np.asarray(y)), key
            assert type(a.attrs[key]) is type(b.attrs[key]), key
            assert a.attrs.get_id(key).dtype == b.attrs.get_id(key).dtype, key
        assert a.attrs.get_id("command").shape == b.attrs.get_id("command").shape
        for name in ("status", "completed_epochs", "last_update"):
            assert dict(a[name].attrs).keys() == dict(b[name].attrs).keys()
    # h5dump (HDF5's own tools, as thermo links them) reads the package's file
    dump = subprocess.run(["h5dump", "-H", str(ours)], capture_output=True, text=True)
    if dump.returncode != 127:
        assert dump.returncode == 0, dump.stderr
