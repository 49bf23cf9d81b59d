/// A published checksum of one data-set file, and where it was published.
public struct KnownChecksum: Sendable, Equatable {
    /// What the checksum covers.
    public enum Kind: Sendable, Equatable {
        /// SHA-256 of the decompressed IDX bytes: holds whatever the file's compression.
        case sha256OfDecompressed
        /// MD5 of the `.gz` file as distributed: holds only for that exact compressed file.
        case md5OfGzipFile
        /// MD5 of the tarball a binary-format data set is distributed as (CIFAR-10, STL-10).
        case md5OfArchive
        /// MD5 of one file as extracted from that tarball (STL-10's `.bin` files).
        case md5OfFile
    }

    /// What the checksum covers.
    public let kind: Kind
    /// Lower-case hexadecimal digest.
    public let hex: String
    /// Where the value comes from.
    public let source: String

    /// A checksum of `kind` with digest `hex` (lower-case hexadecimal), published at `source`.
    public init(kind: Kind, hex: String, source: String) {
        self.kind = kind
        self.hex = hex.lowercased()
        self.source = source
    }

    /// A short name of the kind ("sha256 of the decompressed bytes").
    public var kindDescription: String {
        switch kind {
        case .sha256OfDecompressed: return "sha256 of the decompressed bytes"
        case .md5OfGzipFile: return "md5 of the .gz file"
        case .md5OfArchive: return "md5 of the .tar.gz archive"
        case .md5OfFile: return "md5 of the file"
        }
    }
}

/// How a file compares with its data set's canonical checksums.
public enum ChecksumVerdict: Sendable, Equatable {
    /// The file matches this canonical checksum.
    case matches(KnownChecksum)
    /// The file differs from this canonical checksum (`actual` is the file's digest of the same kind).
    case mismatch(expected: KnownChecksum, actual: String)
    /// Nothing to compare with: no canonical checksum is known for this file in this form.
    case unknown(reason: String)

    /// Whether the file is known to differ from the canonical data.
    public var isMismatch: Bool { if case .mismatch = self { return true } else { return false } }

    /// Whether the file is known to match the canonical data.
    public var isMatch: Bool { if case .matches = self { return true } else { return false } }

    /// Compares a file with `checksums`: the SHA-256 of its decompressed bytes (`sha256`, hexadecimal) when
    /// one is published, else the MD5 of the `.gz` file (`gzipMD5`, computed only when needed and only for
    /// a gzip file).
    public static func judge(checksums: [KnownChecksum], sha256: String, storage: IDXStorage,
                             gzipMD5: () throws -> String) rethrows -> ChecksumVerdict {
        if let canonical = checksums.first(where: { $0.kind == .sha256OfDecompressed }) {
            return canonical.hex == sha256 ? .matches(canonical) : .mismatch(expected: canonical, actual: sha256)
        }
        guard let canonical = checksums.first(where: { $0.kind == .md5OfGzipFile }) else {
            return .unknown(reason: "no canonical checksum known")
        }
        guard storage == .gzip else {
            return .unknown(reason: "no canonical checksum known for the decompressed bytes (only an md5 of the "
                            + "published .gz file, and this file is not compressed)")
        }
        let md5 = try gzipMD5()
        return canonical.hex == md5 ? .matches(canonical) : .mismatch(expected: canonical, actual: md5)
    }
}

/// The canonical checksums thermo knows, each with its source. None is made up: a data set or file with
/// no published checksum has none here, and is reported as "no canonical checksum known".
enum CanonicalChecksums {
    private static let mnistSource = "sha256sum of the gunzipped files of the canonical MNIST distribution (the four .gz files of LeCun and Cortes, whose MD5 sums torchvision publishes)"

    /// MNIST: SHA-256 of the decompressed IDX files.
    static let mnist: [DataSetFileRole: [KnownChecksum]] = [
        .trainImages: [sha("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", mnistSource)],
        .trainLabels: [sha("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", mnistSource)],
        .testImages: [sha("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", mnistSource)],
        .testLabels: [sha("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", mnistSource)],
    ]

    private static let fashionSource = "Fashion-MNIST README (github.com/zalandoresearch/fashion-mnist, 'Get the Data'): md5 of the .gz files"

    /// Fashion-MNIST: the publishers list only the MD5 of each `.gz` file.
    static let fashionMNIST: [DataSetFileRole: [KnownChecksum]] = [
        .trainImages: [md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d", fashionSource)],
        .trainLabels: [md5("25c81989df183df01b3e8a0aad5dffbe", fashionSource)],
        .testImages: [md5("bef4ecab320f06d8554ea6380940ec79", fashionSource)],
        .testLabels: [md5("bb300cfdad3c16e7a12a480ee83cd310", fashionSource)],
    ]

    private static let kmnistSource = "torchvision.datasets.KMNIST resources (github.com/pytorch/vision, torchvision/datasets/mnist.py): md5 of the .gz files"

    /// KMNIST: MD5 of each `.gz` file, as torchvision checks them.
    static let kmnist: [DataSetFileRole: [KnownChecksum]] = [
        .trainImages: [md5("bdb82020997e1d708af4cf47b453dcf7", kmnistSource)],
        .trainLabels: [md5("e144d726b3acfaa3e44228e80efcd344", kmnistSource)],
        .testImages: [md5("5c965bf0a639b31b8f53240b1b52f4d7", kmnistSource)],
        .testLabels: [md5("7320c461ea6c1c855c0b718fb2a4b134", kmnistSource)],
    ]

    /// Where the CIFAR-10 binary tarball's MD5 is published (torchvision checks the Python version's tarball; the
    /// authors' page lists the binary one's).
    static let cifarSource = "the CIFAR-10 page (https://www.cs.toronto.edu/~kriz/cifar.html): md5 of cifar-10-binary.tar.gz"
    /// Where STL-10's MD5s are published.
    static let stlSource = "torchvision.datasets.STL10 (github.com/pytorch/vision, torchvision/datasets/stl10.py): md5 of the tarball and of each extracted file"

    /// STL-10: MD5 of each extracted file, as torchvision checks them (CIFAR-10's binary files have none published).
    static let stl10Files: [String: KnownChecksum] = [
        "train_X.bin": KnownChecksum(kind: .md5OfFile, hex: "918c2871b30a85fa023e0c44e0bee87f", source: stlSource),
        "train_y.bin": KnownChecksum(kind: .md5OfFile, hex: "5a34089d4802c674881badbb80307741", source: stlSource),
        "test_X.bin": KnownChecksum(kind: .md5OfFile, hex: "7f263ba9f9e0b06b93213547f721ac82", source: stlSource),
        "test_y.bin": KnownChecksum(kind: .md5OfFile, hex: "36f9794fa4beb8a2c72628de14fa638e", source: stlSource),
    ]

    private static func sha(_ hex: String, _ source: String) -> KnownChecksum {
        KnownChecksum(kind: .sha256OfDecompressed, hex: hex, source: source)
    }

    private static func md5(_ hex: String, _ source: String) -> KnownChecksum {
        KnownChecksum(kind: .md5OfGzipFile, hex: hex, source: source)
    }
}
