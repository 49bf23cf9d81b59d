import Foundation

/// Writing IDX files: used by tests (here and in other modules) to make small synthetic data sets, and by
/// anyone who wants to store data in the format thermo reads.
extension IDXFile {
    /// The IDX header for unsigned-byte data of the given sizes (the first is the record count).
    public static func encodeHeader(dimensions: [Int]) -> [UInt8] {
        precondition(!dimensions.isEmpty && dimensions.count < 256, "IDX takes 1…255 dimensions")
        var header: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for size in dimensions {
            precondition(size >= 0 && size <= Int(UInt32.max), "IDX sizes are 32-bit")
            header += [UInt8(truncatingIfNeeded: size >> 24), UInt8(truncatingIfNeeded: size >> 16),
                       UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size)]
        }
        return header
    }

    /// Writes `data` with `dimensions` as an IDX file at `path`, gzip-compressed when `gzip` is true.
    public static func write(dimensions: [Int], data: [UInt8], to path: String, gzip: Bool) throws {
        precondition(dimensions.reduce(1, *) == data.count, "data size does not match the dimensions")
        let bytes = encodeHeader(dimensions: dimensions) + data
        let out = gzip ? try Gzip.compress(bytes) : bytes
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}

/// Writes the four files of a data set (`train-images-idx3-ubyte[.gz]` …) into `folder`, creating it.
/// Handy for tests that need a small data set on disk.
public func writeDataSetFiles(train: LabeledImages, test: LabeledImages, to folder: String, gzip: Bool) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let suffix = gzip ? ".gz" : ""
    for (split, prefix) in [(train, "train"), (test, "t10k")] {
        try IDXFile.write(dimensions: [split.count, split.rows, split.columns], data: split.pixels,
                          to: folder + "/\(prefix)-images-idx3-ubyte" + suffix, gzip: gzip)
        try IDXFile.write(dimensions: [split.count], data: split.labels,
                          to: folder + "/\(prefix)-labels-idx1-ubyte" + suffix, gzip: gzip)
    }
}

/// gzip compression (a gzip header and trailer around a deflate stream), through `Deflate`.
public enum Gzip {
    /// A compression failure (zlib's return code).
    public typealias Failure = Deflate.Failure

    /// `bytes` as one gzip member, at compression `level` (0…9).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        try bytes.withUnsafeBufferPointer { try Deflate.compress($0, level: level, container: .gzip, strategy: .standard) }
    }
}
