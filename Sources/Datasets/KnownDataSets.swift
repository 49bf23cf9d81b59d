/// One of the four files of an MNIST-style data set.
public enum DataSetFileRole: String, Sendable, CaseIterable, Hashable {
    case trainImages, trainLabels, testImages, testLabels

    /// The file's name without `.gz` ("train-images-idx3-ubyte").
    public var fileName: String {
        switch self {
        case .trainImages: return "train-images-idx3-ubyte"
        case .trainLabels: return "train-labels-idx1-ubyte"
        case .testImages: return "t10k-images-idx3-ubyte"
        case .testLabels: return "t10k-labels-idx1-ubyte"
        }
    }

    /// The compressed file's name, as distributed ("train-images-idx3-ubyte.gz").
    public var gzipFileName: String { fileName + ".gz" }

    /// Whether the file holds images (3 dimensions) rather than labels (1).
    public var holdsImages: Bool { self == .trainImages || self == .testImages }

    /// The number of IDX dimensions the file must have.
    public var dimensionCount: Int { holdsImages ? 3 : 1 }

    /// "train" or "test".
    public var split: String { self == .trainImages || self == .trainLabels ? "train" : "test" }

    /// "images" or "labels".
    public var kind: String { holdsImages ? "images" : "labels" }
}

/// A data set thermo knows by name: its classes, where it is published, and its canonical checksums.
public struct DataSetDescription: Sendable {
    /// The name used on the command line and as folder name ("mnist").
    public let name: String
    /// A human title ("MNIST handwritten digits").
    public let title: String
    /// Number of classes.
    public let classes: Int
    /// Base URLs of public mirrors, each holding the four `.gz` files; tried in order.
    public let mirrors: [String]
    /// Canonical checksums per file (empty where none is published).
    public let checksums: [DataSetFileRole: [KnownChecksum]]
    /// How the files are laid out (IDX for the MNIST family).
    public let format: DataSetFormat
    /// The one tarball a binary-format data set is distributed as (nil for the MNIST family, whose files are
    /// distributed one by one).
    public let archive: DataSetArchive?

    /// A data set thermo knows by name.
    public init(name: String, title: String, classes: Int, mirrors: [String] = [],
                checksums: [DataSetFileRole: [KnownChecksum]] = [:], format: DataSetFormat = .idx,
                archive: DataSetArchive? = nil) {
        self.name = name
        self.title = title
        self.classes = classes
        self.mirrors = mirrors
        self.checksums = checksums
        self.format = format
        self.archive = archive
    }

    /// Every data set thermo knows, in the order they are listed to users.
    public static let all: [DataSetDescription] = [
        DataSetDescription(
            name: "mnist", title: "MNIST handwritten digits (LeCun, Cortes, Burges)", classes: 10,
            mirrors: [
                "https://ossci-datasets.s3.amazonaws.com/mnist/",
                "https://storage.googleapis.com/cvdf-datasets/mnist/",
                "http://yann.lecun.com/exdb/mnist/",
            ],
            checksums: CanonicalChecksums.mnist),
        DataSetDescription(
            name: "fashion-mnist", title: "Fashion-MNIST (Zalando Research)", classes: 10,
            mirrors: [
                "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
            ],
            checksums: CanonicalChecksums.fashionMNIST),
        DataSetDescription(
            name: "kmnist", title: "Kuzushiji-MNIST (ROIS-DS CODH)", classes: 10,
            mirrors: [
                "https://codh.rois.ac.jp/kmnist/dataset/kmnist/",
                "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
            ],
            checksums: CanonicalChecksums.kmnist),
        DataSetDescription(
            name: "cifar10", title: "CIFAR-10, binary version (Krizhevsky 2009)", classes: 10, format: .cifar10,
            archive: DataSetArchive(
                fileName: "cifar-10-binary.tar.gz", urls: ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"],
                checksum: KnownChecksum(kind: .md5OfArchive, hex: "c32a1d4ab5d03f1284b67883e8d87530",
                                        source: CanonicalChecksums.cifarSource),
                downloadLimit: 256 << 20)),
        DataSetDescription(
            name: "stl10", title: "STL-10, binary version, labelled splits (Coates, Lee, Ng 2011)", classes: 10,
            format: .stl10,
            archive: DataSetArchive(
                fileName: "stl10_binary.tar.gz", urls: ["http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"],
                checksum: KnownChecksum(kind: .md5OfArchive, hex: "91f7769df0f17e558f3565bffb0c7dfb",
                                        source: CanonicalChecksums.stlSource),
                downloadLimit: 3 << 30, fileChecksums: CanonicalChecksums.stl10Files)),
    ]

    /// The names of every known data set.
    public static var knownNames: [String] { all.map(\.name) }

    /// The data set called `name`, or `DataSetError.unknownName`.
    public static func named(_ name: String) throws -> DataSetDescription {
        guard let found = all.first(where: { $0.name == name }) else {
            throw DataSetError.unknownName(name: name, known: knownNames)
        }
        return found
    }
}

/// The tarball a data set is distributed as: its name, where to get it, its published checksum.
public struct DataSetArchive: Sendable {
    /// The tarball's file name ("cifar-10-binary.tar.gz").
    public let fileName: String
    /// Where it is published; tried in order.
    public let urls: [String]
    /// The published MD5 of the tarball.
    public let checksum: KnownChecksum
    /// Largest download accepted, in bytes: well past the tarball's size (CIFAR-10's is 170,052,171 bytes,
    /// STL-10's about 2.6 GB, most of it the unlabelled images thermo does not use).
    public let downloadLimit: Int
    /// Published checksums of the extracted files, by file name (empty where none is published).
    public let fileChecksums: [String: KnownChecksum]

    /// An archive description.
    public init(fileName: String, urls: [String], checksum: KnownChecksum, downloadLimit: Int,
                fileChecksums: [String: KnownChecksum] = [:]) {
        self.fileName = fileName
        self.urls = urls
        self.checksum = checksum
        self.downloadLimit = downloadLimit
        self.fileChecksums = fileChecksums
    }
}
