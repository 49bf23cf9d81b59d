import Foundation
import Testing
import HDF5

/// Writes the trace-shaped file used by the dimension-scale tests: in group "gradients", an appendable
/// `epoch` scale (Int64, unlimited), a fixed `layer` scale (Int64, 3), `grad_norm` (epoch, layer) Float32
/// and `loss` (epoch) Float64, with rows appended over five calls.
func writeTraceShapedFile(_ path: String, epochs: Int = 5) throws {
    let file = try File.create(path)
    let group = try file.createGroup("gradients")
    try group.setAttribute("title", "gradient statistics")
    let epoch = try group.createAppendableDataset("epoch", of: Int64.self)
    try epoch.makeDimensionScale()
    try epoch.setAttribute("units", "epoch")
    let layer = try group.createDataset("layer", of: Int64.self, shape: [3])
    try layer.write([Int64(0), 1, 2])
    try layer.makeDimensionScale()
    let norm = try group.createAppendableDataset("grad_norm", of: Float.self, rowShape: [3], compression: .standard)
    try norm.attachDimensionScale(epoch, axis: 0)
    try norm.attachDimensionScale(layer, axis: 1)
    try norm.setAxisLabel("epoch", axis: 0)
    try norm.setAxisLabel("layer", axis: 1)
    try norm.setAttribute("long_name", "gradient norm per layer")
    let loss = try group.createAppendableDataset("loss", of: Double.self)
    try loss.attachDimensionScale(epoch, axis: 0)
    for e in 0..<epochs {
        try epoch.append([Int64(e)])
        try norm.append((0..<3).map { Float(e) + Float($0) / 10 })
        try loss.append([1.0 / Double(e + 1)])
    }
}

@Suite("Dimension scales")
struct DimensionScaleTests {
    @Test func scalesAreAttached() throws {
        let path = Scratch.file()
        try writeTraceShapedFile(path)
        let file = try File.open(path)
        let norm = try file.openDataset("gradients/grad_norm")
        let epoch = try file.openDataset("gradients/epoch")
        let layer = try file.openDataset("gradients/layer")
        #expect(try epoch.isDimensionScale)
        #expect(try !norm.isDimensionScale)
        #expect(try epoch.dimensionScaleName == "epoch")
        #expect(try norm.isDimensionScaleAttached(epoch, axis: 0))
        #expect(try norm.isDimensionScaleAttached(layer, axis: 1))
        #expect(try !norm.isDimensionScaleAttached(layer, axis: 0))
        #expect(try norm.dimensionScaleCount(axis: 0) == 1)
        #expect(try norm.axisLabel(axis: 1) == "layer")
        #expect(try norm.shape == [5, 3])
        #expect(try epoch.maxShape == [nil])
    }

    @Test(.enabled(if: Tools.hasH5dump, "h5dump not installed"))
    func h5dumpShowsScales() throws {
        let path = Scratch.file()
        try writeTraceShapedFile(path)
        let run = try runTool(["h5dump", "-H", "-A", path])
        #expect(run.status == 0)
        #expect(run.stdout.contains("DIMENSION_LIST"))
        #expect(run.stdout.contains("REFERENCE_LIST"))
        #expect(run.stdout.contains("\"DIMENSION_SCALE\""))
    }
}

@Suite("xarray through h5netcdf")
struct XarrayTests {
    @Test(.enabled(if: Tools.hasPythonStack, "python3 with h5py, h5netcdf and xarray not available: skipped"))
    func xarraySeesCoordinates() throws {
        let path = Scratch.file()
        try writeTraceShapedFile(path)
        let view = try xarrayView(of: path, group: "gradients")
        #expect(view.coords == ["epoch", "layer"])
        #expect(view.sizes == ["epoch": 5, "layer": 3])
        #expect(view.variables == ["grad_norm": ["epoch", "layer"], "loss": ["epoch"]])
        #expect(view.unlimited == ["epoch"])
        #expect(view.coordValues["epoch"] == [0, 1, 2, 3, 4])
        #expect(view.coordValues["layer"] == [0, 1, 2])
        #expect(view.attributes["title"] == "gradient statistics")
        #expect(view.variableAttributes["epoch"]?["units"] == "epoch")
        #expect(view.variableAttributes["grad_norm"]?["long_name"] == "gradient norm per layer")
        #expect(view.values["loss"]?.first == 1.0)
        #expect(view.values["grad_norm"]?.count == 15)
        #expect(view.h5pyAttributeTypes["title"] == "str")
        #expect(view.warnings.isEmpty, "xarray warned: \(view.warnings)")
    }
}
