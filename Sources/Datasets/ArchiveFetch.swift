import Foundation
import NumericCore

/// Downloads the tarball of data set `name` (CIFAR-10 or STL-10) and unpacks the files thermo reads into `folder`
/// (default: `userDataFolder(environment:)/NAME`, else ./data/NAME), flat — without the tarball's
/// `cifar-10-batches-bin`/`stl10_binary` folder. `mirrors` are base URLs holding the tarball under its published
/// name (default: the published URL); a `file://` URL names a local folder holding it (a tarball downloaded on
/// another machine).
///
/// The tarball goes to a temporary file in the target folder and must match its published MD5; the members are
/// unpacked into a temporary folder beside it and read as `loadDataSet` reads them (sizes, counts, labels, and
/// STL-10's per-file MD5s); only then are they renamed into place, and the tarball and the temporary folder are
/// removed. Existing files are never replaced unless `force`; on any failure nothing is left behind.
public func fetchArchiveDataSet(named name: String, to folder: String? = nil, mirrors: [String]? = nil,
                                force: Bool = false,
                                currentDirectory: String = FileManager.default.currentDirectoryPath,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                log: (String) -> Void = { _ in }) throws -> BinaryDataSetReport {
    try fetchArchiveDataSet(DataSetDescription.named(name), to: folder, mirrors: mirrors, force: force,
                            currentDirectory: currentDirectory, environment: environment, log: log)
}

/// `fetchArchiveDataSet(named:…)` for a description (tests give one whose archive is synthetic).
func fetchArchiveDataSet(_ description: DataSetDescription, to folder: String?, mirrors: [String]?, force: Bool,
                         currentDirectory: String, environment: [String: String],
                         log: (String) -> Void) throws -> BinaryDataSetReport {
    let name = description.name
    guard let archive = description.archive else { preconditionFailure("\(name) has no archive: use fetchDataSet") }
    let defaultFolder = userDataFolder(environment: environment).map { $0 + "/" + name } ?? "data/\(name)"
    let target = resolvePath(folder ?? defaultFolder, relativeTo: currentDirectory)
    let names = description.format.fileNames
    let manager = FileManager.default
    let existing = names.filter { manager.fileExists(atPath: target + "/" + $0) }
    if !existing.isEmpty && !force { throw FetchError.wouldOverwrite(name: name, folder: target, files: existing) }

    var created: [String] = []
    var ancestor = target
    while !ancestor.isEmpty && ancestor != "/" && !manager.fileExists(atPath: ancestor) {
        created.append(ancestor)
        ancestor = folderOfPath(ancestor)
    }
    do {
        try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
    } catch {
        throw FetchError.cannotWrite(folder: target, reason: error.localizedDescription)
    }
    let token = UUID().uuidString.prefix(8)
    let tarball = target + "/.\(archive.fileName).part-\(token)"
    let unpacked = target + "/.\(name)-unpacked-\(token)"
    var committed = false
    defer {
        try? manager.removeItem(atPath: tarball)
        try? manager.removeItem(atPath: unpacked)
        if !committed { for folder in created { rmdir(folder) } }
    }
    let sources = (mirrors?.isEmpty == false ? mirrors!.map { $0.hasSuffix("/") ? $0 + archive.fileName : $0 + "/" + archive.fileName } : nil)
        ?? archive.urls
    let archiveReport = try downloadArchive(archive, from: sources, to: tarball, name: name, folder: target, log: log)

    log("unpacking \(names.joined(separator: ", "))")
    try? manager.createDirectory(atPath: unpacked, withIntermediateDirectories: false)
    var members: [String: String] = [:]
    for file in names { members[(description.format.archiveFolder.map { $0 + "/" } ?? "") + file] = unpacked + "/" + file }
    do {
        _ = try TarArchive.extract(gzipPath: tarball, members: members)
    } catch {
        throw FetchError.allMirrorsFailed(file: archive.fileName, attempts: [String(describing: (error as? IDXError)?.naming(dataSet: name) ?? error)
            .replacingOccurrences(of: tarball, with: archive.fileName)])
    }
    let checked = verifyBinaryDataSetFiles(description, folder: unpacked)
    guard checked.isSound else {
        throw FetchError.inconsistentFiles(reason: checked.problems.joined(separator: "; ")
            .replacingOccurrences(of: unpacked, with: target))
    }
    for file in names {
        if publish(unpacked + "/" + file, over: target + "/" + file) != nil {
            throw FetchError.cannotWrite(folder: target, reason: InputFile.lastError())
        }
    }
    committed = true
    return BinaryDataSetReport(dataSet: description, directory: target,
                               files: checked.files.map { BinaryFileReport(name: $0.name, path: target + "/" + $0.name, size: $0.size,
                                                                           md5: $0.md5, verdict: $0.verdict) },
                               archive: archiveReport, trainHistogram: checked.trainHistogram,
                               testHistogram: checked.testHistogram, problems: [])
}

/// Copies a tarball given as a file:// mirror (one downloaded on another machine) to `tarball`; its size.
private func copyArchive(_ path: String, to tarball: String) throws -> Int {
    do {
        try? FileManager.default.removeItem(atPath: tarball)
        try FileManager.default.copyItem(atPath: path, toPath: tarball)
        return try InputFile(path: tarball).size
    } catch {
        throw DownloadFailure.transfer(reason: "cannot copy \(path): \(error.localizedDescription)")
    }
}

/// Downloads the tarball from the first of `sources` that gives a copy matching the published MD5.
private func downloadArchive(_ archive: DataSetArchive, from sources: [String], to tarball: String, name: String,
                             folder: String, log: (String) -> Void) throws -> ArchiveReport {
    var attempts: [String] = []
    var unreachable = 0
    for address in sources {
        guard let url = URL(string: address), url.scheme != nil else {
            attempts.append("\(address): not a valid URL")
            continue
        }
        log("downloading \(address)")
        do {
            let bytes = url.isFileURL ? try copyArchive(url.path, to: tarball)
                : try downloadFile(from: url, to: tarball, limit: archive.downloadLimit)
            let md5 = try md5OfFile(tarball)
            guard md5 == archive.checksum.hex else {
                let line = "its md5 is \(md5), not the published \(archive.checksum.hex)"
                log("  rejected: \(line)")
                attempts.append("\(address): \(line)")
                continue
            }
            log("  \(grouped(bytes)) bytes, md5 matches the published one")
            return ArchiveReport(path: address, md5: md5, verdict: .matches(archive.checksum))
        } catch let failure as DownloadFailure {
            log("  failed: \(failure)")
            if failure.isUnreachable { unreachable += 1; attempts.append("\(failure)") } else { attempts.append("\(address): \(failure)") }
        }
    }
    if unreachable > 0 && unreachable == attempts.count {
        throw FetchError.noNetworkForArchive(name: name, folder: folder, archive: archive.fileName,
                                             urls: archive.urls, attempts: attempts)
    }
    throw FetchError.allMirrorsFailed(file: archive.fileName, attempts: attempts)
}
