import Datasets
import Foundation
import Testing

/// Writes a file of `size` bytes, zero (sparse) except for `patches` (offset, bytes): full-size CIFAR-10 and STL-10
/// files at no disk cost.
func writeSparse(_ path: String, size: Int, patches: [(Int, [UInt8])] = []) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.truncate(atOffset: UInt64(size))
    for (offset, bytes) in patches {
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(bytes))
    }
}

/// Writers of synthetic CIFAR-10 and STL-10 folders in the exact formats.
enum BinaryFixtures {
    static let cifarBatchBytes = CIFAR10Format.recordsPerFile * CIFAR10Format.recordBytes

    /// The six CIFAR-10 files in `folder`, zero except for `patches[file]`; `sizes[file]` overrides a size,
    /// `skip` leaves a file out.
    static func cifar(_ folder: String, patches: [String: [(Int, [UInt8])]] = [:], sizes: [String: Int] = [:],
                      skip: String? = nil) throws {
        for name in DataSetFormat.cifar10.fileNames where name != skip {
            try writeSparse(folder + "/" + name, size: sizes[name] ?? cifarBatchBytes, patches: patches[name] ?? [])
        }
    }

    /// The four labelled STL-10 files in `folder`: labels all 1 unless `labels[file]` gives others; images zero
    /// except for `patches`.
    static func stl(_ folder: String, patches: [String: [(Int, [UInt8])]] = [:], sizes: [String: Int] = [:],
                    labels: [String: [UInt8]] = [:]) throws {
        let counts = [STL10Format.trainImages: STL10Format.trainCount, STL10Format.testImages: STL10Format.testCount]
        for (images, labelFile) in [(STL10Format.trainImages, STL10Format.trainLabels),
                                    (STL10Format.testImages, STL10Format.testLabels)] {
            let count = counts[images]!
            try writeSparse(folder + "/" + images, size: sizes[images] ?? count * STL10Format.imageBytes,
                            patches: patches[images] ?? [])
            let y = labels[labelFile] ?? [UInt8](repeating: 1, count: sizes[labelFile] ?? count)
            try Data(y).write(to: URL(fileURLWithPath: folder + "/" + labelFile))
        }
    }
}

/// The CIFAR-10 and STL-10 binary readers on synthetic files in the exact formats, and every bad input.
struct BinaryReaderTests {
    let scratch = Scratch()

    /// A known image: channel c, row y, column x holds (c·97 + y·5 + x·3) mod 251.
    static func known(_ c: Int, _ y: Int, _ x: Int) -> UInt8 { UInt8((c * 97 + y * 5 + x * 3) % 251) }

    @Test func cifarRecordsBecomeNCHWImagesInFileOrder() throws {
        let folder = scratch.folder("cifar")
        let image = (0..<3).flatMap { c in (0..<32).flatMap { y in (0..<32).map { x in Self.known(c, y, x) } } }
        let r = CIFAR10Format.recordBytes
        try BinaryFixtures.cifar(folder, patches: [
            "data_batch_1.bin": [(0, [7] + image)],
            "data_batch_2.bin": [(3 * r, [9])],
            "test_batch.bin": [(9_999 * r, [4, 200])],
        ])
        let data = try loadDataSet(named: "cifar10", directory: folder, environment: [:])
        #expect(data.train.count == 50_000 && data.test.count == 10_000)
        #expect(data.train.shape == [3, 32, 32] && data.train.featureCount == 3_072)
        #expect(Array(data.train.pixels[0..<3_072]) == image)
        #expect(data.train.labels[0] == 7 && data.train.labels[10_003] == 9 && data.train.labels[1] == 0)
        #expect(data.test.labels[9_999] == 4 && data.test.pixels[9_999 * 3_072] == 200)
    }

    @Test func cifarIsFoundInTheTarballsFolder() throws {
        let outer = scratch.folder("unpacked")
        try BinaryFixtures.cifar(outer + "/cifar-10-batches-bin")
        #expect(try locateDataSet(named: "cifar10", directory: outer, environment: [:]) == outer + "/cifar-10-batches-bin")
    }

    @Test func cifarTruncatedBatch() throws {
        let folder = scratch.folder("cut")
        try BinaryFixtures.cifar(folder, sizes: ["data_batch_3.bin": BinaryFixtures.cifarBatchBytes - 100])
        let message = failure { _ = try loadDataSet(named: "cifar10", directory: folder, environment: [:]) }
        #expect(message.contains("data_batch_3.bin is truncated: it ends at byte 30,729,900, inside record 9,999"), "\(message)")
    }

    @Test func cifarBatchOfAnotherRecordCount() throws {
        let folder = scratch.folder("short")
        try BinaryFixtures.cifar(folder, sizes: ["test_batch.bin": 9_999 * CIFAR10Format.recordBytes])
        let message = failure { _ = try loadDataSet(named: "cifar10", directory: folder, environment: [:]) }
        #expect(message.contains("test_batch.bin holds 9,999 whole records (30,726,927 bytes), not 10,000"), "\(message)")
    }

    @Test func cifarLabelOfTen() throws {
        let folder = scratch.folder("label")
        try BinaryFixtures.cifar(folder, patches: ["data_batch_2.bin": [(5 * CIFAR10Format.recordBytes, [10])]])
        var caught: Error?
        do { _ = try loadDataSet(named: "cifar10", directory: folder, environment: [:]) } catch { caught = error }
        #expect(caught as? BinaryDataError == .labelOutOfRange(path: folder + "/data_batch_2.bin", dataSet: "cifar10", index: 5,
                                                                label: 10, allowed: 0...9, offset: 15_365))
    }

    @Test func cifarMissingBatch() throws {
        let folder = scratch.folder("missing")
        try BinaryFixtures.cifar(folder, skip: "data_batch_4.bin")
        let message = failure { _ = try loadDataSet(named: "cifar10", directory: folder, environment: [:]) }
        #expect(message.contains("missing data_batch_4.bin") && message.contains("thermo data fetch cifar10"), "\(message)")
    }

    @Test func stlColumnMajorChannelsBecomeRowMajor() throws {
        let folder = scratch.folder("stl")
        // Image 1 of the test split, written column-major per channel as the STL-10 files store it.
        var stored = [UInt8](repeating: 0, count: STL10Format.imageBytes)
        for c in 0..<3 { for x in 0..<96 { for y in 0..<96 { stored[c * 9_216 + x * 96 + y] = Self.known(c, y, x) } } }
        var testLabels = [UInt8](repeating: 1, count: STL10Format.testCount)
        testLabels[1] = 10
        try BinaryFixtures.stl(folder, patches: [STL10Format.testImages: [(STL10Format.imageBytes, stored)]],
                               labels: [STL10Format.testLabels: testLabels])
        let data = try loadDataSet(named: "stl10", directory: folder, environment: [:])
        #expect(data.train.count == 5_000 && data.test.count == 8_000 && data.test.shape == [3, 96, 96])
        let image = Array(data.test.pixels[STL10Format.imageBytes..<(2 * STL10Format.imageBytes)])
        let expected = (0..<3).flatMap { c in (0..<96).flatMap { y in (0..<96).map { x in Self.known(c, y, x) } } }
        #expect(image == expected)
        // Row 0, column 1 of the red channel is (0 + 0 + 3), not row 1, column 0 (5).
        #expect(image[1] == 3 && image[96] == 5)
        #expect(data.test.labels[1] == 9 && data.test.labels[0] == 0 && data.train.labels.allSatisfy { $0 == 0 })
    }

    @Test func stlLabelsOutsideOneToTen() throws {
        for bad: UInt8 in [0, 11] {
            let folder = scratch.folder("stl-label-\(bad)")
            var y = [UInt8](repeating: 3, count: STL10Format.trainCount)
            y[42] = bad
            try BinaryFixtures.stl(folder, labels: [STL10Format.trainLabels: y])
            let message = failure { _ = try loadDataSet(named: "stl10", directory: folder, environment: [:]) }
            #expect(message.contains("train_y.bin gives record 42 the label \(bad) (byte 42), but stl10 labels are 1…10"),
                    "\(message)")
        }
    }

    @Test func stlImageAndLabelSizesDisagree() throws {
        let folder = scratch.folder("stl-sizes")
        try BinaryFixtures.stl(folder, sizes: [STL10Format.testLabels: 7_999])
        let message = failure { _ = try loadDataSet(named: "stl10", directory: folder, environment: [:]) }
        #expect(message.contains("test_X.bin holds 8,000 images (221,184,000 bytes) but \(folder)/test_y.bin holds 7,999 labels"),
                "\(message)")
    }

    @Test func stlImageFileNotWholeImages() throws {
        let folder = scratch.folder("stl-cut")
        try BinaryFixtures.stl(folder, sizes: [STL10Format.trainImages: 5_000 * STL10Format.imageBytes - 1])
        let message = failure { _ = try loadDataSet(named: "stl10", directory: folder, environment: [:]) }
        #expect(message.contains("train_X.bin is truncated: it ends at byte 138,239,999, inside record 4,999"), "\(message)")
    }

    /// The one-line description of what `body` throws ("" when it throws nothing).
    private func failure(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return String(describing: error) }
    }
}

/// `verifyBinaryDataSetFiles`: what it can and cannot vouch for.
struct BinaryVerificationTests {
    let scratch = Scratch()

    @Test func cifarFilesAreValidButUnverifiedWithoutTheTarball() throws {
        let folder = scratch.folder("cifar")
        try BinaryFixtures.cifar(folder)
        let report = verifyBinaryDataSetFiles(try DataSetDescription.named("cifar10"), folder: folder)
        #expect(report.isSound && !report.isVerified && report.archive == nil)
        #expect(report.trainHistogram == [50_000] + [Int](repeating: 0, count: 9))
        #expect(report.files.map(\.size) == [Int?](repeating: 30_730_000, count: 6))
    }

    @Test func cifarTarballBesideTheFilesIsChecked() throws {
        let outer = scratch.folder("unpacked")
        try BinaryFixtures.cifar(outer + "/cifar-10-batches-bin")
        try Data("not the tarball".utf8).write(to: URL(fileURLWithPath: outer + "/cifar-10-binary.tar.gz"))
        let report = try verifyBinaryDataSet(named: "cifar10", directory: outer, environment: [:])
        #expect(report.archive?.verdict.isMismatch == true)
        #expect(report.problems.first?.contains("cifar-10-binary.tar.gz does not match the canonical md5 of the .tar.gz archive (expected c32a1d4ab5d03f1284b67883e8d87530") == true,
                "\(report.problems)")
    }

    @Test func stlFilesAreComparedWithTheirPublishedMD5s() throws {
        let folder = scratch.folder("stl")
        try BinaryFixtures.stl(folder)
        let report = verifyBinaryDataSetFiles(try DataSetDescription.named("stl10"), folder: folder)
        #expect(report.files.allSatisfy { $0.verdict.isMismatch })
        #expect(report.problems.count == 4 && report.problems[0].contains("expected 918c2871b30a85fa023e0c44e0bee87f"))
        // The files are still read as training reads them: sound files get their histograms despite the mismatch.
        #expect(report.trainHistogram == [STL10Format.trainCount] + [Int](repeating: 0, count: 9), "\(report.problems)")
    }

    @Test func aBadLabelIsReportedBesideChecksumMismatches() throws {
        let folder = scratch.folder("stl-label")
        var labels = [UInt8](repeating: 1, count: STL10Format.testCount)
        labels[7] = 0
        try BinaryFixtures.stl(folder, labels: [STL10Format.testLabels: labels])
        let report = verifyBinaryDataSetFiles(try DataSetDescription.named("stl10"), folder: folder)
        #expect(report.problems.count == 5, "\(report.problems)")
        #expect(report.problems.last?.contains("gives record 7 the label 0") == true, "\(report.problems)")
        #expect(report.trainHistogram == nil && report.testHistogram == nil)
    }
}
