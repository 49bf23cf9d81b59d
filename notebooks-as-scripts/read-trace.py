#!/usr/bin/env python3
# %% [markdown]
# # Reading a thermo trace with h5py and xarray
#
# A trace is plain HDF5 (docs/trace-format.md): h5py reads every dataset, and xarray (engine h5netcdf) gives
# each group's variables with their coordinates, because the step, epoch and layer axes are dimension scales.
#
#   python3 notebooks-as-scripts/read-trace.py run.h5
#   QUICK=1 python3 notebooks-as-scripts/read-trace.py        # makes a small trace first (needs the thermo binary)

# %% Which trace
import os, subprocess, sys, tempfile
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

sys.path.insert(0, here)
from find_thermo import find_thermo  # noqa: E402 (this folder, on the path above)

if len(sys.argv) > 1:
    path = sys.argv[1]
else:
    thermo = find_thermo(root)
    path = os.path.join(tempfile.mkdtemp(prefix="thermo-read-trace."), "run.h5")
    subprocess.run([thermo, "train", "--train-subset", "1000", "--layers", "784,32,10", "--lr", "0.05",
                    "--epochs", "3", "--trace", path, "--quiet"], check=True)

# %% h5py: every dataset, with its shape
import h5py
with h5py.File(path, "r", swmr=True) as f:   # swmr=True also reads a trace that is still being written
    print("format:", f.attrs["format"], f.attrs["format_version"], "- thermo", f.attrs["thermo_version"])
    f.visititems(lambda name, obj: print(f"  {name:40s} {obj.shape} {obj.dtype}") if isinstance(obj, h5py.Dataset) else None)
    completed = int(f["completed_epochs"][()])
    print("completed epochs:", completed)

# %% xarray: the per-epoch layer statistics with their coordinates
import xarray as xr
epochs = xr.open_dataset(path, engine="h5netcdf", group="epochs")
print(epochs)
signal = epochs["layer_signal"]      # S_l(e), dims (epoch, layer)
print(signal.sel(layer=1).values)

# %% A quick check of the definitions: T = σ² and SNR = S/σ, per layer and epoch
import numpy as np
assert np.allclose(epochs["layer_temperature"], epochs["layer_noise"] ** 2, rtol=1e-6)
assert np.allclose(epochs["signal_to_noise"], epochs["layer_signal"] / epochs["layer_noise"], rtol=1e-6)
print("T = σ² and SNR = S/σ hold for every layer and epoch")

# %% The per-step record
steps = xr.open_dataset(path, engine="h5netcdf", group="steps")
print(steps["layer_signal"].isel(step=slice(0, 5)).values)
