import Foundation

/// The shape of one image: channels × rows × columns, stored channel-major (C×H×W, each channel row-major).
public struct ImageShape: Sendable, Equatable {
    /// Colour channels (1 grey, 3 RGB).
    public let channels: Int
    /// Height.
    public let rows: Int
    /// Width.
    public let columns: Int

    /// A shape; every size must be positive.
    public init(channels: Int, rows: Int, columns: Int) {
        precondition(channels > 0 && rows > 0 && columns > 0, "an image needs positive sizes")
        self.channels = channels
        self.rows = rows
        self.columns = columns
    }

    /// Values per channel (H·W).
    public var plane: Int { rows * columns }
    /// Values per image (C·H·W).
    public var count: Int { channels * plane }
}

/// A rectangle of an image: rows `top ..< top + height`, columns `left ..< left + width`.
public struct CropBox: Sendable, Equatable {
    /// First row.
    public let top: Int
    /// First column.
    public let left: Int
    /// Rows.
    public let height: Int
    /// Columns.
    public let width: Int

    /// A box.
    public init(top: Int, left: Int, height: Int, width: Int) {
        self.top = top
        self.left = left
        self.height = height
        self.width = width
    }
}

/// The deterministic image operations augmentation is made of, each a pure function of one C×H×W Float32 image
/// with values in [0, 1] (pixel bytes / 255). In-place operations take one buffer; resampling ones write into a
/// second buffer of the same shape. Their semantics are torchvision's (transforms.functional on tensors), stated
/// per function.
public enum ImageOperations {
    /// ITU-R 601-2 luma weights, as torchvision's `rgb_to_grayscale`: L = 0.299 R + 0.587 G + 0.114 B.
    public static let lumaWeights: (red: Float, green: Float, blue: Float) = (0.299, 0.587, 0.114)

    /// Mirrors each row: out[c, y, x] = in[c, y, W − 1 − x].
    public static func flipHorizontally(_ image: UnsafeMutablePointer<Float>, shape: ImageShape) {
        for row in 0..<(shape.channels * shape.rows) {
            let line = image + row * shape.columns
            var a = 0, b = shape.columns - 1
            while a < b { swap(&line[a], &line[b]); a += 1; b -= 1 }
        }
    }

    /// Replaces a 3-channel image by its luma L (`lumaWeights`) in all three channels; a 1-channel image is left as it is.
    public static func grayscale(_ image: UnsafeMutablePointer<Float>, shape: ImageShape) {
        guard shape.channels == 3 else { return }
        let n = shape.plane, (wr, wg, wb) = lumaWeights
        for j in 0..<n {
            let luma = wr * image[j] + wg * image[n + j] + wb * image[2 * n + j]
            image[j] = luma; image[n + j] = luma; image[2 * n + j] = luma
        }
    }

    /// Brightness: x ← clamp(f·x, 0, 1) (a blend with black).
    public static func adjustBrightness(_ image: UnsafeMutablePointer<Float>, shape: ImageShape, factor: Float) {
        for j in 0..<shape.count { image[j] = min(max(factor * image[j], 0), 1) }
    }

    /// Contrast: x ← clamp(f·x + (1 − f)·m, 0, 1), m the mean over the image of its luma (of its one channel, for a
    /// grey image), computed in Float64.
    public static func adjustContrast(_ image: UnsafeMutablePointer<Float>, shape: ImageShape, factor: Float) {
        let n = shape.plane
        var sum = 0.0
        if shape.channels == 3 {
            let (wr, wg, wb) = lumaWeights
            for j in 0..<n { sum += Double(wr * image[j] + wg * image[n + j] + wb * image[2 * n + j]) }
        } else {
            for j in 0..<n { sum += Double(image[j]) }
        }
        let offset = (1 - factor) * Float(sum / Double(n))
        for j in 0..<shape.count { image[j] = min(max(factor * image[j] + offset, 0), 1) }
    }

    /// Saturation: each pixel x ← clamp(f·x + (1 − f)·L, 0, 1) with L its luma; a grey image is left as it is.
    public static func adjustSaturation(_ image: UnsafeMutablePointer<Float>, shape: ImageShape, factor: Float) {
        guard shape.channels == 3 else { return }
        let n = shape.plane, (wr, wg, wb) = lumaWeights
        for j in 0..<n {
            let luma = (1 - factor) * (wr * image[j] + wg * image[n + j] + wb * image[2 * n + j])
            for c in 0..<3 { image[c * n + j] = min(max(factor * image[c * n + j] + luma, 0), 1) }
        }
    }

    /// Hue: each pixel to HSV, h ← (h + shift) mod 1 (shift in [−0.5, 0.5] turns of the colour wheel), back to RGB;
    /// a grey image is left as it is.
    ///
    /// With M = max, m = min and Δ = M − m of a pixel's (R, G, B): v = M, s = Δ/M, and the hue in sixths of a turn
    /// H = (G − B)/Δ if M = R, 2 + (B − R)/Δ if M = G, else 4 + (R − G)/Δ (mod 6). Back, after the shift, each component
    /// n = 5 (R), 3 (G), 1 (B) is M − Δ·clamp(min(k, 4 − k), 0, 1) with k = (n + H) mod 6 — the usual sector formula
    /// (torchvision's `_hsv2rgb`) without branches, as selects the compiler keeps branch-free. Δ = 0 (grey) keeps the
    /// pixel.
    public static func adjustHue(_ image: UnsafeMutablePointer<Float>, shape: ImageShape, shift: Float) {
        guard shape.channels == 3 else { return }
        precondition(abs(shift) <= 0.5, "a hue shift is at most half a turn")
        let n = shape.plane, turn = 6 * shift
        for j in 0..<n {
            let r = image[j], g = image[n + j], b = image[2 * n + j]
            let high = max(max(r, g), b), low = min(min(r, g), b), range = high - low
            let divisor = range > 0 ? range : 1
            var sixths = high == r ? (g - b) / divisor : (high == g ? 2 + (b - r) / divisor : 4 + (r - g) / divisor)
            sixths += turn
            sixths = sixths < 0 ? sixths + 6 : sixths
            sixths = sixths >= 6 ? sixths - 6 : sixths
            image[j] = component(5, sixths, high, range)
            image[n + j] = component(3, sixths, high, range)
            image[2 * n + j] = component(1, sixths, high, range)
        }
    }

    /// One RGB component back from the hue `sixths` ∈ [0, 6), the maximum and the range: M − Δ·clamp(min(k, 4 − k), 0, 1).
    @inline(__always)
    static func component(_ offset: Float, _ sixths: Float, _ high: Float, _ range: Float) -> Float {
        var k = offset + sixths
        k = k >= 6 ? k - 6 : k
        return high - range * min(max(min(k, 4 - k), 0), 1)
    }

    /// Crops `box` out of `source` and resizes it to `shape` (the source's own size) by bilinear interpolation with
    /// half-pixel centres (align_corners = false): output pixel (y, x) samples the box at
    /// y_s = (y + ½)·h/H − ½ (clamped to [0, h − 1]) and likewise x_s, weighting its four neighbours. The box is
    /// never larger than the image, so this only enlarges and needs no antialiasing.
    public static func resizedCrop(_ source: UnsafePointer<Float>, shape: ImageShape, box: CropBox,
                                   into destination: UnsafeMutablePointer<Float>) {
        let (rows, columns) = (shape.rows, shape.columns)
        let yScale = Float(box.height) / Float(rows), xScale = Float(box.width) / Float(columns)
        for c in 0..<shape.channels {
            let src = source + c * shape.plane + box.top * columns + box.left
            let dst = destination + c * shape.plane
            for y in 0..<rows {
                let sy = min(max((Float(y) + 0.5) * yScale - 0.5, 0), Float(box.height - 1))
                let y0 = Int(sy), y1 = min(y0 + 1, box.height - 1), wy = sy - Float(y0)
                for x in 0..<columns {
                    let sx = min(max((Float(x) + 0.5) * xScale - 0.5, 0), Float(box.width - 1))
                    let x0 = Int(sx), x1 = min(x0 + 1, box.width - 1), wx = sx - Float(x0)
                    let top = src[y0 * columns + x0] * (1 - wx) + src[y0 * columns + x1] * wx
                    let bottom = src[y1 * columns + x0] * (1 - wx) + src[y1 * columns + x1] * wx
                    dst[y * columns + x] = top * (1 - wy) + bottom * wy
                }
            }
        }
    }

    /// Rotates `source` by `degrees` counter-clockwise (as the image is shown, rows downwards) about its centre
    /// ((W − 1)/2, (H − 1)/2 in pixel indices), keeping its size: output pixel (y, x) takes the source pixel nearest to
    /// (c_x + d_x·cos θ − d_y·sin θ, c_y + d_x·sin θ + d_y·cos θ), d = (x − c_x, y − c_y); pixels whose source falls
    /// outside the image are 0 (torchvision's `rotate`, nearest interpolation, expand = false, fill 0).
    public static func rotate(_ source: UnsafePointer<Float>, shape: ImageShape, degrees: Double,
                              into destination: UnsafeMutablePointer<Float>) {
        let theta = degrees * .pi / 180, cosine = cos(theta), sine = sin(theta)
        let cx = Double(shape.columns - 1) / 2, cy = Double(shape.rows - 1) / 2
        for y in 0..<shape.rows {
            for x in 0..<shape.columns {
                let dx = Double(x) - cx, dy = Double(y) - cy
                let sx = (cx + dx * cosine - dy * sine).rounded(.toNearestOrEven)
                let sy = (cy + dx * sine + dy * cosine).rounded(.toNearestOrEven)
                let inside = sx >= 0 && sy >= 0 && sx < Double(shape.columns) && sy < Double(shape.rows)
                let at = y * shape.columns + x, from = inside ? Int(sy) * shape.columns + Int(sx) : 0
                for c in 0..<shape.channels {
                    destination[c * shape.plane + at] = inside ? source[c * shape.plane + from] : 0
                }
            }
        }
    }
}
