import Foundation

/// A figure's size in centimetres (the physical size of the PDF, SVG and cairolatex outputs; PNGs are rasterised
/// at `FigureOptions.dpi`).
public struct FigureSize: Sendable, Equatable, CustomStringConvertible {
    /// Width and height in cm.
    public var width: Double
    /// The height in cm.
    public var height: Double

    /// A size of `width` × `height` cm.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Parses `W,H` or `WxH` in cm (`12,8`, `17.5x9`; a trailing `cm` is accepted).
    public init(parsing text: String) throws(FigureError) {
        let cleaned = text.lowercased().replacingOccurrences(of: "cm", with: "").replacingOccurrences(of: " ", with: "")
        let parts = cleaned.split(whereSeparator: { $0 == "," || $0 == "x" }).map(String.init)
        guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]) else {
            throw .invalidOption(option: "--size", reason: "takes WIDTH,HEIGHT in cm, e.g. 12,8 or 17x9; got '\(text)'")
        }
        self.init(width: w, height: h)
        try validate()
    }

    /// Checks that both sides are between 1 and 200 cm.
    public func validate() throws(FigureError) {
        guard width.isFinite, height.isFinite, width >= 1, height >= 1, width <= 200, height <= 200 else {
            throw .invalidOption(option: "--size", reason: "must be between 1 and 200 cm on each side, got \(self)")
        }
    }

    /// The size in pixels at `dpi` dots per inch.
    public func pixels(dpi: Double) -> (width: Int, height: Int) {
        (Int((width / 2.54 * dpi).rounded()), Int((height / 2.54 * dpi).rounded()))
    }

    /// The size in PostScript points (1/72 inch), the unit of the svg terminal.
    var points: (width: Double, height: Double) { (width / 2.54 * 72, height / 2.54 * 72) }

    /// "12×8 cm".
    public var description: String { "\(gnuplotNumber(width))×\(gnuplotNumber(height)) cm" }
}

/// An axis range with optional ends (`--xrange 10:` keeps the upper end automatic).
public struct AxisRange: Sendable, Equatable {
    /// The ends; nil is automatic.
    public var lower: Double?
    /// The upper end (nil: automatic).
    public var upper: Double?

    /// A range [lower, upper]; nil ends are automatic.
    public init(lower: Double?, upper: Double?) {
        self.lower = lower
        self.upper = upper
    }

    /// Parses `FROM:TO` where either side may be empty or `*` (`10:200`, `:50`, `1e-3:*`).
    public init(parsing text: String, option: String = "--xrange") throws(FigureError) {
        // The option takes the next word whatever it is (so that `-5:1` is a range), so a forgotten value shows
        // up as the following flag.
        if text.hasPrefix("--") {
            throw .invalidOption(option: option, reason: "takes FROM:TO right after it, e.g. \(option) 10:200; it got the flag '\(text)' instead")
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        func end(_ s: String) throws(FigureError) -> Double? {
            if s.isEmpty || s == "*" { return nil }
            guard let v = Double(s), v.isFinite else {
                throw .invalidOption(option: option, reason: "takes FROM:TO with numbers (either may be empty or *), e.g. 10:200; '\(s)' is not a number")
            }
            return v
        }
        guard parts.count == 2 else {
            throw .invalidOption(option: option, reason: "takes FROM:TO, e.g. 10:200 or 100: ; got '\(text)'")
        }
        self.init(lower: try end(parts[0]), upper: try end(parts[1]))
        if let lower, let upper, lower >= upper {
            throw .invalidOption(option: option, reason: "needs FROM < TO, got \(text)")
        }
    }

    /// gnuplot's `[lo:hi]` with `*` for automatic ends.
    var gnuplot: String { "[\(lower.map { gnuplotNumber($0) } ?? "*"):\(upper.map { gnuplotNumber($0) } ?? "*")]" }

    /// Whether x lies within the range (automatic ends are unbounded).
    func contains(_ x: Double) -> Bool { (lower.map { x >= $0 } ?? true) && (upper.map { x <= $0 } ?? true) }
}

/// Settings shared by every figure: size, font, title, axes. Figures choose their own defaults for whatever is
/// left nil.
public struct FigureOptions: Sendable, Equatable {
    /// The figure's title (a multi-panel figure's overall title); nil: the figure's own, if any.
    public var title: String?
    /// The size in cm; nil: the figure's default.
    public var size: FigureSize?
    /// Dots per inch for PNG output (the pixel size is size × dpi / 2.54).
    public var dpi: Double = 300
    /// The font family (fontconfig name) for pdf, png and svg; cairolatex uses the document's font.
    public var font: String = "Helvetica"
    /// The font size in points.
    public var fontSize: Double = 9
    /// The range of the horizontal (epoch, R or x) axis of every panel; nil: automatic.
    public var xrange: AxisRange?
    /// Logarithmic horizontal axis; nil: the figure's default.
    public var logx: Bool?
    /// Logarithmic vertical axis (for figures whose vertical axis is not logarithmic by nature); nil: default.
    public var logy: Bool?
    /// Raw gnuplot commands run before every plot command (every panel), e.g. `set key bottom left`. They are
    /// the user's own commands and are written to the script unchanged.
    public var extraCommands: [String] = []

    /// Default options.
    public init() {}

    /// Checks the numeric settings.
    public func validate() throws(FigureError) {
        try size?.validate()
        guard dpi.isFinite, dpi >= 20, dpi <= 2400 else {
            throw .invalidOption(option: "--dpi", reason: "must be between 20 and 2400, got \(gnuplotNumber(dpi))")
        }
        guard fontSize.isFinite, fontSize >= 4, fontSize <= 72 else {
            throw .invalidOption(option: "--font-size", reason: "must be between 4 and 72 points, got \(gnuplotNumber(fontSize))")
        }
        guard !font.isEmpty, !font.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidOption(option: "--font", reason: "must be a font family name such as Helvetica or 'DejaVu Sans'")
        }
        for command in extraCommands where command.contains(where: \.isNewline) {
            throw .invalidOption(option: "--gnuplot", reason: "takes one command per use; repeat the option instead of using line breaks")
        }
    }
}
