import Foundation

/// The Python check: reads a trace with h5py (every dataset, in full) and opens its groups with
/// `xarray.open_dataset(…, engine="h5netcdf", group=…)`, printing one JSON object: per group the dimension
/// sizes, the coordinates with their values, the dimensions of each variable, and any warning raised.
/// Usage: `python3 trace_check.py FILE plain|swmr`. With `swmr` the file is opened as h5py SWMR reader and
/// handed to xarray (the way to read a trace that is being written).
let traceCheckScript = #"""
import json, sys, warnings
import h5py
import xarray as xr

path, mode = sys.argv[1], sys.argv[2]
out = {"groups": {}, "datasets": {}}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    handle = h5py.File(path, "r", swmr=True) if mode == "swmr" else h5py.File(path, "r")
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            out["datasets"][name] = list(obj.shape)
    handle.visititems(visit)
    out["format"] = str(handle.attrs["format"])
    out["completed_epochs"] = int(handle["completed_epochs"][()])
    groups = ["epochs", "steps"] + (["weights/layer_1"] if "weights" in handle else [])
    for group in groups:
        source = handle if mode == "swmr" else path
        with xr.open_dataset(source, engine="h5netcdf", group=group) as ds:
            out["groups"][group] = {
                "sizes": {str(k): int(v) for k, v in ds.sizes.items()},
                "coords": sorted(str(k) for k in ds.coords),
                "coordValues": {str(k): [float(x) for x in ds[k].values.ravel()[:100]] for k in ds.coords},
                "variables": {str(k): [str(d) for d in v.dims] for k, v in ds.data_vars.items()},
            }
    handle.close()
out["warnings"] = [str(w.message) for w in caught]
print(json.dumps(out))
"""#

/// What the Python check printed.
struct PythonView: Decodable {
    struct Group: Decodable {
        let sizes: [String: Int]
        let coords: [String]
        let coordValues: [String: [Double]]
        let variables: [String: [String]]
    }
    let groups: [String: Group]
    let datasets: [String: [Int]]
    let format: String
    let completed_epochs: Int
    let warnings: [String]
}

/// Runs the Python check on the trace at `path`.
func pythonView(of path: String, swmr: Bool = false) throws -> PythonView {
    let script = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("trace_check.py")
    try traceCheckScript.write(to: script, atomically: true, encoding: .utf8)
    let run = try runTool(["python3", script.path, path, swmr ? "swmr" : "plain"])
    guard run.status == 0 else { throw PythonCheckFailure(message: "python3 exited \(run.status): \(run.stderr)") }
    return try JSONDecoder().decode(PythonView.self, from: Data(run.stdout.utf8))
}

/// The Python check failed to run.
struct PythonCheckFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
