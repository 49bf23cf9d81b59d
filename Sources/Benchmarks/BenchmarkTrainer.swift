#if canImport(Glibc)
import Glibc
#endif
import Datasets
import Foundation
import Networks
import NumericCore
import Smoothing
import Training

/// The trainer a benchmark times: a ReLU network of `widths` with Kaiming-normal weights, SGD (η 1e-4, μ 0.9)
/// on the BLAS thread count, the given loss, batches of `batch` from `imageCount` images of random bytes (one
/// row of `widths[0]` pixels each). Its steps are the training's own (``Trainer/trainStep(on:epoch:step:)``);
/// ``batch(_:)`` hands out the rows of step t.
public struct BenchmarkTrainer {
    /// The trainer.
    public let trainer: Trainer
    /// The order in which steps take the images.
    let order: [Int32]
    /// Images per step.
    public let batch: Int

    /// A trainer on random data; every trainer made with the same arguments starts from the same weights.
    public init(widths: [Int], batch: Int, loss: LossConfiguration = .crossEntropy) throws {
        try self.init(Architecture(widths: widths, activation: .relu), batch: batch, loss: loss)
    }

    /// A trainer of any architecture on random images of its input shape (C·H rows of W bytes each).
    public init(_ architecture: Architecture, batch: Int, loss: LossConfiguration = .crossEntropy) throws {
        let imageCount = max(batch * 4, 2048), inputs = architecture.inputs, classes = architecture.classes
        let rows = architecture.input.channels * architecture.input.height, columns = architecture.input.width
        var random = RandomStream(seed: 1, purpose: "bench")
        let pixels = (0..<(imageCount * inputs)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let labels = (0..<imageCount).map { _ in UInt8(random.nextIndex(below: classes)) }
        let images = LabeledImages(count: imageCount, rows: rows, columns: columns, pixels: pixels, labels: labels)
        let test = LabeledImages(count: 1, rows: rows, columns: columns, pixels: Array(pixels[0..<inputs]), labels: [labels[0]])
        let dataSet = DataSet(name: "bench", directory: "(random bytes)", classes: classes, train: images, test: test)
        var configuration = TrainingConfiguration()
        configuration.dataset = dataSet.name
        configuration.architecture = architecture
        configuration.batchSize = batch
        configuration.loss = loss
        trainer = try Trainer(configuration: configuration, dataSet: dataSet)
        order = random.permutation(imageCount).map { Int32($0) }
        self.batch = batch
    }

    /// Takes training step `t` (0-based) on its batch of rows; the objective's value.
    @discardableResult
    public func step(_ t: Int) throws -> ObjectiveValue {
        let lo = (t * batch) % (order.count - batch + 1)
        return try order.withUnsafeBufferPointer { o in
            try trainer.trainStep(on: UnsafeBufferPointer(rebasing: o[lo..<(lo + batch)]), epoch: 1, step: t + 1)
        }
    }

    /// Gathers step `t`'s rows into the pass, without computing anything (the gather part of a step).
    public func gather(_ t: Int) {
        let lo = (t * batch) % (order.count - batch + 1)
        order.withUnsafeBufferPointer { o in
            trainer.data.gather(trainer.data.dataSet.train, UnsafeBufferPointer(rebasing: o[lo..<(lo + batch)]),
                                into: trainer.pass.input, labels: trainer.pass.labels)
        }
    }
}

/// Milliseconds that `body` takes.
func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let d = start.duration(to: clock.now)
    return (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) * 1000
}

/// The median of `x` (0 for none).
func median(_ x: [Double]) -> Double {
    let s = x.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The process's peak resident set size (getrusage's ru_maxrss, kilobytes on Linux), in MB.
public func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

extension FloatBuffer {
    /// Fills the buffer with uniform values in [−1, 1] and returns it.
    func filledRandomly(_ random: inout RandomStream) -> FloatBuffer {
        for i in 0..<count { pointer[i] = random.nextSymmetric(1) }
        return self
    }
}

/// A benchmark that could not be completed, and why.
public struct BenchmarkError: Error, DescribedError {
    /// What went wrong, as one line.
    public let description: String
    /// The error with its one-line `description`.
    public init(_ description: String) { self.description = description }
}
