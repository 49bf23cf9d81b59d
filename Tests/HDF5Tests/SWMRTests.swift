import Foundation
import Testing
import HDF5

/// The writer side used by the SWMR tests: a file with an appendable `epoch` scale and a `(epoch, 3)`
/// Float32 variable, both created (with their attributes) before SWMR writing starts.
private struct SWMRWriter {
    let file: File
    let epoch: Dataset
    let values: Dataset

    init(path: String) throws {
        file = try File.create(path)
        let group = try file.createGroup("trace")
        try group.setAttribute("kind", "swmr test")
        epoch = try group.createAppendableDataset("epoch", of: Int64.self)
        try epoch.makeDimensionScale()
        values = try group.createAppendableDataset("values", of: Float.self, rowShape: [3], compression: .standard)
        try values.attachDimensionScale(epoch, axis: 0)
        try file.startSWMRWrite()
    }

    func append(_ step: Int) throws {
        try epoch.append([Int64(step)])
        try values.append([Float(step), Float(step) + 0.5, Float(step) + 0.25])
        try file.flush()
    }
}

@Suite("SWMR")
struct SWMRTests {
    @Test func writerAppendsAndReaderInSameProcessSees() throws {
        let path = Scratch.file()
        let writer = try SWMRWriter(path: path)
        try writer.append(0)
        try writer.append(1)

        let reader = try File.open(path, mode: .swmrRead)
        let values = try reader.openDataset("trace/values")
        #expect(try values.shape == [2, 3])
        #expect(try values.read(as: Float.self) == [0, 0.5, 0.25, 1, 1.5, 1.25])

        try writer.append(2)
        try values.refresh()
        #expect(try values.shape == [3, 3])
        #expect(try values.read(as: Float.self, start: [2, 0], count: [1, 3]) == [2, 2.5, 2.25])
        #expect(try reader.openGroup("trace").attribute("kind", as: String.self) == "swmr test")
    }

    @Test func swmrWriterCannotCreateObjects() throws {
        let writer = try SWMRWriter(path: Scratch.file())
        // HDF5 1.10 supports no new datasets, groups or attributes after H5Fstart_swmr_write; it does not
        // stop them either, so the module does.
        let dataset = #expect(throws: HDF5Error.self) { try writer.file.createDataset("late", of: Float.self, shape: [1]) }
        #expect(dataset?.message.hasPrefix("cannot create dataset \"/late\"") == true)
        #expect(throws: HDF5Error.self) { try writer.file.createGroup("lateGroup") }
        let attribute = #expect(throws: HDF5Error.self) { try writer.values.setAttribute("late", 1) }
        #expect(attribute?.reason.contains("SWMR") == true)
        #expect(throws: HDF5Error.self) { try writer.values.setAxisLabel("epoch", axis: 0) }
        #expect(throws: HDF5Error.self) { try writer.values.attachDimensionScale(writer.epoch, axis: 0) }
        // Extending and writing still work.
        try writer.append(0)
        #expect(try writer.values.shape == [1, 3])
    }

    @Test(.enabled(if: Tools.hasH5py, "python3 with h5py not available: skipped"))
    func readerInAnotherProcessSeesFlushedRows() throws {
        let path = Scratch.file()
        let script = """
        import h5py, sys
        with h5py.File(sys.argv[1], "r", libver="latest", swmr=True) as f:
            d = f["trace/values"]
            d.refresh()
            print(d.shape[0], d[-1].tolist() if d.shape[0] else [], f["trace"].attrs["kind"])
        """
        let writer = try SWMRWriter(path: path)
        for step in 0..<4 { try writer.append(step) }
        let first = try runTool(["python3", "-c", script, path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "4 [3.0, 3.5, 3.25] swmr test")
        for step in 4..<6 { try writer.append(step) }
        let second = try runTool(["python3", "-c", script, path])
        #expect(second.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "6 [5.0, 5.5, 5.25] swmr test")
        // A reader that does not ask for SWMR is refused while the writer holds the file.
        let plain = try runTool(["python3", "-c", "import h5py, sys; h5py.File(sys.argv[1], 'r')", path])
        #expect(plain.status != 0)
    }

    @Test func fileIsOrdinaryAfterCleanClose() throws {
        let path = Scratch.file()
        do {
            let writer = try SWMRWriter(path: path)
            for step in 0..<3 { try writer.append(step) }
        }
        let file = try File.open(path)
        #expect(try file.openDataset("trace/values").shape == [3, 3])
        try file.close()
        if Tools.hasH5dump {
            let run = try runTool(["h5dump", "-d", "/trace/epoch", path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("(0): 0, 1, 2"))
        }
        if Tools.hasH5py {
            let run = try runTool(["python3", "-c",
                                   "import h5py, sys; print(h5py.File(sys.argv[1], 'r')['trace/values'].shape)", path])
            #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "(3, 3)")
        }
    }
}
