import Testing
import HDF5

@Suite("Groups")
struct GroupTests {
    @Test func createOpenExistsAndList() throws {
        let file = try File.create(Scratch.file())
        let deep = try file.createGroup("runs/run-1/gradients")  // intermediate groups created
        #expect(deep.path == "/runs/run-1/gradients")
        try deep.createDataset("norm", of: Float.self, shape: [2])
        try file.createGroup("/runs/run-2")
        #expect(try file.exists("runs"))
        #expect(try file.exists("/runs/run-1/gradients/norm"))
        #expect(try file.exists("/"))
        #expect(try !file.exists("runs/run-3"))
        #expect(try !file.exists("missing/deeper/still"))  // H5Lexists alone would fail here
        #expect(try file.children() == ["runs"])
        #expect(try file.children(of: "runs") == ["run-1", "run-2"])
        let runs = try file.openGroup("runs")
        #expect(try runs.children() == ["run-1", "run-2"])
        #expect(try runs.exists("run-1/gradients"))
        #expect(try file.kind(of: "runs") == .group)
        #expect(try file.kind(of: "runs/run-1/gradients/norm") == .dataset)
        #expect(try file.kind(of: "nothing") == nil)
        // group(_:) opens what exists and creates what does not.
        #expect(try file.group("runs/run-2").path == "/runs/run-2")
        #expect(try file.group("runs/run-3").path == "/runs/run-3")
        #expect(try runs.children() == ["run-1", "run-2", "run-3"])
        #expect(throws: HDF5Error.self) { try file.createGroup("runs") }
    }
}
