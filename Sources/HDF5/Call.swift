import CHDF5
import HDF5Shim

/// Checks the result of an HDF5 C call made under the library lock: a negative value (HDF5's failure
/// convention for `hid_t`, `herr_t` and `htri_t`) becomes an ``HDF5Error`` built from the error stack.
@discardableResult
func check<T: SignedInteger>(_ result: T, _ operation: @autoclosure () -> String,
                             _ object: @autoclosure () -> String) throws -> T {
    if result < 0 { throw HDF5Error.fromStack(operation: operation(), object: object()) }
    return result
}

/// Closes a temporary HDF5 id (dataspace, datatype, property list, attribute) at the end of a scope.
/// Failures to close such ids are ignored: nothing useful can be done about them.
struct Temporary: ~Copyable {
    /// The id, negative when there is nothing to close.
    let id: hid_t
    private let closer: (hid_t) -> herr_t

    /// Wraps `id`, which `closer` (H5Sclose, H5Tclose, H5Pclose, H5Aclose…) will close.
    init(_ id: hid_t, closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closer = closer
    }

    deinit {
        if id >= 0 { _ = Library.call { closer(id) } }
    }
}

/// Joins an HDF5 path `name` (absolute or relative) onto the path of the location `base`.
func joinPath(_ base: String, _ name: String) -> String {
    if name.hasPrefix("/") { return name }
    if name == "." || name.isEmpty { return base }
    return base.hasSuffix("/") ? base + name : base + "/" + name
}

/// Converts sizes to `hsize_t`, rejecting negative values.
func hsizes(_ values: [Int], _ what: String, operation: String, object: String) throws -> [hsize_t] {
    try values.map { value in
        guard value >= 0 else {
            throw HDF5Error(operation: operation, object: object, reason: "\(what) \(values) has a negative entry")
        }
        return hsize_t(value)
    }
}
