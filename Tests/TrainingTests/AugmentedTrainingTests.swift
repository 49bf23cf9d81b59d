import Augmentation
import Datasets
import Foundation
import Networks
import NumericCore
import Testing
import TestSupport
@testable import Training

/// Training with `--augment`: each image augmented from its own stream, so runs repeat and resume bit for bit; a
/// recipe that cannot apply to the data is refused before any work.
@Suite(.serialized) struct AugmentedTrainingTests {
    let data = syntheticDataSet()

    func configuration(epochs: Int) -> TrainingConfiguration {
        var c = smallConfiguration(epochs: epochs)
        c.augment = "paper-cifar"
        return c
    }

    @Test func augmentationChangesTheBatchAndDependsOnlyOnSeedEpochAndImage() throws {
        let trainer = try Trainer(configuration: configuration(epochs: 1), dataSet: data)
        let rows: [Int32] = [3, 9, 40]
        func batch(_ rows: [Int32], epoch: Int) -> [Float] {
            var input = [Float](repeating: 0, count: rows.count * 144)
            var labels = [Int32](repeating: 0, count: rows.count)
            rows.withUnsafeBufferPointer { r in
                input.withUnsafeMutableBufferPointer { i in
                    labels.withUnsafeMutableBufferPointer {
                        trainer.data.gatherTraining(r, epoch: epoch, seed: 11, into: i.baseAddress!, labels: $0.baseAddress!)
                    }
                }
            }
            return input
        }
        var plain = [Float](repeating: 0, count: 3 * 144), labels = [Int32](repeating: 0, count: 3)
        rows.withUnsafeBufferPointer { r in
            plain.withUnsafeMutableBufferPointer { i in
                labels.withUnsafeMutableBufferPointer { trainer.data.gather(data.train, r, into: i.baseAddress!, labels: $0.baseAddress!) }
            }
        }
        let a = batch(rows, epoch: 1)
        #expect(a != plain && a == batch(rows, epoch: 1) && a != batch(rows, epoch: 2))
        // Image 9 is augmented the same wherever it lands in a batch.
        #expect(Array(batch([9], epoch: 1)) == Array(a[144..<288]))
        // A batch large enough to be split over threads equals its images gathered one by one.
        BLAS.threads = 2
        let many = (0..<Int32(70)).map { $0 * 7 % 550 }
        let together = batch(many, epoch: 5)
        #expect(together == many.flatMap { batch([$0], epoch: 5) })
    }

    @Test func augmentedRunsRepeatAndResumeBitForBit() throws {
        BLAS.threads = 2
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.ckpt").path
        let straight = try Trainer(configuration: configuration(epochs: 3), dataSet: data)
        try straight.run()
        let plain = try Trainer(configuration: smallConfiguration(epochs: 3), dataSet: data)
        try plain.run()
        #expect(!straight.network.parameters.bitwiseEqual(plain.network.parameters), "augmentation changes the run")

        let first = try Trainer(configuration: configuration(epochs: 1), dataSet: data)
        first.observers.append(try CheckpointWriter(path: path, every: 1, blasThreads: 2, thermoVersion: "test"))
        try first.run()
        let resumed = try Trainer(resuming: try Checkpoint(contentsOf: path), dataSet: data, epochs: 3)
        try resumed.run()
        #expect(resumed.network.parameters.bitwiseEqual(straight.network.parameters))
        #expect(numbers(resumed.history) == numbers(straight.history))
    }

    @Test func colourRecipesAreRefusedOnGreyImages() {
        var c = smallConfiguration(epochs: 1)
        c.augment = "paper-stl"
        #expect(throws: ConfigurationError(.augment, "paper-stl changes colours (grayscale, saturation, hue), but synthetic has 1-channel images; use --augment paper-cifar or none on it")) {
            _ = try Trainer(configuration: c, dataSet: data)
        }
        c.augment = "cifar"
        #expect(throws: ConfigurationError(.augment, "'cifar' is not an augmentation recipe; choose none, paper-cifar, paper-stl, or give parts such as flip=0.5")) {
            try c.validate()
        }
    }

    @Test func withoutAugmentationTheConfigurationIsEncodedAsBefore() throws {
        let encoded = String(decoding: try JSONEncoder().encode(smallConfiguration(epochs: 1)), as: UTF8.self)
        #expect(!encoded.contains("augment"))
    }
}
