import Crypto
@testable import Datasets
import Foundation
import Testing

/// Builds tar archives byte by byte, as POSIX ustar defines them, for the tests.
enum TarBuilder {
    /// One 512-byte ustar header.
    static func header(_ name: String, size: Int, type: Character = "0", prefix: String = "") -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { h[offset + i] = b } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        let octalSize = String(size, radix: 8)
        put(String(repeating: "0", count: 11 - octalSize.count) + octalSize, at: 124)
        put("00000000000", at: 136)
        put("        ", at: 148)
        h[156] = type.asciiValue!
        put("ustar", at: 257)
        put("00", at: 263)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, at: 148)
        h[154] = 0
        return h
    }

    /// A member: header, data, zero padding to 512.
    static func member(_ name: String, _ data: [UInt8], type: Character = "0", prefix: String = "") -> [UInt8] {
        header(name, size: data.count, type: type, prefix: prefix) + data
            + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    /// A pax extended header whose `path` record names the next member.
    static func pax(path: String) -> [UInt8] {
        let body = " path=\(path)\n"
        var length = body.utf8.count + String(body.utf8.count).count
        if String(length).count != String(body.utf8.count).count { length += 1 }
        let record = "\(length)" + body
        return member("PaxHeaders/x", Array(record.utf8), type: "x")
    }

    /// The end of an archive: two zero blocks.
    static let end = [UInt8](repeating: 0, count: 1024)
}

/// The tar reader on synthetic tarballs, and fetch of a tarball data set (offline, and from a file:// copy).
struct TarArchiveTests {
    let scratch = Scratch()

    static func pattern(_ n: Int, _ seed: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) } }

    @Test func extractsTheMembersAskedForWhateverHowTheyAreNamed() throws {
        let a = Self.pattern(3_000, 1), b = Self.pattern(512, 2), c = Self.pattern(700, 3), d = Self.pattern(5, 4)
        let longName = "deep/" + String(repeating: "n", count: 120) + ".bin"
        let bytes = TarBuilder.member("top/readme.html", Self.pattern(1_000, 9))
            + TarBuilder.member("./top/a.bin", a)
            + TarBuilder.member("b.bin", b, prefix: "top")
            + TarBuilder.pax(path: longName) + TarBuilder.member("ignored-short-name", c)
            + TarBuilder.member("././@LongLink", Array("top/d.bin".utf8) + [0], type: "L") + TarBuilder.member("cut-name", d)
            + TarBuilder.end
        let tarball = try scratch.file(Gzip.compress(bytes))
        let out = scratch.folder("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let sizes = try TarArchive.extract(gzipPath: tarball, members: [
            "top/a.bin": out + "/a", "top/b.bin": out + "/b", longName: out + "/c", "top/d.bin": out + "/d",
        ])
        #expect(sizes == ["top/a.bin": 3_000, "top/b.bin": 512, longName: 700, "top/d.bin": 5])
        for (file, expected) in [("a", a), ("b", b), ("c", c), ("d", d)] {
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/" + file))) == expected, "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/readme.html"))
    }

    /// Found by the `tar` fuzz harness (2026-12-05, after 581 runs): a pax record whose length is shorter than its
    /// own digits, space and newline ("2 path=a\n") trapped with "Range requires lowerBound <= upperBound".
    @Test(arguments: ["2 path=a\n", "1 ", "3 x", "0 path=a\n", "-5 path=a\n"])
    func aPaxRecordTooShortForItselfIsNoPath(_ record: String) throws {
        #expect(TarArchive.paxPath(Array(record.utf8)) == nil)
        let bytes = TarBuilder.member("PaxHeaders/x", Array(record.utf8), type: "x") + TarBuilder.member("x.bin", [1, 2, 3])
            + TarBuilder.end
        let tarball = try scratch.file(Gzip.compress(bytes))
        let out = scratch.folder("pax")
        #expect(try TarArchive.extract(gzipPath: tarball, members: ["x.bin": out]) == ["x.bin": 3])
    }

    @Test func aPaxRecordNamesTheNextMember() {
        #expect(TarArchive.paxPath(Array("9 path=a\n".utf8)) == "a")
        #expect(TarArchive.paxPath(Array("13 mtime=1.5\n9 path=b\n".utf8)) == "b")
    }

    @Test func missingMember() throws {
        let tarball = try scratch.file(Gzip.compress(TarBuilder.member("x.bin", [1, 2, 3]) + TarBuilder.end))
        #expect(throws: TarError.missingMembers(path: tarball, members: ["y.bin"])) {
            _ = try TarArchive.extract(gzipPath: tarball, members: ["y.bin": scratch.folder("y")])
        }
    }

    @Test func truncatedInsideAMember() throws {
        let whole = TarBuilder.member("x.bin", Self.pattern(2_000, 5)) + TarBuilder.end
        let tarball = try scratch.file(Gzip.compress(Array(whole.prefix(1_500))))
        #expect(throws: TarError.truncated(path: tarball, endsAt: 1_500)) {
            _ = try TarArchive.extract(gzipPath: tarball, members: ["x.bin": scratch.folder("x")])
        }
    }

    @Test func headerFailingItsChecksum() throws {
        var bytes = TarBuilder.member("a.bin", Self.pattern(100, 1)) + TarBuilder.member("b.bin", [7]) + TarBuilder.end
        bytes[1_024 + 3] ^= 0x20  // a letter of the second header's name
        let tarball = try scratch.file(Gzip.compress(bytes))
        #expect(throws: TarError.badHeader(path: tarball, offset: 1_024, reason: "fails its checksum")) {
            _ = try TarArchive.extract(gzipPath: tarball, members: ["b.bin": scratch.folder("b")])
        }
    }

    @Test func fetchOfflineSaysWhatToDoAndLeavesNothing() throws {
        let target = scratch.folder("offline/cifar10")
        var caught: Error?
        do {
            _ = try fetchArchiveDataSet(named: "cifar10", to: target, mirrors: ["http://127.0.0.1:9/"], environment: [:])
        } catch { caught = error }
        let line = caught.map { String(describing: $0) } ?? ""
        #expect(line.contains("cannot download cifar-10-binary.tar.gz for cifar10"), "\(line)")
        #expect(line.contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz") && line.contains("tar xzf"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: scratch.folder("offline")), "created folders are removed")
    }

    /// The whole fetch, from a file:// copy of a synthetic CIFAR-10 tarball whose MD5 the description carries.
    @Test func fetchUnpacksChecksAndMovesIntoPlace() throws {
        let r = CIFAR10Format.recordBytes, batch = CIFAR10Format.recordsPerFile * r
        var bytes = TarBuilder.member("cifar-10-batches-bin/batches.meta.txt", Array("airplane\n".utf8))
        for (i, name) in DataSetFormat.cifar10.fileNames.enumerated() {
            var data = [UInt8](repeating: 0, count: batch)
            data[0] = UInt8(i)  // batch i's first label
            bytes += TarBuilder.member("cifar-10-batches-bin/" + name, data)
        }
        let compressed = try Gzip.compress(bytes + TarBuilder.end, level: 1)
        bytes = []
        let served = scratch.folder("served")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        try Data(compressed).write(to: URL(fileURLWithPath: served + "/cifar-10-binary.tar.gz"))
        let md5 = Insecure.MD5.hash(data: compressed).map { String(format: "%02x", $0) }.joined()
        let real = try DataSetDescription.named("cifar10")
        let synthetic = DataSetDescription(
            name: "cifar10", title: real.title, classes: 10, format: .cifar10,
            archive: DataSetArchive(fileName: "cifar-10-binary.tar.gz", urls: [],
                                    checksum: KnownChecksum(kind: .md5OfArchive, hex: md5, source: "this test"),
                                    downloadLimit: 1 << 28))
        let target = scratch.folder("fetched")
        let report = try fetchArchiveDataSet(synthetic, to: target, mirrors: ["file://" + served], force: false,
                                             currentDirectory: "/", environment: [:], log: { _ in })
        #expect(report.isSound && report.archive?.verdict.isMatch == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).sorted() == DataSetFormat.cifar10.fileNames.sorted(),
                "the six files only: no tarball, temporary or tarball folder left")
        let data = try loadDataSet(named: "cifar10", directory: target, environment: [:])
        #expect(data.train.labels[0] == 0 && data.train.labels[10_000] == 1 && data.test.labels[0] == 5)
        #expect(report.trainHistogram?[0] == 49_996 && report.testHistogram?[5] == 1)
    }
}
