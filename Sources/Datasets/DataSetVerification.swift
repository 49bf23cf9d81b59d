import Crypto
import Foundation

/// What checking one file of a data set found.
public struct FileReport: Sendable {
    /// What was found in the file.
    public enum Outcome: Sendable {
        /// The file is a valid IDX file; `sha256` is the SHA-256 of its decompressed bytes.
        case valid(storage: IDXStorage, dimensions: [Int], sha256: String, verdict: ChecksumVerdict)
        /// The file could not be read or is not valid IDX.
        case invalid(IDXError)
    }

    /// Which file.
    public let role: DataSetFileRole
    /// Where it is.
    public let path: String
    /// What was found.
    public let outcome: Outcome
    /// The data set the file belongs to, named in the advice of ``problem``.
    var dataSetName = "<name>"

    /// The problem with this file, as one line, if there is one (invalid, or a checksum mismatch).
    public var problem: String? {
        switch outcome {
        case .invalid(let error):
            return error.description
        case .valid(_, _, _, let verdict):
            if case .mismatch(let expected, let actual) = verdict {
                let line = DataSetError.checksumMismatch(dataSet: dataSetName, path: path, expected: expected, actual: actual).description
                guard expected.kind == .md5OfGzipFile else { return line }
                return line + " (a re-compressed copy of good data would differ too: no checksum of the "
                    + "decompressed bytes is published)"
            }
            return nil
        }
    }
}

/// What checking a whole data set found: each file, the label histograms, and every problem.
public struct DataSetReport: Sendable {
    /// The data set checked.
    public let dataSet: DataSetDescription
    /// The folder checked.
    public let directory: String
    /// One report per file, in `DataSetFileRole.allCases` order.
    public let files: [FileReport]
    /// Labels per class in the training split (when its two files are valid and agree).
    public let trainHistogram: [Int]?
    /// Labels per class in the test split (when its two files are valid and agree).
    public let testHistogram: [Int]?
    /// Every problem found, one line each; empty when the data set is sound.
    public let problems: [String]

    /// Whether every file is valid, the files agree, and no checksum differs from the canonical one.
    public var isSound: Bool { problems.isEmpty }

    /// The files for which no canonical checksum could be compared.
    public var unverifiedFiles: [FileReport] {
        files.filter { if case .valid(_, _, _, .unknown) = $0.outcome { return true } else { return false } }
    }
}

/// Locates data set `name` (as `locateDataSet` does) and checks it: see `verifyDataSetFiles`.
public func verifyDataSet(named name: String, directory: String?,
                          environment: [String: String] = ProcessInfo.processInfo.environment,
                          currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> DataSetReport {
    let description = try DataSetDescription.named(name)
    let folder = try locateDataSet(named: name, directory: directory, environment: environment,
                                   currentDirectory: currentDirectory)
    return verifyDataSetFiles(description, files: dataSetFiles(in: folder), directory: folder)
}

/// Checks each file (IDX structure and the SHA-256 of its decompressed bytes against the canonical
/// checksum, or the MD5 of the `.gz` file where only that is published), then the files against each other
/// (counts, labels below `classes`, image sizes). Never throws: everything found is in the report.
public func verifyDataSetFiles(_ description: DataSetDescription, files: [DataSetFileRole: String],
                               directory: String) -> DataSetReport {
    var reports: [FileReport] = []
    var read: [DataSetFileRole: IDXFile] = [:]
    for role in DataSetFileRole.allCases {
        guard let path = files[role] else {
            let path = directory + "/" + role.gzipFileName
            let error = IDXError.unreadable(path: path, reason: "no such file (nor \(role.fileName))").naming(dataSet: description.name)
            reports.append(FileReport(role: role, path: path, outcome: .invalid(error), dataSetName: description.name))
            continue
        }
        let (report, file) = checkDataSetFile(role, path: path, description: description)
        reports.append(report)
        read[role] = file
    }
    return crossCheck(description, reports: reports, files: read, directory: directory)
}

/// Checks one file on its own: IDX structure, and its checksum against the canonical one.
/// Returns the report (its errors naming the data set), and the file when it is valid.
func checkDataSetFile(_ role: DataSetFileRole, path: String,
                      description: DataSetDescription) -> (FileReport, IDXFile?) {
    do {
        let file = try IDXFile(reading: path, dimensionCount: role.dimensionCount)
        let sha = hexString(file.sha256())
        let verdict = try ChecksumVerdict.judge(checksums: description.checksums[role] ?? [], sha256: sha,
                                                storage: file.storage, gzipMD5: { try md5OfFile(path) })
        let outcome = FileReport.Outcome.valid(storage: file.storage, dimensions: file.dimensions, sha256: sha,
                                               verdict: verdict)
        return (FileReport(role: role, path: path, outcome: outcome, dataSetName: description.name), file)
    } catch let error as IDXError {
        return (FileReport(role: role, path: path, outcome: .invalid(error.naming(dataSet: description.name)),
                           dataSetName: description.name), nil)
    } catch {
        let error = IDXError.unreadable(path: path, reason: "\(error)").naming(dataSet: description.name)
        return (FileReport(role: role, path: path, outcome: .invalid(error), dataSetName: description.name), nil)
    }
}

/// Checks the valid files against each other (counts, labels below `classes`, image sizes) and gathers
/// every problem of `reports` and of the cross-checks into one report.
func crossCheck(_ description: DataSetDescription, reports: [FileReport], files: [DataSetFileRole: IDXFile],
                directory: String) -> DataSetReport {
    var problems = reports.compactMap(\.problem)
    var histograms: [String: [Int]] = [:]
    var shapes: [String: [Int]] = [:]
    for (imagesRole, labelsRole) in [(DataSetFileRole.trainImages, DataSetFileRole.trainLabels), (.testImages, .testLabels)] {
        guard let images = files[imagesRole], let labels = files[labelsRole] else { continue }
        do {
            let split = try makeSplit(images: images, labels: labels, classes: description.classes)
            histograms[imagesRole.split] = split.labelHistogram(classes: description.classes)
            shapes[imagesRole.split] = [split.rows, split.columns]
        } catch {
            problems.append(String(describing: (error as? IDXError)?.naming(dataSet: description.name) ?? error))
        }
    }
    if let train = shapes["train"], let test = shapes["test"], train != test {
        problems.append(DataSetError.splitShapesDiffer(dataSet: description.name, directory: directory, train: train, test: test).description)
    }
    return DataSetReport(dataSet: description, directory: directory, files: reports,
                         trainHistogram: histograms["train"], testHistogram: histograms["test"], problems: problems)
}

/// The MD5 of a file's bytes as stored (hexadecimal), read in chunks.
public func md5OfFile(_ path: String) throws -> String {
    let file = try InputFile(path: path)
    let chunk = 1 << 20
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
    defer { buffer.deallocate() }
    var hasher = Insecure.MD5()
    var offset = 0
    while true {
        let n = try file.read(into: buffer, count: chunk, at: offset)
        if n == 0 { break }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: n))
        offset += n
    }
    return hexString(hasher.finalize())
}
