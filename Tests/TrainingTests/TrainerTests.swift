import Foundation
import Testing
import Datasets
import Networks
import NumericCore
import TestSupport
@testable import Training

/// The metrics without their timings, which legitimately differ between runs.
func numbers(_ history: [EpochMetrics]) -> [[Double?]] {
    history.map { [Double($0.epoch), Double($0.steps), $0.trainObjective, $0.trainLoss, $0.trainAccuracy,
                   $0.testLoss, $0.testAccuracy, $0.validationLoss, $0.validationAccuracy] }
}

@Suite(.serialized) struct TrainerTests {
    let data = syntheticDataSet()

    @Test("Training learns the synthetic classes")
    func learns() throws {
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 3), dataSet: data)
        try trainer.run()
        #expect(trainer.history.count == 3)
        #expect(trainer.history.last!.testAccuracy > 0.9)
        #expect(trainer.history.last!.trainLoss < trainer.history.first!.trainLoss)
        #expect(trainer.data.trainIndices.count == 550 && trainer.data.validationIndices.count == 50)
        #expect(Set(trainer.data.trainIndices).isDisjoint(with: trainer.data.validationIndices))
        #expect(trainer.history[0].steps == 550 / 32)  // the last partial batch is dropped
    }

    @Test("Same seed and threads: bit-identical weights and metrics; another seed differs")
    func deterministic() throws {
        BLAS.threads = 2
        let a = try Trainer(configuration: smallConfiguration(epochs: 3), dataSet: data)
        let b = try Trainer(configuration: smallConfiguration(epochs: 3), dataSet: data)
        try a.run()
        try b.run()
        #expect(a.network.parameters.bitwiseEqual(b.network.parameters))
        #expect(a.optimizer.velocity.bitwiseEqual(b.optimizer.velocity))
        #expect(numbers(a.history) == numbers(b.history))
        var other = smallConfiguration(epochs: 3)
        other.seed = 12
        let c = try Trainer(configuration: other, dataSet: data)
        try c.run()
        #expect(!a.network.parameters.bitwiseEqual(c.network.parameters))
    }

    @Test("Interrupted and resumed from a checkpoint equals uninterrupted, bit for bit")
    func resumeIsExact() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.ckpt").path

        let straight = try Trainer(configuration: smallConfiguration(epochs: 4), dataSet: data)
        try straight.run()

        let first = try Trainer(configuration: smallConfiguration(epochs: 2), dataSet: data)
        first.observers.append(try CheckpointWriter(path: path, every: 1, blasThreads: 2, thermoVersion: "test"))
        try first.run()
        let checkpoint = try Checkpoint(contentsOf: path)
        #expect(checkpoint.header.completedEpochs == 2)
        let resumed = try Trainer(resuming: checkpoint, dataSet: data, epochs: 4)
        #expect(resumed.completedEpochs == 2)
        try resumed.run()
        #expect(resumed.network.parameters.bitwiseEqual(straight.network.parameters))
        #expect(resumed.optimizer.velocity.bitwiseEqual(straight.optimizer.velocity))
        #expect(numbers(resumed.history) == numbers(straight.history))
        #expect(resumed.globalStep == straight.globalStep)
    }

    @Test("A stop request halts at a step boundary")
    func stopRequest() throws {
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 3), dataSet: data)
        var steps = 0
        trainer.stopRequested = { steps += 1; return steps > 20 }
        #expect(throws: TrainingError.self) { try trainer.run() }
        #expect(trainer.globalStep == 20)
        #expect(trainer.completedEpochs == 1)
    }

    @Test("A diverging run stops with the epoch and step, before the update")
    func divergence() throws {
        var c = smallConfiguration(epochs: 3)
        c.optimizer.learningRate = 1e6
        let trainer = try Trainer(configuration: c, dataSet: data)
        do {
            try trainer.run()
            Issue.record("expected divergence")
        } catch let TrainingError.diverged(epoch, step, globalStep, loss, _) {
            #expect(!loss.isFinite)
            #expect(epoch >= 1 && step >= 1 && globalStep >= 1)
            #expect(trainer.globalStep == globalStep - 1)
            #expect(TrainingError.diverged(epoch: epoch, step: step, globalStep: globalStep, loss: loss,
                                           advice: c.divergenceAdvice).description.contains("--lr 1000000 now, try 100000)"))
        }
    }

    @Test("The divergence advice blames an absurd radius or weight decay before the learning rate")
    func divergenceAdviceNamesTheCulprit() {
        var c = smallConfiguration(epochs: 1)
        #expect(c.divergenceAdvice.hasPrefix("Lower the learning rate"))
        c.loss.kind = .pla
        c.loss.layers = [1]
        c.loss.radius = 50
        #expect(c.divergenceAdvice.hasPrefix("--radius 50.0 displaces the weights"), "\(c.divergenceAdvice)")
        #expect(c.divergenceAdvice.contains("--lr"), "the learning rate stays a suspect")
        c.loss = .crossEntropy
        c.optimizer.weightDecay = 1e5
        #expect(c.divergenceAdvice.hasPrefix("--weight-decay 100000.0"), "\(c.divergenceAdvice)")
    }

    @Test("Invalid hyper-parameters are rejected before any work, naming the flag",
          arguments: ["lr", "batch-size", "momentum", "epochs", "layers-in", "layers-out", "weight-decay",
                      "validation", "train-subset", "batch-size-large"])
    func invalidConfiguration(_ key: String) {
        var c = smallConfiguration(epochs: 3)
        var flag = "--" + key
        switch key {
        case "lr": c.optimizer.learningRate = -1
        case "batch-size": c.batchSize = 0
        case "momentum": c.optimizer.momentum = 1.5
        case "epochs": c.epochs = 0
        case "layers-in": c.architecture = Architecture(widths: [100, 32, 4]); flag = "--layers"
        case "layers-out": c.architecture = Architecture(widths: [144, 32, 7]); flag = "--layers"
        case "weight-decay": c.optimizer.weightDecay = -0.1
        case "validation": c.validation = 600
        case "train-subset": c.trainSubset = 10_000
        case "batch-size-large": c.batchSize = 1000; flag = "--batch-size"
        default: Issue.record("unknown case \(key)")
        }
        do {
            _ = try Trainer(configuration: c, dataSet: data)
            Issue.record("accepted an invalid \(flag)")
        } catch let error as ConfigurationError {
            #expect(error.flag == flag)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("A checkpoint streamed from the trainer's buffers reads back as the snapshot; a snapshot refreshed in place equals a new one")
    func streamedCheckpoint() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 2), dataSet: data)
        let snapshot = EpochSnapshot(thermoVersion: "test", blasThreads: 1)
        try snapshot.trainingWillStart(trainer, startEpoch: 1)
        let initial = snapshot.latest!.parameters
        trainer.observers.append(snapshot)
        try trainer.run()
        let streamed = folder.appendingPathComponent("streamed.ckpt").path
        try Checkpoint.write(trainer, thermoVersion: "test", blasThreads: 1, to: streamed)
        let read = try Checkpoint(contentsOf: streamed)
        let fresh = Checkpoint(trainer, thermoVersion: "test", blasThreads: 1)
        #expect(read.parameters == fresh.parameters && read.velocity == fresh.velocity)
        #expect(read.header.globalStep == trainer.globalStep && read.header.history.count == 2)
        let latest = try #require(snapshot.latest)
        #expect(latest.parameters == fresh.parameters && latest.velocity == fresh.velocity)
        #expect(latest.header.completedEpochs == 2 && latest.parameters != initial)
        // The instance path writes the same file up to the creation stamp in the header.
        let written = folder.appendingPathComponent("written.ckpt").path
        try read.write(to: written)
        let again = try Checkpoint(contentsOf: written)
        #expect(again.parameters == read.parameters && again.velocity == read.velocity)
    }

    @Test("A damaged checkpoint is refused with a message naming the file")
    func damagedCheckpoint() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.ckpt").path
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 1), dataSet: data)
        try trainer.run()
        try Checkpoint(trainer, thermoVersion: "test", blasThreads: 2).write(to: path)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xff
        let flipped = folder.appendingPathComponent("flipped.ckpt").path
        try Data(bytes).write(to: URL(fileURLWithPath: flipped))
        #expect { try Checkpoint(contentsOf: flipped) } throws: { "\($0)".contains("checksum") && "\($0)".contains(flipped) }
        let truncated = folder.appendingPathComponent("truncated.ckpt").path
        try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath: truncated))
        #expect { try Checkpoint(contentsOf: truncated) } throws: { "\($0)".contains(truncated) }
        #expect { try Checkpoint(contentsOf: folder.appendingPathComponent("none.ckpt").path) } throws: { "\($0)".contains("does not exist") }
        // No temporary file is left behind by the atomic write.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp") }
        #expect(left.isEmpty)
    }
}

/// A network too large for the memory is refused before anything is allocated (it used to trap in the allocator).
@Suite("Memory check")
struct MemoryCheckTests {
    @Test("Widths whose buffers exceed the memory, or overflow, are refused; ordinary ones pass",
          arguments: [([784, 100_000_000, 10], "more than this machine's"), ([784, 1 << 62, 10], "more parameters than any machine holds")])
    func refused(_ widths: [Int], _ message: String) {
        var c = TrainingConfiguration()
        c.architecture = Architecture(widths: widths, activation: .relu)
        let error = #expect(throws: ConfigurationError.self) { try c.checkMemory(physicalMemory: 24 << 30) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test func ordinaryNetworksPass() throws {
        var c = TrainingConfiguration()
        c.architecture = Architecture(widths: [784, 784, 784, 10], activation: .relu)
        try c.checkMemory(physicalMemory: 1 << 30)
        #expect(c.estimatedMemory.map { $0 < 100 << 20 } == true)
    }

    @Test("A smoothing loss's stacked samples count: PLA on FC I with y = 8192 is refused where cross-entropy fits; from a convolution the samples run in turn and y adds no memory")
    func smoothingBuffersCount() throws {
        var c = TrainingConfiguration()
        c.architecture = try NetworkSpec.architecture("paper-cifar", input: TensorShape(channels: 3, height: 32, width: 32), classes: 10)
        try c.checkMemory(physicalMemory: 24 << 30)
        let plain = try #require(c.estimatedMemory)
        c.loss.kind = .pla
        c.loss.radius = 0.01
        c.loss.layers = [6]
        let head = try #require(c.estimatedMemory)
        c.loss.layers = [1]
        let whole = try #require(c.estimatedMemory)
        // Above fc1 = FC I only 2048 + 2048 + 10 units per image and sample are stacked; from conv1, every map once.
        #expect(plain < head && head < whole)
        #expect(head - plain >= 4 * 4 * 2048 * 2048, "at least the y = 4 displaced copies of FC I's weights (64 MiB)")
        c.loss.samples = 8192
        let conv1 = c.architecture.layout[layer: 1].weightCount  // y copies of conv1's 1,728 weights fit the 128 MiB
        #expect(c.estimatedMemory == whole + 4 * (8192 - 4) * conv1, "samples in turn: only the displaced copies grow with y")
        try c.checkMemory(physicalMemory: 24 << 30)
        c.loss.layers = [6]
        let error = #expect(throws: ConfigurationError.self) { try c.checkMemory(physicalMemory: 24 << 30) }
        #expect(error?.description.contains("more than this machine's") == true, "\(error?.description ?? "")")
    }
}
