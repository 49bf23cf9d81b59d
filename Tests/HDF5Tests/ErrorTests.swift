import Foundation
import Testing
import HDF5

@Suite("Errors")
struct ErrorTests {
    @Test func openingMissingFile() throws {
        let path = Scratch.file("absent.h5")
        let error = #expect(throws: HDF5Error.self) { try File.open(path) }
        #expect(error?.message == "cannot open \"\(path)\": unable to open file: no such file or directory")
        #expect(error?.stack.isEmpty == false)
    }

    @Test func openingNonHDF5File() throws {
        let path = Scratch.file("text.h5")
        try "just some text, not HDF5\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: HDF5Error.self) { try File.open(path) }
        #expect(error?.message == "cannot open \"\(path)\": file signature not found (not an HDF5 file)")
    }

    @Test func creatingExistingFileFailsUnlessTruncating() throws {
        let path = Scratch.file()
        try File.create(path).close()
        let error = #expect(throws: HDF5Error.self) { try File.create(path) }
        #expect(error?.message == "cannot create \"\(path)\": unable to open file: file exists")
        let file = try File.create(path, mode: .truncate)
        #expect(try file.children().isEmpty)
    }

    @Test func openingMissingDatasetAndGroup() throws {
        let path = Scratch.file()
        let file = try File.create(path)
        try file.createGroup("a")
        let missing = #expect(throws: HDF5Error.self) { try file.openDataset("a/loss") }
        #expect(missing?.message == "cannot open dataset \"/a/loss\" in \"\(path)\": object 'loss' doesn't exist")
        let deep = #expect(throws: HDF5Error.self) { try file.openDataset("/b/c") }
        #expect(deep?.message.hasPrefix("cannot open dataset \"/b/c\" in \"\(path)\": ") == true)
        #expect(throws: HDF5Error.self) { try file.openGroup("nowhere") }
        // A group is not a dataset.
        let notDataset = #expect(throws: HDF5Error.self) { try file.openDataset("a") }
        #expect(notDataset?.message == "cannot open dataset \"/a\" in \"\(path)\": not a dataset (inappropriate type)")
    }

    @Test func readingWithTheWrongType() throws {
        let path = Scratch.file()
        let file = try File.create(path)
        let dataset = try file.createDataset("weights", of: Float.self, shape: [2])
        try dataset.write([Float(1), 2])
        let error = #expect(throws: HDF5Error.self) { try dataset.read(as: Double.self) }
        #expect(error?.message == "cannot read dataset \"/weights\" in \"\(path)\": it holds Float32 elements, not Float64")
        #expect(throws: HDF5Error.self) { try dataset.write([Int64(1), 2]) }
        #expect(throws: HDF5Error.self) { try dataset.read(as: Int32.self, start: [0], count: [1]) }
    }

    @Test func usingAClosedHandle() throws {
        let file = try File.create(Scratch.file())
        let dataset = try file.createDataset("x", of: Int64.self, shape: [1])
        try dataset.close()
        try dataset.close()  // twice is fine
        #expect(!dataset.isOpen)
        let error = #expect(throws: HDF5Error.self) { try dataset.read(as: Int64.self) }
        #expect(error?.reason == "the handle was closed")
    }

    @Test func automaticErrorPrintingIsOff() throws {
        _ = try? File.open(Scratch.file("absent.h5"))
        #expect(!Library.printsErrorsAutomatically)
    }
}
