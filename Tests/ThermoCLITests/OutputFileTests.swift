import Foundation
import Testing
import TestSupport
@testable import ThermoCLI

/// The checks `thermo train` makes on its output names before the first step (``OutputFile/check()``), and
/// the comparison of outputs by the file they resolve to (``RunOutputs/checkDistinct``).
@Suite struct OutputFileTests {
    func file(_ path: String, _ kind: OutputFile.Kind = .summary, flag: String = "--summary") -> OutputFile {
        OutputFile(flag: flag, path: path, kind: kind)
    }

    /// The message of the usage error `body` throws, or nil.
    func refusal(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    @Test("One file spelt three ways (a, ./a, a symbolic link to a) is one identity; b is another")
    func identities() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: a))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: "a")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let spellings = [a, folder.path + "/./a", folder.path + "/sub/../a", folder.path + "/link"]
        #expect(Set(spellings.map(OutputFile.identity)).count == 1)
        // Files that do not exist yet compare by their resolved folder.
        #expect(OutputFile.identity(folder.path + "/new") == OutputFile.identity(folder.path + "/sub/../new"))
        #expect(OutputFile.identity(a) != OutputFile.identity(folder.path + "/b"))
    }

    @Test("Two outputs, or an output and the --resume file, that are one file are refused naming both flags")
    func distinct() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let p = folder.path
        func planned(_ files: [OutputFile]) -> [(RunOutputs.Planned, OutputFile.Destination)] {
            files.map { (RunOutputs.Planned(file: $0), .file) }
        }
        let same = refusal {
            try RunOutputs.checkDistinct(planned([file("\(p)/run.h5", .trace, flag: "--trace"),
                                                  file("\(p)/./run.h5", .checkpoint, flag: "--checkpoint")]), inputs: [])
        }
        #expect(same?.contains("--trace \(p)/run.h5 and --checkpoint \(p)/./run.h5 name the same file") == true, "\(same ?? "accepted")")
        #expect(refusal {
            try RunOutputs.checkDistinct(planned([file("\(p)/a.json"), file("\(p)/a.h5", .trace, flag: "--trace")]), inputs: [])
        } == nil)
        let input = refusal {
            try RunOutputs.checkDistinct(planned([file("\(p)/r.ckpt")]), inputs: [("--resume", "\(p)/r.ckpt")])
        }
        #expect(input?.contains("--summary \(p)/r.ckpt is the file --resume \(p)/r.ckpt reads") == true, "\(input ?? "accepted")")
        // The checkpoint is the --resume file's own continuation.
        #expect(refusal {
            try RunOutputs.checkDistinct(planned([file("\(p)/r.ckpt", .checkpoint, flag: "--checkpoint")]), inputs: [("--resume", "\(p)/r.ckpt")])
        } == nil)
    }

    @Test("Names are checked before the first step: empty, ending in /, too long with the temporary suffix, in a missing folder")
    func names() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let p = folder.path
        #expect(refusal { try file("").check() }?.contains("the file name is empty") == true)
        #expect(refusal { try file("\(p)/out/").check() }?.contains("ends in '/'") == true)
        #expect(refusal { try file("\(p)/missing/x.json").check() }?.contains("does not exist; create it first") == true)
        #expect(refusal { try file(p).check() }?.contains("is a folder; give a file name") == true)
        // 236 bytes plus .partial-PID (19) fit 255; 237 do not. A summary's .tmp-PID leaves room up to 240.
        #expect(try file("\(p)/" + String(repeating: "t", count: 236), .trace, flag: "--trace").check() == .file)
        let long = refusal { try file("\(p)/" + String(repeating: "t", count: 237), .trace, flag: "--trace").check() }
        #expect(long?.contains("give a name of at most 236 bytes") == true, "\(long ?? "accepted")")
        #expect(try file("\(p)/" + String(repeating: "s", count: 240)).check() == .file)
        #expect(refusal { try file("\(p)/" + String(repeating: "s", count: 241)).check() }?.contains("at most 240 bytes") == true)
        let deep = "\(p)/" + Array(repeating: String(repeating: "d", count: 200), count: 21).joined(separator: "/") + "/x"
        #expect(refusal { try file(deep).check() }?.contains("-byte limit") == true)
        #expect(refusal { try file("\(p)/" + String(repeating: "d", count: 300) + "/x").check() }?.contains("the folder name") == true)
    }

    @Test("Special files: the summary goes to standard output or through a FIFO or device; a trace or checkpoint refuses them")
    func specialFiles() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let link = folder.appendingPathComponent("null-link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/null")
        #expect(try file("-").check() == .descriptor(1))
        #expect(try file("/dev/stdout").check() == .descriptor(1))
        #expect(try file("/dev/stderr").check() == .descriptor(2))
        #expect(try file("/dev/null").check() == .stream)
        #expect(try file(fifo).check() == .stream)
        #expect(try file(link).check() == .stream)
        for (path, what) in [("/dev/null", "is a character device"), (fifo, "is a FIFO"), (link, "is a character device")] {
            for kind in [OutputFile.Kind.trace, .checkpoint] {
                let message = refusal { try file(path, kind, flag: "--trace").check() }
                #expect(message?.contains(what) == true && message?.contains("never replaces a special file, even with --force") == true,
                        "\(path): \(message ?? "accepted")")
            }
        }
        #expect(refusal { try file("-", .trace, flag: "--trace").check() }?.contains("cannot go to a standard stream") == true)
        #expect(refusal { try file("/dev/thermo-nothing").check() }?.contains("does not create files under /dev") == true)
    }
}

/// Outputs whose names have one character (Foundation's path functions trap on them).
@Suite struct ShortOutputNameTests {
    @Test("A run whose trace, summary and checkpoint are named t, s and c writes all three")
    func oneCharacterNames() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.shared.data, to: folder.appendingPathComponent("data"))
        let run = try runThermo(Fixtures.tinyRun + ["--trace", "t", "--summary", "s", "--checkpoint", "c", "--checkpoint-every", "1"],
                                in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        for name in ["t", "s", "c"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name) is missing")
        }
    }
}
