import Testing
import Thermo

/// What `import Thermo`, and nothing else, gives a program: the error types its calls can throw.
@Suite struct ExportTests {
    @Test("HDF5Error, thrown when a trace cannot be written or read, is named through import Thermo")
    func hdf5ErrorIsExported() {
        let thrown: Error = HDF5Error(operation: "write a chunk of", object: "\"/train/loss\" in \"run.h5\"", reason: "file too large")
        #expect(thrown is HDF5Error)
        #expect((thrown as? HDF5Error)?.reason == "file too large")
    }
}
