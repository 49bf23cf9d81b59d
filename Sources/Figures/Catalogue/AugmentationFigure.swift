/// A grid of images as a network is fed them: each original beside its augmented version (what `thermo plot augment`
/// draws for one batch), so a user can see what augmentation does. Values are in [0, 1] (pixel bytes / 255, before
/// standardisation), C×H×W with C = 1 (drawn grey) or 3 (RGB); gnuplot draws each image `with rgbimage`, one data
/// block per image, rows downwards as the image is stored.
public struct AugmentationFigure: Figure {
    /// Channels, rows and columns of every image.
    public var channels: Int, rows: Int, columns: Int
    /// The images before augmentation, C·H·W values each.
    public var originals: [[Float]]
    /// The same images augmented, in the same order.
    public var augmented: [[Float]]
    /// What was drawn ("paper-stl, epoch 1, seed 1"), for the default title.
    public var caption: String
    /// Pairs per row of the grid.
    public var pairsPerRow: Int

    /// A figure of `originals` beside `augmented`.
    public init(channels: Int, rows: Int, columns: Int, originals: [[Float]], augmented: [[Float]], caption: String,
                pairsPerRow: Int = 4) {
        self.channels = channels
        self.rows = rows
        self.columns = columns
        self.originals = originals
        self.augmented = augmented
        self.caption = caption
        self.pairsPerRow = pairsPerRow
    }

    /// "augment", as in `thermo plot augment`.
    public var name: String { "augment" }

    /// The size used when `--size` is not given: about 2 cm per image.
    public func defaultSize(_ options: FigureOptions) -> FigureSize {
        let gridRows = (originals.count + pairsPerRow - 1) / max(1, pairsPerRow)
        return FigureSize(width: 4.2 * Double(min(pairsPerRow, max(1, originals.count))) + 1, height: 2.2 * Double(max(1, gridRows)) + 1.5)
    }

    /// Writes one data block per image (x, y, red, green, blue in 0…255) and one `rgbimage` clause per block.
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        let count = channels * rows * columns
        guard channels == 1 || channels == 3, rows > 0, columns > 0 else {
            throw .invalidData(figure: name, reason: "images must have 1 or 3 channels and positive sizes")
        }
        guard !originals.isEmpty, originals.count == augmented.count,
              (originals + augmented).allSatisfy({ $0.count == count }) else {
            throw .invalidData(figure: name, reason: "needs as many augmented images as originals, each of \(count) values")
        }
        var table = DataTable(part: "images", description: [
            "each image as gnuplot rgbimage rows: x (column), y (row, drawn downwards), red, green, blue (0-255)",
            "originals at even grid columns, their augmented versions just right of them; \(caption)",
        ], columns: ["x", "y", "red", "green", "blue"])
        let gap = 0.15 * Double(columns), pairWidth = 2 * Double(columns) + 3 * gap
        let height = Double(rows) * 1.15
        let gridRows = (originals.count + pairsPerRow - 1) / pairsPerRow
        for (k, pair) in zip(originals, augmented).enumerated() {
            let left = Double(k % pairsPerRow) * pairWidth, top = Double(k / pairsPerRow) * height
            table.append("image \(k), original", rows: pixels(pair.0, x0: left, y0: top))
            table.append("image \(k), augmented", rows: pixels(pair.1, x0: left + Double(columns) + gap, y0: top))
        }
        let file = figure.data(table)
        figure.add("set title \(figure.quoted(figure.title(fallback: .literal("left: original, right: augmented (" + caption + ")")) ?? .literal("")))")
        figure.add("unset border")
        figure.add("unset tics")
        figure.add("unset key")
        figure.add("set size ratio -1")
        figure.add("set xrange [-1:\(gnuplotNumber(Double(min(pairsPerRow, originals.count)) * pairWidth))]")
        figure.add("set yrange [\(gnuplotNumber(Double(gridRows) * height)):-1]")
        figure.plot((0..<(2 * originals.count)).map { "\(file) index \($0) using 1:2:3:4:5 with rgbimage" })
    }

    /// One image's rows for `rgbimage`, placed with its top-left pixel at (x0, y0).
    private func pixels(_ image: [Float], x0: Double, y0: Double) -> [[Double]] {
        let plane = rows * columns
        var out: [[Double]] = []
        out.reserveCapacity(plane)
        for y in 0..<rows {
            for x in 0..<columns {
                let j = y * columns + x
                let rgb = (0..<3).map { c in Double((min(max(image[(channels == 3 ? c : 0) * plane + j], 0), 1) * 255).rounded()) }
                out.append([x0 + Double(x), y0 + Double(y)] + rgb)
            }
        }
        return out
    }
}
