"""Prints the variable tables of schema.py from a trace written by thermo (``thermo train --record per-weight``).

Run as ``python tools/extract_schema.py run.h5`` after a change of thermo's schema and paste the output into
``thermo_trace/schema.py``; ``tests/test_schema.py`` compares the two on every CI run.
"""
import sys

import h5py


def main(path: str) -> None:
    with h5py.File(path, "r") as f:
        for group in ("steps", "epochs", "weights/layer_1"):
            print(f"# {group}")
            for name, d in f[group].items():
                attrs = {k: str(v) for k, v in d.attrs.items() if k in ("long_name", "definition", "units")}
                kind = "scale" if d.is_scale and d.maxshape[0] is not None else (
                    "record" if d.maxshape[0] is None else "fixed")
                print(f"    Variable({name!r}, {kind!r}, {str(d.dtype)!r}, {attrs.get('long_name')!r}, "
                      f"{attrs.get('definition')!r}, {attrs.get('units')!r}),")


if __name__ == "__main__":
    main(sys.argv[1])
