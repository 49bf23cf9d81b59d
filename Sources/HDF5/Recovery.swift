import CHDF5
import HDF5Shim

extension File {
    /// Restores a file whose writer died without closing it (SIGKILL, power loss) so that every HDF5 reader
    /// opens it again: what `h5clear -s --increment=N FILE` does, through the same library calls.
    ///
    /// A file opened for writing carries "open for write" (and, for SWMR, "open for SWMR write") status
    /// flags in its superblock until it is closed. After a crash they stay set, and HDF5 ≥ 1.10 refuses
    /// every non-SWMR open ("file is already open for write"). This function
    ///   1. opens the file read-write with the file-access property `clear_status_flags` set (the property
    ///      that h5clear itself sets with the public `H5Pset`; HDF5 1.10 has no `H5Fclear` call), which
    ///      makes the library ignore and then clear the flags;
    ///   2. calls `H5Fincrement_filesize(file, increment)`, which sets the superblock's end-of-allocation to
    ///      max(EOA, EOF) + `increment`, so that objects a SWMR writer had placed beyond the last EOA that
    ///      reached the disk lie inside the file again (h5clear's `--increment`, default 1 MiB);
    ///   3. closes the file, which writes the cleared superblock.
    /// Nothing else is changed; every byte of data that reached the disk stays. Only call this when no process
    /// writes the file any more: clearing the flags under a live writer would let a second writer in.
    public static func clearStatusFlags(at path: String, increment: Int = 1 << 20) throws {
        let object = "\"\(path)\""
        try Library.call {
            let fapl = Temporary(try check(H5Pcreate(thermo_H5P_FILE_ACCESS()), "clear the status flags of", object),
                                 closer: H5Pclose)
            var clear: hbool_t = true
            try check(H5Pset(fapl.id, "clear_status_flags", &clear), "clear the status flags of", object)
            let id = try check(H5Fopen(path, thermo_H5F_ACC_RDWR(), fapl.id), "clear the status flags of", object)
            var failure: Error? = nil
            if increment > 0 {
                do { try check(H5Fincrement_filesize(id, hsize_t(increment)), "extend the allocation of", object) } catch {
                    failure = error
                }
            }
            let closed = H5Fclose(id)
            Library.noteClose(closed)
            if let failure { throw failure }
            try check(closed, "close", object)
        }
    }
}
