import CZlib

/// Streaming gzip decompression of one file with zlib (`inflateInit2`, windowBits 15 + 32): the compressed
/// bytes are read in fixed chunks and inflated straight into the caller's buffer, so decompressing never
/// holds more than one chunk of compressed input.
final class GzipInflater {
    /// How `inflate(into:count:)` stopped.
    enum Stop: Equatable {
        /// The output buffer is full (the stream may go on).
        case filled
        /// The gzip stream ended (its CRC-32 and length trailer checked by zlib).
        case streamEnd
        /// The file ended before the stream did.
        case inputExhausted
    }

    /// The whole file's first two bytes are the gzip magic number 1f 8b.
    static func isGzip(_ firstBytes: [UInt8]) -> Bool { firstBytes.count >= 2 && firstBytes[0] == 0x1f && firstBytes[1] == 0x8b }

    /// Size of one read of compressed input.
    private static let chunkSize = 1 << 18

    private let file: InputFile
    /// The zlib stream, at a fixed address (zlib keeps a pointer back to it).
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawPointer
    /// How many bytes of the file have been handed to zlib.
    private var fileOffset = 0

    /// Prepares to inflate `file` from its start.
    init(file: InputFile) throws {
        self.file = file
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: GzipInflater.chunkSize, alignment: 16)
        let rc = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw IDXError.corruptGzip(path: file.path, offset: 0, message: "zlib could not start (code \(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Compressed bytes consumed by zlib so far.
    var compressedOffset: Int { Int(stream.pointee.total_in) }

    /// Compressed bytes in the file after the point zlib has reached (after `.streamEnd`: the bytes that
    /// follow the gzip stream).
    var bytesAfterConsumed: Int { file.size - compressedOffset }

    /// Inflates into `buffer` until `count` bytes are written, the stream ends, or the file ends.
    /// Returns the bytes written and why it stopped; a damaged stream throws `IDXError.corruptGzip`.
    func inflate(into buffer: UnsafeMutableRawPointer, count: Int) throws -> (written: Int, stop: Stop) {
        var written = 0
        while written < count {
            let step = min(count - written, Int(UInt32.max))
            stream.pointee.next_out = (buffer + written).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(step)
            while stream.pointee.avail_out > 0 {
                if stream.pointee.avail_in == 0 {
                    let n = try file.read(into: input, count: GzipInflater.chunkSize, at: fileOffset)
                    if n == 0 {
                        written += step - Int(stream.pointee.avail_out)
                        return (written, .inputExhausted)
                    }
                    fileOffset += n
                    stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(n)
                }
                let rc = CZlib.inflate(stream, Z_NO_FLUSH)
                switch rc {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    written += step - Int(stream.pointee.avail_out)
                    return (written, .streamEnd)
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    continue  // needs more input: read the next chunk
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                    throw IDXError.corruptGzip(path: file.path, offset: compressedOffset, message: message)
                }
            }
            written += step
        }
        return (written, .filled)
    }

    /// The next `count` decompressed bytes, fewer if the stream or the file ends first.
    func inflateBytes(count: Int) throws -> [UInt8] {
        var failure: Error?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            do {
                initialized = try inflate(into: UnsafeMutableRawPointer(base), count: count).written
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Inflates and discards the rest of the stream, counting the bytes it produces (at most `limit`, beyond
    /// which it stops). Used to describe a file whose size does not fit its header.
    func countRemaining(limit: Int) throws -> (count: Int, stop: Stop) {
        let scratchSize = 1 << 16
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchSize, alignment: 16)
        defer { scratch.deallocate() }
        var total = 0
        while total <= limit {
            let (n, stop) = try inflate(into: scratch, count: scratchSize)
            total += n
            if stop != .filled { return (total, stop) }
        }
        return (total, .filled)
    }
}
