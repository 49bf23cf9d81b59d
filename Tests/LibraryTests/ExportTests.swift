import Foundation
import Testing
import TestSupport
import Thermo

/// What `import Thermo`, and nothing else, gives a program: the error types its calls can throw, and thermo's version.
@Suite struct ExportTests {
    @Test("HDF5Error, thrown when a trace cannot be written or read, is named through import Thermo")
    func hdf5ErrorIsExported() {
        let thrown: Error = HDF5Error(operation: "write a chunk of", object: "\"/train/loss\" in \"run.h5\"", reason: "file too large")
        #expect(thrown is HDF5Error)
        #expect((thrown as? HDF5Error)?.reason == "file too large")
    }

    @Test("thermoVersion, which a program records in its traces and checkpoints, is what thermo --version prints")
    func versionIsTheCommands() throws {
        let run = try runThermo(["--version"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(thermoVersion == run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(!thermoVersion.isEmpty && thermoVersion.first?.isNumber == true)
    }
}
