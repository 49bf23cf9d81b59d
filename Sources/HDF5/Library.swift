#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CHDF5
import HDF5Shim

/// Process-wide facts about, and access to, the HDF5 C library.
///
/// Every C call of this module goes through ``Library/call(_:)``, which takes one recursive lock shared by
/// the whole process and, on first use, initialises the library and silences its default error printing
/// to stderr (per thread): failures surface as ``HDF5Error`` instead. The lock serialises all calls even
/// though Debian's libhdf5 1.10.8 happens to be built thread-safe, because the high-level library
/// (H5DS, in hdf5_hl) is not, because other builds (the brief's assumption, and upstream's default) are
/// not, and because a failing call and the capture of its error stack must not interleave with others.
public enum Library {
    /// The one lock that serialises every HDF5 C call in this process.
    static let lock = RecursiveLock()

    /// Whether `H5open` has run. Guarded by `lock`.
    nonisolated(unsafe) private static var initialised = false

    /// A thread-specific flag: set once HDF5's automatic error printing is off for the calling thread.
    /// Debian's HDF5 is built thread-safe ("Threadsafety: yes" in libhdf5.settings), which makes the error
    /// stack and its auto-print setting per thread: `H5Eset_auto2` must run once on every thread that calls
    /// into HDF5, not once per process.
    private static let silencedKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body`, which makes HDF5 C calls, under the process-wide lock, initialising the library and
    /// silencing the automatic error printer (on this thread) first.
    static func call<R>(_ body: () throws -> R) rethrows -> R {
        try lock.withLock {
            if !initialised {
                // HDF5's own exit handler closes every open object; after a failed close (a full disk, a file
                // size limit) it walks freed structures and crashes. Ours runs it only when that is safe.
                H5dont_atexit()
                H5open()
                atexit(Library.terminateAtExit)
                initialised = true
            }
            if pthread_getspecific(silencedKey) == nil {
                // Stop HDF5 printing its error stack on stderr: errors are captured into HDF5Error.
                H5Eset_auto2(thermo_H5E_DEFAULT(), nil, nil)
                pthread_setspecific(silencedKey, UnsafeRawPointer(bitPattern: 1))
            }
            return try body()
        }
    }

    /// Set when closing an object failed (its write-back to the file failed: a full disk, a file size limit):
    /// HDF5 then keeps the object's id in its tables, with structures that the file's close freed.
    nonisolated(unsafe) private static var closeFailed = false

    /// Records that `H5Fclose`/`H5Oclose` returned `status`; a failure stops HDF5's cleanup at exit.
    static func noteClose(_ status: herr_t) {
        if status < 0 { lock.withLock { closeFailed = true } }
    }

    /// At exit: HDF5's usual cleanup (flush and close what is still open, as its own exit handler would), unless
    /// a close failed, in which case that cleanup would crash and the process ends without it. A file left open
    /// then is left as a killed writer leaves it: thermo's readers read it, 'thermo recover' restores it.
    private static let terminateAtExit: @convention(c) () -> Void = {
        if !Library.closeFailed { H5close() }
    }

    /// The version of the linked HDF5 library, e.g. "1.10.8".
    public static var version: String {
        call {
            var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
            H5get_libversion(&major, &minor, &release)
            return "\(major).\(minor).\(release)"
        }
    }

    /// Whether HDF5 prints its error stack on stderr when a call fails (H5Eget_auto2 has a handler).
    /// False once this module has initialised the library: failures are reported as ``HDF5Error`` only.
    public static var printsErrorsAutomatically: Bool {
        call {
            var handler: H5E_auto2_t? = nil
            var data: UnsafeMutableRawPointer? = nil
            H5Eget_auto2(thermo_H5E_DEFAULT(), &handler, &data)
            return handler != nil
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
