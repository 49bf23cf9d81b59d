import Foundation
import NumericCore

/// What is wrong with a tar archive: the archive, the decompressed byte offset of the header at fault, and what
/// to do.
public enum TarError: Error, Sendable, Equatable, DescribedError {
    /// The archive ends inside a header or a member's data, at decompressed byte `endsAt`.
    case truncated(path: String, endsAt: Int)
    /// The header at decompressed byte `offset` fails its checksum (or is not a tar header at all).
    case badHeader(path: String, offset: Int, reason: String)
    /// Members the caller asked for are not in the archive.
    case missingMembers(path: String, members: [String])
    /// A member's destination file cannot be created or written.
    case cannotWrite(path: String, reason: String)

    /// One line: what is wrong, where, and what to do.
    public var description: String {
        let advice = "download it again (a partial or damaged copy)"
        switch self {
        case let .truncated(path, endsAt):
            return "\(path) is a truncated tar archive: it ends at decompressed byte \(grouped(endsAt)), inside a member; \(advice)"
        case let .badHeader(path, offset, reason):
            return "\(path) is not a valid tar archive: the header at decompressed byte \(grouped(offset)) \(reason); \(advice)"
        case let .missingMembers(path, members):
            return "\(path) does not hold \(members.joined(separator: ", ")); it is not the expected archive — \(advice)"
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason); free some space or choose another folder"
        }
    }
}

/// A streaming reader of gzip-compressed tar archives (POSIX ustar, with pax `path` records and GNU long names),
/// enough to unpack a data set's tarball: members are inflated in 1 MiB chunks straight into their destination
/// files, so neither the archive nor a member is ever held in memory, and members not asked for (STL-10's 2.7 GB
/// of unlabelled images) are inflated and discarded.
///
/// Format: 512-byte headers — name (bytes 0–99), size in octal (124–135, or base-256 when the first byte's high
/// bit is set), header checksum (148–155: the sum of the header's bytes with this field counted as spaces), type
/// (156: `0` or NUL a regular file, `x` a pax header whose `path=` record names the next member, `L` a GNU long
/// name, anything else skipped), `ustar` magic (257) and name prefix (345–499) — each followed by the member's data
/// padded to a multiple of 512; two zero blocks end the archive.
public enum TarArchive {
    static let block = 512

    /// Extracts from the gzip-compressed tar at `path` every member named in `members` (archive path, a leading
    /// `./` ignored → destination file path, created or replaced). Returns each extracted member's size. Throws
    /// `TarError` (or `IDXError.corruptGzip` for a damaged gzip stream), having extracted what came before.
    public static func extract(gzipPath path: String, members: [String: String]) throws -> [String: Int] {
        let file = try InputFile(path: path)
        let inflater = try GzipInflater(file: file)
        let chunk = 1 << 20
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { scratch.deallocate() }
        var stream = TarStream(path: path, inflater: inflater)
        var extracted: [String: Int] = [:]
        var pendingName: String?
        while let header = try stream.nextHeader(scratch: scratch) {
            let name = normalise(pendingName ?? header.name)
            switch header.type {
            case UInt8(ascii: "x"), UInt8(ascii: "L"):
                let data = try stream.readData(count: header.size, scratch: scratch)
                pendingName = header.type == UInt8(ascii: "L") ? cString(data) : paxPath(data) ?? pendingName
                continue
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                if let destination = members[name] {
                    try stream.copyData(count: header.size, to: destination, scratch: scratch, chunk: chunk)
                    extracted[name] = header.size
                } else {
                    try stream.skipData(count: header.size, scratch: scratch, chunk: chunk)
                }
            default:
                try stream.skipData(count: header.size, scratch: scratch, chunk: chunk)
            }
            pendingName = nil
        }
        let missing = members.keys.filter { extracted[$0] == nil }.sorted()
        if !missing.isEmpty { throw TarError.missingMembers(path: path, members: missing) }
        return extracted
    }

    /// A member name without a leading `./`.
    static func normalise(_ name: String) -> String { name.hasPrefix("./") ? String(name.dropFirst(2)) : name }

    /// The text of `bytes` up to the first NUL.
    static func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The `path` of a pax extended header's records ("LEN path=VALUE\n", LEN counting the whole record), if it
    /// has one; nil for records that do not parse, among them a LEN too short to hold its own digits, the space
    /// and the newline.
    static func paxPath(_ bytes: [UInt8]) -> String? {
        var i = 0
        while i < bytes.count {
            guard let space = bytes[i...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: bytes[i..<space], as: UTF8.self)), length > 0,
                  i + length <= bytes.count, space + 2 <= i + length else { return nil }
            let record = String(decoding: bytes[(space + 1)..<(i + length - 1)], as: UTF8.self)
            if record.hasPrefix("path=") { return String(record.dropFirst(5)) }
            i += length
        }
        return nil
    }
}

/// One header of a tar archive.
struct TarHeader {
    var name: String
    var size: Int
    var type: UInt8
}

/// The decompressed byte stream of a tar archive, read block by block.
struct TarStream {
    let path: String
    let inflater: GzipInflater
    /// Decompressed bytes consumed so far.
    var offset = 0

    /// The next header, or nil at the end of the archive (a zero block, or the end of the stream at a block
    /// boundary, which some writers leave).
    mutating func nextHeader(scratch: UnsafeMutableRawPointer) throws -> TarHeader? {
        let start = offset
        let (n, _) = try inflater.inflate(into: scratch, count: TarArchive.block)
        offset += n
        if n == 0 { return nil }
        guard n == TarArchive.block else { throw TarError.truncated(path: path, endsAt: offset) }
        let h = UnsafeBufferPointer(start: scratch.assumingMemoryBound(to: UInt8.self), count: TarArchive.block)
        if h.allSatisfy({ $0 == 0 }) { return nil }
        var sum = 0
        for i in 0..<TarArchive.block { sum += (148..<156).contains(i) ? 32 : Int(h[i]) }
        guard let stored = octal(h, 148, 8), stored == sum else {
            throw TarError.badHeader(path: path, offset: start, reason: "fails its checksum")
        }
        guard let size = headerSize(h) else {
            throw TarError.badHeader(path: path, offset: start, reason: "has an unreadable size field")
        }
        var name = TarArchive.cString(Array(h[0..<100]))
        if Array(h[257..<262]) == Array("ustar".utf8) {
            let prefix = TarArchive.cString(Array(h[345..<500]))
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        return TarHeader(name: name, size: size, type: h[156])
    }

    /// A header's size: octal digits, or base-256 (GNU) when the first byte's high bit is set.
    private func headerSize(_ h: UnsafeBufferPointer<UInt8>) -> Int? {
        if h[124] & 0x80 != 0 {
            var value = 0
            for i in 125..<136 {
                guard value < Int.max >> 8 else { return nil }
                value = value << 8 | Int(h[i])
            }
            return value
        }
        return octal(h, 124, 12)
    }

    /// An octal field (spaces and NULs around the digits allowed); nil when it holds anything else.
    private func octal(_ h: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0, digits = 0
        for i in start..<(start + count) {
            let c = h[i]
            if c == 0 || c == 32 { if digits > 0 { break } else { continue } }
            guard (48...55).contains(c), value < Int.max >> 3 else { return nil }
            value = value << 3 | Int(c - 48)
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The padding after `count` bytes of member data.
    private func padding(_ count: Int) -> Int { (TarArchive.block - count % TarArchive.block) % TarArchive.block }

    /// Inflates exactly `count` bytes into `buffer`, or throws `truncated`.
    private mutating func read(_ buffer: UnsafeMutableRawPointer, _ count: Int) throws {
        let (n, _) = try inflater.inflate(into: buffer, count: count)
        offset += n
        guard n == count else { throw TarError.truncated(path: path, endsAt: offset) }
    }

    /// A small member's data (pax records, long names), padding consumed.
    mutating func readData(count: Int, scratch: UnsafeMutableRawPointer) throws -> [UInt8] {
        guard count <= 1 << 20 else { throw TarError.badHeader(path: path, offset: offset - 512, reason: "declares an implausible extended header") }
        try read(scratch, count)
        let bytes = Array(UnsafeBufferPointer(start: scratch.assumingMemoryBound(to: UInt8.self), count: count))
        try read(scratch, padding(count))
        return bytes
    }

    /// Inflates and discards a member's data and padding.
    mutating func skipData(count: Int, scratch: UnsafeMutableRawPointer, chunk: Int) throws {
        var left = count + padding(count)
        while left > 0 {
            let n = min(left, chunk)
            try read(scratch, n)
            left -= n
        }
    }

    /// Writes a member's data to `destination` (created or truncated), then consumes its padding.
    mutating func copyData(count: Int, to destination: String, scratch: UnsafeMutableRawPointer, chunk: Int) throws {
        guard FileManager.default.createFile(atPath: destination, contents: nil),
              let handle = FileHandle(forWritingAtPath: destination) else {
            throw TarError.cannotWrite(path: destination, reason: "cannot create the file")
        }
        defer { try? handle.close() }
        var left = count
        while left > 0 {
            let n = min(left, chunk)
            try read(scratch, n)
            do {
                try handle.write(contentsOf: Data(bytesNoCopy: scratch, count: n, deallocator: .none))
            } catch {
                throw TarError.cannotWrite(path: destination, reason: error.localizedDescription)
            }
            left -= n
        }
        try read(scratch, padding(count))
    }
}
