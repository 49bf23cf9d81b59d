import CHDF5
import HDF5Shim

/// An open HDF5 object (file, group or dataset) owned by Swift: its C handle is closed by ``close()`` or,
/// failing that, when the object is deinitialised.
///
/// Objects are `Sendable`: every use of the handle happens under the process-wide HDF5 lock. Attributes
/// are read and written through any object (see `Attribute.swift`).
public class HDF5Object: @unchecked Sendable {
    /// The C handle; negative once closed. Read and written only under the library lock.
    private var handle: hid_t
    /// Whether `handle` is a file id (closed with H5Fclose) rather than an object id (H5Oclose).
    private let isFileHandle: Bool
    /// The object's absolute HDF5 path inside its file: "/" for a file (its root group).
    public let path: String
    /// The file-system path of the file holding the object.
    public let filePath: String

    /// Takes ownership of `handle`.
    init(handle: hid_t, isFile: Bool, path: String, filePath: String) {
        self.handle = handle
        self.isFileHandle = isFile
        self.path = path
        self.filePath = filePath
    }

    deinit {
        let id = handle
        let file = isFileHandle
        if id >= 0 { Library.call { Library.noteClose(file ? H5Fclose(id) : H5Oclose(id)) } }
    }

    /// How messages name this object: `"/a/b" in "/tmp/x.h5"`, or just the quoted file path for a file.
    var displayName: String {
        path == "/" ? "\"\(filePath)\"" : "\"\(path)\" in \"\(filePath)\""
    }

    /// How messages name a child `name` of this object.
    func displayName(of name: String) -> String {
        "\"\(joinPath(path, name))\" in \"\(filePath)\""
    }

    /// Whether the handle is still open (``close()`` has not been called).
    public var isOpen: Bool { Library.call { handle >= 0 } }

    /// Closes the handle now. Further use of the object throws; closing twice does nothing.
    public func close() throws {
        try Library.call {
            guard handle >= 0 else { return }
            let id = handle
            handle = -1
            let status = isFileHandle ? H5Fclose(id) : H5Oclose(id)
            Library.noteClose(status)
            try check(status, "close", displayName)
        }
    }

    /// Runs `body` with the open handle under the library lock; throws when the object was closed.
    @discardableResult
    func withHandle<R>(_ operation: @autoclosure () -> String, _ body: (hid_t) throws -> R) throws -> R {
        try Library.call {
            guard handle >= 0 else {
                throw HDF5Error(operation: operation(), object: displayName, reason: "the handle was closed")
            }
            return try body(handle)
        }
    }
}
