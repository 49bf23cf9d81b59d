import Foundation

/// The environment variable naming a folder of data sets (or the folder holding one data set's files).
public let dataEnvironmentVariable = "THERMO_DATA"

/// Finds a data set's folder: `directory` (the --data flag; may be the folder holding the files or a folder holding NAME/),
/// else $THERMO_DATA (same two forms), else the per-user data folder `userDataFolder(environment:)/NAME` (where
/// `thermo data fetch` puts data sets), else ./data/NAME (relative to currentDirectory).
///
/// A `directory` that is given must hold the data set (the search does not go on past it); $THERMO_DATA
/// may hold other data sets only, and the search then goes on. Throws `DataSetError.unknownName` or
/// `DataSetError.notFound`, which lists every place searched, in order.
public func locateDataSet(named name: String, directory: String?, environment: [String: String] = ProcessInfo.processInfo.environment, currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
    let description = try DataSetDescription.named(name)
    var searched: [SearchedPlace] = []
    for (origin, path) in dataSetSearchPlaces(named: name, directory: directory, environment: environment,
                                              currentDirectory: currentDirectory) {
        if description.format != .idx {
            let (found, finding) = inspectBinaryFolder(path, format: description.format)
            if let found { return found }
            searched.append(SearchedPlace(origin: origin, path: path, finding: finding))
            continue
        }
        let finding = inspectFolder(path)
        if finding == nil { return path }
        searched.append(SearchedPlace(origin: origin, path: path, finding: finding ?? ""))
    }
    throw DataSetError.notFound(name: name, places: searched)
}

/// The folders searched for data set `name`, in order, with why each is searched (see `locateDataSet`).
public func dataSetSearchPlaces(named name: String, directory: String?,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                currentDirectory: String = FileManager.default.currentDirectoryPath)
    -> [(origin: String, path: String)] {
    var places: [(origin: String, path: String)] = []
    func add(_ origin: String, _ path: String) {
        let resolved = resolvePath(path, relativeTo: currentDirectory)
        if !places.contains(where: { $0.path == resolved }) { places.append((origin, resolved)) }
    }
    if let directory, !directory.isEmpty {
        add("--data", directory)
        add("--data", directory + "/" + name)
        return places
    }
    if let env = environment[dataEnvironmentVariable], !env.isEmpty {
        add("$" + dataEnvironmentVariable, env)
        add("$" + dataEnvironmentVariable, env + "/" + name)
    }
    if let user = userDataFolder(environment: environment) {
        add(userDataFolderDescription + "/" + name, user + "/" + name)
    }
    add("./data/\(name)", "data/" + name)
    return places
}

/// How the per-user data folder is named in messages.
public let userDataFolderDescription = "$XDG_DATA_HOME/thermo"

/// The per-user folder of thermo's data sets, after the XDG base-directory convention: `$XDG_DATA_HOME/thermo`,
/// where `XDG_DATA_HOME` defaults to `~/.local/share` (a relative `XDG_DATA_HOME` is ignored, as the
/// specification asks); nil when neither it nor `HOME` is set.
public func userDataFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/thermo" }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return home + "/.local/share/thermo"
}

/// The data-set files present in `folder`, by role: the raw file where there is one, else the `.gz` file.
public func dataSetFiles(in folder: String) -> [DataSetFileRole: String] {
    var found: [DataSetFileRole: String] = [:]
    for role in DataSetFileRole.allCases {
        for name in [role.fileName, role.gzipFileName] {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                found[role] = path
                break
            }
        }
    }
    return found
}

/// `nil` when `folder` holds all four files, else what is missing there.
private func inspectFolder(_ folder: String) -> String? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else { return "no such folder" }
    guard isFolder.boolValue else {
        return "a file, not a folder (give the folder that holds the four files)"
    }
    let files = dataSetFiles(in: folder)
    if files.isEmpty { return "none of the four files" }
    let missing = DataSetFileRole.allCases.filter { files[$0] == nil }.map { $0.fileName + "[.gz]" }
    return missing.isEmpty ? nil : "missing " + missing.joined(separator: ", ")
}

/// Where in `folder` the files of a binary-format data set are: `folder` itself when it holds them all, else its
/// subfolder named as in the tarball (`cifar-10-batches-bin`, `stl10_binary`) when that does; otherwise nil and
/// what is missing (in the folder itself, or in the subfolder when only that exists).
func inspectBinaryFolder(_ folder: String, format: DataSetFormat) -> (found: String?, finding: String) {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else { return (nil, "no such folder") }
    guard isFolder.boolValue else { return (nil, "a file, not a folder (give the folder that holds the .bin files)") }
    /// The files `place` lacks, a folder in a file's place named as one ("data_batch_1.bin (a folder)").
    func missing(in place: String) -> [String] {
        format.fileNames.compactMap { name in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: place + "/" + name, isDirectory: &isFolder) else { return name }
            return isFolder.boolValue ? name + " (a folder, not a file)" : nil
        }
    }
    let direct = missing(in: folder)
    if direct.isEmpty { return (folder, "found") }
    if let sub = format.archiveFolder {
        let inner = folder + "/" + sub
        if FileManager.default.fileExists(atPath: inner, isDirectory: &isFolder), isFolder.boolValue {
            let nested = missing(in: inner)
            if nested.isEmpty { return (inner, "found") }
            return (nil, "\(sub)/ is missing " + nested.joined(separator: ", "))
        }
    }
    if direct.count == format.fileNames.count {
        return (nil, "none of the files \(format.fileNames.joined(separator: ", ")) (nor a \(format.archiveFolder ?? "")/ folder)")
    }
    return (nil, "missing " + direct.joined(separator: ", "))
}

/// `path` made absolute against `base` (unless already absolute), with `~`, `.` and `..` resolved.
func resolvePath(_ path: String, relativeTo base: String) -> String {
    var path = path
    if path.hasPrefix("~") { path = NSString(string: path).expandingTildeInPath }
    let absolute = path.hasPrefix("/") ? path : base + "/" + path
    return URL(fileURLWithPath: absolute).standardized.path
}
