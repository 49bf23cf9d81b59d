import Foundation
import NumericCore
import Testing

/// `folderOfPath` against Foundation's `deletingLastPathComponent` on paths of two characters and more (where
/// Foundation works), and on the paths whose last component has one character, where Foundation traps ("f", "f/").
@Suite struct PathNameTests {
    @Test("The folder of a path is Foundation's deletingLastPathComponent", arguments: [
        "ab", "a.b", "a/b", "/x", "/", "a//b", "a/b/", "/a/b/c.h5", "./run.h5", "../r", "dir/sub/", "/ab"])
    func agreesWithFoundation(_ path: String) {
        #expect(folderOfPath(path) == (path as NSString).deletingLastPathComponent)
    }

    @Test("One-character paths: a bare name has no folder; a slash is the root")
    func oneCharacter() {
        #expect(folderOfPath("f") == "")
        #expect(folderOfPath("f/") == "")
        #expect(folderOfPath("/") == "/")
        #expect(folderOfPath("a/f") == "a")
        // Foundation says "" for "//", which names the root; so do we not.
        #expect(folderOfPath("//") == "/")
    }
}
