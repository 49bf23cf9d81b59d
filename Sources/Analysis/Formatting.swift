import Foundation
import NumericCore

// Number formatting for messages and the quotable summary sentence.

/// x in scientific notation with `digits` significant digits ("1.23e-10").
func formatScientific(_ x: Double, digits: Int) -> String {
    String(format: "%.\(max(0, digits - 1))e", x)
}

/// The number of decimals that shows `error` with two significant digits (none for errors ≥ 10).
func decimalsForError(_ error: Double) -> Int {
    guard error.isFinite, error > 0 else { return 3 }
    return max(0, 1 - Int(floor(log10(error))))
}

/// x with a fixed number of decimals.
func formatDecimals(_ x: Double, _ decimals: Int) -> String {
    guard x.isFinite else { return formatShort(x) }
    return String(format: "%.\(decimals)f", x)
}

/// "v ± h" when the interval [lower, upper] is nearly symmetric about v, else "v (+u/−d)"; the error is shown
/// with two significant digits and the value rounded to the same place. Very large or small values fall back
/// to scientific notation.
func formatValueWithInterval(_ value: Double, lower: Double, upper: Double) -> String {
    let up = upper - value, down = value - lower
    let half = 0.5 * (upper - lower)
    guard value.isFinite, half.isFinite, half > 0 else { return formatShort(value) }
    let magnitude = abs(value)
    if magnitude != 0 && (magnitude >= 1e6 || magnitude < 1e-4) {
        return "\(formatScientific(value, digits: 3)) [\(formatScientific(lower, digits: 2)), \(formatScientific(upper, digits: 2))]"
    }
    if up > 0, down > 0, abs(up - down) <= 0.2 * half {
        let d = decimalsForError(half)
        return "\(formatDecimals(value, d)) ± \(formatDecimals(half, d))"
    }
    let d = decimalsForError(max(min(up, down), 1e-300))
    return "\(formatDecimals(value, d)) (+\(formatDecimals(up, d))/−\(formatDecimals(down, d)))"
}

/// An epoch for messages: integers without decimals, fractional epochs (windows of steps) with up to 6
/// significant digits and no trailing zeros ("0.12", "1.7094").
func formatEpoch(_ e: Double) -> String { NumberText.wholeOrSignificant(e, digits: 6, symbols: true) }
