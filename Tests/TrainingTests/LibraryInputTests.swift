import Testing
import Datasets
import Networks
import TestSupport
@testable import Training

/// Values a program can give the training library directly (not through `thermo train`'s flags) are refused with
/// the errors the flags give, where they enter, rather than stopping the program later.
@Suite struct LibraryInputTests {
    @Test("CheckpointWriter refuses a period below 1 when it is made, with --checkpoint-every's message", arguments: [0, -3])
    func checkpointPeriod(_ every: Int) {
        #expect(throws: ConfigurationError(flag: "--checkpoint-every", "must be at least 1, got \(every)")) {
            try CheckpointWriter(path: "run.ckpt", every: every, blasThreads: 1, thermoVersion: "test")
        }
        #expect(throws: Never.self) { try CheckpointWriter(path: "run.ckpt", every: 1, blasThreads: 1, thermoVersion: "test") }
    }

    @Test("Architecture(checkingWidths:) throws for widths that Architecture(widths:) stops on; validate() names them",
          arguments: [([784], "an MLP needs at least an input and an output width, e.g. 784,256,10"),
                      ([], "an MLP needs at least an input and an output width, e.g. 784,256,10"),
                      ([784, 0, 10], "an MLP needs positive widths, got 784,0,10"),
                      ([784, -64, 10], "an MLP needs positive widths, got 784,-64,10")])
    func checkedWidths(_ widths: [Int], _ message: String) {
        #expect(throws: ArchitectureError(token: nil, message)) { try Architecture(checkingWidths: widths) }
        #expect(Architecture.widthsProblem(widths).map { "an MLP \($0)" } == message)
        // The configuration's own path to an MLP (`set(.layers)`, `set(.activation)`) checks them the same way.
        #expect(throws: ConfigurationError(.layers, String(message.dropFirst("an MLP ".count)))) {
            try TrainingConfiguration.mlp(widths, activation: .relu)
        }
    }

    @Test("Architecture(checkingWidths:) builds what Architecture(widths:) builds")
    func checkedWidthsAgree() throws {
        #expect(try Architecture(checkingWidths: [784, 64, 10], activation: .tanh) == Architecture(widths: [784, 64, 10], activation: .tanh))
    }
}
