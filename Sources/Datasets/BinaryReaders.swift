/// Readers of CIFAR-10's and STL-10's binary versions into NCHW `LabeledImages`.
///
/// Both validate every file's size against the format (record size and exact record count) before anything is
/// allocated, then read each file in chunks of whole records straight into the split's final pixel buffer,
/// checking each label as it goes: a bad label throws with the file, the record and its byte offset.
public enum BinaryDataSetReader {
    /// Records read per chunk (bounded scratch: about 3 MB for either format).
    static let chunkRecords = 100

    /// CIFAR-10 from `folder` (holding the six `.bin` files): train = batches 1…5 in order (50,000 images),
    /// test = `test_batch.bin` (10,000). Pixels are kept as stored (already R, G, B planes, row-major).
    public static func readCIFAR10(folder: String) throws -> (train: LabeledImages, test: LabeledImages) {
        let trainFiles = try CIFAR10Format.trainFiles.map { try InputFile(path: folder + "/" + $0) }
        let testFile = try InputFile(path: folder + "/" + CIFAR10Format.testFile)
        for file in trainFiles + [testFile] { try checkCIFAR10Size(file) }
        return (try readCIFAR10Split(trainFiles), try readCIFAR10Split([testFile]))
    }

    /// Throws `BinaryDataError.wrongSize` unless `file` is exactly 10,000 records of 3,073 bytes.
    static func checkCIFAR10Size(_ file: InputFile) throws {
        let expected = CIFAR10Format.recordsPerFile * CIFAR10Format.recordBytes
        guard file.size == expected else {
            throw BinaryDataError.wrongSize(path: file.path, dataSet: "cifar10", what: "CIFAR-10 batch",
                                            record: "a label byte 0…9, then 3,072 pixel bytes", size: file.size,
                                            recordBytes: CIFAR10Format.recordBytes,
                                            expectedRecords: CIFAR10Format.recordsPerFile)
        }
    }

    /// The batches `files` (sizes already checked) as one split, in file order.
    static func readCIFAR10Split(_ files: [InputFile]) throws -> LabeledImages {
        let perFile = CIFAR10Format.recordsPerFile, imageBytes = CIFAR10Format.imageBytes
        let recordBytes = CIFAR10Format.recordBytes
        let count = files.count * perFile
        var labels = [UInt8](repeating: 0, count: count)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunkRecords * recordBytes, alignment: 16)
        defer { scratch.deallocate() }
        let source = UnsafeRawPointer(scratch).assumingMemoryBound(to: UInt8.self)
        var failure: Error?
        let pixels = [UInt8](unsafeUninitializedCapacity: count * imageBytes) { buffer, initialized in
            initialized = count * imageBytes
            let base = buffer.baseAddress!
            do {
                for (f, file) in files.enumerated() {
                    var record = 0
                    while record < perFile {
                        let n = min(chunkRecords, perFile - record)
                        let got = try file.read(into: scratch, count: n * recordBytes, at: record * recordBytes)
                        guard got == n * recordBytes else {
                            throw IDXError.unreadable(path: file.path, reason: "the file shrank while it was read")
                        }
                        for r in 0..<n {
                            let label = source[r * recordBytes]
                            guard CIFAR10Format.labels.contains(Int(label)) else {
                                throw BinaryDataError.labelOutOfRange(path: file.path, dataSet: "cifar10", index: record + r,
                                                                      label: Int(label), allowed: CIFAR10Format.labels,
                                                                      offset: (record + r) * recordBytes)
                            }
                            let image = f * perFile + record + r
                            labels[image] = label
                            (base + image * imageBytes).update(from: source + r * recordBytes + 1, count: imageBytes)
                        }
                        record += n
                    }
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return LabeledImages(count: count, channels: CIFAR10Format.channels, rows: CIFAR10Format.rows,
                             columns: CIFAR10Format.columns, pixels: pixels, labels: labels)
    }

    /// STL-10's labelled splits from `folder` (train 5,000 images, test 8,000), labels 1…10 stored as 0…9 and
    /// each channel transposed from the files' column-major order to row-major.
    public static func readSTL10(folder: String) throws -> (train: LabeledImages, test: LabeledImages) {
        let open = { (name: String) throws -> InputFile in try InputFile(path: folder + "/" + name) }
        let trainX = try open(STL10Format.trainImages), trainY = try open(STL10Format.trainLabels)
        let testX = try open(STL10Format.testImages), testY = try open(STL10Format.testLabels)
        try checkSTL10Sizes(images: trainX, labels: trainY, expected: STL10Format.trainCount)
        try checkSTL10Sizes(images: testX, labels: testY, expected: STL10Format.testCount)
        return (try readSTL10Split(images: trainX, labels: trainY), try readSTL10Split(images: testX, labels: testY))
    }

    /// Checks an STL-10 image file and its label file: whole images, the same count in both, and `expected`.
    static func checkSTL10Sizes(images: InputFile, labels: InputFile, expected: Int) throws {
        let imageBytes = STL10Format.imageBytes
        func wrong(_ file: InputFile, _ recordBytes: Int, _ what: String, _ record: String) -> BinaryDataError {
            .wrongSize(path: file.path, dataSet: "stl10", what: what, record: record, size: file.size,
                       recordBytes: recordBytes, expectedRecords: expected)
        }
        let imageWhat = "STL-10 image file", imageRecord = "3 × 96 × 96 pixel bytes, each channel column-major"
        guard images.size % imageBytes == 0, images.size > 0 else { throw wrong(images, imageBytes, imageWhat, imageRecord) }
        if images.size / imageBytes != labels.size {
            throw BinaryDataError.sizesDisagree(dataSet: "stl10", imagesPath: images.path, images: images.size / imageBytes,
                                                imagesSize: images.size, labelsPath: labels.path, labels: labels.size)
        }
        guard images.size == expected * imageBytes else { throw wrong(images, imageBytes, imageWhat, imageRecord) }
    }

    /// One STL-10 split (sizes already checked).
    static func readSTL10Split(images: InputFile, labels labelFile: InputFile) throws -> LabeledImages {
        let count = labelFile.size
        var labels = try labelFile.readBytes(count: count, at: 0)
        guard labels.count == count else {
            throw IDXError.unreadable(path: labelFile.path, reason: "the file shrank while it was read")
        }
        for i in 0..<count {
            guard STL10Format.labels.contains(Int(labels[i])) else {
                throw BinaryDataError.labelOutOfRange(path: labelFile.path, dataSet: "stl10", index: i, label: Int(labels[i]),
                                                      allowed: STL10Format.labels, offset: i)
            }
            labels[i] -= 1
        }
        let imageBytes = STL10Format.imageBytes
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunkRecords * imageBytes, alignment: 16)
        defer { scratch.deallocate() }
        let source = UnsafeRawPointer(scratch).assumingMemoryBound(to: UInt8.self)
        var failure: Error?
        let pixels = [UInt8](unsafeUninitializedCapacity: count * imageBytes) { buffer, initialized in
            initialized = count * imageBytes
            let base = buffer.baseAddress!
            do {
                var record = 0
                while record < count {
                    let n = min(chunkRecords, count - record)
                    let got = try images.read(into: scratch, count: n * imageBytes, at: record * imageBytes)
                    guard got == n * imageBytes else {
                        throw IDXError.unreadable(path: images.path, reason: "the file shrank while it was read")
                    }
                    for r in 0..<n {
                        transposeChannels(source + r * imageBytes, into: base + (record + r) * imageBytes)
                    }
                    record += n
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return LabeledImages(count: count, channels: STL10Format.channels, rows: STL10Format.rows,
                             columns: STL10Format.columns, pixels: pixels, labels: labels)
    }

    /// One STL-10 image from the file's order (each channel column-major: byte `x·rows + y` is row y, column x)
    /// to thermo's (each channel row-major: byte `y·columns + x`).
    static func transposeChannels(_ source: UnsafePointer<UInt8>, into destination: UnsafeMutablePointer<UInt8>) {
        let rows = STL10Format.rows, columns = STL10Format.columns, plane = rows * columns
        for c in 0..<STL10Format.channels {
            let s = source + c * plane, d = destination + c * plane
            for x in 0..<columns {
                for y in 0..<rows { d[y * columns + x] = s[x * rows + y] }
            }
        }
    }
}
