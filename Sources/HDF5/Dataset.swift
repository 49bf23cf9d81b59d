import CHDF5
import HDF5Shim

/// An open HDF5 dataset: an N-dimensional array of numbers stored in the file, read and written whole
/// or by hyperslab (a box given by `start` and `count` per axis), and extended row by row.
///
/// Elements are exchanged as flat Swift arrays in row-major (C) order. The Swift element type must match
/// the dataset's ``elementType``; a mismatch throws instead of converting silently.
public final class Dataset: HDF5Object, @unchecked Sendable {
    // MARK: Shape and storage

    /// The current size along each axis (`[]` for a scalar dataset).
    public var shape: [Int] {
        get throws { try extent().shape }
    }

    /// The maximum size along each axis, `nil` for an unlimited axis.
    public var maxShape: [Int?] {
        get throws { try extent().maxShape }
    }

    /// The number of elements currently in the dataset.
    public var count: Int {
        get throws { try shape.reduce(1, *) }
    }

    /// The type of the stored elements.
    public var elementType: ElementType {
        get throws {
            try withHandle("inspect dataset") { id in
                let type = Temporary(try check(H5Dget_type(id), "inspect dataset", displayName), closer: H5Tclose)
                return ElementType.classify(type.id)
            }
        }
    }

    /// The chunk sizes, or nil for contiguous or compact storage.
    public var chunks: [Int]? {
        get throws {
            try withCreationProperties { dcpl in
                guard H5Pget_layout(dcpl) == H5D_CHUNKED else { return nil }
                var dims = [hsize_t](repeating: 0, count: 32)
                let rank = try check(H5Pget_chunk(dcpl, Int32(dims.count), &dims), "inspect dataset", displayName)
                return dims.prefix(Int(rank)).map { Int($0) }
            }
        }
    }

    /// The filters of the dataset's pipeline, in the order they apply when writing.
    public var filters: [Filter] {
        get throws {
            try withCreationProperties { dcpl in
                let number = try check(H5Pget_nfilters(dcpl), "inspect dataset", displayName)
                return try (0..<number).map { index -> Filter in
                    var flags: UInt32 = 0, configuration: UInt32 = 0
                    var valueCount = 8
                    var values = [UInt32](repeating: 0, count: valueCount)
                    var name = [CChar](repeating: 0, count: 64)
                    let filter = try check(H5Pget_filter2(dcpl, UInt32(index), &flags, &valueCount, &values,
                                                          name.count, &name, &configuration),
                                           "inspect dataset", displayName)
                    switch filter {
                    case thermo_H5Z_FILTER_DEFLATE(): return .deflate(level: valueCount > 0 ? Int(values[0]) : -1)
                    case thermo_H5Z_FILTER_SHUFFLE(): return .shuffle
                    default: return .other(id: Int(filter))
                    }
                }
            }
        }
    }

    /// Runs `body` with the dataset-creation property list (closed afterwards).
    private func withCreationProperties<R>(_ body: (hid_t) throws -> R) throws -> R {
        try withHandle("inspect dataset") { id in
            let dcpl = Temporary(try check(H5Dget_create_plist(id), "inspect dataset", displayName), closer: H5Pclose)
            return try body(dcpl.id)
        }
    }

    /// The current and maximum extents, read from the dataset's dataspace.
    private func extent() throws -> (shape: [Int], maxShape: [Int?]) {
        try withHandle("inspect dataset") { id in
            let space = Temporary(try check(H5Dget_space(id), "inspect dataset", displayName), closer: H5Sclose)
            let rank = Int(try check(H5Sget_simple_extent_ndims(space.id), "inspect dataset", displayName))
            var dims = [hsize_t](repeating: 0, count: rank), maxDims = [hsize_t](repeating: 0, count: rank)
            try check(H5Sget_simple_extent_dims(space.id, &dims, &maxDims), "inspect dataset", displayName)
            return (dims.map { Int($0) }, maxDims.map { $0 == thermo_H5S_UNLIMITED() ? nil : Int($0) })
        }
    }

    // MARK: Reading

    /// Reads the whole dataset as a flat row-major array. Throws when `T` is not the stored element type.
    public func read<T: HDF5Element>(as type: T.Type = T.self) throws -> [T] {
        let operation = "read dataset"
        return try withHandle(operation) { id in
            try checkType(T.self, operation: operation, id: id)
            let total = try shape.reduce(1, *)
            if total == 0 { return [] }
            return try [T](unsafeUninitializedCapacity: total) { buffer, initialised in
                try check(H5Dread(id, T.elementType.nativeType ?? -1, thermo_H5S_ALL(), thermo_H5S_ALL(),
                                  thermo_H5P_DEFAULT(), buffer.baseAddress), operation, displayName)
                initialised = total
            }
        }
    }

    /// Reads the hyperslab of `count` elements along each axis from `start`, as a flat row-major array.
    public func read<T: HDF5Element>(as type: T.Type = T.self, start: [Int], count: [Int]) throws -> [T] {
        let operation = "read dataset"
        return try withHandle(operation) { id in
            try checkType(T.self, operation: operation, id: id)
            let total = count.reduce(1, *)
            let fileSpace = try selectHyperslab(id: id, start: start, count: count, operation: operation)
            if total == 0 { return [] }
            let memorySpace = try memorySpace(elements: total, operation: operation)
            return try [T](unsafeUninitializedCapacity: total) { buffer, initialised in
                try check(H5Dread(id, T.elementType.nativeType ?? -1, memorySpace.id, fileSpace.id,
                                  thermo_H5P_DEFAULT(), buffer.baseAddress), operation, displayName)
                initialised = total
            }
        }
    }

    // MARK: Writing

    /// Writes the whole dataset from a flat row-major array holding exactly ``count`` elements.
    public func write<T: HDF5Element>(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { try write($0) }
    }

    /// Writes the whole dataset from a buffer holding exactly ``count`` elements.
    public func write<T: HDF5Element>(_ values: UnsafeBufferPointer<T>) throws {
        let operation = "write dataset"
        try withHandle(operation) { id in
            try checkType(T.self, operation: operation, id: id)
            let total = try shape.reduce(1, *)
            guard values.count == total else {
                throw HDF5Error(operation: operation, object: displayName,
                                reason: "got \(values.count) values for \(total) elements of shape \(try shape)")
            }
            if total == 0 { return }
            try check(H5Dwrite(id, T.elementType.nativeType ?? -1, thermo_H5S_ALL(), thermo_H5S_ALL(),
                               thermo_H5P_DEFAULT(), values.baseAddress), operation, displayName)
        }
    }

    /// Writes `values` (row-major, `count` elements along each axis) into the hyperslab starting at `start`.
    public func write<T: HDF5Element>(_ values: [T], start: [Int], count: [Int]) throws {
        try values.withUnsafeBufferPointer { try write($0, start: start, count: count) }
    }

    /// Writes `values` (row-major, `count` elements along each axis) into the hyperslab starting at `start`.
    public func write<T: HDF5Element>(_ values: UnsafeBufferPointer<T>, start: [Int], count: [Int]) throws {
        let operation = "write dataset"
        try withHandle(operation) { id in
            try checkType(T.self, operation: operation, id: id)
            let total = count.reduce(1, *)
            guard values.count == total else {
                throw HDF5Error(operation: operation, object: displayName,
                                reason: "got \(values.count) values for a hyperslab of \(count) elements")
            }
            let fileSpace = try selectHyperslab(id: id, start: start, count: count, operation: operation)
            if total == 0 { return }
            let memorySpace = try memorySpace(elements: total, operation: operation)
            try check(H5Dwrite(id, T.elementType.nativeType ?? -1, memorySpace.id, fileSpace.id,
                               thermo_H5P_DEFAULT(), values.baseAddress), operation, displayName)
        }
    }

    /// Changes the current shape (H5Dset_extent), within ``maxShape``. Chunked datasets only.
    public func resize(to newShape: [Int]) throws {
        let operation = "resize dataset"
        let dims = try hsizes(newShape, "shape", operation: operation, object: displayName)
        try withHandle(operation) { id in
            try check(H5Dset_extent(id, dims), operation, displayName)
        }
    }

    /// Appends rows along the first axis: extends the dataset, then writes the new rows' hyperslab.
    /// `values` holds whole rows (a multiple of the product of the trailing axes), row-major.
    public func append<T: HDF5Element>(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { try append($0) }
    }

    /// Appends rows along the first axis from a buffer of whole rows, row-major.
    public func append<T: HDF5Element>(_ values: UnsafeBufferPointer<T>) throws {
        let operation = "append to dataset"
        try withHandle(operation) { id in
            try checkType(T.self, operation: operation, id: id)
            var newShape = try shape
            guard !newShape.isEmpty else {
                throw HDF5Error(operation: operation, object: displayName, reason: "a scalar dataset has no rows")
            }
            let rowSize = newShape.dropFirst().reduce(1, *)
            guard rowSize > 0, values.count % rowSize == 0 else {
                throw HDF5Error(operation: operation, object: displayName,
                                reason: "\(values.count) values are not whole rows of \(rowSize) elements")
            }
            let rows = values.count / rowSize
            if rows == 0 { return }
            let first = newShape[0]
            newShape[0] += rows
            try resize(to: newShape)
            var start = [Int](repeating: 0, count: newShape.count), count = newShape
            start[0] = first
            count[0] = rows
            try write(values, start: start, count: count)
        }
    }

    /// Appends one row (or, for a 1-D dataset, one element).
    public func append<T: HDF5Element>(row: [T]) throws {
        try append(row)
    }

    // MARK: SWMR

    /// Reloads the dataset's metadata from the file (H5Drefresh), so that a SWMR reader sees the rows that
    /// the writer appended and flushed since the dataset was opened or last refreshed.
    public func refresh() throws {
        try withHandle("refresh dataset") { id in
            try check(H5Drefresh(id), "refresh dataset", displayName)
        }
    }

    /// Flushes this dataset's buffers to the file (H5Dflush), which a SWMR writer does after appending.
    public func flush() throws {
        try withHandle("flush dataset") { id in
            try check(H5Dflush(id), "flush dataset", displayName)
        }
    }

    // MARK: Helpers (called under the lock)

    /// Throws unless the dataset stores `T`'s element type.
    private func checkType<T: HDF5Element>(_ type: T.Type, operation: String, id: hid_t) throws {
        let stored = try elementType
        guard stored == T.elementType else {
            throw HDF5Error(operation: operation, object: displayName,
                            reason: "it holds \(stored) elements, not \(T.elementType)")
        }
    }

    /// The dataset's dataspace with the hyperslab (`start`, `count`) selected, after bounds checks.
    private func selectHyperslab(id: hid_t, start: [Int], count: [Int], operation: String) throws -> Temporary {
        let current = try shape
        guard start.count == current.count, count.count == current.count else {
            throw HDF5Error(operation: operation, object: displayName,
                            reason: "start \(start) and count \(count) must have one entry per axis of shape \(current)")
        }
        for axis in current.indices where start[axis] < 0 || count[axis] < 0 || start[axis] + count[axis] > current[axis] {
            throw HDF5Error(operation: operation, object: displayName,
                            reason: "hyperslab start \(start) count \(count) lies outside shape \(current)")
        }
        let space = Temporary(try check(H5Dget_space(id), operation, displayName), closer: H5Sclose)
        let starts = start.map { hsize_t($0) }, counts = count.map { hsize_t($0) }
        try check(H5Sselect_hyperslab(space.id, H5S_SELECT_SET, starts, nil, counts, nil), operation, displayName)
        return space
    }

    /// A one-dimensional memory dataspace of `elements` elements.
    private func memorySpace(elements: Int, operation: String) throws -> Temporary {
        var dims = [hsize_t(elements)]
        return Temporary(try check(H5Screate_simple(1, &dims, nil), operation, displayName), closer: H5Sclose)
    }
}
