import Foundation
import Testing
import TestSupport

/// The bad-input catalogue (issue 8): every row of ``BadInput/catalogue`` is run against the built binary and
/// checked for its message and status, for no crash, no partial output and no changed file; docs/errors.md is
/// the same table in prose.
@Suite("Bad-input catalogue", .serialized)
struct BadInputCatalogueTests {
    @Test("Each bad input gets its message and status, and leaves every file as it was", arguments: BadInput.catalogue)
    func badInput(_ row: BadInput) throws {
        if row.fileLimitKiB != nil && TestBuild.threadSanitizer {
            print("skipped under ThreadSanitizer, whose runtime cannot run under a file size limit: \(row.testDescription)")
            return
        }
        let workspace = Workspace(folder: TestPaths.temporaryFolder("thermo-catalogue"))
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: workspace.url("locked").path)
            try? FileManager.default.removeItem(at: workspace.folder)
        }
        try row.setup(workspace)
        let before = workspace.listing()
        let kept = try row.unchanged.map { try Data(contentsOf: workspace.url($0)) }

        var server: LoopbackServer? = nil
        if row.mirror { server = try LoopbackServer(serving: workspace.url("mirror")) }
        defer { server?.stop() }
        let arguments = row.arguments.map { $0 == "MIRROR" ? server?.url ?? $0 : $0 }
        let run = try runCase(arguments, in: workspace.folder, fileLimitKiB: row.fileLimitKiB, unprivileged: row.unprivileged)
        let shown = "status \(run.status)\nstderr: \(run.stderr)\nstdout: \(run.stdout.prefix(600))"

        #expect(run.status == row.status, "\(shown)")
        #expect((row.status == 0 ? run.stdout + run.stderr : run.stderr).contains(row.message), "message lacks «\(row.message)»; \(shown)")
        for sign in ["Fatal error", "Program crashed", "Backtracing", "Stack dump", "Segmentation fault", "Illegal instruction"] {
            #expect(!run.stderr.contains(sign), "crashed: \(shown)")
        }
        let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        switch row.status {
        case 1: #expect(lines.filter { $0.hasPrefix("error:") }.count == 1 && lines.last?.hasPrefix("error:") == true,
                        "not one error line: \(shown)")
        case 64: #expect(lines.first?.hasPrefix("Error:") == true, "not a usage error: \(shown)")
        default: break
        }
        for (name, bytes) in zip(row.unchanged, kept) {
            #expect((try? Data(contentsOf: workspace.url(name))) == bytes, "\(name) changed; \(shown)")
        }
        for name in row.absent {
            #expect(!FileManager.default.fileExists(atPath: workspace.url(name).path), "\(name) exists; \(shown)")
        }
        if row.status != 0 {
            let after = workspace.listing().filter { !$0.hasPrefix("mirror") }
            #expect(after == before.filter { !$0.hasPrefix("mirror") }, "files appeared or vanished: \(Set(after).symmetricDifference(before)); \(shown)")
        }
    }

    @Test("docs/errors.md lists every case of the catalogue (THERMO_UPDATE_ERRORS_DOC=1 rewrites it)")
    func documentation() throws {
        let url = TestPaths.packageRoot.appendingPathComponent("docs/errors.md")
        let text = BadInput.documentation()
        if ProcessInfo.processInfo.environment["THERMO_UPDATE_ERRORS_DOC"] != nil { try Data(text.utf8).write(to: url) }
        let written = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        #expect(written == text, "docs/errors.md is out of step with the catalogue: run THERMO_UPDATE_ERRORS_DOC=1 swift test --filter BadInputCatalogue")
    }

    /// Runs the built thermo with `arguments` in `folder`: under a file size limit of `fileLimitKiB` (a full
    /// disk, as far as writes go), and as user nobody when `unprivileged` and this process is root.
    func runCase(_ arguments: [String], in folder: URL, fileLimitKiB: Int?, unprivileged: Bool) throws -> ThermoRun {
        var command = [TestPaths.thermoBinary.path] + arguments
        if unprivileged && getuid() == 0 { command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command }
        if let limit = fileLimitKiB { command = ["bash", "-c", "ulimit -f \(limit) && exec \"$@\"", "thermo-limited"] + command }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.currentDirectoryURL = folder
        return try runCollectingOutput(process)
    }
}

extension BadInput {
    /// docs/errors.md: the catalogue as tables, one per command.
    static func documentation() -> String {
        var text = """
        # What thermo says about bad inputs

        Every row is a case of the bad-input catalogue, `Tests/ThermoCLITests/Catalogue/Catalogue.swift`, which
        `swift test` runs against the built binary (this file is generated from it:
        `THERMO_UPDATE_ERRORS_DOC=1 swift test --filter BadInputCatalogue`). Each case asserts the exit status, that
        the message contains the fragment shown, that thermo did not crash (no trap, no stack trace), that a
        failure prints one line (`error: …`, status 1; or argument-parser's `Error: …` and usage, status 64), that a
        failing command leaves no new file behind (no partial output, no temporary file), and that the files it
        names are byte for byte as they were. Status 1 is an error while working, 64 a usage error found before any
        work (see docs/cli.md). "Full disk" cases run thermo with `ulimit -f` (RLIMIT_FSIZE): writes fail with
        EFBIG exactly as on a full disk with ENOSPC (thermo ignores SIGXFSZ so that the write fails instead of
        killing it). "Without write permission" cases run thermo as user nobody when the tests run as root.

        \(catalogue.count) cases.

        """
        var seen: [String] = []
        for row in catalogue where !seen.contains(row.command) { seen.append(row.command) }
        for command in seen {
            text += "\n## thermo \(command)\n\n| case | arguments | status | message contains | left as it was | must not exist |\n|---|---|---|---|---|---|\n"
            for row in catalogue where row.command == command {
                let arguments = row.arguments.map { $0.isEmpty || $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
                let limit = row.fileLimitKiB.map { " (`ulimit -f \($0)`)" } ?? ""
                text += "| \(escape(row.name))\(limit) | `\(escape(arguments))` | \(row.status) | \(escape(row.message)) | "
                    + "\(escape(row.unchanged.joined(separator: ", "))) | \(escape(row.absent.joined(separator: ", "))) |\n"
            }
        }
        return text
    }

    /// Text for a Markdown table cell.
    private static func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
