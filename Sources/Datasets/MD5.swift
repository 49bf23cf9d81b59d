/// MD5 (RFC 1321), incremental. Only for comparing downloaded `.gz` files with the MD5 sums that data-set
/// publishers list (Fashion-MNIST, KMNIST); never for anything that needs a secure hash.
public struct MD5: Sendable {
    /// The four 32-bit words of the running hash value.
    private var s: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
    /// Bytes of an incomplete block, waiting for more input.
    private var pending: [UInt8] = []
    /// Total number of bytes fed so far.
    private var length: UInt64 = 0

    /// A fresh hash of the empty message.
    public init() { pending.reserveCapacity(64) }

    /// The MD5 digest of `bytes`, as 16 bytes.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = MD5()
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
                    if let start = block.baseAddress { MD5.compress(&s, start, blocks: 1) }
                }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let blocks = remaining / 64
        if blocks > 0 {
            MD5.compress(&s, base, blocks: blocks)
            base += blocks * 64
            remaining -= blocks * 64
        }
        if remaining > 0 {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: remaining))
        }
    }

    /// Pads the message, and returns the 16-byte digest. The hasher should not be used afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        let used = (pending.count + 1) % 64
        tail.append(contentsOf: repeatElement(0, count: used <= 56 ? 56 - used : 120 - used))
        for shift in stride(from: 0, through: 56, by: 8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBytes { update($0) }
        return [s.0, s.1, s.2, s.3].flatMap { w in
            [UInt8(truncatingIfNeeded: w), UInt8(truncatingIfNeeded: w &>> 8),
             UInt8(truncatingIfNeeded: w &>> 16), UInt8(truncatingIfNeeded: w &>> 24)]
        }
    }

    @_transparent
    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &<< n) | (x &>> (32 &- n)) }

    /// The little-endian 32-bit word `index` of a block.
    @_transparent
    private static func word(_ block: UnsafeRawPointer, _ index: Int) -> UInt32 {
        UInt32(littleEndian: block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
    }

    @_transparent
    private static func f(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ mk: UInt32, _ s: UInt32) {
        a = b &+ rotl(a &+ ((b & c) | (~b & d)) &+ mk, s)
    }

    @_transparent
    private static func g(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ mk: UInt32, _ s: UInt32) {
        a = b &+ rotl(a &+ ((b & d) | (c & ~d)) &+ mk, s)
    }

    @_transparent
    private static func h(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ mk: UInt32, _ s: UInt32) {
        a = b &+ rotl(a &+ (b ^ c ^ d) &+ mk, s)
    }

    @_transparent
    private static func i(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ mk: UInt32, _ s: UInt32) {
        a = b &+ rotl(a &+ (c ^ (b | ~d)) &+ mk, s)
    }

    /// Runs the block function over `blocks` consecutive 64-byte blocks at `data`; the 64 steps are written
    /// out with their constants (⌊2³² |sin(i + 1)|⌋) inline, as in SHA256.swift.
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ data: UnsafeRawPointer, blocks: Int) {
        var (s0, s1, s2, s3) = state
        var block = data
        var remainingBlocks = blocks
        while remainingBlocks > 0 {
            let m0 = word(block, 0)
            let m1 = word(block, 1)
            let m2 = word(block, 2)
            let m3 = word(block, 3)
            let m4 = word(block, 4)
            let m5 = word(block, 5)
            let m6 = word(block, 6)
            let m7 = word(block, 7)
            let m8 = word(block, 8)
            let m9 = word(block, 9)
            let m10 = word(block, 10)
            let m11 = word(block, 11)
            let m12 = word(block, 12)
            let m13 = word(block, 13)
            let m14 = word(block, 14)
            let m15 = word(block, 15)
            var a = s0, b = s1, c = s2, d = s3
            f(&a, b, c, d, m0 &+ 0xd76a_a478, 7)
            f(&d, a, b, c, m1 &+ 0xe8c7_b756, 12)
            f(&c, d, a, b, m2 &+ 0x2420_70db, 17)
            f(&b, c, d, a, m3 &+ 0xc1bd_ceee, 22)
            f(&a, b, c, d, m4 &+ 0xf57c_0faf, 7)
            f(&d, a, b, c, m5 &+ 0x4787_c62a, 12)
            f(&c, d, a, b, m6 &+ 0xa830_4613, 17)
            f(&b, c, d, a, m7 &+ 0xfd46_9501, 22)
            f(&a, b, c, d, m8 &+ 0x6980_98d8, 7)
            f(&d, a, b, c, m9 &+ 0x8b44_f7af, 12)
            f(&c, d, a, b, m10 &+ 0xffff_5bb1, 17)
            f(&b, c, d, a, m11 &+ 0x895c_d7be, 22)
            f(&a, b, c, d, m12 &+ 0x6b90_1122, 7)
            f(&d, a, b, c, m13 &+ 0xfd98_7193, 12)
            f(&c, d, a, b, m14 &+ 0xa679_438e, 17)
            f(&b, c, d, a, m15 &+ 0x49b4_0821, 22)
            g(&a, b, c, d, m1 &+ 0xf61e_2562, 5)
            g(&d, a, b, c, m6 &+ 0xc040_b340, 9)
            g(&c, d, a, b, m11 &+ 0x265e_5a51, 14)
            g(&b, c, d, a, m0 &+ 0xe9b6_c7aa, 20)
            g(&a, b, c, d, m5 &+ 0xd62f_105d, 5)
            g(&d, a, b, c, m10 &+ 0x0244_1453, 9)
            g(&c, d, a, b, m15 &+ 0xd8a1_e681, 14)
            g(&b, c, d, a, m4 &+ 0xe7d3_fbc8, 20)
            g(&a, b, c, d, m9 &+ 0x21e1_cde6, 5)
            g(&d, a, b, c, m14 &+ 0xc337_07d6, 9)
            g(&c, d, a, b, m3 &+ 0xf4d5_0d87, 14)
            g(&b, c, d, a, m8 &+ 0x455a_14ed, 20)
            g(&a, b, c, d, m13 &+ 0xa9e3_e905, 5)
            g(&d, a, b, c, m2 &+ 0xfcef_a3f8, 9)
            g(&c, d, a, b, m7 &+ 0x676f_02d9, 14)
            g(&b, c, d, a, m12 &+ 0x8d2a_4c8a, 20)
            h(&a, b, c, d, m5 &+ 0xfffa_3942, 4)
            h(&d, a, b, c, m8 &+ 0x8771_f681, 11)
            h(&c, d, a, b, m11 &+ 0x6d9d_6122, 16)
            h(&b, c, d, a, m14 &+ 0xfde5_380c, 23)
            h(&a, b, c, d, m1 &+ 0xa4be_ea44, 4)
            h(&d, a, b, c, m4 &+ 0x4bde_cfa9, 11)
            h(&c, d, a, b, m7 &+ 0xf6bb_4b60, 16)
            h(&b, c, d, a, m10 &+ 0xbebf_bc70, 23)
            h(&a, b, c, d, m13 &+ 0x289b_7ec6, 4)
            h(&d, a, b, c, m0 &+ 0xeaa1_27fa, 11)
            h(&c, d, a, b, m3 &+ 0xd4ef_3085, 16)
            h(&b, c, d, a, m6 &+ 0x0488_1d05, 23)
            h(&a, b, c, d, m9 &+ 0xd9d4_d039, 4)
            h(&d, a, b, c, m12 &+ 0xe6db_99e5, 11)
            h(&c, d, a, b, m15 &+ 0x1fa2_7cf8, 16)
            h(&b, c, d, a, m2 &+ 0xc4ac_5665, 23)
            i(&a, b, c, d, m0 &+ 0xf429_2244, 6)
            i(&d, a, b, c, m7 &+ 0x432a_ff97, 10)
            i(&c, d, a, b, m14 &+ 0xab94_23a7, 15)
            i(&b, c, d, a, m5 &+ 0xfc93_a039, 21)
            i(&a, b, c, d, m12 &+ 0x655b_59c3, 6)
            i(&d, a, b, c, m3 &+ 0x8f0c_cc92, 10)
            i(&c, d, a, b, m10 &+ 0xffef_f47d, 15)
            i(&b, c, d, a, m1 &+ 0x8584_5dd1, 21)
            i(&a, b, c, d, m8 &+ 0x6fa8_7e4f, 6)
            i(&d, a, b, c, m15 &+ 0xfe2c_e6e0, 10)
            i(&c, d, a, b, m6 &+ 0xa301_4314, 15)
            i(&b, c, d, a, m13 &+ 0x4e08_11a1, 21)
            i(&a, b, c, d, m4 &+ 0xf753_7e82, 6)
            i(&d, a, b, c, m11 &+ 0xbd3a_f235, 10)
            i(&c, d, a, b, m2 &+ 0x2ad7_d2bb, 15)
            i(&b, c, d, a, m9 &+ 0xeb86_d391, 21)
            s0 = s0 &+ a; s1 = s1 &+ b; s2 = s2 &+ c; s3 = s3 &+ d
            block += 64
            remainingBlocks = remainingBlocks &- 1
        }
        state = (s0, s1, s2, s3)
    }
}
