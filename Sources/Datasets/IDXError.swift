import NumericCore

/// What is wrong with an IDX file: each case names the file, where in it the problem is, and what to do.
///
/// Byte offsets count the *decompressed* bytes of the IDX stream (header included), unless a case says
/// it counts the compressed file.
public enum IDXError: Error, Sendable, Equatable, DescribedError {
    /// The file cannot be opened or read (missing, a folder, no permission, I/O error).
    case unreadable(path: String, reason: String)
    /// The file ends inside the IDX header: `available` of the `needed` header bytes are there.
    case shortHeader(path: String, available: Int, needed: Int)
    /// The first bytes are not an IDX magic number (two zero bytes, a type byte, a dimension count).
    case badMagic(path: String, magic: [UInt8])
    /// The element type is not unsigned bytes (0x08), the only type thermo reads.
    case unsupportedElementType(path: String, typeCode: UInt8)
    /// The header declares `found` dimensions where this file must have `expected`
    /// (3 for images, 1 for labels).
    case wrongDimensionCount(path: String, expected: Int, found: Int)
    /// A dimension is zero (`index` 0 is the record count).
    case zeroDimension(path: String, index: Int)
    /// The declared size cannot be right: larger than `limit` bytes (what the file, or any file thermo
    /// accepts, can hold). Raised before anything is allocated.
    case implausibleSize(path: String, dimensions: [Int], declaredBytes: String, limit: Int, reason: String)
    /// The data stops at decompressed byte `endsAt`, before the `declared` end.
    case truncatedBody(path: String, endsAt: Int, declared: Int, compressed: Bool)
    /// There is more after the declared end: `extra` bytes (or, for a gzip stream, at least that many),
    /// either in the IDX data or, when `afterGzipStream`, after the end of the compressed stream
    /// (at compressed byte `offset`).
    case trailingBytes(path: String, declared: Int, extra: Int, afterGzipStream: Bool, offset: Int)
    /// The gzip stream is damaged: zlib's `message`, at compressed byte `offset`.
    case corruptGzip(path: String, offset: Int, message: String)
    /// An image file and its label file hold different numbers of records.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// Record `index` of a label file holds `label`, not below the data set's `classes`.
    case labelOutOfRange(path: String, index: Int, label: Int, classes: Int, offset: Int)
    /// `error`, met while reading data set `name`: its advice names the data set (`thermo data fetch mnist …`).
    /// Loading and verifying a data set throw their file errors this way (``naming(dataSet:)``).
    indirect case ofDataSet(name: String, error: IDXError)

    /// This error as met while reading data set `name`, so that its advice names it; one that already names a
    /// data set is returned as it is.
    public func naming(dataSet name: String) -> IDXError {
        if case .ofDataSet = self { return self }
        return .ofDataSet(name: name, error: self)
    }

    /// The error itself, without the data set it was met in.
    public var underlying: IDXError {
        if case let .ofDataSet(_, error) = self { return error.underlying }
        return self
    }

    /// The file the error is about (the label file, for a count mismatch).
    public var path: String {
        switch self {
        case .unreadable(let path, _), .shortHeader(let path, _, _), .badMagic(let path, _),
             .unsupportedElementType(let path, _), .wrongDimensionCount(let path, _, _), .zeroDimension(let path, _),
             .implausibleSize(let path, _, _, _, _), .truncatedBody(let path, _, _, _),
             .trailingBytes(let path, _, _, _, _), .corruptGzip(let path, _, _),
             .labelOutOfRange(let path, _, _, _, _):
            return path
        case .countMismatch(_, _, let labelsPath, _):
            return labelsPath
        case let .ofDataSet(_, error):
            return error.path
        }
    }

    /// What to do about a damaged or wrong file of data set `name` ("<name>" when the file was read on its own,
    /// outside any data set).
    static func advice(_ name: String) -> String {
        "re-download the data set ('thermo data fetch \(name) --force') and check it with 'thermo data verify \(name)'"
    }

    /// One line: what is wrong, where, and what to do; the advice names the data set when the error does
    /// (``ofDataSet(name:error:)``).
    public var description: String { describe(dataSet: "<name>") }

    /// ``description``, with the advice naming data set `name` unless the error names its own.
    private func describe(dataSet name: String) -> String {
        switch self {
        case let .ofDataSet(name, error):
            return error.describe(dataSet: name)
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .shortHeader(path, available, needed):
            return "\(path) is too short for an IDX header: it ends at byte \(grouped(available)) of the "
                + "\(needed) header bytes; the file is truncated or not an IDX file — \(IDXError.advice(name))"
        case let .badMagic(path, magic):
            let shown = magic.map { hexString([$0]) }.joined(separator: " ")
            return "\(path) is not an IDX file: its first bytes are \(shown), not 00 00 08 0N (bytes 0–3); "
                + "\(IDXError.advice(name))"
        case let .unsupportedElementType(path, code):
            return "\(path) holds IDX elements of type 0x\(hexString([code])) at byte 2; thermo reads only unsigned "
                + "bytes (0x08) — use the original MNIST-format files"
        case let .wrongDimensionCount(path, expected, found):
            let what = expected == 3 ? "an image file (3 dimensions)" : "a label file (\(expected) dimension)"
            return "\(path) declares \(found) dimension\(found == 1 ? "" : "s") at byte 3, but it should be \(what); "
                + "the files may be swapped or misnamed — \(IDXError.advice(name))"
        case let .zeroDimension(path, index):
            return "\(path) declares dimension \(index)\(index == 0 ? " (the record count)" : "") as 0 at byte "
                + "\(4 + 4 * index); \(IDXError.advice(name))"
        case let .implausibleSize(path, dimensions, declared, limit, reason):
            return "\(path) declares \(dimensions.map(grouped).joined(separator: " × ")) = \(declared) data bytes, "
                + "more than \(reason) (\(grouped(limit)) bytes); its header is corrupt — \(IDXError.advice(name))"
        case let .truncatedBody(path, endsAt, declared, compressed):
            return "\(path) is truncated: its \(compressed ? "decompressed " : "")data ends at byte \(grouped(endsAt)) "
                + "of \(grouped(declared)) declared; \(IDXError.advice(name))"
        case let .trailingBytes(path, declared, extra, afterStream, offset):
            if afterStream {
                return "\(path) has \(grouped(extra)) unexpected byte\(extra == 1 ? "" : "s") after the end of its "
                    + "gzip stream (from compressed byte \(grouped(offset))); \(IDXError.advice(name))"
            }
            return "\(path) holds more than its header declares: \(extra > 1 ? grouped(extra) : "at least 1") byte"
                + "\(extra > 1 ? "s" : "") past the declared end at byte \(grouped(declared)); \(IDXError.advice(name))"
        case let .corruptGzip(path, offset, message):
            return "\(path) is a corrupt gzip stream (\(message), near compressed byte \(grouped(offset))); "
                + "\(IDXError.advice(name))"
        case let .countMismatch(imagesPath, images, labelsPath, labels):
            return "\(imagesPath) holds \(grouped(images)) images but \(labelsPath) holds \(grouped(labels)) labels; "
                + "the two files do not belong together — \(IDXError.advice(name))"
        case let .labelOutOfRange(path, index, label, classes, offset):
            return "\(path) gives record \(grouped(index)) the label \(label) (byte \(grouped(offset))), but the data set "
                + "has \(classes) classes (0…\(classes - 1)); \(IDXError.advice(name))"
        }
    }
}

/// An integer with thousands separators ("47,040,016"), independent of the locale.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return value < 0 ? "-" + out : out
}
