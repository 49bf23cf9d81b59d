import Crypto
import Datasets
import Foundation
import Testing
import TestSupport

/// Small synthetic IDX files written and read back, raw and gzip.
struct IDXRoundTripTests {
    let scratch = Scratch()

    @Test(arguments: [false, true])
    func imageFileRoundTrips(gzip: Bool) throws {
        let split = Fixtures.split(count: 7, rows: 5, columns: 6)
        let path = scratch.folder("images")
        try IDXFile.write(dimensions: [7, 5, 6], data: split.pixels, to: path, gzip: gzip)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect((raw.prefix(2) == Data([0x1f, 0x8b])) == gzip, "gzip is told by the magic bytes")

        let file = try IDXFile(reading: path, dimensionCount: 3)
        #expect(file.storage == (gzip ? .gzip : .raw))
        #expect(file.dimensions == [7, 5, 6])
        #expect(file.count == 7)
        #expect(file.data == split.pixels)
        #expect(file.header == [0, 0, 8, 3, 0, 0, 0, 7, 0, 0, 0, 5, 0, 0, 0, 6])
        #expect(file.decompressedSize == 16 + 7 * 5 * 6)
        #expect(file.sha256() == Array(SHA256.hash(data: Fixtures.imageBytes(split))))
    }

    @Test(arguments: [false, true])
    func labelFileRoundTrips(gzip: Bool) throws {
        let labels: [UInt8] = [3, 1, 4, 1, 5, 9, 2, 6]
        let path = scratch.folder("labels.gz")
        try IDXFile.write(dimensions: [labels.count], data: labels, to: path, gzip: gzip)
        let file = try IDXFile(reading: path, dimensionCount: 1)
        #expect(file.dimensions == [8])
        #expect(file.data == labels)
        #expect(file.storage == (gzip ? .gzip : .raw), "the .gz name does not decide: the bytes do")
    }

    @Test func gzipCompressionIsStandardGzip() throws {
        let bytes = Array(repeating: Array("thermo ".utf8), count: 1000).flatMap { $0 }
        let compressed = try Gzip.compress(bytes)
        #expect(compressed.prefix(3) == [0x1f, 0x8b, 0x08])
        #expect(compressed.count < bytes.count / 10)
        // The trailer's ISIZE is the length modulo 2^32, little-endian.
        let isize = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(isize == bytes.count)
    }

    @Test(arguments: [false, true])
    func aWholeDataSetRoundTrips(gzip: Bool) throws {
        let train = Fixtures.split(count: 30, seed: 1)
        let test = Fixtures.split(count: 12, seed: 2)
        let folder = scratch.folder("ds")
        try writeDataSetFiles(train: train, test: test, to: folder, gzip: gzip)

        let data = try loadDataSet(named: "mnist", directory: folder, environment: [:], currentDirectory: "/")
        #expect(data.name == "mnist")
        #expect(data.classes == 10)
        #expect(data.directory == folder)
        #expect(data.train.count == 30 && data.test.count == 12)
        #expect(data.train.rows == 4 && data.train.columns == 3 && data.train.featureCount == 12)
        #expect(data.train.pixels == train.pixels && data.train.labels == train.labels)
        #expect(data.test.pixels == test.pixels && data.test.labels == test.labels)
        #expect(data.train.labelHistogram(classes: 10).reduce(0, +) == 30)
    }

    @Test func mixedRawAndGzipFilesLoad() throws {
        let folder = scratch.folder("ds")
        try writeDataSetFiles(train: Fixtures.split(count: 10), test: Fixtures.split(count: 5), to: folder, gzip: true)
        // Replace one file by its raw form: the raw file is preferred, the gzip one ignored.
        try FileManager.default.removeItem(atPath: folder + "/t10k-labels-idx1-ubyte.gz")
        try IDXFile.write(dimensions: [5], data: Fixtures.split(count: 5).labels,
                          to: folder + "/t10k-labels-idx1-ubyte", gzip: false)
        let data = try loadDataSet(named: "mnist", directory: folder, environment: [:], currentDirectory: "/")
        #expect(data.test.count == 5)
    }
}
