#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CNumberFormat

/// Numbers as text for messages, tables, labels and CSV, in C's `%g` notation: the one number formatter the
/// modules above share (each module's own short names only pick a style).
public enum NumberText {
    /// x with `digits` significant digits in C's `%.{digits}g` notation, trailing zeros dropped ("0.2134",
    /// "-3", "1e-10"); non-finite values as C writes them ("nan", "inf", "-inf"). Made by C's `snprintf`:
    /// the same text as `String(format:)`, without Foundation's cost per call (tables of 10⁶ rows format
    /// millions of cells).
    public static func significant(_ x: Double, digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            // snprintf through a C function of one double: withVaList would box x as an existential and cast it
            // back on every call, which was most of the time of a 10⁶-row table.
            _ = thermo_format_double(buffer.baseAddress!, 64, "%.\(digits)g", x)
            return String(cString: buffer.baseAddress!)
        }
    }

    /// `n` and `noun`, in the plural unless `n` is 1: "1 epoch", "3 epochs", "1 BLAS thread".
    public static func counted(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    /// A non-finite value as a reader expects it: "NaN", "∞", "−∞".
    public static func symbol(_ x: Double) -> String {
        x.isNaN ? "NaN" : (x > 0 ? "∞" : "−∞")
    }

    /// x with `digits` significant digits (default 4); non-finite values as "NaN", "∞", "−∞". For messages
    /// and tables.
    public static func short(_ x: Double, digits: Int = 4) -> String {
        x.isFinite ? significant(x, digits: digits) : symbol(x)
    }

    /// x as the shortest text that reads back to the same Double, for CSV: whole numbers (|x| < 10¹⁵) without
    /// decimals, "nan", "inf", "-inf" for non-finite values.
    public static func exact(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    /// Whole numbers (|x| < 10¹⁵) without decimals, others with `digits` significant digits; non-finite
    /// values as "NaN", "∞", "−∞" when `symbols`, else as C writes them ("nan", "inf", "-inf").
    public static func wholeOrSignificant(_ x: Double, digits: Int, symbols: Bool) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return symbols ? short(x, digits: digits) : significant(x, digits: digits)
    }
}

/// Lines of cells padded to aligned columns (two spaces apart), each line ending in a newline.
public func alignedColumns(_ lines: [[String]]) -> String {
    let columns = lines.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for line in lines { for (j, cell) in line.enumerated() { widths[j] = max(widths[j], cell.count) } }
    var out = ""
    for line in lines {
        for (j, cell) in line.enumerated() {
            out += cell
            if j < line.count - 1 { out += String(repeating: " ", count: widths[j] - cell.count + 2) }
        }
        out += "\n"
    }
    return out
}
