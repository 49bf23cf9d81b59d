/// SHA-256 (FIPS 180-4), incremental: feed bytes with `update`, read the digest with `finalize`.
///
/// Used to check the decompressed bytes of data-set files against their canonical checksums. The block
/// function works on raw pointers and keeps the working variables in locals, so a release build hashes
/// a few hundred megabytes a second.
public struct SHA256: Sendable {
    /// The eight 32-bit words of the running hash value.
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes of an incomplete block, waiting for more input.
    private var pending: [UInt8] = []
    /// Total number of bytes fed so far.
    private var length: UInt64 = 0

    /// A fresh hash of the empty message.
    public init() { pending.reserveCapacity(64) }

    /// The SHA-256 digest of `bytes`, as 32 bytes.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Feeds `bytes` (an array, a slice, `Data`, …).
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Feeds the bytes at `buffer`.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var base = buffer.baseAddress, buffer.count > 0 else { return }
        var remaining = buffer.count
        length &+= UInt64(remaining)
        if !pending.isEmpty {
            let take = min(64 - pending.count, remaining)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            base += take
            remaining -= take
            if pending.count == 64 {
                pending.withUnsafeBytes { block in
                    if let start = block.baseAddress { SHA256.compress(&h, start, blocks: 1) }
                }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let blocks = remaining / 64
        if blocks > 0 {
            SHA256.compress(&h, base, blocks: blocks)
            base += blocks * 64
            remaining -= blocks * 64
        }
        if remaining > 0 {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: remaining))
        }
    }

    /// Pads the message, and returns the 32-byte digest. The hasher should not be used afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        let used = (pending.count + 1) % 64
        tail.append(contentsOf: repeatElement(0, count: used <= 56 ? 56 - used : 120 - used))
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        let savedLength = length
        tail.withUnsafeBytes { update($0) }
        length = savedLength
        let words = [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7]
        return words.flatMap { w in [UInt8(w >> 24), UInt8(truncatingIfNeeded: w >> 16), UInt8(truncatingIfNeeded: w >> 8), UInt8(truncatingIfNeeded: w)] }
    }

    @_transparent
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// The big-endian 32-bit word `index` of a block.
    @_transparent
    private static func word(_ block: UnsafeRawPointer, _ index: Int) -> UInt32 {
        UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
    }

    /// One step of the message schedule on a rolling window of 16 words:
    /// W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], written over W[t−16].
    @_transparent
    private static func schedule(_ w16: inout UInt32, _ w15: UInt32, _ w7: UInt32, _ w2: UInt32) {
        let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 &>> 3)
        let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 &>> 10)
        w16 = w16 &+ s0 &+ w7 &+ s1
    }

    /// One round, with the working variables renamed instead of shifted: updates `d` and `h` only.
    @_transparent
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                          _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ kw
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
        d = d &+ t1
        h = t1 &+ t2
    }

    /// Runs the block function over `blocks` consecutive 64-byte blocks at `data`.
    ///
    /// The 64 rounds are written out, with the round constants (the first 32 bits of the fractional parts
    /// of the cube roots of the first 64 primes) inline and the schedule in 16 local words: no array or
    /// pointer is indexed inside a block, which keeps even unoptimised (debug) builds reasonably fast.
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
                             _ data: UnsafeRawPointer, blocks: Int) {
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        var block = data
        var remainingBlocks = blocks
        while remainingBlocks > 0 {
            var w0 = word(block, 0)
            var w1 = word(block, 1)
            var w2 = word(block, 2)
            var w3 = word(block, 3)
            var w4 = word(block, 4)
            var w5 = word(block, 5)
            var w6 = word(block, 6)
            var w7 = word(block, 7)
            var w8 = word(block, 8)
            var w9 = word(block, 9)
            var w10 = word(block, 10)
            var w11 = word(block, 11)
            var w12 = word(block, 12)
            var w13 = word(block, 13)
            var w14 = word(block, 14)
            var w15 = word(block, 15)
            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
            round(a, b, c, &d, e, f, g, &h, 0x428a_2f98 &+ w0)
            round(h, a, b, &c, d, e, f, &g, 0x7137_4491 &+ w1)
            round(g, h, a, &b, c, d, e, &f, 0xb5c0_fbcf &+ w2)
            round(f, g, h, &a, b, c, d, &e, 0xe9b5_dba5 &+ w3)
            round(e, f, g, &h, a, b, c, &d, 0x3956_c25b &+ w4)
            round(d, e, f, &g, h, a, b, &c, 0x59f1_11f1 &+ w5)
            round(c, d, e, &f, g, h, a, &b, 0x923f_82a4 &+ w6)
            round(b, c, d, &e, f, g, h, &a, 0xab1c_5ed5 &+ w7)
            round(a, b, c, &d, e, f, g, &h, 0xd807_aa98 &+ w8)
            round(h, a, b, &c, d, e, f, &g, 0x1283_5b01 &+ w9)
            round(g, h, a, &b, c, d, e, &f, 0x2431_85be &+ w10)
            round(f, g, h, &a, b, c, d, &e, 0x550c_7dc3 &+ w11)
            round(e, f, g, &h, a, b, c, &d, 0x72be_5d74 &+ w12)
            round(d, e, f, &g, h, a, b, &c, 0x80de_b1fe &+ w13)
            round(c, d, e, &f, g, h, a, &b, 0x9bdc_06a7 &+ w14)
            round(b, c, d, &e, f, g, h, &a, 0xc19b_f174 &+ w15)
            schedule(&w0, w1, w9, w14)
            round(a, b, c, &d, e, f, g, &h, 0xe49b_69c1 &+ w0)
            schedule(&w1, w2, w10, w15)
            round(h, a, b, &c, d, e, f, &g, 0xefbe_4786 &+ w1)
            schedule(&w2, w3, w11, w0)
            round(g, h, a, &b, c, d, e, &f, 0x0fc1_9dc6 &+ w2)
            schedule(&w3, w4, w12, w1)
            round(f, g, h, &a, b, c, d, &e, 0x240c_a1cc &+ w3)
            schedule(&w4, w5, w13, w2)
            round(e, f, g, &h, a, b, c, &d, 0x2de9_2c6f &+ w4)
            schedule(&w5, w6, w14, w3)
            round(d, e, f, &g, h, a, b, &c, 0x4a74_84aa &+ w5)
            schedule(&w6, w7, w15, w4)
            round(c, d, e, &f, g, h, a, &b, 0x5cb0_a9dc &+ w6)
            schedule(&w7, w8, w0, w5)
            round(b, c, d, &e, f, g, h, &a, 0x76f9_88da &+ w7)
            schedule(&w8, w9, w1, w6)
            round(a, b, c, &d, e, f, g, &h, 0x983e_5152 &+ w8)
            schedule(&w9, w10, w2, w7)
            round(h, a, b, &c, d, e, f, &g, 0xa831_c66d &+ w9)
            schedule(&w10, w11, w3, w8)
            round(g, h, a, &b, c, d, e, &f, 0xb003_27c8 &+ w10)
            schedule(&w11, w12, w4, w9)
            round(f, g, h, &a, b, c, d, &e, 0xbf59_7fc7 &+ w11)
            schedule(&w12, w13, w5, w10)
            round(e, f, g, &h, a, b, c, &d, 0xc6e0_0bf3 &+ w12)
            schedule(&w13, w14, w6, w11)
            round(d, e, f, &g, h, a, b, &c, 0xd5a7_9147 &+ w13)
            schedule(&w14, w15, w7, w12)
            round(c, d, e, &f, g, h, a, &b, 0x06ca_6351 &+ w14)
            schedule(&w15, w0, w8, w13)
            round(b, c, d, &e, f, g, h, &a, 0x1429_2967 &+ w15)
            schedule(&w0, w1, w9, w14)
            round(a, b, c, &d, e, f, g, &h, 0x27b7_0a85 &+ w0)
            schedule(&w1, w2, w10, w15)
            round(h, a, b, &c, d, e, f, &g, 0x2e1b_2138 &+ w1)
            schedule(&w2, w3, w11, w0)
            round(g, h, a, &b, c, d, e, &f, 0x4d2c_6dfc &+ w2)
            schedule(&w3, w4, w12, w1)
            round(f, g, h, &a, b, c, d, &e, 0x5338_0d13 &+ w3)
            schedule(&w4, w5, w13, w2)
            round(e, f, g, &h, a, b, c, &d, 0x650a_7354 &+ w4)
            schedule(&w5, w6, w14, w3)
            round(d, e, f, &g, h, a, b, &c, 0x766a_0abb &+ w5)
            schedule(&w6, w7, w15, w4)
            round(c, d, e, &f, g, h, a, &b, 0x81c2_c92e &+ w6)
            schedule(&w7, w8, w0, w5)
            round(b, c, d, &e, f, g, h, &a, 0x9272_2c85 &+ w7)
            schedule(&w8, w9, w1, w6)
            round(a, b, c, &d, e, f, g, &h, 0xa2bf_e8a1 &+ w8)
            schedule(&w9, w10, w2, w7)
            round(h, a, b, &c, d, e, f, &g, 0xa81a_664b &+ w9)
            schedule(&w10, w11, w3, w8)
            round(g, h, a, &b, c, d, e, &f, 0xc24b_8b70 &+ w10)
            schedule(&w11, w12, w4, w9)
            round(f, g, h, &a, b, c, d, &e, 0xc76c_51a3 &+ w11)
            schedule(&w12, w13, w5, w10)
            round(e, f, g, &h, a, b, c, &d, 0xd192_e819 &+ w12)
            schedule(&w13, w14, w6, w11)
            round(d, e, f, &g, h, a, b, &c, 0xd699_0624 &+ w13)
            schedule(&w14, w15, w7, w12)
            round(c, d, e, &f, g, h, a, &b, 0xf40e_3585 &+ w14)
            schedule(&w15, w0, w8, w13)
            round(b, c, d, &e, f, g, h, &a, 0x106a_a070 &+ w15)
            schedule(&w0, w1, w9, w14)
            round(a, b, c, &d, e, f, g, &h, 0x19a4_c116 &+ w0)
            schedule(&w1, w2, w10, w15)
            round(h, a, b, &c, d, e, f, &g, 0x1e37_6c08 &+ w1)
            schedule(&w2, w3, w11, w0)
            round(g, h, a, &b, c, d, e, &f, 0x2748_774c &+ w2)
            schedule(&w3, w4, w12, w1)
            round(f, g, h, &a, b, c, d, &e, 0x34b0_bcb5 &+ w3)
            schedule(&w4, w5, w13, w2)
            round(e, f, g, &h, a, b, c, &d, 0x391c_0cb3 &+ w4)
            schedule(&w5, w6, w14, w3)
            round(d, e, f, &g, h, a, b, &c, 0x4ed8_aa4a &+ w5)
            schedule(&w6, w7, w15, w4)
            round(c, d, e, &f, g, h, a, &b, 0x5b9c_ca4f &+ w6)
            schedule(&w7, w8, w0, w5)
            round(b, c, d, &e, f, g, h, &a, 0x682e_6ff3 &+ w7)
            schedule(&w8, w9, w1, w6)
            round(a, b, c, &d, e, f, g, &h, 0x748f_82ee &+ w8)
            schedule(&w9, w10, w2, w7)
            round(h, a, b, &c, d, e, f, &g, 0x78a5_636f &+ w9)
            schedule(&w10, w11, w3, w8)
            round(g, h, a, &b, c, d, e, &f, 0x84c8_7814 &+ w10)
            schedule(&w11, w12, w4, w9)
            round(f, g, h, &a, b, c, d, &e, 0x8cc7_0208 &+ w11)
            schedule(&w12, w13, w5, w10)
            round(e, f, g, &h, a, b, c, &d, 0x90be_fffa &+ w12)
            schedule(&w13, w14, w6, w11)
            round(d, e, f, &g, h, a, b, &c, 0xa450_6ceb &+ w13)
            schedule(&w14, w15, w7, w12)
            round(c, d, e, &f, g, h, a, &b, 0xbef9_a3f7 &+ w14)
            schedule(&w15, w0, w8, w13)
            round(b, c, d, &e, f, g, h, &a, 0xc671_78f2 &+ w15)
            h0 = h0 &+ a; h1 = h1 &+ b; h2 = h2 &+ c; h3 = h3 &+ d
            h4 = h4 &+ e; h5 = h5 &+ f; h6 = h6 &+ g; h7 = h7 &+ h
            block += 64
            remainingBlocks = remainingBlocks &- 1
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
    }
}

/// Lower-case hexadecimal text of bytes (digests).
public func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
