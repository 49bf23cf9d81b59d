#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a dataset's storage is laid out.
public enum Chunking: Sendable, Hashable {
    /// Chunked when needed (an unlimited axis, or compression), with chunk sizes chosen by
    /// ``Chunking/guess(shape:maxShape:elementSize:)``, h5py's heuristic; contiguous otherwise.
    case automatic
    /// Chunked with these chunk sizes, one per axis.
    case explicit([Int])

    /// h5py's chunk-size heuristic (`h5py._hl.filters.guess_chunk`), reproduced: start from the dataset's
    /// shape (1024 for an axis of current size 0), aim at a chunk of 16 KiB × 2^log10(dataset MiB) bytes
    /// clamped to [8 KiB, 1 MiB], and halve the axes in turn, first to last, until the chunk is below the
    /// target (or within 50 % of it) and below 1 MiB. Axes with a fixed maximum are capped at that maximum.
    public static func guess(shape: [Int], maxShape: [Int?], elementSize: Int) -> [Int] {
        let base = 16.0 * 1024, minimum = 8.0 * 1024, maximum = 1024.0 * 1024
        guard !shape.isEmpty else { return [] }
        var chunks = shape.map { Double($0 == 0 ? 1024 : $0) }
        let product = { chunks.reduce(1, *) }
        let datasetBytes = product() * Double(elementSize)
        var target = base * exp2(log10(datasetBytes / (1024 * 1024)))
        target = min(max(target, minimum), maximum)
        var index = 0
        while true {
            let chunkBytes = product() * Double(elementSize)
            if (chunkBytes < target || abs(chunkBytes - target) / target < 0.5) && chunkBytes < maximum { break }
            if product() == 1 { break }
            let axis = index % chunks.count
            chunks[axis] = (chunks[axis] / 2).rounded(.up)
            index += 1
        }
        return zip(chunks, maxShape).map { chunk, limit in
            let size = Int(chunk)
            if let limit { return max(1, min(size, limit)) }
            return max(1, size)
        }
    }
}

/// The compression filters applied to a chunked dataset.
public enum Compression: Sendable, Hashable {
    /// No filter.
    case none
    /// The deflate (zlib) filter at `level` 0…9, preceded by the byte-shuffle filter when `shuffle` is true.
    case deflate(level: Int, shuffle: Bool)

    /// Deflate level 4 with shuffle: h5py's `compression="gzip", shuffle=True` default.
    public static let standard = Compression.deflate(level: 4, shuffle: true)
}

/// A filter found in a dataset's creation properties.
public enum Filter: Sendable, Hashable {
    /// The deflate (zlib) filter at this level.
    case deflate(level: Int)
    /// The byte-shuffle filter.
    case shuffle
    /// Any other filter, by its HDF5 filter id.
    case other(id: Int)
}
