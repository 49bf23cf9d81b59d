import Datasets
import Foundation
import Testing
import TestSupport

/// Each way an IDX file can be wrong gives its own error, naming the file and the byte offset.
struct IDXCorruptionTests {
    let split = Fixtures.split(count: 50, rows: 8, columns: 8)
    let scratch = Scratch()

    @Test func badMagicNumber() throws {
        let path = try scratch.file(Array("PK\u{03}\u{04} this is a zip file, not IDX".utf8))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        guard case .badMagic(let p, let magic) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(p == path && magic == [0x50, 0x4b, 3, 4])
        #expect(error?.description.contains(path) == true)
    }

    @Test func unsupportedElementType() throws {
        let path = try scratch.file([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0])  // one float
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 1) }
        #expect(error == .unsupportedElementType(path: path, typeCode: 0x0d))
    }

    @Test func labelFileWhereImagesAreExpected() throws {
        let path = try scratch.file(Fixtures.labelBytes([1, 2, 3]))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        #expect(error == .wrongDimensionCount(path: path, expected: 3, found: 1))
    }

    @Test(arguments: [false, true])
    func shortHeader(gzip: Bool) throws {
        let bytes: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 9, 0, 0]  // stops inside the second size
        let path = try scratch.file(gzip ? try Gzip.compress(bytes) : bytes)
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        #expect(error == .shortHeader(path: path, available: 10, needed: 16))
    }

    @Test func zeroDimension() throws {
        let path = try scratch.file([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3])
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        #expect(error == .zeroDimension(path: path, index: 1))
    }

    @Test func truncatedRawBody() throws {
        let bytes = Fixtures.imageBytes(split)
        let path = try scratch.file(Array(bytes.dropLast(100)))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        #expect(error == .truncatedBody(path: path, endsAt: bytes.count - 100, declared: bytes.count, compressed: false))
        #expect(error?.description.contains("ends at byte 3,116 of 3,216 declared") == true)
        #expect(error?.description.contains("thermo data verify") == true)
    }

    @Test func truncatedGzipFile() throws {
        let compressed = try Gzip.compress(Fixtures.imageBytes(split), level: 0)  // stored: cut point = data point
        let path = try scratch.file(Array(compressed.prefix(compressed.count / 2)))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        guard case .truncatedBody(let p, let endsAt, let declared, true) = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(p == path && declared == 16 + 50 * 64 && endsAt < declared && endsAt > 1000)
    }

    @Test func gzipStreamWithoutItsTrailer() throws {
        // The data is complete but the CRC/length trailer is cut off.
        let compressed = try Gzip.compress(Fixtures.imageBytes(split))
        let path = try scratch.file(Array(compressed.dropLast(8)))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        guard case .corruptGzip(let p, _, let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(p == path && message.contains("trailer"))
    }

    @Test func imageAndLabelCountsDiffer() throws {
        let folder = scratch.folder("ds")
        try writeDataSetFiles(train: split, test: Fixtures.split(count: 5, rows: 8, columns: 8), to: folder, gzip: false)
        try IDXFile.write(dimensions: [49], data: Array(split.labels.prefix(49)),
                          to: folder + "/train-labels-idx1-ubyte", gzip: false)
        let error = Fixtures.idxError { _ = try loadDataSet(named: "mnist", directory: folder, environment: [:]) }
        // Loading a data set names it: the error is the file's, met in mnist, and its advice names mnist.
        #expect(error?.underlying == .countMismatch(imagesPath: folder + "/train-images-idx3-ubyte", images: 50,
                                                    labelsPath: folder + "/train-labels-idx1-ubyte", labels: 49))
        #expect(error == error?.underlying.naming(dataSet: "mnist"))
        #expect(error?.description.contains("re-download the data set ('thermo data fetch mnist --force') and check it with 'thermo data verify mnist'") == true,
                "\(error?.description ?? "no error")")
    }

    @Test func labelNotBelowTheClassCount() throws {
        let folder = scratch.folder("ds")
        var labels = split.labels
        labels[17] = 10
        try writeDataSetFiles(train: LabeledImages(count: 50, rows: 8, columns: 8, pixels: split.pixels, labels: labels),
                              test: Fixtures.split(count: 5, rows: 8, columns: 8), to: folder, gzip: true)
        let error = Fixtures.idxError { _ = try loadDataSet(named: "mnist", directory: folder, environment: [:]) }
        #expect(error?.underlying == .labelOutOfRange(path: folder + "/train-labels-idx1-ubyte.gz", index: 17, label: 10,
                                                      classes: 10, offset: 8 + 17))
        #expect(error?.description.contains("byte 25") == true && error?.description.contains("<name>") == false)
        #expect(error?.path == folder + "/train-labels-idx1-ubyte.gz")
    }

    @Test("A data set's report names it in every piece of advice: a damaged file, a checksum, split shapes")
    func verificationNamesTheDataSet() throws {
        let description = try DataSetDescription.named("fashion-mnist")
        let advice = "thermo data fetch fashion-mnist --force"
        // Train images of 8×8 and test images of 6×6 (split shapes differ), none of them the canonical files.
        let folder = scratch.folder("fashion")
        try writeDataSetFiles(train: split, test: Fixtures.split(count: 5, rows: 6, columns: 6), to: folder, gzip: true)
        let report = verifyDataSetFiles(description, files: dataSetFiles(in: folder), directory: folder)
        #expect(report.problems.count == 5, "four checksums and the shapes: \(report.problems)")
        for problem in report.problems + report.files.compactMap(\.problem) {
            #expect(problem.contains(advice) && !problem.contains("<name>"), "\(problem)")
        }
        #expect(report.problems.contains { $0.contains("mixes image sizes") }, "\(report.problems)")
        // A damaged file: its error names the data set.
        try Data([0, 0, 8]).write(to: URL(fileURLWithPath: folder + "/t10k-labels-idx1-ubyte.gz"))
        let damagedReport = verifyDataSetFiles(description, files: dataSetFiles(in: folder), directory: folder)
        let damaged = try #require(damagedReport.files.first { $0.role == .testLabels })
        guard case .invalid(let error) = damaged.outcome else { Issue.record("\(damaged.outcome)"); return }
        #expect(error == .ofDataSet(name: "fashion-mnist", error: error.underlying) && error.description.contains(advice))
        #expect(DataSetError.splitShapesDiffer(dataSet: "kmnist", directory: "d", train: [8, 8], test: [6, 6]).description
            .contains("'thermo data fetch kmnist --force'"))
    }

    @Test(arguments: [false, true])
    func absurdDeclaredSizeFailsFastWithoutAllocating(gzip: Bool) throws {
        // 2^31 images of 28×28 declared in a 100-byte file: 1.7 TB. Must be refused from the header alone.
        var bytes: [UInt8] = [0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28]
        bytes += [UInt8](repeating: 7, count: 84)
        let path = try scratch.file(gzip ? try Gzip.compress(bytes) : bytes)
        let clock = ContinuousClock()
        var error: IDXError?
        let elapsed = clock.measure { error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) } }
        guard case .implausibleSize(let p, let dimensions, _, _, _) = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(p == path && dimensions == [1 << 31, 28, 28])
        #expect(elapsed < .milliseconds(200))
    }

    @Test func gzipDeclaringMoreThanDeflateCanHold() throws {
        // 1,000,000 × 28 × 28 (784 MB, below the hard cap) in a gzip file of ~100 bytes.
        var bytes: [UInt8] = [0, 0, 8, 3, 0, 0x0f, 0x42, 0x40, 0, 0, 0, 28, 0, 0, 0, 28]
        bytes += [UInt8](repeating: 7, count: 84)
        let path = try scratch.file(try Gzip.compress(bytes))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        guard case .implausibleSize(_, _, _, let limit, let reason) = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(limit < 200_000 && reason.contains("gzip file can expand to"))
    }

    @Test func corruptGzipStream() throws {
        var compressed = try Gzip.compress(Fixtures.imageBytes(split))
        // Damage the CRC-32 in the trailer: the data inflates, the check fails.
        compressed[compressed.count - 8] ^= 0xff
        let path = try scratch.file(compressed)
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        guard case .corruptGzip(let p, _, let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(p == path && message.contains("check"))

        // Garbage in the middle of the deflate data.
        var garbled = try Gzip.compress(Fixtures.imageBytes(split))
        for i in 12..<40 { garbled[i] = 0xff }
        let path2 = try scratch.file(garbled)
        let error2 = Fixtures.idxError { _ = try IDXFile(reading: path2, dimensionCount: 3) }
        guard case .corruptGzip = error2 else { Issue.record("got \(String(describing: error2))"); return }
    }

    @Test func trailingBytesInARawFile() throws {
        let bytes = Fixtures.imageBytes(split)
        let path = try scratch.file(bytes + [1, 2, 3])
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        #expect(error == .trailingBytes(path: path, declared: bytes.count, extra: 3, afterGzipStream: false,
                                        offset: bytes.count))
    }

    @Test func trailingBytesInsideAGzipStream() throws {
        let bytes = Fixtures.imageBytes(split)
        let path = try scratch.file(try Gzip.compress(bytes + [9, 9, 9, 9, 9]))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        #expect(error == .trailingBytes(path: path, declared: bytes.count, extra: 5, afterGzipStream: false,
                                        offset: bytes.count))
    }

    @Test func trailingBytesAfterTheGzipStream() throws {
        let compressed = try Gzip.compress(Fixtures.imageBytes(split))
        let path = try scratch.file(compressed + Array("junk".utf8))
        let error = Fixtures.idxError { _ = try IDXFile(reading: path, dimensionCount: 3) }
        #expect(error == .trailingBytes(path: path, declared: 16 + 50 * 64, extra: 4, afterGzipStream: true,
                                        offset: compressed.count))
    }

    @Test func missingFile() {
        let error = Fixtures.idxError { _ = try IDXFile(reading: "/nonexistent/thermo/file", dimensionCount: 1) }
        guard case .unreadable(let path, let reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(path == "/nonexistent/thermo/file" && reason.contains("No such file"))
    }

    @Test func errorDescriptionsAreOneLine() {
        let errors: [IDXError] = [
            .unreadable(path: "p", reason: "r"), .shortHeader(path: "p", available: 1, needed: 16),
            .badMagic(path: "p", magic: [1, 2, 3, 4]), .unsupportedElementType(path: "p", typeCode: 9),
            .wrongDimensionCount(path: "p", expected: 3, found: 1), .zeroDimension(path: "p", index: 0),
            .implausibleSize(path: "p", dimensions: [1, 2], declaredBytes: "2", limit: 1, reason: "r"),
            .truncatedBody(path: "p", endsAt: 7_840_016, declared: 47_040_016, compressed: true),
            .trailingBytes(path: "p", declared: 1, extra: 2, afterGzipStream: true, offset: 3),
            .corruptGzip(path: "p", offset: 1, message: "m"),
            .countMismatch(imagesPath: "i", images: 1, labelsPath: "l", labels: 2),
            .labelOutOfRange(path: "p", index: 1, label: 11, classes: 10, offset: 9),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("p") || error.description.contains("l"))
        }
        #expect(errors[7].description.contains("ends at byte 7,840,016 of 47,040,016 declared"))
    }
}
