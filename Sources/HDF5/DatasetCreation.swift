import CHDF5
import HDF5Shim

extension Container {
    /// Creates a dataset of `T` elements at `path` (missing intermediate groups are created).
    ///
    /// - Parameters:
    ///   - shape: the initial size along each axis (may be 0 along extensible axes).
    ///   - maxShape: the maximum size along each axis, `nil` for unlimited; omitted means fixed at `shape`.
    ///     A dataset with any axis that can grow is chunked.
    ///   - chunking: `.automatic` picks chunk sizes with h5py's heuristic when chunks are needed (growth or
    ///     compression) and stores the dataset contiguously otherwise; `.explicit` forces these chunks.
    ///   - compression: filters to apply (they require, and imply, chunked storage).
    @discardableResult
    public func createDataset<T: HDF5Element>(_ path: String, of type: T.Type, shape: [Int], maxShape: [Int?]? = nil,
                                              chunking: Chunking = .automatic,
                                              compression: Compression = .none) throws -> Dataset {
        let operation = "create dataset", object = displayName(of: path)
        let limits = maxShape ?? shape.map { Optional($0) }
        guard limits.count == shape.count else {
            throw HDF5Error(operation: operation, object: object,
                            reason: "maxShape \(limits) and shape \(shape) differ in rank")
        }
        for (size, limit) in zip(shape, limits) {
            if let limit, size > limit {
                throw HDF5Error(operation: operation, object: object, reason: "shape \(shape) exceeds maxShape \(limits)")
            }
        }
        let dims = try hsizes(shape, "shape", operation: operation, object: object)
        let maxDims = try limits.map { limit -> hsize_t in
            guard let limit else { return thermo_H5S_UNLIMITED() }
            return try hsizes([limit], "maxShape", operation: operation, object: object)[0]
        }
        let grows = zip(shape, limits).contains { size, limit in limit.map { $0 != size } ?? true }
        let chunks: [Int]?
        switch chunking {
        case .explicit(let given):
            guard given.count == shape.count, given.allSatisfy({ $0 > 0 }) else {
                throw HDF5Error(operation: operation, object: object,
                                reason: "chunks \(given) must be positive, one per axis of shape \(shape)")
            }
            chunks = given
        case .automatic:
            let needed = grows || compression != .none
            chunks = needed && !shape.isEmpty
                ? Chunking.guess(shape: shape, maxShape: limits, elementSize: T.elementType.byteSize) : nil
        }
        if chunks == nil && (grows || compression != .none) {
            throw HDF5Error(operation: operation, object: object,
                            reason: "a scalar dataset can be neither extensible nor compressed")
        }

        return try withHandle(operation) { location in
            try refuseIfSWMRWriting(location, operation: operation, object: object)
            let space = Temporary(try check(shape.isEmpty ? H5Screate(H5S_SCALAR)
                                                          : H5Screate_simple(Int32(shape.count), dims, maxDims),
                                            operation, object), closer: H5Sclose)
            let dcpl = Temporary(try check(H5Pcreate(thermo_H5P_DATASET_CREATE()), operation, object), closer: H5Pclose)
            if let chunks {
                let chunkDims = try hsizes(chunks, "chunks", operation: operation, object: object)
                try check(H5Pset_chunk(dcpl.id, Int32(chunkDims.count), chunkDims), operation, object)
            }
            if case .deflate(let level, let shuffle) = compression {
                if shuffle { try check(H5Pset_shuffle(dcpl.id), operation, object) }
                try check(H5Pset_deflate(dcpl.id, UInt32(max(0, min(9, level)))), operation, object)
            }
            let lcpl = Temporary(try check(H5Pcreate(thermo_H5P_LINK_CREATE()), operation, object), closer: H5Pclose)
            try check(H5Pset_create_intermediate_group(lcpl.id, 1), operation, object)
            let id = try check(H5Dcreate2(location, path, T.elementType.nativeType ?? -1, space.id, lcpl.id, dcpl.id,
                                          thermo_H5P_DEFAULT()), operation, object)
            return Dataset(handle: id, isFile: false, path: joinPath(self.path, path), filePath: filePath)
        }
    }

    /// Creates a dataset that grows by rows: shape `[0] + rowShape`, unlimited along the first axis and
    /// fixed along the others. Rows are added with ``Dataset/append(_:)``.
    @discardableResult
    public func createAppendableDataset<T: HDF5Element>(_ path: String, of type: T.Type, rowShape: [Int] = [],
                                                        chunking: Chunking = .automatic,
                                                        compression: Compression = .none) throws -> Dataset {
        try createDataset(path, of: type, shape: [0] + rowShape, maxShape: [nil] + rowShape.map { Optional($0) },
                          chunking: chunking, compression: compression)
    }

    /// Opens the existing dataset at `path`.
    public func openDataset(_ path: String) throws -> Dataset {
        try withHandle("open dataset") { location in
            let id = try check(H5Dopen2(location, path, thermo_H5P_DEFAULT()), "open dataset", displayName(of: path))
            return Dataset(handle: id, isFile: false, path: joinPath(self.path, path), filePath: filePath)
        }
    }
}

extension ElementType {
    /// The size in bytes of one element of a numeric type (0 for strings and other types).
    var byteSize: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .uint8: 1
        case .string, .other: 0
        }
    }
}
