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
