/// The folder part of a file path, as `NSString.deletingLastPathComponent` defines it: trailing slashes are
/// ignored, then everything up to the last slash is kept, without its own trailing slashes ("a/b" → "a",
/// "/x" → "/", "a//b/" → "a", a bare "name" → ""). Written out because Foundation's own traps on a path of one
/// character (Swift 6.3.1 on Linux: `("h" as NSString).deletingLastPathComponent` crashes), and an output
/// named `f` must not crash thermo.
public func folderOfPath(_ path: String) -> String {
    var p = Substring(path)
    while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
    guard let slash = p.lastIndex(of: "/") else { return "" }
    var folder = p[..<slash]
    while folder.count > 1, folder.hasSuffix("/") { folder = folder.dropLast() }
    return folder.isEmpty ? "/" : String(folder)
}
