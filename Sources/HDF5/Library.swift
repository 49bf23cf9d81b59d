import CHDF5
import HDF5Shim

/// Process-wide facts about, and access to, the HDF5 C library.
///
/// Every C call of this module goes through ``Library/call(_:)``, which takes one recursive lock shared by
/// the whole process (the serial HDF5 build is not thread-safe) and, on first use, initialises the library
/// and silences its default error printing to stderr: failures surface as ``HDF5Error`` instead.
public enum Library {
    /// The one lock that serialises every HDF5 C call in this process.
    static let lock = RecursiveLock()

    /// Whether `H5open` and the silencing of the automatic error printer have run. Guarded by `lock`.
    nonisolated(unsafe) private static var initialised = false

    /// Runs `body`, which makes HDF5 C calls, under the process-wide lock, initialising the library first.
    static func call<R>(_ body: () throws -> R) rethrows -> R {
        try lock.withLock {
            if !initialised {
                H5open()
                // Stop HDF5 printing its error stack on stderr: errors are captured into HDF5Error.
                H5Eset_auto2(thermo_H5E_DEFAULT(), nil, nil)
                initialised = true
            }
            return try body()
        }
    }

    /// The version of the linked HDF5 library, e.g. "1.10.8".
    public static var version: String {
        call {
            var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
            H5get_libversion(&major, &minor, &release)
            return "\(major).\(minor).\(release)"
        }
    }

    /// The number of HDF5 objects (files, groups, datasets, datatypes, attributes) open in this process,
    /// as `H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL)` counts them. Useful to prove that no handle leaks.
    public static func openObjectCount() -> Int {
        call { Int(H5Fget_obj_count(thermo_H5F_OBJ_ALL_FILES(), thermo_H5F_OBJ_ALL())) }
    }

    /// Runs `body` while no other thread can make an HDF5 call: the process-wide lock is held throughout.
    ///
    /// HDF5 calls made by `body` itself (on this thread) proceed, since the lock is recursive. Meant for
    /// checks that need a quiet library, such as comparing ``openObjectCount()`` before and after a cycle
    /// while other tests run in parallel. `body` must not wait on work that needs HDF5 on another thread.
    public static func withExclusiveAccess<R>(_ body: () throws -> R) rethrows -> R {
        try call(body)
    }
}
