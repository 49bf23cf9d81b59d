#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import NumericCore

/// One file `thermo train` may write, named by one flag: what it is, and the checks that can be made on its
/// name before any work (``check()``), so that no run trains for hours to fail on an output it cannot write.
struct OutputFile: Equatable {
    /// What the file holds, which decides how it is written.
    enum Kind: Equatable {
        /// JSON written once at the end; may also go to standard output or through a FIFO or device.
        case summary
        /// HDF5, built under `NAME.partial-PID` and renamed into place.
        case trace
        /// Written under `NAME.tmp-PID` and renamed into place.
        case checkpoint
    }

    /// Where the bytes of an output go.
    enum Destination: Equatable {
        /// A regular file, written under a temporary name and renamed into place (atomically).
        case file
        /// A descriptor the process already has open: `-` and `/dev/stdout` are 1, `/dev/stderr` is 2.
        case descriptor(Int32)
        /// A FIFO or a character device (or a name under /dev or /proc), opened for writing and written
        /// through: never renamed over, never replaced by a regular file.
        case stream
    }

    /// The flag that names it, e.g. `--trace`.
    var flag: String
    /// The path as given.
    var path: String
    /// What it holds.
    var kind: Kind

    /// The longest suffix a sibling of the output gets while it is written: the temporary file
    /// (`.partial-PID` for a trace, `.tmp-PID` otherwise, PID up to 10 digits) or the claim's lock file
    /// (`.NAME.thermo-lock`, one byte longer than the name plus its suffix).
    var siblingSuffixLength: Int {
        let temporary = (kind == .trace ? ".partial-" : ".tmp-").utf8.count + 10
        return max(temporary, 1 + ".thermo-lock".utf8.count)
    }

    /// Checks the name and the folder, and says where the bytes will go. Refuses (as usage errors, naming the
    /// flag): an empty name, a name ending in `/`, a name too long once a temporary suffix is added, a missing
    /// or unwritable folder, a folder given as the file, and a special file that the output cannot be written
    /// through (a trace or checkpoint needs a regular file to rename into place; a block device or socket is no
    /// output at all).
    func check() throws -> Destination {
        guard !path.isEmpty else { throw ValidationError("\(flag): the file name is empty; give a file name") }
        if let descriptor = OutputFile.standardStream(path) {
            guard kind == .summary else {
                throw ValidationError("\(flag) \(path): \(what) cannot go to a standard stream (it is written under a temporary name and renamed into place); give a file name")
            }
            return .descriptor(descriptor)
        }
        if path.hasSuffix("/") {
            throw ValidationError("\(flag) \(path) ends in '/', so it names a folder; give a file name, e.g. \(path)run\(kind.exampleExtension)")
        }
        try checkLength()
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: throw ValidationError("\(named) is a folder; give a file name")
            case S_IFREG where !OutputFile.isSystemPath(path): return try checkFolder()
            case S_IFIFO, S_IFCHR:
                guard kind == .summary else { throw refusal("is \(OutputFile.typeName(info.st_mode))") }
                return .stream
            case S_IFREG:
                guard kind == .summary else { throw refusal("is under \(path.hasPrefix("/proc/") ? "/proc" : "/dev")") }
                return .stream
            default:
                throw ValidationError("\(flag) \(path) is \(OutputFile.typeName(info.st_mode)), which thermo does not write to; give a regular file name")
            }
        }
        if OutputFile.isSystemPath(path) {
            throw ValidationError("\(flag) \(path) does not exist and thermo does not create files under /dev or /proc; give a file name elsewhere")
        }
        return try checkFolder()
    }

    /// How a message names the output: the flag and the path; the default checkpoint, which no flag named,
    /// with what it is and how to choose another.
    private var named: String {
        flag.hasPrefix("--") ? "\(flag) \(path)"
            : "\(flag) \(path) (where a stop signal writes the run's checkpoint; choose another with --checkpoint FILE)"
    }

    /// "the summary", "a trace", …
    private var what: String {
        switch kind {
        case .summary: "the summary"
        case .trace: "a trace"
        case .checkpoint: "a checkpoint"
        }
    }

    /// The refusal of a special file as a trace or checkpoint.
    private func refusal(_ state: String) -> ValidationError {
        ValidationError("\(flag) \(path) \(state); \(what) needs a regular file (it is written under a temporary name and renamed into place), and thermo never replaces a special file, even with --force; give a file name")
    }

    /// Refuses a name whose component, or whole path, is too long once the longest sibling suffix is added.
    private func checkLength() throws {
        let folder = OutputFile.folder(of: path)
        let limit = pathconf(folder, Int32(_PC_NAME_MAX))
        let nameMax = limit > 0 ? limit : 255
        let components = path.split(separator: "/")
        for component in components.dropLast() where component.utf8.count > nameMax {
            throw ValidationError("\(flag) \(path): the folder name \(component.prefix(24))… is \(component.utf8.count) bytes, more than the \(nameMax) a file name may have; choose a shorter path")
        }
        let name = components.last.map(String.init) ?? path
        let allowed = nameMax - siblingSuffixLength
        if name.utf8.count > allowed {
            throw ValidationError("\(flag) \(path): the file name is \(name.utf8.count) bytes; thermo writes it under a temporary name up to \(siblingSuffixLength) bytes longer, and a file name may have \(nameMax) bytes, so give a name of at most \(allowed) bytes")
        }
        let pathMax = Int(PATH_MAX)
        if path.utf8.count + siblingSuffixLength >= pathMax {
            throw ValidationError("\(flag): the path is \(path.utf8.count) bytes; with the temporary suffix (up to \(siblingSuffixLength) bytes) it exceeds the system's \(pathMax)-byte limit; choose a shorter path")
        }
    }

    /// Refuses a missing, non-folder or unwritable folder; a regular file output goes to `.file`.
    private func checkFolder() throws -> Destination {
        let folder = OutputFile.folder(of: path)
        var info = stat()
        guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ValidationError("\(named): its folder \(folder) does not exist; create it first")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw ValidationError("\(named): its folder \(folder) is not writable; choose another place")
        }
        return .file
    }

    /// Whether anything is at `path`, a dangling symbolic link included (`lstat`): an existing output, which
    /// only `--force` replaces.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The folder of `path`: "." for a bare name.
    static func folder(of path: String) -> String {
        let folder = folderOfPath(path)
        return folder.isEmpty ? "." : folder
    }

    /// 1 for `-`, `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`; 2 for the same names of standard error.
    static func standardStream(_ path: String) -> Int32? {
        switch path {
        case "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1": 1
        case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2": 2
        default: nil
        }
    }

    /// Whether `path` lies under /dev or /proc, where names stand for devices and descriptors: never renamed over.
    static func isSystemPath(_ path: String) -> Bool {
        path.hasPrefix("/dev/") || path.hasPrefix("/proc/")
    }

    /// "a FIFO", "a character device", …
    static func typeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a folder"
        default: "a special file"
        }
    }

    /// The file the path names, for comparing outputs: the resolved path when it exists, else the resolved
    /// folder and the name. `a`, `./a`, `dir/../a` and a symbolic link to `a` (even before `a` exists) are
    /// one file.
    static func identity(_ path: String) -> String { identity(path, links: 0) }

    /// ``identity(_:)`` after following `links` dangling symbolic links.
    private static func identity(_ path: String, links: Int) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        // A dangling symbolic link names the file its target would be.
        if links < 40, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
            return identity(target.hasPrefix("/") ? target : (folder(of: path) as NSString).appendingPathComponent(target),
                            links: links + 1)
        }
        let name = (path as NSString).lastPathComponent
        guard let resolved = realpath(folder(of: path), nil) else { return (path as NSString).standardizingPath }
        defer { free(resolved) }
        return (String(cString: resolved) as NSString).appendingPathComponent(name)
    }
}

extension OutputFile.Kind {
    /// The usual extension, for examples in messages.
    var exampleExtension: String {
        switch self {
        case .summary: ".json"
        case .trace: ".h5"
        case .checkpoint: ".ckpt"
        }
    }
}
