import Testing
import HDF5

@Suite("Handles")
struct HandleLeakTests {
    /// One cycle of everything the module does, leaving handles to `deinit` or closing them explicitly.
    private func exerciseEverything(_ path: String) throws {
        do {
            let file = try File.create(path)
            let group = try file.createGroup("g/h")
            try group.setAttribute("name", "x")
            try group.setAttribute("list", ["a", "b"])
            let scale = try group.createAppendableDataset("epoch", of: Int64.self)
            try scale.makeDimensionScale()
            let data = try group.createAppendableDataset("data", of: Float.self, rowShape: [2], compression: .standard)
            try data.attachDimensionScale(scale, axis: 0)
            try data.setAxisLabel("epoch", axis: 0)
            let fixed = try file.createDataset("fixed", of: UInt8.self, shape: [4])
            try fixed.write([UInt8](repeating: 7, count: 4))
            try fixed.close()
            try file.startSWMRWrite()
            for step in 0..<3 {
                try scale.append([Int64(step)])
                try data.append([Float(step), Float(step)])
                try file.flush()
            }
            _ = try? file.createDataset("forbidden", of: Float.self, shape: [1])  // fails under SWMR
        }
        do {
            let file = try File.open(path, mode: .swmrRead)
            let data = try file.openDataset("g/h/data")
            try data.refresh()
            _ = try data.read(as: Float.self)
            _ = try data.read(as: Float.self, start: [1, 0], count: [2, 2])
            _ = try data.filters
            _ = try data.chunks
            _ = try data.axisLabel(axis: 0)
            let scale = try file.openDataset("g/h/epoch")
            _ = try data.isDimensionScaleAttached(scale, axis: 0)
            _ = try scale.dimensionScaleName
            let group = try file.openGroup("g/h")
            _ = try group.attribute("name", as: String.self)
            _ = try group.attribute("list")
            _ = try group.attributeNames()
            _ = try file.children(of: "g")
            _ = try file.kind(of: "g/h/data")
            // Failures must not leak the temporaries they opened.
            _ = try? data.read(as: Double.self)
            _ = try? group.attribute("name", as: Double.self)
            _ = try? file.openDataset("nope")
            _ = try? file.openGroup("g/h/data")
            _ = try? group.attribute("nope")
            try group.close()
            try file.close()
        }
        _ = try? File.open(path + ".absent")
    }

    @Test func noHandleLeaks() throws {
        let path = Scratch.file()
        // Hold the library lock throughout so that tests running in parallel cannot open or close objects
        // between the two counts.
        try Library.withExclusiveAccess {
            let before = Library.openObjectCount()
            try exerciseEverything(path)
            #expect(Library.openObjectCount() == before)
            try exerciseEverything(Scratch.file())
            #expect(Library.openObjectCount() == before)
        }
    }

    @Test func fileCountsItsOpenObjects() throws {
        let file = try File.create(Scratch.file())
        #expect(try file.openObjectCount() == 1)
        let group = try file.createGroup("g")
        let dataset = try group.createDataset("d", of: Int32.self, shape: [1])
        #expect(try file.openObjectCount() == 3)
        try dataset.close()
        try group.close()
        #expect(try file.openObjectCount() == 1)
    }
}
