import Foundation
import NumericCore

/// Why fetching a data set failed, as one line that says what to do. Whatever the failure, the target
/// folder's existing files are left as they were and no temporary file is left behind.
public enum FetchError: Error, Sendable, DescribedError {
    /// Files of the data set are already there and `--force` was not given.
    case wouldOverwrite(name: String, folder: String, files: [String])
    /// No mirror could be reached: the machine probably has no network. `attempts` are "URL: reason".
    case noNetwork(name: String, folder: String, attempts: [String])
    /// The tarball of a CIFAR-10 or STL-10 data set could not be downloaded from any of its `urls`: no network.
    case noNetworkForArchive(name: String, folder: String, archive: String, urls: [String], attempts: [String])
    /// Every mirror failed for one file (bad answers, invalid or corrupt files). `attempts` are "URL: reason".
    case allMirrorsFailed(file: String, attempts: [String])
    /// The downloaded files are each valid but do not fit together.
    case inconsistentFiles(reason: String)
    /// The target folder cannot be created or written.
    case cannotWrite(folder: String, reason: String)

    /// One line.
    public var description: String {
        switch self {
        case let .wouldOverwrite(name, folder, files):
            return "\(folder) already holds \(files.joined(separator: ", ")); nothing was downloaded — pass --force "
                + "to replace them (or check them with 'thermo data verify \(name) --data \(folder)')"
        case let .noNetwork(name, folder, attempts):
            return "cannot reach any mirror of \(name) (\(attempts.joined(separator: "; "))): this machine seems to have "
                + "no network access. Copy the four .gz files into \(folder) from a machine that has, or pass "
                + "--mirror URL for a reachable copy"
        case let .noNetworkForArchive(name, folder, archive, urls, attempts):
            return "cannot download \(archive) for \(name) (\(attempts.joined(separator: "; "))): this machine seems to have "
                + "no network access. Download \(urls.joined(separator: " or ")) on a machine that has, and unpack it "
                + "into \(folder) (mkdir -p \(folder) && tar xzf \(archive) -C \(folder); its own folder inside may stay), "
                + "or pass --mirror URL for a reachable copy"
        case let .allMirrorsFailed(file, attempts):
            return "could not get a valid \(file): \(attempts.joined(separator: "; ")); nothing was moved into place"
        case let .inconsistentFiles(reason):
            return "the downloaded files do not fit together: \(reason); nothing was moved into place"
        case let .cannotWrite(folder, reason):
            return "cannot write into \(folder): \(reason)"
        }
    }
}

/// Largest `.gz` file a fetch accepts (the MNIST-family files are under 30 MB).
public let maximumDownloadBytes = 256 << 20

/// Downloads the four `.gz` files of data set `name` into `folder` (default: the per-user data folder
/// `userDataFolder(environment:)/NAME`, or ./data/NAME where there is none; relative paths are taken from
/// `currentDirectory`) from `mirrors` (default: the data set's public mirrors, tried in order).
///
/// Each file goes to a temporary file in the target folder and is validated there — IDX structure,
/// sizes, and the canonical checksum when one is known — and a copy that fails makes the next mirror be
/// tried. Once all four are valid and fit together (counts, labels, image sizes) they are renamed into
/// place. Existing files are never replaced unless `force`; on any failure the temporaries are removed
/// and the folder is left as it was. `log` receives one line per step.
public func fetchDataSet(named name: String, to folder: String? = nil, mirrors: [String]? = nil, force: Bool = false,
                         currentDirectory: String = FileManager.default.currentDirectoryPath,
                         environment: [String: String] = ProcessInfo.processInfo.environment,
                         log: (String) -> Void = { _ in }) throws -> DataSetReport {
    let description = try DataSetDescription.named(name)
    let defaultFolder = userDataFolder(environment: environment).map { $0 + "/" + name } ?? "data/\(name)"
    let target = resolvePath(folder ?? defaultFolder, relativeTo: currentDirectory)
    let sources = (mirrors?.isEmpty == false ? mirrors : nil) ?? description.mirrors
    let manager = FileManager.default

    let existing = DataSetFileRole.allCases.flatMap { role in
        [role.fileName, role.gzipFileName].filter { manager.fileExists(atPath: target + "/" + $0) }
    }
    if !existing.isEmpty && !force { throw FetchError.wouldOverwrite(name: name, folder: target, files: existing) }
    // The folders this fetch creates, deepest first: removed again (if still empty) when it fails.
    var createdFolders: [String] = []
    var ancestor = target
    while !ancestor.isEmpty && ancestor != "/" && !manager.fileExists(atPath: ancestor) {
        createdFolders.append(ancestor)
        ancestor = folderOfPath(ancestor)
    }
    do {
        try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
    } catch {
        throw FetchError.cannotWrite(folder: target, reason: error.localizedDescription)
    }

    var temporaries: [DataSetFileRole: String] = [:]
    var reports: [FileReport] = []
    var files: [DataSetFileRole: IDXFile] = [:]
    var committed = false
    defer {
        if !committed {
            for path in temporaries.values { try? manager.removeItem(atPath: path) }
            for created in createdFolders { rmdir(created) }  // only if still empty
        }
    }
    let token = UUID().uuidString.prefix(8)
    for role in DataSetFileRole.allCases {
        let temporary = target + "/.\(role.gzipFileName).part-\(token)"
        temporaries[role] = temporary
        let (report, file) = try downloadValidCopy(role, of: name, description: description, from: sources,
                                                   to: temporary, folder: target, log: log)
        reports.append(report)
        files[role] = file
    }

    // Every file is valid on its own; now they must fit together.
    let report = crossCheck(description, reports: reports, files: files, directory: target)
    files = [:]
    if !report.isSound {
        throw FetchError.inconsistentFiles(reason: report.problems.joined(separator: "; "))
    }
    for role in DataSetFileRole.allCases {
        guard let temporary = temporaries[role] else { continue }
        if publish(temporary, over: target + "/" + role.gzipFileName) != nil {
            throw FetchError.cannotWrite(folder: target, reason: InputFile.lastError())
        }
        temporaries[role] = nil
        // A raw copy beside the new .gz would be read instead of it: with --force, it goes.
        let raw = target + "/" + role.fileName
        if manager.fileExists(atPath: raw) {
            try? manager.removeItem(atPath: raw)
            log("removed the old \(raw), replaced by \(role.gzipFileName)")
        }
    }
    committed = true
    return report
}

/// Downloads file `role` of data set `name` into `temporary` from the first of `mirrors` whose copy is valid
/// (IDX structure, sizes, canonical checksum), trying them in order; its report names its final place in `folder`.
/// Throws `noNetwork` when no mirror could be reached, `allMirrorsFailed` when none had a valid copy.
private func downloadValidCopy(_ role: DataSetFileRole, of name: String, description: DataSetDescription,
                               from mirrors: [String], to temporary: String, folder: String,
                               log: (String) -> Void) throws -> (FileReport, IDXFile?) {
    var attempts: [String] = []
    var unreachable = 0
    for mirror in mirrors {
        let address = mirror.hasSuffix("/") ? mirror + role.gzipFileName : mirror + "/" + role.gzipFileName
        guard let url = URL(string: address), url.scheme != nil else {
            attempts.append("\(address): not a valid URL")
            continue
        }
        log("downloading \(address)")
        do {
            let bytes = try downloadFile(from: url, to: temporary, limit: maximumDownloadBytes)
            let (report, file) = checkDataSetFile(role, path: temporary, description: description)
            if let problem = downloadProblem(report, file: file) {
                // The messages name the temporary file; the URL says which copy it was.
                let shown = problem.replacingOccurrences(of: temporary, with: role.gzipFileName)
                log("  rejected: \(shown)")
                attempts.append("\(address): \(shown)")
                continue
            }
            log("  \(grouped(bytes)) bytes, valid")
            return (FileReport(role: role, path: folder + "/" + role.gzipFileName, outcome: report.outcome,
                               dataSetName: description.name), file)
        } catch let failure as DownloadFailure {
            log("  failed: \(failure)")
            if failure.isUnreachable {
                unreachable += 1
                attempts.append("\(failure)")
            } else {
                attempts.append("\(address): \(failure)")
            }
        }
    }
    if unreachable > 0 && unreachable == attempts.count {
        throw FetchError.noNetwork(name: name, folder: folder, attempts: attempts)
    }
    throw FetchError.allMirrorsFailed(file: role.gzipFileName, attempts: attempts)
}

/// What makes a downloaded file unusable, if anything: not valid IDX, not gzip, or a checksum that differs
/// from the canonical one.
private func downloadProblem(_ report: FileReport, file: IDXFile?) -> String? {
    if let problem = report.problem { return problem }
    if let file, file.storage != .gzip { return "\(report.path) is not a gzip file" }
    return nil
}
