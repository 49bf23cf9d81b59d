import Augmentation
import Datasets
import Foundation
import Networks
import NumericCore
import Smoothing
import Training

/// Times the training step of any network (`thermo bench --network`), with its FLOP count and, in the same
/// run, this machine's SGEMM rate, so that the step's GFLOP/s can be read against what the BLAS reaches.
///
/// FLOPs per step: 2 · MACs of the forward pass (a convolution: C_out · C_in·k·k · H_out·W_out per image; a dense
/// layer: n_in · n_out), × 3 for forward and backward (∂W and ∂input each cost one forward), times the batch —
/// the convention of PyTorch's reference figures.
public struct NetworkBenchmark {
    /// The network whose step is timed.
    public let architecture: Architecture
    /// The batch size B.
    public let batch: Int
    /// Training steps per timed block.
    public let steps: Int
    /// Repetitions of the blocks (medians reported).
    public let reps: Int
    /// Smoothing losses to time against the plain step (name, configuration).
    public var smoothing: [(String, LossConfiguration)] = []
    /// An augmentation recipe whose cost per batch is timed against the plain step (`--augment`), or nil.
    public var augmentation: AugmentationRecipe? = nil

    /// A benchmark of `architecture`'s step at batch `batch`: `reps` blocks of `steps` steps.
    public init(_ architecture: Architecture, batch: Int, steps: Int, reps: Int) {
        self.architecture = architecture
        self.batch = batch
        self.steps = steps
        self.reps = reps
    }

    /// What the benchmark found.
    public struct Report: Codable {
        var network: String
        var batch: Int
        var threads: Int
        var blas: String
        var blasKernel: String
        var blasKernelNote: String?
        /// `OPENBLAS_CORETYPE` as the run saw it, "(unset)" when it was not set (present in the JSON either way).
        var openblasCoretype: String
        var stepMilliseconds: StepBenchmark.Stat
        var imagesPerSecond: Double
        var stepGFLOP: Double
        var achievedGFLOPS: Double
        var sgemmGFLOPS: Double
        /// The process's peak resident memory with the plain trainer alone (before any smoothing trainer exists).
        var peakResidentMB: Double
        /// With `--smoothing`: the peak with one smoothing trainer at a time beside the plain one (each is made
        /// afresh for its turn and freed after it): the largest of them, what a process timing that loss against
        /// the plain step holds.
        var peakWithSmoothingMB: Double?
        /// Per smoothing loss: its step in ms and its ratio to the plain step.
        var smoothing: [String: [Double]]
        /// With `--augment`: the recipe, the batch's gathering in ms without and with it, and the extra time as
        /// a fraction of the plain step.
        var augmentation: AugmentationCost?
        var pytorchReference: String

        /// The report as `thermo bench --network` prints it: step time, GFLOP/s against SGEMM, memory, smoothing and
        /// augmentation costs, and the PyTorch reference.
        public func table() -> String {
            var s = "thermo bench — \(network), batch \(batch), \(NumberText.counted(threads, "BLAS thread"))\n"
            s += "OpenBLAS: \(blas)\n\(blasKernel)\n"
            s += "OPENBLAS_CORETYPE=\(openblasCoretype)\n"
            if let blasKernelNote { s += "note: \(blasKernelNote)\n" }
            s += String(format: "training step          %8.2f ms (min %.2f, max %.2f)   %7.1f images/s   %6.1f GFLOP/s (%@ GFLOP per step)\n",
                        stepMilliseconds.median, stepMilliseconds.min, stepMilliseconds.max, imagesPerSecond, achievedGFLOPS, NumberText.significant(stepGFLOP, digits: 3))
            s += String(format: "SGEMM 2048³            %6.1f GFLOP/s (this machine's practical peak, measured in this run)\n", sgemmGFLOPS)
            s += String(format: "peak resident memory   %6.1f MB (the plain trainer alone)\n", peakResidentMB)
            if let peakWithSmoothingMB {
                s += String(format: "  with one smoothing trainer at a time beside it: %.1f MB (the largest)\n", peakWithSmoothingMB)
            }
            let nameWidth = smoothing.keys.map(\.count).max() ?? 0
            for (name, v) in smoothing.sorted(by: { $0.key < $1.key }) {
                let padded = name + ":" + String(repeating: " ", count: nameWidth - name.count)
                s += padded + String(format: " %8.2f ms per step = %.2f× the plain step\n", v[0], v[1])
            }
            if let a = augmentation {
                s += String(format: "augmentation %@: gathering a batch %.2f ms with it, %.2f ms without: +%.2f ms = %.2f %% of the plain step (target < 5 %%: %@)\n",
                            a.recipe, a.augmentedGatherMilliseconds, a.gatherMilliseconds,
                            a.augmentedGatherMilliseconds - a.gatherMilliseconds, 100 * a.fractionOfStep,
                            a.fractionOfStep < 0.05 ? "met" : "MISSED")
            }
            s += "reference: \(pytorchReference)"
            return s
        }
    }

    /// The cost of augmenting a batch (`thermo bench --augment`), measured as training gathers it
    /// (`TrainingData.gatherTraining`: convert, augment, standardise, split over the BLAS threads).
    public struct AugmentationCost: Codable {
        var recipe: String
        /// Median ms to gather a batch without augmentation, and with it.
        var gatherMilliseconds: Double
        var augmentedGatherMilliseconds: Double
        /// (augmented − plain gathering) / the plain training step.
        var fractionOfStep: Double
    }

    /// 2 · forward MACs per image, × 3 for forward and backward.
    public static func flopsPerImage(_ architecture: Architecture) -> Double {
        let macs = architecture.layout.layers.reduce(0.0) { sum, layer in
            let positions = layer.convolution.map { Double($0.positions) } ?? 1
            return sum + Double(layer.weightCount) * positions
        }
        return 3 * 2 * macs
    }

    /// Runs the benchmark: a warm-up, then `reps` repetitions of `steps` plain steps followed by `steps` steps of
    /// each smoothing loss (interleaved, so that a noisy neighbour affects all alike; medians reported, a
    /// smoothing loss's ratio being the median of its per-repetition ratios), and SGEMM 2048³.
    ///
    /// A smoothing trainer is made for its turn, warmed up by one untimed step (its buffers' first touch), and
    /// freed after it, so that the process never holds more than the plain trainer and one smoothing trainer.
    public func run() throws -> Report {
        let bench = try BenchmarkTrainer(architecture, batch: batch)
        for t in 0..<2 { try bench.step(t) }
        let plainPeak = peakResidentMegabytes()
        var times: [Double] = [], smoothedTimes = [[Double]](repeating: [], count: smoothing.count)
        var ratios = smoothedTimes
        var t = 2
        for _ in 0..<reps {
            let plain = try milliseconds { for _ in 0..<steps { try bench.step(t); t += 1 } } / Double(steps)
            times.append(plain)
            for (k, (_, loss)) in smoothing.enumerated() {
                let trainer = try BenchmarkTrainer(architecture, batch: batch, loss: loss)
                try trainer.step(t)
                let ms = try milliseconds { for i in 1...steps { try trainer.step(t + i) } } / Double(steps)
                smoothedTimes[k].append(ms)
                ratios[k].append(ms / plain)
            }
        }
        let stepMedian = median(times)
        let augmentationCost = try augmentation.map { try timeAugmentation($0, stepMilliseconds: stepMedian) }
        var rows: [String: [Double]] = [:]
        for (k, (name, _)) in smoothing.enumerated() { rows[name] = [median(smoothedTimes[k]), median(ratios[k])] }
        let flops = NetworkBenchmark.flopsPerImage(architecture) * Double(batch)
        let kernel = BLASKernel.current
        return Report(network: architecture.description, batch: batch, threads: BLAS.threads, blas: BLAS.configuration,
                      blasKernel: kernel.description, blasKernelNote: kernel.note,
                      openblasCoretype: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)",
                      stepMilliseconds: StepBenchmark.Stat(min: times.min() ?? 0, median: stepMedian, max: times.max() ?? 0),
                      imagesPerSecond: Double(batch) / stepMedian * 1000, stepGFLOP: flops / 1e9,
                      achievedGFLOPS: flops / stepMedian / 1e6, sgemmGFLOPS: sgemmRate(),
                      peakResidentMB: plainPeak, peakWithSmoothingMB: smoothing.isEmpty ? nil : peakResidentMegabytes(), smoothing: rows, augmentation: augmentationCost,
                      pytorchReference: "PyTorch 2.15 CPU (PyPI wheel), 2 threads, the same networks' step measured by scripts/bench-cnn-vs-pytorch on 2026-12-05, 12:37-12:55 UTC, on a 2-core AMD EPYC VM: medians paper-mnist 605 ms/step at batch 256 (9 rounds), paper-cifar 889 ms (9), paper-stl 540 ms at batch 64 (4); not measured in this run: that script measures both side by side")
    }

    /// Gathers `steps` batches `reps` times from synthetic images of the network's input shape (random bytes, 4
    /// batches of them), with and without `recipe`, alternating; the medians and the extra time against
    /// `stepMilliseconds`.
    func timeAugmentation(_ recipe: AugmentationRecipe, stepMilliseconds: Double) throws -> AugmentationCost {
        let shape = architecture.input
        let count = 4 * batch, d = shape.count
        var random = RandomStream(seed: 3, purpose: "bench images")
        let pixels = (0..<(count * d)).map { _ in UInt8(truncatingIfNeeded: random.nextIndex(below: 256)) }
        let labels = (0..<count).map { UInt8($0 % 10) }
        let images = LabeledImages(count: count, channels: shape.channels, rows: shape.height, columns: shape.width,
                                   pixels: pixels, labels: labels)
        let dataSet = DataSet(name: "synthetic", directory: "", classes: 10, train: images, test: images)
        var configuration = TrainingConfiguration()
        configuration.architecture = architecture
        let plainData = TrainingData(dataSet, configuration: configuration)
        configuration.augment = recipe.name
        let augmentedData = TrainingData(dataSet, configuration: configuration)
        guard augmentedData.augmenter != nil || recipe.isIdentity else {
            throw ConfigurationError(.augment, "\(recipe.name) cannot be applied to \(shape) images")
        }
        let input = FloatBuffer(count: batch * d)
        var batchLabels = [Int32](repeating: 0, count: batch)
        let order = plainData.order(epoch: 1, seed: 1)
        func gather(_ data: TrainingData) -> Double {
            milliseconds {
                for step in 0..<steps {
                    let first = (step % 4) * batch
                    order[first..<(first + batch)].withUnsafeBufferPointer { indices in
                        batchLabels.withUnsafeMutableBufferPointer {
                            data.gatherTraining(indices, epoch: 1 + step, seed: 1, into: input.pointer, labels: $0.baseAddress!)
                        }
                    }
                }
            } / Double(steps)
        }
        _ = gather(augmentedData)
        var plain: [Double] = [], augmented: [Double] = []
        for _ in 0..<reps {
            plain.append(gather(plainData))
            augmented.append(gather(augmentedData))
        }
        let (p, a) = (median(plain), median(augmented))
        return AugmentationCost(recipe: recipe.name, gatherMilliseconds: p, augmentedGatherMilliseconds: a,
                                fractionOfStep: (a - p) / stepMilliseconds)
    }

    /// The median of five SGEMM 2048³ timings, in GFLOP/s.
    func sgemmRate() -> Double {
        let n = 2048
        var random = RandomStream(seed: 2, purpose: "bench operands")
        let a = FloatBuffer(count: n * n).filledRandomly(&random), b = FloatBuffer(count: n * n).filledRandomly(&random)
        let c = FloatBuffer(count: n * n)
        func gemm() { BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n) }
        gemm()
        return median((0..<5).map { _ in 2 * Double(n * n * n) / milliseconds(gemm) / 1e6 })
    }
}
