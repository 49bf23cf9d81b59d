import Foundation
import Testing
import TestSupport

/// The product stands on its own: nothing a user receives with the repository (Sources/, docs/, README.md,
/// notebooks-as-scripts/, plots/) looks up or cites the workshop's `../shared` folder, its reference
/// definitions (`science.md`) or its baseline scripts' folder. Tests and CI may point THERMO_DATA there.
struct StandaloneTests {
    /// Text that only a dependency on the workshop folder would contain.
    static let forbidden = ["../shared", "shared/data", "shared/docs", "shared/peers", "science.md"]
    /// File endings read as text; figures, checkpoints and traces are not.
    static let textEndings = [".swift", ".md", ".sh", ".py", ".gp", ".csv", ".dat", ".grid", ".c", ".h", ".modulemap"]

    @Test func noProductFileReferencesTheWorkshopFolder() throws {
        let root = TestPaths.packageRoot
        var offending: [String] = []
        var read = 0
        for top in ["Sources", "docs", "README.md", "notebooks-as-scripts", "plots"] {
            let url = root.appendingPathComponent(top)
            var files: [URL] = []
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
                while let file = walker?.nextObject() as? URL { files.append(file) }
            } else {
                files.append(url)
            }
            // Sweep folders under plots/ hold the records of runs (manifests, summaries), which name the folders
            // those runs read their data from: provenance, not a dependency.
            for file in files where Self.textEndings.contains(where: { file.lastPathComponent.hasSuffix($0) })
                && !file.path.contains("/sweeps/") {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                read += 1
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if let word = Self.forbidden.first(where: { line.contains($0) }) {
                        offending.append("\(file.path.dropFirst(root.path.count + 1)):\(number + 1) mentions \(word)")
                    }
                }
            }
        }
        #expect(read > 100, "the scan read \(read) files; it should see the whole product")
        #expect(offending.isEmpty, "\(offending.joined(separator: "\n"))")
    }
}
