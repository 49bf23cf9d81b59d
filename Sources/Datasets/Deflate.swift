import CZlib
import NumericCore

/// zlib's deflate over a whole buffer in one call: the one place thermo compresses (gzip files of IDX data,
/// the zlib streams of a trace's snapshot chunks).
public enum Deflate {
    /// The wrapper around the deflate stream.
    public enum Container: Sendable {
        /// A gzip member (windowBits 31): the `.gz` files of data sets.
        case gzip
        /// A zlib stream (windowBits 15): what HDF5's deflate filter stores.
        case zlib
    }

    /// zlib's compression strategy.
    public enum Strategy: Sendable {
        /// `Z_DEFAULT_STRATEGY`.
        case standard
        /// `Z_RLE`: run-length matches only; on shuffled gradients the same ratio as the default, twice as fast.
        case runLength
    }

    /// A compression failure (zlib's return code).
    public struct Failure: Error, DescribedError {
        /// zlib's return code.
        public let code: Int32
        /// The container being written.
        public let container: Container
        /// One line.
        public var description: String {
            "\(container == .gzip ? "gzip compression" : "deflate") failed (zlib code \(code))"
        }
    }

    /// `input` deflated at `level` (0…9) in `container` with `strategy`, in one `deflate(Z_FINISH)` call into a
    /// buffer of `deflateBound` bytes.
    public static func compress(_ input: UnsafeBufferPointer<UInt8>, level: Int32, container: Container,
                                strategy: Strategy) throws(Failure) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let rc = deflateInit2_(stream, level, Z_DEFLATED, container == .gzip ? 31 : 15, 8,
                               strategy == .standard ? Z_DEFAULT_STRATEGY : Z_RLE, zlibVersion(),
                               Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(code: rc, container: container) }
        defer { deflateEnd(stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(input.count))) + 32)
        let (status, produced) = output.withUnsafeMutableBufferPointer { out in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointee.avail_in = uInt(input.count)
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = uInt(out.count)
            let status = deflate(stream, Z_FINISH)
            return (status, out.count - Int(stream.pointee.avail_out))
        }
        guard status == Z_STREAM_END else { throw Failure(code: status, container: container) }
        output.removeSubrange(produced...)
        return output
    }
}
