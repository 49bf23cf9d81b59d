import Foundation

/// The output formats, chosen by the output file's extension, and the gnuplot terminal that writes each.
///
/// | extension | terminal | notes |
/// |---|---|---|
/// | `.pdf` | pdfcairo | vector, size in cm |
/// | `.png` | pngcairo | raster at `FigureOptions.dpi`; fonts and lines scaled so that the PNG matches the PDF |
/// | `.svg` | svg | vector, size in points (1/72 inch) |
/// | `.tex` | cairolatex pdf | text typeset by LaTeX; the graphics go to a `.pdf` of the same name beside it |
public enum FigureFormat: String, CaseIterable, Sendable {
    case pdf, png, svg, tex

    /// The format for `path`'s extension (case-insensitive).
    public init(path: String) throws(FigureError) {
        guard let format = FigureFormat(rawValue: (path as NSString).pathExtension.lowercased()) else {
            throw .unsupportedFormat(path: path)
        }
        self = format
    }

    /// How text is marked up for this terminal.
    var textMode: TextMode { self == .tex ? .latex : .enhanced }

    /// The extensions of files the terminal writes beside the output (cairolatex: the graphics PDF).
    var companionExtensions: [String] { self == .tex ? ["pdf"] : [] }

    /// The `set terminal` command for this format.
    func terminal(size: FigureSize, options: FigureOptions) -> String {
        let font = gnuplotString("\(options.font),\(gnuplotNumber(options.fontSize))")
        switch self {
        case .pdf:
            return "set terminal pdfcairo enhanced color size \(gnuplotNumber(size.width))cm,\(gnuplotNumber(size.height))cm font \(font) linewidth 1 dashlength 1"
        case .png:
            // At scale 1, pngcairo draws a point of font size as 2 px, a unit of line width as about 1.5 px and a
            // marker at 1 px per point (measured against pdfcairo rasterised by Ghostscript); scaling them by dpi/144,
            // dpi/150 and dpi/72 makes the PNG a faithful raster of the PDF at the requested dpi.
            let (w, h) = size.pixels(dpi: options.dpi)
            return "set terminal pngcairo enhanced color size \(w),\(h) font \(font) fontscale \(gnuplotNumber(options.dpi / 144, digits: 4)) "
                + "linewidth \(gnuplotNumber(options.dpi / 150, digits: 4)) pointscale \(gnuplotNumber(options.dpi / 72, digits: 4)) dashlength 1 background rgb 'white'"
        case .svg:
            let (w, h) = size.points
            return "set terminal svg enhanced size \(gnuplotNumber(w, digits: 5)),\(gnuplotNumber(h, digits: 5)) fixed font \(font) linewidth 1 dashlength 1 background rgb 'white'"
        case .tex:
            return "set terminal cairolatex pdf input color size \(gnuplotNumber(size.width))cm,\(gnuplotNumber(size.height))cm font \(gnuplotString(",\(gnuplotNumber(options.fontSize))")) linewidth 1 dashlength 1"
        }
    }
}
