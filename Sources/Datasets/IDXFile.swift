import Crypto

/// How an IDX file is stored on disk (told by its first bytes, not by its name).
public enum IDXStorage: String, Sendable {
    /// The IDX bytes as they are.
    case raw
    /// A gzip stream of the IDX bytes.
    case gzip
}

/// One IDX file of unsigned bytes, read and validated: its dimensions and its data bytes.
///
/// IDX (LeCun et al.): two zero bytes, a type byte (0x08 for unsigned bytes), the number of dimensions N,
/// N big-endian 32-bit sizes, then the elements, row-major. The whole file is exactly that long.
public struct IDXFile: Sendable {
    /// Where it was read from.
    public let path: String
    /// Raw or gzip.
    public let storage: IDXStorage
    /// The declared sizes; `dimensions[0]` is the record count.
    public let dimensions: [Int]
    /// The header bytes (magic number and sizes), as in the file.
    public let header: [UInt8]
    /// The elements, row-major (`dimensions` multiplied together).
    public let data: [UInt8]
    /// The file's size on disk (compressed size for gzip).
    public let fileSize: Int

    /// Largest data size accepted by default (2 GiB); a header declaring more is rejected before allocating.
    public static let defaultMaximumDataBytes = 1 << 31
    /// Deflate cannot compress better than about 1032 : 1; a gzip file declaring more than this many data
    /// bytes per compressed byte is corrupt.
    static let maximumDeflateRatio = 1032

    /// The number of records (`dimensions[0]`).
    public var count: Int { dimensions[0] }
    /// The size of the decompressed IDX stream, header included.
    public var decompressedSize: Int { header.count + data.count }

    /// The SHA-256 of the decompressed IDX bytes (header and data), the form canonical checksums take.
    public func sha256() -> [UInt8] {
        var hasher = SHA256()
        header.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        data.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    /// Makes an IDX file value from parts (for tests and writers); `data.count` must be the product of
    /// `dimensions`.
    public init(path: String, storage: IDXStorage, dimensions: [Int], data: [UInt8], fileSize: Int? = nil) {
        precondition(dimensions.reduce(1, *) == data.count, "data size does not match the dimensions")
        self.path = path
        self.storage = storage
        self.dimensions = dimensions
        self.header = IDXFile.encodeHeader(dimensions: dimensions)
        self.data = data
        self.fileSize = fileSize ?? (header.count + data.count)
    }

    /// Reads and validates the IDX file at `path`, raw or gzip, which must have `dimensionCount` dimensions.
    ///
    /// Everything the header declares is checked against what the file can hold before the data buffer
    /// is allocated (the file size for a raw file; the gzip ISIZE trailer, the deflate ratio and
    /// `maximumDataBytes` for gzip), and the data is then read straight into its final buffer: only one
    /// copy of it is ever held. Throws an `IDXError` naming the problem and its byte offset.
    public init(reading path: String, dimensionCount: Int,
                maximumDataBytes: Int = IDXFile.defaultMaximumDataBytes) throws {
        let file = try InputFile(path: path)
        if GzipInflater.isGzip(try file.readBytes(count: 2, at: 0)) {
            self = try IDXFile.readGzip(file, dimensionCount: dimensionCount, maximumDataBytes: maximumDataBytes)
        } else {
            self = try IDXFile.readRaw(file, dimensionCount: dimensionCount, maximumDataBytes: maximumDataBytes)
        }
    }

    private init(path: String, storage: IDXStorage, dimensions: [Int], header: [UInt8], data: [UInt8], fileSize: Int) {
        self.path = path
        self.storage = storage
        self.dimensions = dimensions
        self.header = header
        self.data = data
        self.fileSize = fileSize
    }

    // MARK: Header

    /// The parsed header: dimensions and the data size they declare.
    private struct Header {
        var bytes: [UInt8]
        var dimensions: [Int]
        var dataBytes: Int
    }

    /// Checks the 4 magic bytes; returns the header length they imply.
    private static func checkMagic(_ magic: [UInt8], path: String, dimensionCount: Int) throws -> Int {
        guard magic[0] == 0, magic[1] == 0 else { throw IDXError.badMagic(path: path, magic: magic) }
        guard magic[2] == 0x08 else {
            // Known IDX type codes are 0x08…0x0E; anything else is not IDX at all.
            if (0x09...0x0e).contains(magic[2]) { throw IDXError.unsupportedElementType(path: path, typeCode: magic[2]) }
            throw IDXError.badMagic(path: path, magic: magic)
        }
        guard Int(magic[3]) == dimensionCount else {
            if magic[3] == 0 { throw IDXError.badMagic(path: path, magic: magic) }
            throw IDXError.wrongDimensionCount(path: path, expected: dimensionCount, found: Int(magic[3]))
        }
        return 4 + 4 * dimensionCount
    }

    /// Parses the sizes and checks their product against `maximumDataBytes`.
    private static func parseHeader(_ bytes: [UInt8], path: String, maximumDataBytes: Int,
                                    limitReason: String) throws -> Header {
        let n = Int(bytes[3])
        var dimensions: [Int] = []
        var product = 1
        var overflow = false
        for i in 0..<n {
            let o = 4 + 4 * i
            let size = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            guard size > 0 else { throw IDXError.zeroDimension(path: path, index: i) }
            dimensions.append(size)
            let (p, o2) = product.multipliedReportingOverflow(by: size)
            overflow = overflow || o2
            product = p
        }
        if overflow || product > maximumDataBytes {
            let declared = overflow ? "more than 2^63" : grouped(product)
            throw IDXError.implausibleSize(path: path, dimensions: dimensions, declaredBytes: declared,
                                   limit: maximumDataBytes, reason: limitReason)
        }
        return Header(bytes: bytes, dimensions: dimensions, dataBytes: product)
    }

    // MARK: Raw

    private static func readRaw(_ file: InputFile, dimensionCount: Int, maximumDataBytes: Int) throws -> IDXFile {
        let path = file.path
        let magic = try file.readBytes(count: 4, at: 0)
        guard magic.count == 4 else { throw IDXError.shortHeader(path: path, available: magic.count, needed: 4) }
        let headerLength = try checkMagic(magic, path: path, dimensionCount: dimensionCount)
        let headerBytes = try file.readBytes(count: headerLength, at: 0)
        guard headerBytes.count == headerLength else {
            throw IDXError.shortHeader(path: path, available: headerBytes.count, needed: headerLength)
        }
        // Sizes beyond the hard cap are refused outright; below it, the file size decides (checked before
        // anything is allocated).
        let header = try parseHeader(headerBytes, path: path, maximumDataBytes: maximumDataBytes,
                                     limitReason: "thermo accepts")
        let declaredEnd = headerLength + header.dataBytes
        if declaredEnd > file.size {
            throw IDXError.truncatedBody(path: path, endsAt: file.size, declared: declaredEnd, compressed: false)
        }
        if declaredEnd < file.size {
            throw IDXError.trailingBytes(path: path, declared: declaredEnd, extra: file.size - declaredEnd,
                                 afterGzipStream: false, offset: declaredEnd)
        }
        var failure: Error?
        let data = [UInt8](unsafeUninitializedCapacity: header.dataBytes) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            do {
                let n = try file.read(into: UnsafeMutableRawPointer(base), count: header.dataBytes, at: headerLength)
                if n < header.dataBytes {
                    failure = IDXError.truncatedBody(path: path, endsAt: headerLength + n, declared: declaredEnd, compressed: false)
                    return
                }
                initialized = header.dataBytes
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return IDXFile(path: path, storage: .raw, dimensions: header.dimensions, header: headerBytes, data: data,
                       fileSize: file.size)
    }

    // MARK: Gzip

    private static func readGzip(_ file: InputFile, dimensionCount: Int, maximumDataBytes: Int) throws -> IDXFile {
        let path = file.path
        // The gzip trailer's ISIZE: the decompressed size modulo 2^32.
        guard file.size >= 18 else {
            throw IDXError.corruptGzip(path: path, offset: file.size, message: "only \(file.size) bytes, shorter than any gzip stream")
        }
        let trailer = try file.readBytes(count: 4, at: file.size - 4)
        guard trailer.count == 4 else { throw IDXError.unreadable(path: path, reason: "the file changed while being read") }
        let isize = UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24

        let inflater = try GzipInflater(file: file)
        let magic = try inflater.inflateBytes(count: 4)
        guard magic.count == 4 else { throw IDXError.shortHeader(path: path, available: magic.count, needed: 4) }
        let headerLength = try checkMagic(magic, path: path, dimensionCount: dimensionCount)
        let headerBytes = magic + (try inflater.inflateBytes(count: headerLength - 4))
        guard headerBytes.count == headerLength else {
            throw IDXError.shortHeader(path: path, available: headerBytes.count, needed: headerLength)
        }
        let ratioLimit = file.size.multipliedReportingOverflow(by: maximumDeflateRatio)
        let deflateLimit = ratioLimit.overflow ? Int.max : ratioLimit.partialValue
        let header: Header
        if deflateLimit < maximumDataBytes {
            header = try parseHeader(headerBytes, path: path, maximumDataBytes: deflateLimit,
                                     limitReason: "a \(grouped(file.size))-byte gzip file can expand to")
        } else {
            header = try parseHeader(headerBytes, path: path, maximumDataBytes: maximumDataBytes,
                                     limitReason: "thermo accepts")
        }
        let declaredEnd = headerLength + header.dataBytes

        // The trailer must agree with the header before the data buffer is allocated; when it does not, the
        // stream is inflated into a small scratch buffer only, to say what is wrong.
        guard UInt32(truncatingIfNeeded: declaredEnd) == isize else {
            throw try diagnose(inflater, path: path, headerLength: headerLength, declaredEnd: declaredEnd)
        }

        var failure: Error?
        let data = [UInt8](unsafeUninitializedCapacity: header.dataBytes) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            do {
                let (n, stop) = try inflater.inflate(into: UnsafeMutableRawPointer(base), count: header.dataBytes)
                if n < header.dataBytes {
                    failure = IDXError.truncatedBody(path: path, endsAt: headerLength + n, declared: declaredEnd, compressed: true)
                    return
                }
                if stop != .streamEnd {
                    // The data is complete: the stream must end here, with nothing after it.
                    let (extra, end) = try inflater.countRemaining(limit: maximumDataBytes)
                    if extra > 0 {
                        failure = IDXError.trailingBytes(path: path, declared: declaredEnd, extra: extra,
                                                 afterGzipStream: false, offset: declaredEnd)
                        return
                    }
                    if end == .inputExhausted {
                        failure = IDXError.corruptGzip(path: path, offset: inflater.compressedOffset,
                                               message: "the stream is cut short before its CRC and length trailer")
                        return
                    }
                }
                initialized = header.dataBytes
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        if inflater.bytesAfterConsumed > 0 {
            throw IDXError.trailingBytes(path: path, declared: declaredEnd, extra: inflater.bytesAfterConsumed,
                                 afterGzipStream: true, offset: inflater.compressedOffset)
        }
        return IDXFile(path: path, storage: .gzip, dimensions: header.dimensions, header: headerBytes, data: data,
                       fileSize: file.size)
    }

    /// Says why a gzip file's length trailer disagrees with its header, inflating without keeping the data.
    private static func diagnose(_ inflater: GzipInflater, path: String, headerLength: Int,
                                 declaredEnd: Int) throws -> IDXError {
        let dataBytes = declaredEnd - headerLength
        let (n, stop) = try inflater.countRemaining(limit: dataBytes)
        if n > dataBytes {
            return .trailingBytes(path: path, declared: declaredEnd, extra: n - dataBytes, afterGzipStream: false,
                                  offset: declaredEnd)
        }
        if n < dataBytes {
            return .truncatedBody(path: path, endsAt: headerLength + n, declared: declaredEnd, compressed: true)
        }
        if stop == .streamEnd && inflater.bytesAfterConsumed > 0 {
            return .trailingBytes(path: path, declared: declaredEnd, extra: inflater.bytesAfterConsumed,
                                  afterGzipStream: true, offset: inflater.compressedOffset)
        }
        if stop == .inputExhausted {
            return .corruptGzip(path: path, offset: inflater.compressedOffset,
                                message: "the stream is cut short before its CRC and length trailer")
        }
        return .corruptGzip(path: path, offset: inflater.compressedOffset,
                            message: "its length trailer does not match the \(grouped(declaredEnd)) bytes declared")
    }
}
