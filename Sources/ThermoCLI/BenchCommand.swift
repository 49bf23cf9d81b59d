import ArgumentParser
import Augmentation
import Benchmarks
import Foundation
import Networks
import Smoothing
import NumericCore
import Training

/// `thermo bench`: the training step's speed against the machine's own GEMM speed, measured in one run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training-step throughput against this machine's OpenBLAS GEMM speed.",
        discussion: """
        Times a full training step (gather a batch, forward, softmax cross-entropy, backward, SGD update) of \
        the given network, and, in the same run, the step's GEMMs alone on the same shapes, then prints ms per \
        step, samples/s, achieved GFLOP/s, the ratio step / GEMMs and the peak memory. Inputs are random \
        bytes: the arithmetic is the same as on MNIST. Figures are medians over --reps repetitions of \
        --steps steps; run nothing else meanwhile.
        """
    )

    @Option(help: ArgumentHelp("Layer widths (default 784,784,784,784,10).", valueName: "n0,…,nL"))
    var layers: String?
    @Option(help: ArgumentHelp("Instead of --layers, a network SPEC as for 'thermo train --network' (paper-mnist, paper-cifar, paper-stl, or tokens convC, pool, fcN); the input is 3×32×32 for paper-cifar, 3×96×96 for paper-stl, else 1×28×28.", valueName: "SPEC"))
    var network: String?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Mini-batch size (default 256).")
    var givenBatchSize: Int?
    /// `--batch-size`, 256 when not given (nil above tells whether it was, for the modes it does not apply to).
    var batchSize: Int { givenBatchSize ?? 256 }
    @Option(parsing: .unconditional, help: "Threads (default: the number of cores): OpenBLAS's for a fully-connected network; for one with convolutions, blocks of each batch's rows run at once, one OpenBLAS thread each.")
    var threads: Int?
    @Option(name: .customLong("steps"), parsing: .unconditional, help: "Steps per repetition (default 20).")
    var givenSteps: Int?
    /// `--steps`, 20 when not given.
    var steps: Int { givenSteps ?? 20 }
    @Option(parsing: .unconditional, help: "Repetitions (the median is reported).")
    var reps = 9
    @Flag(help: "Also time PLA steps (y = 4, R = 0.01) for U = {1}, …, {L−1}, hidden and all, shared-prefix and naive; with --network, for each hidden dense layer and conv3 (or the last convolution).")
    var smoothing = false
    @Flag(help: "Instead, time trace recording: each level (layers, moments, per-weight, batch-variance) against no recording, per step and per epoch.")
    var recording = false
    @Flag(help: "Instead, time the analyses against their targets: a joint cooling fit of 4 × 10,000 epochs, a 1,000-replicate block bootstrap, 'thermo temperature' on a 120-epoch trace.")
    var analysis = false
    @Flag(help: "Instead, time curvature measurements in training steps: H·v (full and per layer block), each layer's λ_max (20 Lanczos steps) and 10-probe trace, one full measurement.")
    var curvature = false
    @Option(help: ArgumentHelp("With --analysis: keep the synthetic 120-epoch trace at FILE (to time 'thermo temperature FILE' with other tools).", valueName: "FILE"))
    var keepTrace: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("With --recording: the steps per epoch over which each epoch's writing is spread (default 234).", valueName: "M"))
    var stepsPerEpoch: Int?
    @Option(help: ArgumentHelp("With --network: also time augmenting a batch with this recipe or SPEC (as 'thermo train --augment'), as training gathers it, against the plain step.", valueName: "RECIPE"))
    var augment: String?
    @Flag(help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard batchSize > 0, steps > 0, reps > 0 else { throw ValidationError("--batch-size, --steps and --reps must be positive") }
        if let stepsPerEpoch {
            guard recording else { throw ValidationError("--steps-per-epoch goes with --recording") }
            guard stepsPerEpoch > 0 else { throw ValidationError("--steps-per-epoch must be positive") }
        }
        try validateThreadCount(threads)
        if analysis && (recording || smoothing) { throw ValidationError("--analysis cannot be combined with --recording or --smoothing") }
        if curvature && (analysis || recording || smoothing) { throw ValidationError("--curvature cannot be combined with --analysis, --recording or --smoothing") }
        if recording && smoothing { throw ValidationError("--recording cannot be combined with --smoothing; time them in two runs") }
        if network != nil && (recording || analysis || curvature) {
            throw ValidationError("--network times training steps; it cannot be combined with --recording, --analysis or --curvature")
        }
        if keepTrace != nil && !analysis { throw ValidationError("--keep-trace goes with --analysis") }
        if analysis, let first = [("--layers", layers != nil), ("--batch-size", givenBatchSize != nil), ("--steps", givenSteps != nil)].first(where: \.1) {
            throw ValidationError("\(first.0) does not apply to --analysis, which times fixed workloads (a 4 × 10,000-epoch fit, a 120-epoch trace); drop it")
        }
        if layers != nil && network != nil { throw ValidationError("--layers and --network both describe the network; give one of them") }
        if augment != nil && network == nil { throw ValidationError("--augment goes with --network (the augmentation is timed against that network's step)") }
    }

    /// `--network`'s architecture on its input shape.
    func networkArchitecture(_ spec: String) throws -> Architecture {
        let input: TensorShape = switch spec {
        case "paper-cifar": TensorShape(channels: 3, height: 32, width: 32)
        case "paper-stl": TensorShape(channels: 3, height: 96, width: 96)
        default: TensorShape(channels: 1, height: 28, width: 28)
        }
        do { return try NetworkSpec.architecture(spec, input: input, classes: 10) } catch {
            throw ValidationError("--network \(error.description) (input \(input))")
        }
    }

    func runNetwork(_ spec: String) throws {
        let architecture = try networkArchitecture(spec)
        var sized = TrainingConfiguration()
        sized.architecture = architecture
        sized.batchSize = batchSize
        do { try sized.checkMemory(physicalMemory: Int(clamping: ProcessInfo.processInfo.physicalMemory)) } catch {
            throw ValidationError(error.description)
        }
        BLAS.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        var benchmark = NetworkBenchmark(architecture, batch: batchSize, steps: steps, reps: reps)
        if smoothing {
            // Each hidden dense layer, and the paper's convolutional comparison (conv3, or the last convolution).
            let dense = architecture.layout.layers.filter { !$0.isConvolution }.count
            let convolutions = architecture.layout.layers.filter(\.isConvolution).count
            let names = (1..<max(2, dense)).map { "fc\($0)" } + (convolutions > 0 ? ["conv\(min(3, convolutions))"] : [])
            benchmark.smoothing = names.map { name in
                var c = LossConfiguration()
                c.kind = .pla
                c.layers = (try? parseLayerSet(name, architecture: architecture)) ?? []
                c.radius = 0.01
                c.samples = 4
                return ("PLA y=4 U={\(name)}", c)
            }.filter { !$0.1.layers.isEmpty }
        }
        if let augment {
            do { benchmark.augmentation = try AugmentationRecipe.parse(augment) } catch {
                throw ValidationError("--augment \(error.description)")
            }
            if let refusal = benchmark.augmentation?.refusal(for: ImageShape(channels: architecture.input.channels, rows: architecture.input.height,
                                                                            columns: architecture.input.width), dataSet: "its input") {
                throw ValidationError("--augment \(refusal)")
            }
        }
        let report = try benchmark.run()
        if json { try printJSON(report) } else { print(report.table()) }
    }

    func run() throws {
        if let network {
            try runNetwork(network)
            return
        }
        let layers = self.layers ?? "784,784,784,784,10"
        let widths = try layers.split(separator: ",").map { part -> Int in
            guard let n = Int(part), n > 0 else { throw ValidationError("--layers takes positive widths like 784,784,10") }
            return n
        }
        guard widths.count >= 2 else { throw ValidationError("--layers needs at least two widths") }
        if smoothing && widths.count < 3 {
            throw ValidationError("--smoothing times PLA on hidden layers; --layers \(layers) has none (give at least three widths, e.g. 784,256,10)")
        }
        // The same memory check as a training run's, before anything is allocated.
        var sized = TrainingConfiguration()
        sized.architecture = Architecture(widths: widths, activation: .relu)
        sized.batchSize = batchSize
        do { try sized.checkMemory(physicalMemory: Int(clamping: ProcessInfo.processInfo.physicalMemory)) } catch {
            throw ValidationError(error.description)
        }
        BLAS.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let threadCount = BLAS.threads  // what OpenBLAS runs (it caps the count at its build's maximum)
        if analysis {
            let report = try AnalysisBenchmark(reps: reps, keepTrace: keepTrace, thermoVersion: thermoVersion).run()
            if json { try printJSON(report) } else { print(report.table(), terminator: "") }
            return
        }
        if curvature {
            let report = try CurvatureBenchmark(widths: widths, batch: batchSize, steps: steps, reps: reps).run()
            if json { try printJSON(report) } else { print(report.table(), terminator: "") }
            return
        }
        if recording {
            let report = try RecordingBenchmark(widths: widths, batch: batchSize, steps: steps, reps: reps,
                                                stepsPerEpoch: stepsPerEpoch ?? 234, thermoVersion: thermoVersion).run()
            if json { try printJSON(report) } else { print(report.table(), terminator: "") }
            return
        }
        var benchmark = StepBenchmark(widths: widths, batch: batchSize, steps: steps, reps: reps)
        if smoothing {
            let L = widths.count - 1
            let sets: [(String, [Int])] = (1..<max(2, L)).map { ("U={\($0)}", [$0]) } + [("U=hidden", Array(1..<L)), ("U=all", Array(1...L))]
            benchmark.smoothing = sets.map { name, layers in
                var c = LossConfiguration()
                c.kind = .pla
                c.layers = layers
                c.radius = 0.01
                c.samples = 4
                return ("PLA y=4 \(name)", c)
            }
        }
        let report = try benchmark.run()
        if json { try printJSON(report) } else { print(report.table(threads: threadCount)) }
    }
}
