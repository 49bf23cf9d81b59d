import CHDF5
import HDF5Shim

extension Dataset {
    /// Writes one chunk exactly as it is to be stored (H5Dwrite_chunk): `bytes` must already have passed
    /// through the dataset's filters (e.g. shuffle, then deflate), except those whose bit is set in
    /// `filterMask` (bit i skips filter i of the pipeline). `offset` is the chunk's first element, on a chunk
    /// boundary and inside the current shape (extend the dataset first).
    ///
    /// This lets a caller compress chunks itself, on several threads, and hand HDF5 only the writing; readers
    /// see an ordinary filtered chunk. Allowed for a SWMR writer (it writes raw data and the chunk index).
    public func writeRawChunk(_ bytes: UnsafeRawBufferPointer, offset: [Int], filterMask: UInt32 = 0) throws {
        let operation = "write a chunk of"
        let offsets = try hsizes(offset, "chunk offset", operation: operation, object: displayName)
        try withHandle(operation) { id in
            try check(H5Dwrite_chunk(id, thermo_H5P_DEFAULT(), filterMask, offsets, bytes.count, bytes.baseAddress),
                      operation, displayName)
        }
    }
}
