import Datasets
import Foundation
import Networks
import NumericCore
import Smoothing
import Testing
import TestSupport
@testable import Training

/// conv4 → pool → conv6 → fc16 → fc4 on the synthetic 1×12×12 images (12→10→5→3: 6·3·3 = 54 features), batch 32.
func smallConvolutionalConfiguration(epochs: Int, loss: LossConfiguration = .crossEntropy) throws -> TrainingConfiguration {
    var c = smallConfiguration(epochs: epochs)
    c.architecture = try NetworkSpec.architecture("conv4,pool,conv6,fc16,fc4", input: TensorShape(channels: 1, height: 12, width: 12),
                                                  classes: 4)
    c.loss = loss
    return c
}

func smoothing(_ kind: LossConfiguration.Kind, layers: [Int], samples: Int, radius: Double) -> LossConfiguration {
    var l = LossConfiguration()
    l.kind = kind
    l.layers = layers
    l.samples = samples
    l.radius = radius
    return l
}

@Suite(.serialized) struct ConvolutionalTrainingTests {
    let data = syntheticDataSet()

    @Test("A small CNN learns the synthetic classes, deterministically")
    func learnsDeterministically() throws {
        BLAS.threads = 2
        let a = try Trainer(configuration: smallConvolutionalConfiguration(epochs: 2), dataSet: data)
        let b = try Trainer(configuration: smallConvolutionalConfiguration(epochs: 2), dataSet: data)
        try a.run()
        try b.run()
        #expect(a.history.last!.testAccuracy > 0.9)
        #expect(a.network.parameters.bitwiseEqual(b.network.parameters))
        #expect(numbers(a.history) == numbers(b.history))
    }

    @Test("CNN checkpoints: 2 epochs straight equal 1 epoch, checkpoint, resume 1, bit for bit (CE and PLA on fc1)",
          arguments: [LossConfiguration.crossEntropy, smoothing(.pla, layers: [3], samples: 2, radius: 0.01)])
    func resumeIsExact(_ loss: LossConfiguration) throws {
        BLAS.threads = 2
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.ckpt").path
        let straight = try Trainer(configuration: smallConvolutionalConfiguration(epochs: 2, loss: loss), dataSet: data)
        try straight.run()
        let first = try Trainer(configuration: smallConvolutionalConfiguration(epochs: 1, loss: loss), dataSet: data)
        first.observers.append(try CheckpointWriter(path: path, every: 1, blasThreads: 2, thermoVersion: "test"))
        try first.run()
        let checkpoint = try Checkpoint(contentsOf: path)
        #expect(checkpoint.header.configuration.architecture == straight.configuration.architecture)
        #expect(!checkpoint.header.configuration.architecture.isFullyConnected)
        let resumed = try Trainer(resuming: checkpoint, dataSet: data, epochs: 2)
        try resumed.run()
        #expect(resumed.network.parameters.bitwiseEqual(straight.network.parameters))
        #expect(resumed.optimizer.velocity.bitwiseEqual(straight.optimizer.velocity))
        #expect(numbers(resumed.history) == numbers(straight.history))
    }

    @Test("On a CNN, PLA and PLEA with y = 0 give exactly the cross-entropy run; with y = 4 on fc1 they differ")
    func degenerateSmoothingIsCrossEntropy() throws {
        BLAS.threads = 2
        let ce = try Trainer(configuration: smallConvolutionalConfiguration(epochs: 1), dataSet: data)
        try ce.run()
        for kind in [LossConfiguration.Kind.pla, .plea] {
            let t = try Trainer(configuration: smallConvolutionalConfiguration(epochs: 1, loss: smoothing(kind, layers: [3], samples: 0, radius: 0.01)),
                                dataSet: data)
            try t.run()
            #expect(t.network.parameters.bitwiseEqual(ce.network.parameters))
        }
        let smoothed = try Trainer(configuration: smallConvolutionalConfiguration(epochs: 1, loss: smoothing(.pla, layers: [3], samples: 4, radius: 0.01)),
                                   dataSet: data)
        try smoothed.run()
        #expect(!smoothed.network.parameters.bitwiseEqual(ce.network.parameters))
    }

    /// conv8,pool,conv16,pool,fc32,fc10 (28→26→13→11→5: 16·5·5 = 400 features) on 3,000 real MNIST images,
    /// 2 epochs of batch 64 at lr 0.05: ≥ 85 % test accuracy on the 10,000 test images (about 90 % here).
    @Test("End to end: a small paper-mnist-shaped CNN on a real-MNIST subset reaches 85 % test accuracy in 2 epochs",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist: skipped"))
    func realMNIST() throws {
        BLAS.threads = 2
        let mnist = try loadDataSet(named: "mnist", directory: TestPaths.sharedMNIST!.path)
        var c = TrainingConfiguration()
        c.architecture = try NetworkSpec.architecture("conv8,pool,conv16,pool,fc32,fc10",
                                                      input: TensorShape(channels: 1, height: 28, width: 28), classes: 10)
        c.optimizer = SGDConfiguration(learningRate: 0.05, momentum: 0.9)
        c.batchSize = 64
        c.epochs = 2
        c.trainSubset = 3000
        c.seed = 1
        let trainer = try Trainer(configuration: c, dataSet: mnist)
        try trainer.run()
        #expect(trainer.history.last!.testAccuracy >= 0.85, "test accuracy \(trainer.history.last!.testAccuracy)")
        #expect(trainer.history.last!.trainLoss < trainer.history.first!.trainLoss)
    }
}
