import NumericCore

/// How a data set is laid out on disk.
public enum DataSetFormat: String, Sendable, Equatable {
    /// Four IDX files (raw or `.gz`): the MNIST family.
    case idx
    /// CIFAR-10's "binary version": `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`, each exactly
    /// 10,000 records of one label byte (0…9) then 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, each
    /// 32×32 row-major) — already C×H×W.
    case cifar10
    /// STL-10's binary version: `train_X.bin` (5,000 × 3 × 96 × 96 bytes, each channel **column-major**),
    /// `train_y.bin` (5,000 labels 1…10), `test_X.bin`/`test_y.bin` (8,000); `unlabeled_X.bin` is not used.
    case stl10

    /// The files a data set of this format needs, in the order they are read and reported (empty for IDX, whose
    /// files are `DataSetFileRole`s).
    public var fileNames: [String] {
        switch self {
        case .idx: return []
        case .cifar10: return CIFAR10Format.trainFiles + [CIFAR10Format.testFile]
        case .stl10: return [STL10Format.trainImages, STL10Format.trainLabels, STL10Format.testImages, STL10Format.testLabels]
        }
    }

    /// The folder the distributed tarball puts the files in (`cifar-10-batches-bin`, `stl10_binary`): a search
    /// place holding this folder with the files in it is accepted as well as one holding the files directly.
    public var archiveFolder: String? {
        switch self {
        case .idx: return nil
        case .cifar10: return "cifar-10-batches-bin"
        case .stl10: return "stl10_binary"
        }
    }
}

/// The CIFAR-10 binary version's layout (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html).
public enum CIFAR10Format {
    /// The five training batches.
    public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
    /// The test batch.
    public static let testFile = "test_batch.bin"
    /// Records per batch file, exactly.
    public static let recordsPerFile = 10_000
    /// Image shape: 3 channels of 32×32.
    public static let channels = 3, rows = 32, columns = 32
    /// Bytes per image (3,072).
    public static let imageBytes = channels * rows * columns
    /// Bytes per record: the label byte, then the image (3,073).
    public static let recordBytes = 1 + imageBytes
    /// Labels are 0…9.
    public static let labels = 0...9
}

/// The STL-10 binary version's layout (Coates, Lee, Ng 2011, https://cs.stanford.edu/~acoates/stl10/).
public enum STL10Format {
    /// File names.
    public static let trainImages = "train_X.bin", trainLabels = "train_y.bin"
    /// File names.
    public static let testImages = "test_X.bin", testLabels = "test_y.bin"
    /// Labelled images per split, exactly.
    public static let trainCount = 5_000, testCount = 8_000
    /// Image shape: 3 channels of 96×96, each channel stored column-major in the files.
    public static let channels = 3, rows = 96, columns = 96
    /// Bytes per image (27,648).
    public static let imageBytes = channels * rows * columns
    /// Labels in the files are 1…10 (stored by thermo as 0…9).
    public static let labels = 1...10
}

/// What is wrong with a CIFAR-10 or STL-10 binary file: each case names the file, the byte offset where it
/// goes wrong, and what to do. Every one is found before the pixel buffers are allocated, except a bad label,
/// which is found while the file is read (into buffers whose size the validated file sizes fix).
public enum BinaryDataError: Error, Sendable, Equatable, DescribedError {
    /// The file's `size` is not `expectedRecords` records of `recordBytes` bytes. `what` names the file's kind
    /// ("CIFAR-10 batch"), `record` what one record is ("a label byte, then 3,072 pixel bytes").
    case wrongSize(path: String, dataSet: String, what: String, record: String, size: Int, recordBytes: Int,
                   expectedRecords: Int)
    /// Record `index` holds `label` (at byte `offset`), outside `allowed`.
    case labelOutOfRange(path: String, dataSet: String, index: Int, label: Int, allowed: ClosedRange<Int>, offset: Int)
    /// An STL-10 image file and its label file hold different numbers of records.
    case sizesDisagree(dataSet: String, imagesPath: String, images: Int, imagesSize: Int, labelsPath: String, labels: Int)

    /// The file the error is about (the label file, when sizes disagree).
    public var path: String {
        switch self {
        case .wrongSize(let path, _, _, _, _, _, _), .labelOutOfRange(let path, _, _, _, _, _): return path
        case .sizesDisagree(_, _, _, _, let labelsPath, _): return labelsPath
        }
    }

    static func advice(_ dataSet: String) -> String {
        "re-download the data set ('thermo data fetch \(dataSet) --force') and check it with 'thermo data verify \(dataSet)'"
    }

    /// One line: what is wrong, where, and what to do.
    public var description: String {
        switch self {
        case let .wrongSize(path, dataSet, what, record, size, recordBytes, expected):
            let total = expected * recordBytes
            let layout = "a \(what) is exactly \(grouped(expected)) records of \(grouped(recordBytes)) bytes (\(record)), "
                + "\(grouped(total)) bytes"
            if size % recordBytes == 0 {
                return "\(path) holds \(grouped(size / recordBytes)) whole records (\(grouped(size)) bytes), not "
                    + "\(grouped(expected)): \(layout); it is "
                    + (size < total ? "cut at a record boundary" : "longer by whole records") + " or is another file — "
                    + BinaryDataError.advice(dataSet)
            }
            if size < total {
                return "\(path) is truncated: it ends at byte \(grouped(size)), inside record \(grouped(size / recordBytes)) "
                    + "(counting from 0); \(layout) — \(BinaryDataError.advice(dataSet))"
            }
            return "\(path) is \(grouped(size)) bytes, \(grouped(size - total)) past the expected end at byte "
                + "\(grouped(total)): \(layout); it is not a \(what) — \(BinaryDataError.advice(dataSet))"
        case let .labelOutOfRange(path, dataSet, index, label, allowed, offset):
            return "\(path) gives record \(grouped(index)) the label \(label) (byte \(grouped(offset))), but \(dataSet) "
                + "labels are \(allowed.lowerBound)…\(allowed.upperBound); the file is corrupt or is not a \(dataSet) "
                + "file — \(BinaryDataError.advice(dataSet))"
        case let .sizesDisagree(dataSet, imagesPath, images, imagesSize, labelsPath, labels):
            return "\(imagesPath) holds \(grouped(images)) images (\(grouped(imagesSize)) bytes) but \(labelsPath) holds "
                + "\(grouped(labels)) labels; the two files do not belong together — \(BinaryDataError.advice(dataSet))"
        }
    }
}
