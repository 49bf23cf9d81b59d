import Foundation
import NumericCore

/// How a terminal reads text: gnuplot's enhanced-text markup (pdfcairo, pngcairo, svg) or LaTeX (cairolatex).
enum TextMode: Sendable {
    case enhanced, latex
}

/// Text shown in a figure, held in both markups. Text that comes from users or data (titles, run labels, layer
/// names) enters through `literal`, which escapes every character that either markup would interpret; text that
/// thermo writes (axis labels with symbols) enters through `markup`.
///
/// Escaping for a terminal is only half of safety: `gnuplotString` then makes the result a single-quoted gnuplot
/// string, in which gnuplot performs no substitution at all (no backquote commands, no macros, no escapes).
struct FigureText: Sendable, Equatable, ExpressibleByStringLiteral {
    /// The text in gnuplot's enhanced-text syntax.
    var enhanced: String
    /// The text in LaTeX.
    var latex: String

    /// Text shown exactly as given.
    static func literal(_ text: String) -> FigureText {
        FigureText(enhanced: escapeEnhanced(text), latex: escapeLaTeX(text))
    }

    /// Text written in both markups by thermo, e.g. `.markup("S_{l}", latex: "$S_l$")`.
    static func markup(_ enhanced: String, latex: String) -> FigureText {
        FigureText(enhanced: enhanced, latex: latex)
    }

    init(enhanced: String, latex: String) {
        self.enhanced = enhanced
        self.latex = latex
    }

    /// A string literal is literal text.
    init(stringLiteral value: String) {
        self = .literal(value)
    }

    /// The text for a terminal.
    func rendered(_ mode: TextMode) -> String {
        mode == .enhanced ? enhanced : latex
    }

    static func + (a: FigureText, b: FigureText) -> FigureText {
        FigureText(enhanced: a.enhanced + b.enhanced, latex: a.latex + b.latex)
    }

    /// The texts joined by `separator`.
    static func joined(_ parts: [FigureText], separator: FigureText) -> FigureText {
        guard var result = parts.first else { return "" }
        for part in parts.dropFirst() { result = result + separator + part }
        return result
    }
}

/// `text` with every character that gnuplot's enhanced-text mode interprets (`\ ^ _ @ & ~ { }`) preceded by a
/// backslash, so that it prints literally; control characters become spaces.
func escapeEnhanced(_ text: String) -> String {
    var out = ""
    for scalar in withoutControlCharacters(text).unicodeScalars {
        if "\\^_@&~{}".unicodeScalars.contains(scalar) { out.append("\\") }
        out.unicodeScalars.append(scalar)
    }
    return out
}

/// `text` with LaTeX's special characters written as commands, so that it typesets literally; control
/// characters become spaces.
func escapeLaTeX(_ text: String) -> String {
    var out = ""
    for c in withoutControlCharacters(text) {
        switch c {
        case "\\": out += "\\textbackslash{}"
        case "{", "}", "$", "&", "#", "_", "%": out += "\\" + String(c)
        case "^": out += "\\^{}"
        case "~": out += "\\~{}"
        case "<": out += "\\textless{}"
        case ">": out += "\\textgreater{}"
        case "|": out += "\\textbar{}"
        default: out.append(c)
        }
    }
    return out
}

/// `text` with control characters (line breaks, tabs, escapes) and Unicode line/paragraph separators replaced by
/// spaces.
func withoutControlCharacters(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        let control = scalar.properties.generalCategory == .control || scalar.value == 0x2028 || scalar.value == 0x2029
        out.append(control ? " " : scalar)
    }
    return String(out)
}

/// `text` as a single-quoted gnuplot string: quotes doubled, control characters replaced by spaces. Inside single
/// quotes gnuplot performs no backquote command substitution, no macro expansion and no backslash escapes, and a
/// string cannot end early, so nothing in `text` can become a command.
func gnuplotString(_ text: String) -> String {
    "'" + withoutControlCharacters(text).replacingOccurrences(of: "'", with: "''") + "'"
}

/// A number as a gnuplot literal: integers without a fraction, others in Swift's shortest round-trip form, or
/// with `digits` significant digits. Only finite numbers belong in scripts.
func gnuplotNumber(_ x: Double, digits: Int? = nil) -> String {
    precondition(x.isFinite, "gnuplotNumber: \(x) is not finite")
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    if let digits { return NumberText.significant(x, digits: digits) }
    return "\(x)"
}

/// A number as it appears in a data file: shortest round-trip form; non-finite values as `NaN` (gnuplot skips them).
func dataNumber(_ x: Double) -> String {
    guard x.isFinite else { return "NaN" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}

/// A comment line for a script or data file: control characters replaced by spaces, and never ending in a
/// backslash (which would continue the comment onto the next line in gnuplot).
func commentLine(_ text: String) -> String {
    var line = "# " + withoutControlCharacters(text)
    while line.hasSuffix(" ") { line.removeLast() }
    if line.hasSuffix("\\") { line += " (end)" }
    return line
}
