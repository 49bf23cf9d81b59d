import Foundation

/// The Python check that opens a file written by these tests with `xarray.open_dataset(engine="h5netcdf")`
/// and prints, as one JSON object, what xarray sees: dimension sizes, coordinates and their values, data
/// variables with their dimensions, unlimited dimensions, attributes and any warnings raised.
/// Usage: `python3 xarray_check.py FILE GROUP`.
let xarrayCheckScript = #"""
import json, sys, warnings
import h5py
import xarray as xr

path, group = sys.argv[1], sys.argv[2]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with xr.open_dataset(path, engine="h5netcdf", group=group) as ds:
        out = {
            "sizes": {str(k): int(v) for k, v in ds.sizes.items()},
            "coords": sorted(str(k) for k in ds.coords),
            "coordValues": {str(k): ds[k].values.tolist() for k in ds.coords},
            "variables": {str(k): [str(d) for d in v.dims] for k, v in ds.data_vars.items()},
            "unlimited": sorted(str(d) for d in ds.encoding.get("unlimited_dims", [])),
            "attributes": {str(k): str(v) for k, v in ds.attrs.items()},
            "variableAttributes": {str(k): {str(a): str(b) for a, b in v.attrs.items()}
                                   for k, v in ds.variables.items()},
            "values": {str(k): ds[k].values.ravel().tolist() for k in ds.data_vars},
        }
# h5py's own view of the string attributes: they must come back as Python str, not bytes.
with h5py.File(path, "r") as f:
    out["h5pyAttributeTypes"] = {k: type(v).__name__ for k, v in f[group].attrs.items()}
out["warnings"] = [str(w.message) for w in caught]
print(json.dumps(out))
"""#

/// What the Python check printed.
struct XarrayView: Decodable {
    let sizes: [String: Int]
    let coords: [String]
    let coordValues: [String: [Double]]
    let variables: [String: [String]]
    let unlimited: [String]
    let attributes: [String: String]
    let variableAttributes: [String: [String: String]]
    let values: [String: [Double]]
    let h5pyAttributeTypes: [String: String]
    let warnings: [String]
}

/// Runs the Python check on `group` of the file at `path`.
func xarrayView(of path: String, group: String) throws -> XarrayView {
    let script = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("xarray_check.py")
    try xarrayCheckScript.write(to: script, atomically: true, encoding: .utf8)
    let run = try runTool(["python3", script.path, path, group])
    guard run.status == 0 else {
        throw XarrayCheckFailure(message: "python3 exited \(run.status): \(run.stderr)")
    }
    return try JSONDecoder().decode(XarrayView.self, from: Data(run.stdout.utf8))
}

/// The Python check failed to run.
struct XarrayCheckFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
