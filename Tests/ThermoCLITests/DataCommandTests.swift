import Foundation
import Testing
import TestSupport

/// `thermo data verify` and `thermo data fetch`, run as a user would: the built binary, real files, and a
/// loopback HTTP server standing in for the mirrors.
@Suite(.enabled(if: TestPaths.sharedMNIST != nil, "real MNIST not found at ../shared/data/mnist"))
struct DataCommandTests {
    static let canonical = [
        "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ]
    static var fileNames: [String] { canonical.keys.sorted() }

    var mnist: URL { TestPaths.sharedMNIST ?? URL(fileURLWithPath: "/nonexistent") }
    /// This test's temporary folder, removed after it.
    let scratch = Scratch()

    /// A new folder holding links to the real files, with `changes` applied to the named files' bytes.
    func copyOfMNIST(_ changes: [String: (Data) -> Data] = [:]) throws -> URL {
        let folder = scratch.folder("copy-\(UUID().uuidString.prefix(8))")
        for name in Self.fileNames {
            let destination = folder.appendingPathComponent(name)
            if let change = changes[name] {
                try change(Data(contentsOf: mnist.appendingPathComponent(name))).write(to: destination)
            } else {
                try FileManager.default.createSymbolicLink(at: destination, withDestinationURL: mnist.appendingPathComponent(name))
            }
        }
        return folder
    }

    func contents(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    func expectOneErrorLine(_ run: ThermoRun, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status != 0, sourceLocation: sourceLocation)
        // Progress lines (fetch's "downloading …") may come first, on stderr; the error is the one last line.
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("error: ") }.count == 1 && lines.last?.hasPrefix("error: ") == true,
                "stderr: \(run.stderr)", sourceLocation: sourceLocation)
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
        for word in words {
            #expect(run.stderr.contains(word), "stderr lacks \(word): \(run.stderr)", sourceLocation: sourceLocation)
        }
    }

    // MARK: verify

    @Test func verifyAcceptsTheRealDataAndPrintsTheCanonicalChecksums() throws {
        let run = try runThermo(["data", "verify", "mnist", "--data", mnist.path], environment: ["THERMO_DATA": ""])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        for (name, sha) in Self.canonical {
            #expect(run.stdout.contains(mnist.appendingPathComponent(name).path))
            #expect(run.stdout.contains("sha256      \(sha)"), "\(name)")
        }
        #expect(run.stdout.contains("matches"))
        #expect(run.stdout.contains("0:5923 1:6742 2:5958 3:6131 4:5842 5:5421 6:5918 7:6265 8:5851 9:5949"))
        #expect(run.stdout.contains("0:980 1:1135 2:1032 3:1010 4:982 5:892 6:958 7:1028 8:974 9:1009"))
        #expect(run.stdout.contains("result: OK"))
        #expect(run.stderr.isEmpty)
    }

    @Test func verifyFailsOnACorruptedCopyAndNamesTheFile() throws {
        let folder = try copyOfMNIST([
            // Cut in half: truncated.
            "t10k-images-idx3-ubyte.gz": { $0.prefix($0.count / 2) },
            // A damaged byte inside the deflate data.
            "t10k-labels-idx1-ubyte.gz": { data in var d = data; d[d.count / 2] ^= 0x55; return d },
        ])
        let run = try runThermo(["data", "verify", "--data", folder.path])
        expectOneErrorLine(run, mentioning: [folder.appendingPathComponent("t10k-images-idx3-ubyte.gz").path, "and 1 more problem,",
                                               "thermo data fetch mnist --force"])
        #expect(run.stdout.contains("INVALID"))
        #expect(!run.stdout.contains("<name>") && run.stdout.contains("thermo data verify mnist"), "\(run.stdout)")
        #expect(run.stdout.contains(folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path))
        #expect(run.stdout.contains("result: FAILED (2 problems"))
    }

    @Test func verifyRejectsAnUnknownDataSetOrAMissingFolder() throws {
        let unknown = try runThermo(["data", "verify", "cifar"])
        #expect(unknown.status == 64 && unknown.stderr.hasPrefix("Error: unknown data set 'cifar'"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("mnist, fashion-mnist, kmnist"))
        let empty = scratch.folder("empty")
        expectOneErrorLine(try runThermo(["data", "verify", "kmnist", "--data", empty.path]),
                           mentioning: ["'kmnist' not found", empty.path, "thermo data fetch kmnist"])
    }

    // MARK: fetch

    @Test(.enabled(if: LoopbackServer.pythonAvailable, "python3 is needed for the loopback HTTP server"))
    func fetchDownloadsValidatesAndMovesIntoPlace() throws {
        let server = try LoopbackServer(serving: copyOfMNIST())
        defer { server.stop() }
        let work = scratch.folder("work")
        // Without --to, the files go to the per-user data folder $XDG_DATA_HOME/thermo/NAME, where every
        // command then finds them.
        let xdg = work.appendingPathComponent("xdg")
        let home = scratch.folder("home"), cache = work.appendingPathComponent("cache")
        let run = try runThermo(["data", "fetch", "mnist", "--mirror", server.url], in: work,
                                environment: ["XDG_DATA_HOME": xdg.path, "XDG_CACHE_HOME": cache.path, "HOME": home.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        // Foundation's URLSession leaves nothing behind: no URL cache, no folder named after the binary's.
        #expect(contents(xdg) == ["thermo"], "\(contents(xdg))")
        #expect(!FileManager.default.fileExists(atPath: cache.path) && contents(home).isEmpty, "\(contents(home))")
        let target = xdg.appendingPathComponent("thermo/mnist")
        #expect(contents(target) == Self.fileNames, "only the four files, no temporaries left")
        for name in Self.fileNames {
            let fetched = try Data(contentsOf: target.appendingPathComponent(name))
            #expect(fetched == (try Data(contentsOf: mnist.appendingPathComponent(name))), "\(name)")
        }
        #expect(run.stdout.contains("result") == false && run.stdout.contains("fetched mnist into \(target.path)"))
        #expect(run.stdout.contains(Self.canonical["train-images-idx3-ubyte.gz"] ?? "?"))
    }

    @Test(.enabled(if: LoopbackServer.pythonAvailable, "python3 is needed for the loopback HTTP server"))
    func fetchRejectsACorruptedFileAndMovesNothingIntoPlace() throws {
        let served = try copyOfMNIST(["t10k-labels-idx1-ubyte.gz": { data in var d = data; d[d.count / 2] ^= 0x55; return d }])
        let server = try LoopbackServer(serving: served)
        defer { server.stop() }
        let target = scratch.folder("target")
        try Data("mine".utf8).write(to: target.appendingPathComponent("notes.txt"))
        let run = try runThermo(["data", "fetch", "mnist", "--to", target.path, "--mirror", server.url])
        expectOneErrorLine(run, mentioning: ["t10k-labels-idx1-ubyte.gz", "corrupt gzip", "nothing was moved into place"])
        #expect(contents(target) == ["notes.txt"], "no file moved into place and no temporary left")
        #expect(try String(contentsOf: target.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }

    @Test func fetchRefusesToReplaceExistingFilesWithoutForce() throws {
        let target = scratch.folder("target")
        for name in Self.fileNames { try Data("old \(name)".utf8).write(to: target.appendingPathComponent(name)) }
        let run = try runThermo(["data", "fetch", "mnist", "--to", target.path, "--mirror", "http://127.0.0.1:9/"])
        expectOneErrorLine(run, mentioning: ["already holds", "--force", "thermo data verify mnist --data \(target.path)"])
        #expect(!run.stderr.contains("downloading") && run.stdout.isEmpty, "nothing was downloaded")
        #expect(contents(target) == Self.fileNames)
        for name in Self.fileNames {
            #expect(try String(contentsOf: target.appendingPathComponent(name), encoding: .utf8) == "old \(name)")
        }
    }

    @Test func fetchSaysSoWhenNoMirrorCanBeReached() throws {
        let work = scratch.folder("work")
        // Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
        let run = try runThermo(["data", "fetch", "fashion-mnist", "--mirror", "http://127.0.0.1:9/"], in: work)
        expectOneErrorLine(run, mentioning: ["cannot reach any mirror of fashion-mnist", "no network access"])
        #expect(contents(work).isEmpty, "no folder left behind")
    }
}

/// A temporary folder for one test, removed with everything in it when the test's suite value is released.
final class Scratch: Sendable {
    /// The folder.
    let url = TestPaths.temporaryFolder("thermo-cli-test")

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A new, created subfolder `name`.
    func folder(_ name: String) -> URL {
        let folder = url.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

/// `python3 -m http.server` bound to 127.0.0.1 on a port the system picks, serving one folder.
final class LoopbackServer {
    /// Whether python3 can be started.
    static let pythonAvailable: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import http.server"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? launch(probe)) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    private let process = Process()
    /// The base URL, ending in "/".
    let url: String

    /// Starts the server and waits until it says which port it listens on.
    init(serving folder: URL) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try launch(process)
        var text = ""
        var port: String?
        while port == nil {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"port (\d+)"#, options: .regularExpression) {
                port = String(text[range].dropFirst(5))
            }
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ServerFailure(output: text)
        }
        url = "http://127.0.0.1:\(port)/"
    }

    /// Stops the server. SIGKILL, not SIGTERM: a child started from a test thread can inherit a signal mask
    /// that blocks SIGTERM.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    struct ServerFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { "the loopback HTTP server did not start: \(output)" }
    }
}
