import CHDF5
import HDF5Shim

/// An open HDF5 file. As a ``Container`` it stands for its root group "/"; attributes set on it are
/// attributes of the root group.
///
/// Files are created with library-version bounds (latest, latest), the file format that single-writer /
/// multiple-reader (SWMR) access needs; with HDF5 1.10 that format is readable by HDF5 1.10 and later
/// (h5py, netCDF-C, h5dump 1.10+).
///
/// ## SWMR, as observed with Debian's HDF5 1.10.8 (and h5py 3.16 on HDF5 2.0 as the other reader)
/// - Writer: create every group, dataset, attribute and dimension scale, then ``startSWMRWrite()``; then only
///   append/write and ``flush()``. HDF5 1.10 does not refuse later structural changes, so this module does.
/// - A reader opened with ``AccessMode/swmrRead`` sees every row flushed so far after ``Dataset/refresh()``,
///   in the same process (HDF5 then shares the writer's open file) or another (h5py `swmr=True` too).
/// - While the writer holds the file, a plain (non-SWMR) open is refused: "file is already open for write
///   (may use <h5clear file> to clear file consistency flags)". h5dump is refused likewise.
/// - After a clean close the file is an ordinary HDF5 file for h5py, h5dump and xarray.
/// - After the writer is killed (SIGKILL) mid-stream, a SWMR-read open still reads every flushed row, the
///   scales consistent with their variables; plain opens stay refused until `h5clear -s FILE` (or
///   `h5clear -s --increment FILE`, which also grows the file's end-of-allocation by 1 MiB), after which
///   h5py, h5dump and xarray read it normally and it can even be reopened for writing.
public final class File: Container, @unchecked Sendable {
    /// What ``File/create(_:mode:)`` does when the file already exists.
    public enum CreationMode: Sendable {
        /// Fail (H5F_ACC_EXCL).
        case failIfExists
        /// Replace it with an empty file (H5F_ACC_TRUNC).
        case truncate
    }

    /// How ``File/open(_:mode:)`` opens an existing file.
    public enum AccessMode: Sendable {
        /// Read only (H5F_ACC_RDONLY).
        case readOnly
        /// Read and write (H5F_ACC_RDWR).
        case readWrite
        /// Read only, as a SWMR reader of a file that a SWMR writer may be appending to
        /// (H5F_ACC_RDONLY | H5F_ACC_SWMR_READ). Call ``Dataset/refresh()`` to see new rows.
        case swmrRead
        /// Read and write as the SWMR writer (H5F_ACC_RDWR | H5F_ACC_SWMR_WRITE); the file must have been
        /// created with the latest format, as ``File/create(_:mode:)`` does.
        case swmrWrite
    }

    /// Creates a new HDF5 file at `path` in the latest file format.
    public static func create(_ path: String, mode: CreationMode = .failIfExists) throws -> File {
        try Library.call {
            let fapl = try latestFormatAccessList(operation: "create", path: path)
            let flags = mode == .truncate ? thermo_H5F_ACC_TRUNC() : thermo_H5F_ACC_EXCL()
            let id = try check(H5Fcreate(path, flags, thermo_H5P_DEFAULT(), fapl.id), "create", "\"\(path)\"")
            return File(handle: id, isFile: true, path: "/", filePath: path)
        }
    }

    /// Opens the existing HDF5 file at `path`.
    ///
    /// `fileLocking: false` opens without HDF5's advisory file lock (H5Pset_file_locking, HDF5 ≥ 1.10.7).
    /// HDF5 takes a shared lock for readers and an exclusive one for writers at open; a SWMR writer drops its
    /// lock once open, but a SWMR reader keeps its shared lock until it closes, so that a long-lived reader
    /// (a `--follow` monitor) would stop any later writer from opening the file. Readers that re-read their
    /// markers and tolerate a writer's changes may therefore open without the lock.
    public static func open(_ path: String, mode: AccessMode = .readOnly, fileLocking: Bool = true) throws -> File {
        try Library.call {
            let flags: UInt32
            switch mode {
            case .readOnly: flags = thermo_H5F_ACC_RDONLY()
            case .readWrite: flags = thermo_H5F_ACC_RDWR()
            case .swmrRead: flags = thermo_H5F_ACC_RDONLY() | thermo_H5F_ACC_SWMR_READ()
            case .swmrWrite: flags = thermo_H5F_ACC_RDWR() | thermo_H5F_ACC_SWMR_WRITE()
            }
            // Writers keep to the latest format (SWMR needs it); readers accept whatever the file has.
            let writes = mode == .readWrite || mode == .swmrWrite
            let fapl = writes ? try latestFormatAccessList(operation: "open", path: path)
                : fileLocking && mode != .swmrRead ? Temporary(-1, closer: H5Pclose)
                : Temporary(try check(H5Pcreate(thermo_H5P_FILE_ACCESS()), "open", "\"\(path)\""), closer: H5Pclose)
            if mode == .swmrRead {
                try check(H5Pset_metadata_read_attempts(fapl.id, File.swmrReadAttempts), "open", "\"\(path)\"")
            }
            if !fileLocking {
                try check(H5Pset_file_locking(fapl.id, false, true), "open", "\"\(path)\"")
            }
            let id = try check(H5Fopen(path, flags, fapl.id >= 0 ? fapl.id : thermo_H5P_DEFAULT()), "open", "\"\(path)\"")
            return File(handle: id, isFile: true, path: "/", filePath: path)
        }
    }

    /// How many times a SWMR reader reads a metadata entry whose checksum fails before it gives up. HDF5 retries
    /// because a writer may be flushing that entry, sleeping twice as long before each attempt (1 ns, 2 ns, …);
    /// its default of 100 attempts makes a damaged file hang the reader for practically ever (2^100 ns).
    /// 28 attempts wait at most about a quarter of a second in all, far longer than any flush.
    public static let swmrReadAttempts: UInt32 = 28

    /// A file-access property list with library-version bounds (latest, latest).
    private static func latestFormatAccessList(operation: String, path: String) throws -> Temporary {
        let fapl = Temporary(try check(H5Pcreate(thermo_H5P_FILE_ACCESS()), operation, "\"\(path)\""), closer: H5Pclose)
        try check(H5Pset_libver_bounds(fapl.id, thermo_H5F_LIBVER_LATEST(), thermo_H5F_LIBVER_LATEST()),
                  operation, "\"\(path)\"")
        return fapl
    }

    /// Switches a file open for writing to SWMR-writer mode (H5Fstart_swmr_write), after which SWMR readers
    /// may open it. With HDF5 1.10 the writer may then only extend and write existing datasets. HDF5 itself
    /// does not refuse new groups, datasets or attributes (it merely leaves them unsupported), so this module
    /// refuses them with an ``HDF5Error``. Datasets and groups open at the time stay usable.
    public func startSWMRWrite() throws {
        try withHandle("start SWMR writing to") { id in
            try check(H5Fstart_swmr_write(id), "start SWMR writing to", displayName)
        }
    }

    /// Writes all buffered data and metadata of the file to disk (H5Fflush, global scope), so that a SWMR
    /// reader (or a reader after a crash) sees everything written so far.
    public func flush() throws {
        try withHandle("flush") { id in
            try check(H5Fflush(id, H5F_SCOPE_GLOBAL), "flush", displayName)
        }
    }

    /// The number of objects of this file open in the process, the file itself included.
    public func openObjectCount() throws -> Int {
        try withHandle("count open objects of") { id in
            Int(try check(H5Fget_obj_count(id, thermo_H5F_OBJ_ALL()), "count open objects of", displayName))
        }
    }
}

/// Refuses structural changes (new groups, datasets, attributes, dimension-scale links) in a file that is
/// being written in SWMR mode. HDF5 1.10 does not stop them itself, yet documents them as unsupported: a
/// SWMR reader may then see inconsistent metadata. Call under the library lock with any id in the file.
func refuseIfSWMRWriting(_ location: hid_t, operation: String, object: String) throws {
    let file = Temporary(try check(H5Iget_file_id(location), operation, object), closer: H5Fclose)
    var intent: UInt32 = 0
    try check(H5Fget_intent(file.id, &intent), operation, object)
    if intent & thermo_H5F_ACC_SWMR_WRITE() != 0 {
        throw HDF5Error(operation: operation, object: object,
                        reason: "the file is being written in SWMR mode, where HDF5 1.10 supports only extending "
                            + "and writing existing datasets (create everything before startSWMRWrite())")
    }
}
