import Testing
import HDF5

@Suite("Datasets")
struct DatasetTests {
    /// Writes `values` into a fixed dataset of shape `shape`, reads them back, and checks type and shape.
    private func roundTrip<T: HDF5Element & Equatable>(_ values: [T], shape: [Int]) throws {
        let path = Scratch.file()
        do {
            let file = try File.create(path)
            let dataset = try file.createDataset("data", of: T.self, shape: shape)
            try dataset.write(values)
        }
        let file = try File.open(path)
        let dataset = try file.openDataset("data")
        #expect(try dataset.elementType == T.elementType)
        #expect(try dataset.shape == shape)
        #expect(try dataset.maxShape == shape.map { Optional($0) })
        #expect(try dataset.chunks == nil)
        #expect(try dataset.read(as: T.self) == values)
    }

    @Test func roundTripEveryType() throws {
        try roundTrip([Float(1.5), -2, 3.25, .infinity, 0, 1e-30], shape: [2, 3])
        try roundTrip([Double.pi, -1e300, 0, 42, 7, 8], shape: [3, 2])
        try roundTrip([Int32.min, -1, 0, 1, Int32.max, 5], shape: [6])
        try roundTrip([Int64.min, -1, 0, 1, Int64.max, 1 << 40], shape: [1, 2, 3])
        try roundTrip([UInt8(0), 1, 127, 128, 255, 9], shape: [2, 3])
    }

    @Test func appendsAcrossCalls() throws {
        let path = Scratch.file()
        let file = try File.create(path)
        let rows = try file.createAppendableDataset("runs/grads", of: Float.self, rowShape: [4])
        let scalars = try file.createAppendableDataset("runs/loss", of: Double.self)
        #expect(try rows.shape == [0, 4])
        #expect(try rows.maxShape == [nil, 4])
        try rows.append([Float](repeating: 1, count: 4))
        try rows.append((0..<8).map { Float($0) })          // two rows at once
        try rows.append(row: [Float](repeating: 9, count: 4))
        try rows.append([Float]())                          // nothing
        for step in 0..<5 { try scalars.append([Double(step) / 2]) }
        #expect(try rows.shape == [4, 4])
        #expect(try scalars.shape == [5])
        let all = try rows.read(as: Float.self)
        #expect(Array(all[0..<4]) == [1, 1, 1, 1])
        #expect(Array(all[4..<12]) == (0..<8).map { Float($0) })
        #expect(Array(all[12..<16]) == [9, 9, 9, 9])
        #expect(try scalars.read(as: Double.self) == [0, 0.5, 1, 1.5, 2])
        #expect(try rows.chunks != nil)
        #expect(throws: HDF5Error.self) { try rows.append([Float](repeating: 0, count: 3)) }  // not whole rows
        try file.close()
        // Reopened read-write, the dataset keeps growing.
        let again = try File.open(path, mode: .readWrite)
        let reopened = try again.openDataset("/runs/loss")
        try reopened.append([10.0, 11.0])
        #expect(try reopened.read(as: Double.self).suffix(2) == [10, 11])
    }

    @Test func threeDimensionalAppendWithFixedTrailingAxes() throws {
        let file = try File.create(Scratch.file())
        let dataset = try file.createAppendableDataset("cube", of: Int32.self, rowShape: [2, 3])
        try dataset.append((0..<6).map { Int32($0) })
        try dataset.append((6..<18).map { Int32($0) })
        #expect(try dataset.shape == [3, 2, 3])
        #expect(try dataset.read(as: Int32.self) == (0..<18).map { Int32($0) })
        // The middle plane of the last two rows: [row 1..2][1][0..2].
        #expect(try dataset.read(as: Int32.self, start: [1, 1, 0], count: [2, 1, 3]) == [9, 10, 11, 15, 16, 17])
    }

    @Test func hyperslabReadsAndWrites() throws {
        let file = try File.create(Scratch.file())
        let dataset = try file.createDataset("grid", of: Double.self, shape: [4, 5])
        try dataset.write((0..<20).map { Double($0) })
        #expect(try dataset.read(as: Double.self, start: [1, 2], count: [2, 3]) == [7, 8, 9, 12, 13, 14])
        #expect(try dataset.read(as: Double.self, start: [3, 0], count: [1, 5]) == [15, 16, 17, 18, 19])
        #expect(try dataset.read(as: Double.self, start: [0, 0], count: [0, 5]) == [])
        try dataset.write([-1.0, -2.0], start: [0, 3], count: [2, 1])
        let all = try dataset.read(as: Double.self)
        #expect(all[3] == -1 && all[8] == -2 && all[4] == 4)
        let outside = #expect(throws: HDF5Error.self) {
            try dataset.read(as: Double.self, start: [3, 0], count: [2, 5])
        }
        #expect(outside?.message.contains("outside shape [4, 5]") == true)
        #expect(throws: HDF5Error.self) { try dataset.write([1.0, 2.0, 3.0]) }  // wrong count
    }

    @Test func compressionFiltersAreSet() throws {
        let path = Scratch.file()
        do {
            let file = try File.create(path)
            let compressed = try file.createAppendableDataset("gz", of: Float.self, rowShape: [784],
                                                              compression: .standard)
            try compressed.append([Float](repeating: 0.5, count: 784 * 10))
            #expect(try compressed.filters == [.shuffle, .deflate(level: 4)])
            #expect(try compressed.chunks == [64, 98])  // h5py's guess for (0, 784) float32
            let plain = try file.createDataset("fixedGz", of: Double.self, shape: [1000],
                                               compression: .deflate(level: 6, shuffle: false))
            #expect(try plain.filters == [.deflate(level: 6)])
            #expect(try plain.chunks != nil)
            let explicit = try file.createAppendableDataset("explicit", of: Int64.self, rowShape: [3],
                                                            chunking: .explicit([16, 3]))
            #expect(try explicit.chunks == [16, 3])
            #expect(try explicit.filters.isEmpty)
        }
        if Tools.hasH5dump {
            let run = try runTool(["h5dump", "-p", "-H", "-d", "/gz", path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("COMPRESSION DEFLATE { LEVEL 4 }"))
            #expect(run.stdout.contains("PREPROCESSING SHUFFLE"))
        }
    }

    @Test func chunkGuessMatchesH5py() {
        // Values printed by h5py._hl.filters.guess_chunk for the same arguments.
        #expect(Chunking.guess(shape: [0], maxShape: [nil], elementSize: 8) == [1024])
        #expect(Chunking.guess(shape: [0, 3], maxShape: [nil, 3], elementSize: 4) == [512, 3])
        #expect(Chunking.guess(shape: [0, 784], maxShape: [nil, 784], elementSize: 4) == [64, 98])
        #expect(Chunking.guess(shape: [1000, 1000], maxShape: [1000, 1000], elementSize: 8) == [63, 63])
        #expect(Chunking.guess(shape: [0, 10, 10], maxShape: [nil, 10, 10], elementSize: 4) == [256, 3, 5])
        #expect(Chunking.guess(shape: [5], maxShape: [nil], elementSize: 8) == [5])
        #expect(Chunking.guess(shape: [100_000], maxShape: [100_000], elementSize: 4) == [3125])
    }

    @Test func invalidCreationArguments() throws {
        let file = try File.create(Scratch.file())
        #expect(throws: HDF5Error.self) {
            try file.createDataset("a", of: Float.self, shape: [3], maxShape: [2])
        }
        #expect(throws: HDF5Error.self) {
            try file.createDataset("b", of: Float.self, shape: [3], maxShape: [nil, 2])
        }
        #expect(throws: HDF5Error.self) {
            try file.createDataset("c", of: Float.self, shape: [3], chunking: .explicit([0]))
        }
        try file.createDataset("d", of: Float.self, shape: [3])
        let duplicate = #expect(throws: HDF5Error.self) { try file.createDataset("d", of: Float.self, shape: [3]) }
        #expect(duplicate?.message.hasPrefix("cannot create dataset \"/d\" in \"") == true)
    }
}
