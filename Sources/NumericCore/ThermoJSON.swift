import Foundation

/// The JSON coders of every file thermo writes and reads back (run summaries, checkpoint headers, trace
/// attributes, printed results). JSON has no literal for NaN or ∞, yet they are data (a diverging run's test
/// loss): they are written as the strings `"nan"`, `"inf"` and `"-inf"`, and read back from them, so that
/// what one thermo writes another reads.
public enum ThermoJSON {
    /// The encoder with `formatting` and the strings for non-finite numbers.
    public static func encoder(_ formatting: JSONEncoder.OutputFormatting = [.sortedKeys]) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder that reads what ``encoder(_:)`` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
