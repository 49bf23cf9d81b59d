import Foundation
import Testing
import TestSupport

/// What docs/library.md says about the library product agrees with the package: the modules `import Thermo`
/// brings, the command's modules it leaves out, and how a package names it as a dependency.
@Suite struct LibraryDocTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: TestPaths.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("docs/library.md names every module import Thermo brings, and says the command's figures, sweeps and benchmarks are not in it")
    func modulesAsExported() throws {
        let doc = try Self.read("docs/library.md")
        let thermo = try Self.read("Sources/Thermo/Thermo.swift")
        let exported = thermo.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("@_exported import "), !line.contains(".") else { return nil }
            return String(line.dropFirst("@_exported import ".count))
        }
        #expect(exported.count >= 10)
        for module in exported { #expect(doc.contains("`\(module)`"), "docs/library.md does not name \(module)") }
        for module in ["Figures", "Sweeps", "Benchmarks"] {
            #expect(!exported.contains(module))
            let line = doc.split(separator: "\n").first { $0.contains("`\(module)`") }
            let paragraph = doc.components(separatedBy: "\n\n").first { $0.contains("`\(module)`") } ?? ""
            #expect(line != nil && paragraph.contains("not of the library"), "docs/library.md does not say \(module) is not in the library")
        }
        #expect(!doc.contains("everything the `thermo` command is built from"))
    }

    @Test("docs/library.md's package snippet names the dependency by its folder, and says that package: is the folder's name")
    func packageSnippet() throws {
        let doc = try Self.read("docs/library.md")
        let path = try #require(doc.firstMatch(of: /\.package\(path: "([^"]+)"\)/)?.1)
        let name = try #require(doc.firstMatch(of: /\.product\(name: "Thermo", package: "([^"]+)"\)/)?.1)
        #expect(String(name) == URL(fileURLWithPath: String(path)).lastPathComponent)
        #expect(doc.contains("`package:` is the name SwiftPM gives the dependency: the checkout folder's name"))
    }
}
