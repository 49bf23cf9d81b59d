import ArgumentParser
import Foundation

/// Existing outputs are never overwritten without `--force`; this checks them all before any work starts.
struct OutputPolicy {
    let force: Bool

    func check(_ paths: [String]) throws {
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir) {
                if isDir.boolValue { throw ValidationError("\(path) is a folder; give a file name") }
                if !force {
                    throw ValidationError("\(path) already exists; pass --force to overwrite it, or choose another name")
                }
            }
            let folder = (path as NSString).deletingLastPathComponent
            let dir = folder.isEmpty ? "." : folder
            if !fm.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
                throw ValidationError("the folder \(dir) of \(path) does not exist; create it first")
            }
            if !fm.isWritableFile(atPath: dir) {
                throw ValidationError("the folder \(dir) of \(path) is not writable; choose another place")
            }
        }
    }
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// An error found while a command works, already phrased for the user (one line: what is wrong, what to do).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `argument` quoted for a shell when it holds anything but plain characters.
func shellQuoted(_ argument: String) -> String {
    let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !argument.isEmpty && argument.allSatisfy({ plain.contains($0) }) { return argument }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
