import Foundation
import Testing
import HDF5

@Suite("Direct chunks, file locking and status flags")
struct RecoveryAndChunkTests {
    @Test func rawChunkWithFiltersSkippedReadsBack() throws {
        let path = Scratch.file()
        do {
            let file = try File.create(path)
            let dataset = try file.createDataset("m", of: Float.self, shape: [0, 4], maxShape: [nil, 4],
                                                 chunking: .explicit([2, 4]), compression: .standard)
            try dataset.resize(to: [2, 4])
            let values: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
            // Both filters (shuffle, deflate) marked as skipped: the chunk is stored as given.
            try values.withUnsafeBytes { try dataset.writeRawChunk($0, offset: [0, 0], filterMask: 0b11) }
        }
        let file = try File.open(path)
        #expect(try file.openDataset("m").read(as: Float.self) == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test(.enabled(if: Tools.hasH5py, "python3 with h5py not available: skipped"))
    func readerWithoutLockDoesNotBlockAWriter() throws {
        let path = Scratch.file()
        do { try File.create(path).createDataset("x", of: Double.self, shape: [1]).write([1.0]) }
        let write = ["python3", "-c", "import h5py, sys; f = h5py.File(sys.argv[1], 'r+'); f['x'][0] = 2.0; f.close()", path]
        // A reader holding HDF5's shared lock keeps another process from opening the file for writing…
        let locked = try File.open(path, mode: .swmrRead)
        #expect(try runTool(write).status != 0)
        try locked.close()
        // …one opened without the lock does not.
        let unlocked = try File.open(path, mode: .swmrRead, fileLocking: false)
        let run = try runTool(write)
        #expect(run.status == 0, "\(run.stderr)")
        try unlocked.close()
        #expect(try File.open(path).openDataset("x").read(as: Double.self) == [2])
    }

    @Test func clearingStatusFlagsOfACleanFileChangesNoData() throws {
        let path = Scratch.file()
        do {
            let file = try File.create(path)
            try file.createDataset("x", of: Int64.self, shape: [3]).write([Int64(4), 5, 6])
            try file.setAttribute("kept", "yes")
        }
        try File.clearStatusFlags(at: path)
        let file = try File.open(path)
        #expect(try file.openDataset("x").read(as: Int64.self) == [4, 5, 6])
        #expect(try file.attribute("kept", as: String.self) == "yes")
    }
}
