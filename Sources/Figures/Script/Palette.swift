import Foundation

/// Colours, dash types and point types that stay distinguishable for colour-blind readers and in greyscale.
///
/// Colours are the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2002; Wong, Nature Methods 8, 441,
/// 2011). Every series also differs by a dash type or a point type, so that a greyscale print keeps them apart.
enum Palette {
    /// Okabe–Ito, in the order series use them: blue, vermillion, bluish green, reddish purple, orange, sky blue,
    /// black, yellow (last: weak on white).
    static let series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    /// For runs compared against a baseline: black first (the paper draws the unregularised run in black).
    static let runs = ["#000000", "#D55E00", "#009E73", "#0072B2", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
    /// Filled point types (circle, square, triangle up, diamond, triangle down, pentagon).
    static let filledPoints = [7, 5, 9, 13, 11, 15]
    /// The open versions of `filledPoints`.
    static let openPoints = [6, 4, 8, 12, 10, 14]
    /// Dash patterns: solid, dashed, dash-dot, dash-dot-dot, dotted, long dash.
    static let dashes = ["1", "2", "4", "5", "3", "(8,4)"]
    /// Neutral grey for reference lines.
    static let grey = "#777777"

    static func colour(_ i: Int) -> String { series[i % series.count] }
    static func runColour(_ i: Int) -> String { runs[i % runs.count] }
    static func filledPoint(_ i: Int) -> Int { filledPoints[i % filledPoints.count] }
    static func openPoint(_ i: Int) -> Int { openPoints[i % openPoints.count] }
    static func dash(_ i: Int) -> String { dashes[i % dashes.count] }

    /// The paper's RGB nomenclature for smoothing sets over three layers (red = layer 1, green = 2, blue = 3,
    /// sets mixed additively), mapped onto Okabe–Ito's nearest colours: {1} vermillion, {2} bluish green,
    /// {3} blue, {1,2} orange (red + green), {1,3} reddish purple (red + blue), {2,3} sky blue (green + blue),
    /// {1,2,3} black (all three). Nil for sets with layers outside 1…3.
    static func layerSetColour(_ set: [Int]) -> String? {
        switch Set(set) {
        case [1]: return "#D55E00"
        case [2]: return "#009E73"
        case [3]: return "#0072B2"
        case [1, 2]: return "#E69F00"
        case [1, 3]: return "#CC79A7"
        case [2, 3]: return "#56B4E9"
        case [1, 2, 3]: return "#000000"
        default: return nil
        }
    }

    /// `count` blues from dark to light (the paper's "from darker to lighter"), distinguishable in greyscale.
    static func darkToLight(_ count: Int) -> [String] {
        guard count > 1 else { return ["#08306B"] }
        let dark = (8.0, 48.0, 107.0), light = (107.0, 174.0, 214.0)
        return (0..<count).map { i in
            let t = Double(i) / Double(count - 1)
            return hex(dark.0 + (light.0 - dark.0) * t, dark.1 + (light.1 - dark.1) * t, dark.2 + (light.2 - dark.2) * t)
        }
    }

    /// `colour` mixed with white: fraction 0 is the colour, 1 is white.
    static func lighter(_ colour: String, _ fraction: Double) -> String {
        let (r, g, b) = components(colour)
        return hex(r + (255 - r) * fraction, g + (255 - g) * fraction, b + (255 - b) * fraction)
    }

    static func components(_ colour: String) -> (Double, Double, Double) {
        let digits = colour.hasPrefix("#") ? String(colour.dropFirst()) : colour
        let v = Int(digits, radix: 16) ?? 0
        return (Double((v >> 16) & 0xFF), Double((v >> 8) & 0xFF), Double(v & 0xFF))
    }

    static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        func c(_ x: Double) -> Int { Int(min(255, max(0, x.rounded()))) }
        return String(format: "#%02X%02X%02X", c(r), c(g), c(b))
    }
}
