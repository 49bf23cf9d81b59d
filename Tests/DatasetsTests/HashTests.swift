import Crypto
import Datasets
import Testing

/// FIPS 180-2 (appendix B) and RFC 1321 (appendix A.5) test vectors, and incremental feeding through raw
/// buffers as `thermo data verify` feeds them, held against swift-crypto's `SHA256` and `Insecure.MD5`.
struct HashTests {
    @Test func sha256MatchesTheFIPS180_2Vectors() {
        #expect(hexString(sha256(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hexString(sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hexString(sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(hexString(sha256([UInt8]()))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func sha256IsTheSameFedInPieces() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = sha256(message)
        for pieceSize in [1, 3, 55, 56, 63, 64, 65, 127, 999] {
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + pieceSize, message.count)
                message[start..<end].withUnsafeBytes { hasher.update(bufferPointer: $0) }
                start = end
            }
            #expect(Array(hasher.finalize()) == whole, "pieces of \(pieceSize)")
        }
        // Lengths around the padding boundary.
        #expect(hexString(sha256([UInt8](repeating: 0x61, count: 55))) != hexString(sha256([UInt8](repeating: 0x61, count: 56))))
    }

    @Test func md5MatchesTheRFC1321Vectors() {
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (text, digest) in vectors {
            #expect(hexString(Array(Insecure.MD5.hash(data: Array(text.utf8)))) == digest, "md5(\"\(text)\")")
        }
        var pieces = Insecure.MD5()
        for byte in "message digest".utf8 { [byte].withUnsafeBytes { pieces.update(bufferPointer: $0) } }
        #expect(hexString(pieces.finalize()) == "f96b697d7cb7938d525a2f31aaf161d0")
    }

    /// The SHA-256 digest of `bytes` as 32 bytes.
    private func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}
