import Foundation
import Testing
import Datasets
import Networks
import Smoothing
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

    @Test("Architecture(checkingWidths:) throws for widths no MLP has; validate() names them",
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

    @Test("Architecture(widths:) keeps widths no MLP has, for validate() and Trainer to refuse with --layers' message",
          arguments: [([784], "needs at least an input and an output width, e.g. 784,256,10"),
                      ([784, 0, 10], "needs positive widths, got 784,0,10")])
    func uncheckedWidthsReachValidate(_ widths: [Int], _ message: String) {
        var c = smallConfiguration(epochs: 1)
        c.architecture = Architecture(widths: widths)
        #expect(throws: ConfigurationError(.layers, message)) { try c.validate() }
        #expect(throws: ConfigurationError(.layers, message)) { try Trainer(configuration: c, dataSet: syntheticDataSet()) }
    }

    /// A smoothing loss on layer 2 of the small network, its radius left unset.
    static func smoothing(_ kind: LossConfiguration.Kind) -> TrainingConfiguration {
        var c = smallConfiguration(epochs: 1)
        c.loss.kind = kind
        c.loss.layers = [2]
        return c
    }

    @Test("A PLA or PLEA loss without a radius is refused by validate() and Trainer, as --loss pla without --radius is",
          arguments: [LossConfiguration.Kind.pla, .plea])
    func smoothingWithoutRadius(_ kind: LossConfiguration.Kind) throws {
        let c = Self.smoothing(kind)
        let needed = ConfigurationError(.radius, "is needed with --loss \(kind.rawValue) (e.g. --radius 0.01)")
        #expect(throws: needed) { try c.validate() }
        #expect(throws: needed) { try Trainer(configuration: c, dataSet: syntheticDataSet()) }
        // R = 0 set on purpose is cross-entropy exactly (eq. 4), and a Gaussian kernel takes γ, not R.
        var zero = c
        zero.loss.radius = 0
        try zero.validate()
        #expect(zero.loss.isCrossEntropy && zero.loss.hasRadius)
        var gaussian = c
        gaussian.loss.kernel = .gaussian
        gaussian.loss.gamma = 100
        try gaussian.validate()
    }

    @Test("Invalid radii and sample counts of a smoothing loss are refused by validate()")
    func invalidRadiusAndSamples() {
        for radius in [-0.01, .nan, .infinity] {
            var c = Self.smoothing(.pla)
            c.loss.radius = radius
            #expect(throws: ConfigurationError(.radius, "must be a finite number ≥ 0, got \(radius)")) { try c.validate() }
        }
        for samples in [-1, 1025] {
            var c = Self.smoothing(.pla)
            c.loss.radius = 0.01
            c.loss.samples = samples
            #expect(throws: ConfigurationError(.samples, "must be between 0 and 1024, got \(samples)")) { try c.validate() }
        }
    }

    @Test("A loss encodes as before, with R = 0 when unset, and a decoded one holds its radius")
    func lossCoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let ce = String(decoding: try encoder.encode(LossConfiguration.crossEntropy), as: UTF8.self)
        #expect(ce == #"{"kernel":"uniform","kind":"ce","layers":[],"path":"shared","radius":0,"samples":4}"#)
        var pla = Self.smoothing(.pla).loss
        pla.radius = 0.01
        pla.sharpness = 400
        let decoded = try JSONDecoder().decode(LossConfiguration.self, from: try encoder.encode(pla))
        #expect(decoded == pla && decoded.hasRadius && decoded.radius == 0.01 && decoded.sharpness == 400)
        let unset = try JSONDecoder().decode(LossConfiguration.self, from: Data(ce.utf8))
        #expect(unset == .crossEntropy && unset.hasRadius && !LossConfiguration.crossEntropy.hasRadius)
    }

    @Test("Trainer refuses a data set other than the one configuration.dataset names, saying what to set")
    func dataSetNameMismatch() throws {
        var c = smallConfiguration(epochs: 1)
        c.dataset = "fashion-mnist"
        let error = #expect(throws: ConfigurationError.self) { try Trainer(configuration: c, dataSet: syntheticDataSet()) }
        #expect(error?.flag == "--dataset" && error?.message.contains(#"set configuration.dataset to "synthetic""#) == true,
                "\(error.map(String.init(describing:)) ?? "accepted")")
        c.dataset = "synthetic"
        #expect(try Trainer(configuration: c, dataSet: syntheticDataSet()).configuration.dataset == "synthetic")
    }
}
