import CHDF5
import HDF5Shim

/// Dimension scales (HDF5's high-level H5DS API), the mechanism by which netCDF-4 readers, h5netcdf and so
/// xarray name the axes of a dataset and find its coordinates.
///
/// ## What h5netcdf, and so `xarray.open_dataset(path, engine="h5netcdf", group: …)`, needs
/// Found by experiment (h5netcdf 1.8.2 on h5py 3.16, xarray 2026.9) on files written by this module and h5py:
/// - A dataset whose `CLASS` attribute is `"DIMENSION_SCALE"` (``makeDimensionScale(name:)``) is a netCDF
///   dimension, named after the dataset itself (the last path component), *not* after its `NAME` attribute.
///   `NAME` matters only when it starts with "This is a netCDF dimension but not a netCDF variable": the
///   scale is then a dimension without coordinate values, hidden from the variables.
/// - A one-dimensional scale in the opened group is shown by xarray as the coordinate of its dimension
///   (`* epoch (epoch) int64 …`). A variable's dimensions come from its `DIMENSION_LIST`
///   (``attachDimensionScale(_:axis:)``).
/// - Scales must live in the variable's group or an ancestor group. A scale in a sibling group makes h5netcdf
///   fail (KeyError); a scale in an ancestor names the dimension, but xarray shows no coordinate values when
///   only the child group is opened. So: keep each group's scales in that group.
/// - Every axis of every dataset in the opened group needs a scale. A dataset without any gets "phony"
///   dimensions (h5netcdf 1.8 warns and names them `phony_dim_N`; older versions raise); a dataset with some
///   axes scaled and others not is rejected ("mixing of labeled and unlabeled dimensions").
/// - Use a distinct scale for each axis of a variable: one scale on two axes gives duplicate dimension names.
/// - A scale with an unlimited maximum shape (an appendable dataset) is an unlimited dimension
///   (`ds.encoding["unlimited_dims"]`). Its size is the longest of the scale and the variables attached
///   along it, so append to the scale and to its variables together, keeping their lengths equal.
/// - `_Netcdf4Dimid`, `_Netcdf4Coordinates` and `_NCProperties` are *not* needed for reading: without
///   `_Netcdf4Dimid` dimensions are numbered in iteration order. (When present they are hidden from xarray's
///   attributes, as are `CLASS`, `NAME`, `REFERENCE_LIST` and `DIMENSION_LIST`; `DIMENSION_LABELS`, from
///   ``setAxisLabel(_:axis:)``, is not hidden and shows up as a variable attribute.)
/// - Text attributes written as variable-length UTF-8 strings read back as Python `str`.
/// - A file still held by a SWMR writer (or whose writer was killed) opens in xarray only through an h5py file
///   opened for SWMR reading: `xr.open_dataset(h5py.File(path, "r", swmr=True), engine="h5netcdf", group=…)`.
/// - Dimension scales are attributes and references: make and attach them before ``File/startSWMRWrite()``.
extension Dataset {
    /// Makes this dataset a dimension scale (H5DSset_scale): sets `CLASS = "DIMENSION_SCALE"` and
    /// `NAME = name` (default: the dataset's own name, the last component of its path). Must happen before
    /// ``File/startSWMRWrite()``: it writes attributes.
    public func makeDimensionScale(name: String? = nil) throws {
        let dimensionName = name ?? String(path.split(separator: "/").last ?? "")
        try withHandle("make dimension scale of") { id in
            try refuseIfSWMRWriting(id, operation: "make dimension scale of", object: displayName)
            try check(H5DSset_scale(id, dimensionName), "make dimension scale of", displayName)
        }
    }

    /// Whether this dataset is a dimension scale (H5DSis_scale).
    public var isDimensionScale: Bool {
        get throws {
            try withHandle("inspect dataset") { id in
                try check(H5DSis_scale(id), "inspect dataset", displayName) > 0
            }
        }
    }

    /// The `NAME` of this dimension scale (H5DSget_scale_name), or nil when it has none.
    public var dimensionScaleName: String? {
        get throws {
            try withHandle("inspect dimension scale") { id in
                let length = H5DSget_scale_name(id, nil, 0)
                guard length > 0 else { return nil }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                try check(H5DSget_scale_name(id, &buffer, buffer.count), "inspect dimension scale", displayName)
                return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
    }

    /// Attaches the dimension scale `scale` to axis `axis` of this dataset (H5DSattach_scale): this
    /// dataset gets a `DIMENSION_LIST` reference to the scale, the scale a `REFERENCE_LIST` entry back.
    /// The scale's length should equal this dataset's size along `axis`. Must precede SWMR writing.
    public func attachDimensionScale(_ scale: Dataset, axis: Int) throws {
        let operation = "attach dimension scale \"\(scale.path)\" to axis \(axis) of"
        try withHandle(operation) { id in
            try refuseIfSWMRWriting(id, operation: operation, object: displayName)
            try scale.withHandle(operation) { scaleID in
                try check(H5DSattach_scale(id, scaleID, UInt32(axis)), operation, displayName)
            }
        }
    }

    /// Detaches the dimension scale `scale` from axis `axis` of this dataset (H5DSdetach_scale).
    public func detachDimensionScale(_ scale: Dataset, axis: Int) throws {
        let operation = "detach dimension scale \"\(scale.path)\" from axis \(axis) of"
        try withHandle(operation) { id in
            try refuseIfSWMRWriting(id, operation: operation, object: displayName)
            try scale.withHandle(operation) { scaleID in
                try check(H5DSdetach_scale(id, scaleID, UInt32(axis)), operation, displayName)
            }
        }
    }

    /// Whether `scale` is attached to axis `axis` of this dataset (H5DSis_attached).
    public func isDimensionScaleAttached(_ scale: Dataset, axis: Int) throws -> Bool {
        let operation = "check dimension scale \"\(scale.path)\" on axis \(axis) of"
        return try withHandle(operation) { id in
            try scale.withHandle(operation) { scaleID in
                try check(H5DSis_attached(id, scaleID, UInt32(axis)), operation, displayName) > 0
            }
        }
    }

    /// The number of dimension scales attached to axis `axis` (H5DSget_num_scales).
    public func dimensionScaleCount(axis: Int) throws -> Int {
        try withHandle("count dimension scales of") { id in
            Int(try check(H5DSget_num_scales(id, UInt32(axis)), "count dimension scales of", displayName))
        }
    }

    /// Labels axis `axis` of this dataset (H5DSset_label, stored in the `DIMENSION_LABELS` attribute).
    /// h5py shows labels as `dataset.dims[axis].label`; netCDF readers ignore them.
    public func setAxisLabel(_ label: String, axis: Int) throws {
        try withHandle("label axis \(axis) of") { id in
            try refuseIfSWMRWriting(id, operation: "label axis \(axis) of", object: displayName)
            try check(H5DSset_label(id, UInt32(axis), label), "label axis \(axis) of", displayName)
        }
    }

    /// The label of axis `axis` (H5DSget_label), or nil when it has none.
    public func axisLabel(axis: Int) throws -> String? {
        try withHandle("read label of axis \(axis) of") { id in
            let length = try check(H5DSget_label(id, UInt32(axis), nil, 0), "read label of axis \(axis) of", displayName)
            guard length > 0 else { return nil }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            try check(H5DSget_label(id, UInt32(axis), &buffer, buffer.count), "read label of axis \(axis) of", displayName)
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
