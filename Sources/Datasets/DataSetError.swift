import NumericCore

/// What went wrong finding or checking a data set, as one line that says what to do.
public enum DataSetError: Error, Sendable, Equatable, DescribedError {
    /// `name` is not a data set thermo knows.
    case unknownName(name: String, known: [String])
    /// The data set's four files were not found in any of `places` (in the order they were searched).
    case notFound(name: String, places: [SearchedPlace])
    /// The train and test images of data set `dataSet` have different sizes.
    case splitShapesDiffer(dataSet: String, directory: String, train: [Int], test: [Int])
    /// A file of data set `dataSet` has a checksum other than the canonical one.
    case checksumMismatch(dataSet: String, path: String, expected: KnownChecksum, actual: String)

    /// One line: what is wrong and what to do.
    public var description: String {
        switch self {
        case let .unknownName(name, known):
            return "unknown data set '\(name)'; thermo knows: \(known.joined(separator: ", "))"
        case let .notFound(name, places):
            let looked = places.enumerated()
                .map { "\($0.offset + 1)) \($0.element.path) [\($0.element.origin)]: \($0.element.finding)" }
                .joined(separator: "; ")
            if let format = (try? DataSetDescription.named(name))?.format, format != .idx {
                return "data set '\(name)' not found; looked in \(looked). Get it with 'thermo data fetch \(name)', "
                    + "or unpack its tarball into one of those folders (the files \(format.fileNames.joined(separator: ", ")) "
                    + "may sit in the folder or in its \(format.archiveFolder ?? "")/ subfolder), pass --data DIR, "
                    + "or set THERMO_DATA=DIR"
            }
            let files = DataSetFileRole.allCases.map(\.gzipFileName).joined(separator: ", ")
            return "data set '\(name)' not found; looked in \(looked). Get it with 'thermo data fetch \(name)', "
                + "or copy its four files (\(files); raw or .gz) into one of those folders, pass --data DIR, "
                + "or set THERMO_DATA=DIR"
        case let .splitShapesDiffer(name, directory, train, test):
            return "the data set in \(directory) mixes image sizes: train images are "
                + "\(train.map(String.init).joined(separator: "×")), test images "
                + "\(test.map(String.init).joined(separator: "×")); the files come from different data sets — "
                + "re-download it with 'thermo data fetch \(name) --force'"
        case let .checksumMismatch(name, path, expected, actual):
            return "\(path) does not match the canonical \(expected.kindDescription) (expected \(expected.hex), got "
                + "\(actual)); it is corrupt or a different version — re-download it with "
                + "'thermo data fetch \(name) --force'"
        }
    }
}

/// One place searched for a data set, and what was found there.
public struct SearchedPlace: Sendable, Equatable {
    /// Why it was searched: "--data", "$THERMO_DATA", "$XDG_DATA_HOME/thermo/NAME", "./data/NAME".
    public let origin: String
    /// The folder, as an absolute path.
    public let path: String
    /// What was there: "no such folder", "missing t10k-labels-idx1-ubyte[.gz]", "found".
    public let finding: String

    /// A searched place.
    public init(origin: String, path: String, finding: String) {
        self.origin = origin
        self.path = path
        self.finding = finding
    }
}
