import Foundation
import HDF5
import Networks
import NumericCore
import Traces
import Training

/// `thermo bench --recording`: the cost of recording a trace, level by level, against the same training step
/// without recording.
///
/// Each repetition runs, for each level, `steps` steps with no recording and then `steps` steps with that
/// level (its recorder observes the real gradients and, for batch-variance, the retained errors), so that a
/// noisy neighbour slows both of a pair alike; after each level's steps its epoch is completed and written to a trace
/// in a temporary folder (quantiles, histograms, snapshots, HDF5 appends, two flushes), timed apart. The
/// per-epoch cost is then spread over an epoch of `stepsPerEpoch` steps (234 for MNIST at batch 256):
///     overhead = median(t_level / t_none) + t_epoch / (M·t_none) − 1,
/// where each level's block of steps is paired with a block without recording run just before it.
/// Finally a 120-epoch trace of the minimal and of the default record is written with the real layout and
/// random statistics (which compress worse than real ones), and its size reported.
public struct RecordingBenchmark {
    /// The layer widths n_0, …, n_L of the ReLU network.
    public let widths: [Int]
    /// The batch size B.
    public let batch: Int
    /// Steps per timed block.
    public let steps: Int
    /// Repetitions (medians reported).
    public let reps: Int
    /// M, the steps of an epoch over which the epoch-end cost is spread.
    public let stepsPerEpoch: Int
    /// The version written into the benchmark's traces.
    public let thermoVersion: String

    /// A benchmark of recording on a ReLU network of `widths`: blocks of `steps` steps, `reps` repetitions, the
    /// epoch cost spread over `stepsPerEpoch` steps.
    public init(widths: [Int], batch: Int, steps: Int, reps: Int, stepsPerEpoch: Int, thermoVersion: String) {
        self.widths = widths
        self.batch = batch
        self.steps = steps
        self.reps = reps
        self.stepsPerEpoch = stepsPerEpoch
        self.thermoVersion = thermoVersion
    }

    /// One level's figures.
    public struct Level: Codable {
        var level: String
        /// Median ms per step.
        var stepMilliseconds: Double
        /// Per-repetition ratios t_level / t_none (min, median, max).
        var stepRatio: StepBenchmark.Stat
        /// Median ms of the recorder's own work per step, timed alone.
        var recorderMilliseconds: Double
        /// Median ms to complete and write one epoch.
        var epochMilliseconds: Double
        /// median(t_level / t_none) + t_epoch / (M·t_none).
        var epochRatio: Double
    }

    /// What the benchmark found.
    public struct Report: Codable {
        var layers: [Int]
        var batch: Int
        var threads: Int
        var stepsPerEpoch: Int
        var noneMilliseconds: Double
        var levels: [Level]
        /// Size of a synthetic 120-epoch trace, by level, in MB.
        var traceMegabytes120Epochs: [String: Double]

        /// The report as `thermo bench --recording` prints it: per level the step ratio, the recorder's share, the
        /// epoch-end cost and overhead, and the 120-epoch trace sizes.
        public func table() -> String {
            var s = "thermo bench --recording — \(layers.map(String.init).joined(separator: "→")) ReLU, batch \(batch), \(NumberText.counted(threads, "thread"))\n"
            s += String(format: "step without recording  %.2f ms (median)\n", noneMilliseconds)
            s += "level                     ms/step   step ratio (min–max)    recorder alone ms/step (% of a step)   epoch end ms   epoch overhead (M = \(stepsPerEpoch))\n"
            for l in levels {
                let name = l.level.padding(toLength: 24, withPad: " ", startingAt: 0)
                s += name + String(format: "  %7.2f   %.3f (%.3f–%.3f)   %8.3f (%5.1f %%)               %10.1f     %+6.1f %%\n",
                                   l.stepMilliseconds, l.stepRatio.median, l.stepRatio.min, l.stepRatio.max,
                                   l.recorderMilliseconds, l.recorderMilliseconds / noneMilliseconds * 100,
                                   l.epochMilliseconds, (l.epochRatio - 1) * 100)
            }
            s += "targets: layers ≤ 3 %, moments ≤ 10 %, batch-variance ≤ 40 % (BackPACK's Variance: 2.04× a step)\n"
            for (level, mb) in traceMegabytes120Epochs.sorted(by: { $0.key < $1.key }) {
                s += String(format: "120-epoch trace, %@: %.1f MB (target < 50 MB)\n", level, mb)
            }
            return s
        }
    }

    /// Runs the benchmark (see the type's description).
    public func run() throws -> Report {
        let bench = try BenchmarkTrainer(widths: widths, batch: batch)
        let trainer = bench.trainer
        let (network, pass) = (trainer.network, trainer.pass)
        var configuration = trainer.configuration
        configuration.epochs = 1_000_000
        let run = TraceRun(configuration: configuration, stepsPerEpoch: stepsPerEpoch, trainImages: trainer.data.trainIndices.count,
                           validationImages: 0, testImages: 0, dataDirectory: "(bench)", firstEpoch: 1)
        let provenance = TraceProvenance(thermoVersion: thermoVersion, command: CommandLine.arguments, dataChecksums: [:],
                                         blasThreads: BLAS.threads, blas: BLAS.configuration)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thermo-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let levels: [(String, TraceRecording?)] = [
            ("none", nil), ("layers", .layers), ("moments (default)", .standard),
            ("per-weight:every=1", try TraceRecording(parsing: ["per-weight:every=1"])),
            ("layers,batch-variance", try TraceRecording(parsing: ["layers", "batch-variance"])),
        ]
        let recorders = try levels.enumerated().map { index, level in
            try level.1.map { try TraceRecorder(creating: folder.appendingPathComponent("level\(index).h5").path, run: run,
                                                recording: $0, provenance: provenance, replacing: true) }
        }

        // A level's steps are the training's own, with its recorder as the trainer's one observer.
        func step(_ t: Int, _ recorder: TraceRecorder?) throws {
            trainer.observers = recorder.map { [$0] } ?? []
            try bench.step(t)
        }
        func time(_ body: () throws -> Void) rethrows -> Double { try milliseconds(body) }

        var stepTimes = [[Double]](repeating: [], count: levels.count)
        var ratios = [[Double]](repeating: [], count: levels.count)
        var epochTimes = [[Double]](repeating: [], count: levels.count)
        var t = 0
        func block(_ index: Int) throws -> Double {
            // Batch variance as training records it: measured inside the backward pass (`Pass.errorObserver`).
            pass.errorObserver = nil
            if levels[index].1?.batchVariance == true, let statistics = recorders[index]?.statistics {
                pass.errorObserver = { pass, l, delta, batch in
                    statistics.observeError(layer: l, delta: delta, network: network, pass: pass, batch: batch)
                }
            }
            return try time { for _ in 0..<steps { try step(t, recorders[index]); t += 1 } } / Double(steps)
        }
        for index in levels.indices { _ = try block(index) }  // warm up every path
        for rep in 0..<(reps + 1) {
            // Each level's block right after a block without recording: the pair sees the same machine.
            for index in 1..<levels.count {
                let none = try block(0), ms = try block(index)
                let metrics = EpochMetrics(epoch: rep + 1, steps: steps, trainObjective: 1, trainLoss: 1, trainAccuracy: 0,
                                           testLoss: 1, testAccuracy: 0, trainingSeconds: 0, seconds: 0)
                let epochMs = try time { try recorders[index]!.recordEpoch(metrics, network: network) }
                if rep > 0 {  // the first repetition only warms up
                    stepTimes[0].append(none)
                    stepTimes[index].append(ms)
                    ratios[index].append(ms / none)
                    epochTimes[index].append(epochMs)
                }
            }
        }
        // The recorder's own work per step, timed alone on one step's gradients (less noisy than a difference).
        var alone = [Double](repeating: 0, count: levels.count)
        pass.errorObserver = nil
        for index in 1..<levels.count {
            // Alone, the recorder reads the step's errors from copies the pass keeps.
            pass.retainsErrors = levels[index].1?.batchVariance == true
            try step(t, nil)
            alone[index] = recorderMilliseconds(recorders[index]!.statistics, network: network, pass: pass)
        }
        for recorder in recorders { try recorder?.finish(.completed) }
        pass.retainsErrors = false
        trainer.observers = []

        let none = median(stepTimes[0])
        let rows = (1..<levels.count).map { index in
            level(levels[index].0, stepTimes: stepTimes[index], ratios: ratios[index], epochTimes: epochTimes[index],
                  recorderMilliseconds: alone[index], none: none)
        }
        var sizes: [String: Double] = [:]
        for (name, recording) in [("layers", TraceRecording.layers), ("moments (default)", TraceRecording.standard)] {
            sizes[name] = try syntheticTraceSize(run: run, recording: recording, provenance: provenance,
                                                 network: network, folder: folder, epochs: 120)
        }
        return Report(layers: widths, batch: batch, threads: BLAS.threads, stepsPerEpoch: stepsPerEpoch,
                      noneMilliseconds: none, levels: rows, traceMegabytes120Epochs: sizes)
    }

    /// One level's row: medians of its blocks, and its epoch overhead median(t_level / t_none) + t_epoch / (M·t_none).
    private func level(_ name: String, stepTimes: [Double], ratios: [Double], epochTimes: [Double],
                       recorderMilliseconds: Double, none: Double) -> Level {
        let stepMs = median(stepTimes), epochMs = median(epochTimes), ratio = median(ratios)
        return Level(level: name, stepMilliseconds: stepMs,
                     stepRatio: StepBenchmark.Stat(min: ratios.min() ?? 0, median: ratio, max: ratios.max() ?? 0),
                     recorderMilliseconds: recorderMilliseconds,
                     epochMilliseconds: epochMs, epochRatio: ratio + epochMs / (Double(stepsPerEpoch) * none))
    }

    /// The median ms per step of `statistics` observing the gradients now in `network` (and `pass`), `steps`
    /// times per repetition, without the step itself.
    private func recorderMilliseconds(_ statistics: GradientStatistics, network: Network, pass: Pass) -> Double {
        statistics.discardEpoch()
        var times: [Double] = []
        for _ in 0..<reps {
            times.append(milliseconds {
                for k in 0..<steps {
                    statistics.observeStep(network: network, pass: pass, epoch: 1, step: k + 1, batchSize: batch,
                                           loss: 1, crossEntropy: 1, learningRate: 1e-4)
                }
            } / Double(steps))
            statistics.discardEpoch()
        }
        return median(times)
    }

    /// Writes `epochs` epochs of `stepsPerEpoch` steps of random gradients-statistics through a real recorder
    /// and returns the file's size in MB. Gradients are drawn per step for the recorder to summarise; no
    /// training happens.
    func syntheticTraceSize(run: TraceRun, recording: TraceRecording, provenance: TraceProvenance, network: Network,
                            folder: URL, epochs: Int) throws -> Double {
        let path = folder.appendingPathComponent("size-\(recording).h5").path
        // A small stand-in network with the same layer count keeps this fast: the file's size depends on the
        // number of rows and layers, not on the layer widths (no snapshots at these levels).
        let widths = [16] + [Int](repeating: 16, count: network.layerCount - 1) + [4]
        var configuration = run.configuration
        configuration.architecture = Architecture(widths: widths, activation: .relu)
        let small = TraceRun(configuration: configuration, stepsPerEpoch: run.stepsPerEpoch, trainImages: run.trainImages,
                             validationImages: 0, testImages: 0, dataDirectory: run.dataDirectory, firstEpoch: 1)
        let stand = Network(configuration.architecture)
        let recorder = try TraceRecorder(creating: path, run: small, recording: recording, provenance: provenance, replacing: true)
        var random = RandomStream(seed: 2, purpose: "bench sizes")
        var t = 0
        for epoch in 1...epochs {
            for _ in 0..<run.stepsPerEpoch {
                t += 1
                for i in 0..<stand.gradients.count { stand.gradients.pointer[i] = Float(random.nextGaussian() * 1e-3) }
                recorder.statistics.observeStep(network: stand, pass: nil, epoch: epoch, step: t, batchSize: batch,
                                                loss: random.nextUnitDouble(), crossEntropy: random.nextUnitDouble(), learningRate: 1e-4)
            }
            let metrics = EpochMetrics(epoch: epoch, steps: run.stepsPerEpoch, trainObjective: random.nextUnitDouble(),
                                       trainLoss: random.nextUnitDouble(), trainAccuracy: random.nextUnitDouble(),
                                       testLoss: random.nextUnitDouble(), testAccuracy: random.nextUnitDouble(),
                                       trainingSeconds: random.nextUnitDouble(), seconds: random.nextUnitDouble())
            try recorder.recordEpoch(metrics, network: stand)
        }
        try recorder.finish(.completed)
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
        return bytes / 1e6
    }
}
