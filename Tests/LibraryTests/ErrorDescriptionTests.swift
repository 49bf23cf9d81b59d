import Foundation
import Testing
import Thermo

/// The errors a library call can throw show their one line through `error.localizedDescription`, the usual Swift
/// way to show an error, as they do through `"\(error)"`.
@Suite struct ErrorDescriptionTests {
    /// One error of every public error type of the library (thrown by a call where one is cheap to make).
    static func errors() -> [any Error] {
        var errors: [any Error] = [
            DataSetError.unknownName(name: "cifar", known: ["mnist", "fashion-mnist"]),
            IDXError.unreadable(path: "train-images-idx3-ubyte", reason: "no such file"),
            ConfigurationError(.lr, "must be a positive number, got 0.0"),
            LossConfigurationError(.radius, "is needed with --loss pla (e.g. --radius 0.01)"),
            TrainingError.interrupted(epoch: 2, step: 7),
            TraceError(path: "run.h5", "is not a thermo trace"),
            StudyError(.request, "--level takes a confidence level in (0, 1), e.g. 0.95"),
            CurvatureError("--probes must be at least 1, not 0"),
            ArchitectureError(token: nil, "an MLP needs positive widths, got 784,0,10"),
            AugmentationSpecError(part: nil, "is not a recipe"),
            HDF5Error(operation: "write a chunk of", object: "\"/train/loss\" in \"run.h5\"", reason: "file too large"),
            LongTableError(.noHeader, path: "runs.csv"),
            CoolingFitError.invalidWindow(from: 30, to: 10),
        ]
        do { _ = try TraceRecording(parsing: ["no-such-level"]) } catch { errors.append(error) }
        do { _ = try Checkpoint(contentsOf: "/nonexistent/thermo-library-test.ckpt") } catch { errors.append(error) }
        return errors
    }

    @Test("error.localizedDescription is the error's own line (LocalizedError), for every public error type")
    func localizedDescriptionIsTheMessage() {
        let errors = Self.errors()
        #expect(errors.count == 15)
        for error in errors {
            let line = String(describing: error)
            #expect(error.localizedDescription == line, "\(type(of: error)): \(error.localizedDescription)")
            #expect(!line.contains("could not be completed"))
        }
    }
}
