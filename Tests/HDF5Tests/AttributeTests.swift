import Testing
import HDF5

@Suite("Attributes")
struct AttributeTests {
    @Test func roundTripEveryKindOnEveryObject() throws {
        let path = Scratch.file()
        do {
            let file = try File.create(path)
            let group = try file.createGroup("g")
            let dataset = try group.createDataset("d", of: Float.self, shape: [2])
            for object in [file, group, dataset] as [HDF5Object] {
                try object.setAttribute("count", Int64(-42))
                try object.setAttribute("seed", 7)
                try object.setAttribute("rate", 0.125)
                try object.setAttribute("counts", [Int64(1), 2, 3])
                try object.setAttribute("sizes", [784, 100, 10])
                try object.setAttribute("temperatures", [0.5, 1.5])
                try object.setAttribute("empty", [Double]())
                try object.setAttribute("name", "température ✓")
                try object.setAttribute("layers", ["dense1", "dense2"])
                try object.setAttribute("rate", 0.25)  // replaces
            }
        }
        let file = try File.open(path)
        let group = try file.openGroup("g")
        let dataset = try file.openDataset("g/d")
        for object in [file, group, dataset] as [HDF5Object] {
            #expect(try object.attribute("count", as: Int64.self) == -42)
            #expect(try object.attribute("seed", as: Int.self) == 7)
            #expect(try object.attribute("rate", as: Double.self) == 0.25)
            #expect(try object.attribute("counts", as: [Int64].self) == [1, 2, 3])
            #expect(try object.attribute("sizes", as: [Int].self) == [784, 100, 10])
            #expect(try object.attribute("temperatures", as: [Double].self) == [0.5, 1.5])
            #expect(try object.attribute("empty", as: [Double].self) == [])
            #expect(try object.attribute("name", as: String.self) == "température ✓")
            #expect(try object.attribute("layers", as: [String].self) == ["dense1", "dense2"])
            #expect(try object.attribute("count") == .int64(-42))
            #expect(try object.attributeNames() ==
                    ["count", "counts", "empty", "layers", "name", "rate", "seed", "sizes", "temperatures"])
            #expect(try object.hasAttribute("rate"))
            #expect(try !object.hasAttribute("missing"))
        }
    }

    @Test func wrongTypeAndMissingAttributeThrowClearly() throws {
        let file = try File.create(Scratch.file())
        try file.setAttribute("rate", 0.1)
        let wrong = #expect(throws: HDF5Error.self) { try file.attribute("rate", as: String.self) }
        #expect(wrong?.message.contains("cannot read attribute \"rate\" of \"") == true)
        #expect(wrong?.message.hasSuffix("it holds a Float64, not a String") == true)
        let missing = #expect(throws: HDF5Error.self) { try file.attribute("nope") }
        #expect(missing?.message.contains("cannot read attribute \"nope\"") == true)
        #expect(missing?.reason.isEmpty == false)
        try file.deleteAttribute("rate")
        #expect(try !file.hasAttribute("rate"))
    }

    @Test(.enabled(if: Tools.hasH5py, "python3 with h5py not available: skipped"))
    func h5pyReadsStringsAsStr() throws {
        let path = Scratch.file()
        do {
            let file = try File.create(path)
            try file.setAttribute("text", "héllo")
            try file.setAttribute("texts", ["a", "bé"])
            try file.setAttribute("n", 3)
            try file.setAttribute("x", [1.5, 2.5])
        }
        let script = """
        import h5py, sys
        f = h5py.File(sys.argv[1], "r")
        a = f.attrs
        print(type(a["text"]).__name__, a["text"], [type(s).__name__ for s in a["texts"]], list(a["texts"]),
              type(a["n"]).__name__, a["n"], a["x"].tolist())
        """
        let run = try runTool(["python3", "-c", script, path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ==
                "str héllo ['str', 'str'] ['a', 'bé'] int64 3 [1.5, 2.5]")
    }

    @Test(.enabled(if: Tools.hasH5py, "python3 with h5py not available: skipped"))
    func readsAttributesWrittenByH5py() throws {
        let path = Scratch.file()
        let script = """
        import h5py, numpy as np, sys
        with h5py.File(sys.argv[1], "w") as f:
            f.attrs["vlen"] = "variable"
            f.attrs["fixed"] = np.bytes_(b"fixed")
            f.attrs["i32"] = np.int32(5)
            f.attrs["f32"] = np.float32(0.5)
            f.attrs["ints"] = np.arange(3, dtype=np.int16)
        """
        let run = try runTool(["python3", "-c", script, path])
        #expect(run.status == 0, "\(run.stderr)")
        let file = try File.open(path)
        #expect(try file.attribute("vlen", as: String.self) == "variable")
        #expect(try file.attribute("fixed", as: String.self) == "fixed")
        #expect(try file.attribute("i32", as: Int64.self) == 5)
        #expect(try file.attribute("f32", as: Double.self) == 0.5)
        #expect(try file.attribute("ints", as: [Int].self) == [0, 1, 2])
        try file.close()
        // A file in h5py's default (earliest) format can be extended by this module.
        let writable = try File.open(path, mode: .readWrite)
        try writable.setAttribute("added", "by swift")
        try writable.createAppendableDataset("rows", of: Double.self).append([1.0, 2.0])
        try writable.close()
        let check = try runTool(["python3", "-c",
                                 "import h5py, sys; f = h5py.File(sys.argv[1], 'r'); print(f.attrs['added'], f['rows'][:].tolist())",
                                 path])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "by swift [1.0, 2.0]")
    }
}
