import Datasets
import Testing

/// Which checksum decides, and that none is claimed where none is known.
struct ChecksumTests {
    let sha = KnownChecksum(kind: .sha256OfDecompressed, hex: "aa", source: "s")
    let md5 = KnownChecksum(kind: .md5OfGzipFile, hex: "bb", source: "s")

    @Test func theDecompressedSHA256DecidesWhenPublished() {
        #expect(ChecksumVerdict.judge(checksums: [sha, md5], sha256: "aa", storage: .raw, gzipMD5: { "zz" }) == .matches(sha))
        #expect(ChecksumVerdict.judge(checksums: [sha], sha256: "ab", storage: .gzip, gzipMD5: { "bb" })
                == .mismatch(expected: sha, actual: "ab"))
    }

    @Test func theGzipMD5DecidesOnlyForGzipFiles() {
        #expect(ChecksumVerdict.judge(checksums: [md5], sha256: "aa", storage: .gzip, gzipMD5: { "bb" }) == .matches(md5))
        #expect(ChecksumVerdict.judge(checksums: [md5], sha256: "aa", storage: .gzip, gzipMD5: { "bc" }).isMismatch)
        guard case .unknown(let reason) = ChecksumVerdict.judge(checksums: [md5], sha256: "aa", storage: .raw,
                                                                gzipMD5: { "bb" }) else {
            Issue.record("a raw file cannot be compared with the md5 of a .gz file"); return
        }
        #expect(reason.contains("no canonical checksum known"))
    }

    @Test func noChecksumIsNeverAMatch() {
        #expect(ChecksumVerdict.judge(checksums: [], sha256: "aa", storage: .gzip, gzipMD5: { "bb" })
                == .unknown(reason: "no canonical checksum known"))
    }

    @Test func everyKnownDataSetHasItsFourFilesAndMNISTHasCanonicalSHA256() throws {
        for description in DataSetDescription.all {
            // The MNIST family lists mirrors of its four files; CIFAR-10 and STL-10 the URLs of their one tarball.
            #expect(description.classes == 10 && (!description.mirrors.isEmpty || description.archive?.urls.isEmpty == false))
            if let archive = description.archive {
                #expect(archive.checksum.kind == .md5OfArchive && archive.checksum.hex.count == 32 && !archive.checksum.source.isEmpty)
                #expect(archive.fileChecksums.values.allSatisfy { $0.hex.count == 32 })
                #expect(Set(archive.fileChecksums.keys).isSubset(of: description.format.fileNames))
            }
            for role in DataSetFileRole.allCases {
                for checksum in description.checksums[role] ?? [] {
                    #expect(checksum.hex.count == (checksum.kind == .sha256OfDecompressed ? 64 : 32))
                    #expect(!checksum.source.isEmpty)
                }
            }
        }
        let mnist = try DataSetDescription.named("mnist")
        #expect(mnist.checksums[.trainImages]?.first?.hex
                == "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")
    }
}
