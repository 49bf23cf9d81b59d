import CZlib
import Foundation

/// A decoded 8-bit PNG (greyscale, grey+alpha, RGB or RGBA, not interlaced): enough to check the figures that
/// gnuplot's pngcairo terminal writes.
public struct PNGImage: Sendable {
    public let width: Int
    public let height: Int
    /// Samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// Row-major samples, `channels` per pixel, filters removed.
    public let samples: [UInt8]

    /// Why a file could not be decoded.
    public struct DecodingError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The eight bytes every PNG starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Width and height from the IHDR chunk, without decoding the pixels; nil if `data` is not a PNG.
    public static func size(of data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        return (Int(bigEndian(bytes, 16)), Int(bigEndian(bytes, 20)))
    }

    /// Decodes the PNG at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url))
    }

    /// Decodes `data`: IHDR, the concatenated IDAT chunks inflated with zlib, each row unfiltered.
    public init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes[0..<8]) == Self.signature else { throw DecodingError(description: "not a PNG (no signature)") }
        var offset = 8
        var width = 0, height = 0, channels = 0
        var compressed: [UInt8] = []
        while offset + 8 <= bytes.count {
            let length = Int(Self.bigEndian(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let start = offset + 8
            guard start + length + 4 <= bytes.count else { throw DecodingError(description: "truncated \(type) chunk") }
            let body = bytes[start..<(start + length)]
            switch type {
            case "IHDR":
                width = Int(Self.bigEndian(bytes, start))
                height = Int(Self.bigEndian(bytes, start + 4))
                let depth = body[body.startIndex + 8], colour = body[body.startIndex + 9], interlace = body[body.startIndex + 12]
                guard depth == 8, interlace == 0 else { throw DecodingError(description: "only 8-bit, non-interlaced PNGs are supported") }
                switch colour {
                case 0: channels = 1
                case 4: channels = 2
                case 2: channels = 3
                case 6: channels = 4
                default: throw DecodingError(description: "colour type \(colour) is not supported")
                }
            case "IDAT":
                compressed += body
            default:
                break
            }
            offset = start + length + 4
            if type == "IEND" { break }
        }
        guard width > 0, height > 0, channels > 0 else { throw DecodingError(description: "no IHDR chunk") }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &rawLength, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw DecodingError(description: "zlib could not inflate the image data (status \(status))") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let value = raw[y * (stride + 1) + 1 + x]
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw DecodingError(description: "unknown filter type \(filter) in row \(y)")
                }
                pixels[y * stride + x] = UInt8(truncatingIfNeeded: Int(value) + predictor)
            }
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = pixels
    }

    /// The colour samples (alpha dropped) of pixel (x, y), as RGB.
    public func rgb(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * channels
        return channels >= 3 ? (samples[i], samples[i + 1], samples[i + 2]) : (samples[i], samples[i], samples[i])
    }

    /// The number of pixels whose colour differs from the top-left pixel (the background).
    public var nonBackgroundPixels: Int {
        let background = rgb(0, 0)
        var count = 0
        for y in 0..<height { for x in 0..<width where rgb(x, y) != background { count += 1 } }
        return count
    }

    /// The number of clearly coloured pixels: channels differing by more than `threshold` (grey, black and white
    /// do not count).
    public func colouredPixels(threshold: Int = 60) -> Int {
        var count = 0
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = rgb(x, y)
                let hi = max(r, g, b), lo = min(r, g, b)
                if Int(hi) - Int(lo) > threshold { count += 1 }
            }
        }
        return count
    }

    static func bigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (UInt32(bytes[offset]) << 24) | (UInt32(bytes[offset + 1]) << 16) | (UInt32(bytes[offset + 2]) << 8) | UInt32(bytes[offset + 3])
    }
}
