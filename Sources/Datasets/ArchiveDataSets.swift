import Foundation

/// What checking one file of a CIFAR-10 or STL-10 folder found.
public struct BinaryFileReport: Sendable {
    /// The file's name (`data_batch_1.bin`).
    public let name: String
    /// Where it is.
    public let path: String
    /// Its size in bytes (nil when it cannot be read).
    public let size: Int?
    /// The MD5 of its bytes (nil when it cannot be read).
    public let md5: String?
    /// How it compares with the published checksum of the extracted file.
    public let verdict: ChecksumVerdict
}

/// What checking the tarball a data set is distributed as found.
public struct ArchiveReport: Sendable {
    /// Where it is.
    public let path: String
    /// Its MD5.
    public let md5: String
    /// How it compares with the published MD5.
    public let verdict: ChecksumVerdict
}

/// What checking a CIFAR-10 or STL-10 folder found: each file, the tarball when it is there, the label histograms
/// and every problem.
public struct BinaryDataSetReport: Sendable {
    /// The data set checked.
    public let dataSet: DataSetDescription
    /// The folder holding the `.bin` files.
    public let directory: String
    /// One report per file, in `DataSetFormat.fileNames` order.
    public let files: [BinaryFileReport]
    /// The tarball's check, when the tarball was found beside the files (or was just downloaded).
    public let archive: ArchiveReport?
    /// Labels per class in the training split (when it could be read).
    public let trainHistogram: [Int]?
    /// Labels per class in the test split (when it could be read).
    public let testHistogram: [Int]?
    /// Every problem found, one line each; empty when the data set is sound.
    public let problems: [String]

    /// Whether every file is readable, the splits are valid and no checksum differs from the published one.
    public var isSound: Bool { problems.isEmpty }

    /// Whether some published checksum (of a file, or of the tarball) was compared and matched.
    public var isVerified: Bool {
        archive?.verdict.isMatch == true || (!files.isEmpty && files.allSatisfy { $0.verdict.isMatch })
    }
}

/// Locates data set `name` (CIFAR-10 or STL-10) as `locateDataSet` does and checks it: see `verifyBinaryDataSetFiles`.
public func verifyBinaryDataSet(named name: String, directory: String?,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> BinaryDataSetReport {
    let description = try DataSetDescription.named(name)
    precondition(description.format != .idx, "\(name) is an IDX data set: use verifyDataSet")
    let folder = try locateDataSet(named: name, directory: directory, environment: environment,
                                   currentDirectory: currentDirectory)
    return verifyBinaryDataSetFiles(description, folder: folder)
}

/// Checks a CIFAR-10 or STL-10 folder: each file's MD5 against the published one where there is one (STL-10's
/// files; CIFAR-10 publishes only its tarball's), the tarball's MD5 when `archivePath` (default: the tarball beside
/// the files or beside their `cifar-10-batches-bin`/`stl10_binary` folder) exists, then the whole data set as
/// `BinaryDataSetReader` reads it (sizes, record counts, labels). Never throws: everything found is in the report.
public func verifyBinaryDataSetFiles(_ description: DataSetDescription, folder: String,
                                     archivePath: String? = nil) -> BinaryDataSetReport {
    var problems: [String] = []
    var files: [BinaryFileReport] = []
    for name in description.format.fileNames {
        let path = folder + "/" + name
        do {
            let size = try InputFile(path: path).size
            let md5 = try md5OfFile(path)
            var verdict = ChecksumVerdict.unknown(reason: "no checksum of the extracted file is published (only the md5 of "
                                                  + "\(description.archive?.fileName ?? "the tarball"))")
            if let canonical = description.archive?.fileChecksums[name] {
                verdict = canonical.hex == md5 ? .matches(canonical) : .mismatch(expected: canonical, actual: md5)
                if case .mismatch = verdict {
                    problems.append(DataSetError.checksumMismatch(dataSet: description.name, path: path, expected: canonical, actual: md5).description)
                }
            }
            files.append(BinaryFileReport(name: name, path: path, size: size, md5: md5, verdict: verdict))
        } catch {
            problems.append(String(describing: error))
            files.append(BinaryFileReport(name: name, path: path, size: nil, md5: nil,
                                          verdict: .unknown(reason: "unreadable")))
        }
    }
    let archive = checkArchive(description, folder: folder, archivePath: archivePath, problems: &problems)
    var histograms: ([Int], [Int])?
    // The files are read as training reads them whenever each one could be opened, also after a checksum
    // mismatch: a file may differ from the published one and still be sound, or hold a bad label besides.
    if files.allSatisfy({ $0.size != nil }) {
        do {
            let (train, test) = try description.format == .cifar10 ? BinaryDataSetReader.readCIFAR10(folder: folder)
                : BinaryDataSetReader.readSTL10(folder: folder)
            histograms = (train.labelHistogram(classes: description.classes), test.labelHistogram(classes: description.classes))
        } catch {
            problems.append(String(describing: error))
        }
    }
    return BinaryDataSetReport(dataSet: description, directory: folder, files: files, archive: archive,
                               trainHistogram: histograms?.0, testHistogram: histograms?.1,
                               problems: problems)
}

/// The tarball's check, when it is at `archivePath` or beside the files (or beside their tarball folder).
private func checkArchive(_ description: DataSetDescription, folder: String, archivePath: String?,
                          problems: inout [String]) -> ArchiveReport? {
    guard let archive = description.archive else { return nil }
    var candidates = [folder + "/" + archive.fileName]
    if let sub = description.format.archiveFolder, folder.hasSuffix("/" + sub) {
        candidates.append(String(folder.dropLast(sub.count + 1)) + "/" + archive.fileName)
    }
    guard let path = archivePath ?? candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else { return nil }
    do {
        let md5 = try md5OfFile(path)
        let canonical = archive.checksum
        let verdict: ChecksumVerdict = canonical.hex == md5 ? .matches(canonical) : .mismatch(expected: canonical, actual: md5)
        if verdict.isMismatch {
            problems.append(DataSetError.checksumMismatch(dataSet: description.name, path: path, expected: canonical, actual: md5).description)
        }
        return ArchiveReport(path: path, md5: md5, verdict: verdict)
    } catch {
        problems.append(String(describing: error))
        return nil
    }
}
