import HDF5

extension Dataset {
    /// The hyperslab (`start`, `count`) as Float64, whatever the stored numeric type (Int64, Float32, Float64):
    /// how thermo reads trace variables, so that a damaged type is read and judged rather than refused blindly.
    func doubles(start: [Int], count: [Int]) throws -> [Double] {
        if count.contains(0) { return [] }
        switch try elementType {
        case .int64: return try read(as: Int64.self, start: start, count: count).map { Double($0) }
        case .float32: return try read(as: Float.self, start: start, count: count).map { Double($0) }
        default: return try read(as: Double.self, start: start, count: count)
        }
    }

    /// Rows `rows` of a dataset of rank ≥ 1 (all of every other axis) as Float64.
    func doubles(rows: Range<Int>) throws -> [Double] {
        var shape = try self.shape
        precondition(!shape.isEmpty, "rows of a scalar dataset")
        shape[0] = rows.count
        var start = [Int](repeating: 0, count: shape.count)
        start[0] = rows.lowerBound
        return try doubles(start: start, count: shape)
    }
}
