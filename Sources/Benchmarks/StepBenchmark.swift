#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Networks
import Smoothing
import NumericCore
import Training

/// Times a training step and the GEMMs it is made of, interleaved repetition by repetition so that a noisy
/// neighbour affects both alike.
public struct StepBenchmark {
    /// The layer widths n_0, …, n_L of the ReLU network.
    public let widths: [Int]
    /// The batch size B.
    public let batch: Int
    /// Steps per timed block.
    public let steps: Int
    /// Repetitions (medians reported).
    public let reps: Int
    /// Smoothing losses to time against the plain step (name, configuration).
    public var smoothing: [(String, LossConfiguration)] = []

    /// A benchmark of the step of a ReLU network of `widths`, `steps` steps per timed block, `reps` blocks.
    public init(widths: [Int], batch: Int, steps: Int, reps: Int) {
        self.widths = widths
        self.batch = batch
        self.steps = steps
        self.reps = reps
    }

    /// One GEMM of the step: C(m×n) = op(A)·op(B), with k the inner dimension.
    public struct Shape: Codable, Hashable {
        let role: String
        let m: Int, n: Int, k: Int
        let transposeA: Bool, transposeB: Bool
        var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// What the benchmark found.
    public struct Report: Codable {
        var layers: [Int]
        var batch: Int
        var threads: Int
        var blas: String
        /// The OpenBLAS kernel family that ran (`Haswell`, `Cooperlake`, …) and, when the environment forced it.
        var blasKernel: String
        /// Set when `OPENBLAS_CORETYPE` forces a kernel older than the CPU supports: what that costs.
        var blasKernelNote: String?
        var stepMilliseconds: Stat
        var gemmMilliseconds: Stat
        var ratio: Stat
        var samplesPerSecond: Double
        var stepGFLOP: Double
        var achievedGFLOPS: Double
        var shapes: [ShapeRate]
        /// SGEMM 2048³ in this run (the machine's practical peak; the same name as `thermo bench --network`'s).
        var sgemmGFLOPS: Double
        var peakResidentMB: Double
        /// Median ms of the step's parts, timed separately: gather, forward, loss+backward, SGD update.
        var parts: [String: Double]
        /// Smoothing-loss steps against the plain step.
        var smoothing: [SmoothingRate]
        var pytorchReference: String

        /// The report as `thermo bench` prints it, headed with `threads` BLAS threads: step against its GEMMs, GEMM
        /// shapes, parts, SGEMM peak, memory and smoothing losses.
        public func table(threads: Int) -> String {
            var s = "thermo bench — \(layers.map(String.init).joined(separator: "→")) ReLU, batch \(batch), \(NumberText.counted(threads, "BLAS thread"))\n"
            s += "OpenBLAS: \(blas)\n"
            s += "\(blasKernel)\n"
            if let blasKernelNote { s += "note: \(blasKernelNote)\n" }
            s += String(format: "training step          %7.2f ms (min %.2f, max %.2f)   %8.0f samples/s   %6.1f GFLOP/s\n",
                        stepMilliseconds.median, stepMilliseconds.min, stepMilliseconds.max, samplesPerSecond, achievedGFLOPS)
            s += String(format: "its GEMMs alone        %7.2f ms (min %.2f, max %.2f)   %.3f GFLOP per step\n",
                        gemmMilliseconds.median, gemmMilliseconds.min, gemmMilliseconds.max, stepGFLOP)
            s += String(format: "step / GEMMs           %7.3f   (min %.3f, max %.3f; target ≤ 1.15)\n", ratio.median, ratio.min, ratio.max)
            s += "GEMM shapes (m×n×k, as this step calls them):\n"
            for r in shapes {
                // Swift pads a String itself: %-14@ does not pad on Linux.
                s += "  " + r.role.padding(toLength: max(14, r.role.count), withPad: " ", startingAt: 0)
                    + String(format: " %5d×%5d×%5d  %7.3f ms  %6.1f GFLOP/s\n", r.m, r.n, r.k, r.milliseconds, r.gflops)
            }
            s += "parts of the step (timed separately, ms): " + parts.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ") + "\n"
            s += String(format: "SGEMM 2048³            %6.1f GFLOP/s (practical peak)\n", sgemmGFLOPS)
            s += String(format: "peak resident memory   %6.1f MB\n", peakResidentMB)
            if !smoothing.isEmpty {
                s += "smoothing losses, per step relative to a cross-entropy step (medians of interleaved repetitions):\n"
                for r in smoothing {
                    s += String(format: "  %@: shared prefix %6.2f ms = %.2f× (min %.2f, max %.2f); naive %6.2f ms = %.2f×\n",
                                r.loss, r.sharedMilliseconds, r.sharedRatio.median, r.sharedRatio.min, r.sharedRatio.max,
                                r.naiveMilliseconds, r.naiveRatio.median)
                }
                s += "  for comparison, PyTorch 2.13 CPU, 2 threads, PLA y=4 U={3} (its baseline script bench_train.py, 2026-11-29, 2-core AMD EPYC): naive 5.16×, one graph 5.24×, shared prefix 2.90×\n"
            }
            s += "reference: \(pytorchReference)"
            return s
        }
    }

    /// The minimum, median and maximum of a timing over the repetitions.
    public struct Stat: Codable { public var min: Double, median: Double, max: Double }
    /// One smoothing loss's step, shared-prefix and naive, against the plain step.
    public struct SmoothingRate: Codable {
        var loss: String
        var sharedMilliseconds: Double
        var sharedRatio: Stat
        var naiveMilliseconds: Double
        var naiveRatio: Stat
    }
    /// One GEMM shape of the step and its rate.
    public struct ShapeRate: Codable { var role: String, m: Int, n: Int, k: Int, milliseconds: Double, gflops: Double }

    var shapes: [Shape] {
        var s: [Shape] = []
        let L = widths.count - 1
        for l in 1...L { s.append(Shape(role: "forward \(l)", m: batch, n: widths[l], k: widths[l - 1], transposeA: false, transposeB: true)) }
        for l in stride(from: L, through: 1, by: -1) {
            s.append(Shape(role: "∂W \(l)", m: widths[l], n: widths[l - 1], k: batch, transposeA: true, transposeB: false))
            if l > 1 { s.append(Shape(role: "∂A \(l - 1)", m: batch, n: widths[l - 1], k: widths[l], transposeA: false, transposeB: false)) }
        }
        return s
    }

    /// Runs the benchmark: the training step (``Trainer/trainStep(on:epoch:step:)`` on random bytes) against its
    /// GEMMs alone, interleaved repetition by repetition; the GEMM shapes one by one; SGEMM 2048³; the parts of a
    /// step; and, with ``smoothing``, smoothing-loss steps against cross-entropy steps.
    public func run() throws -> Report {
        let bench = try BenchmarkTrainer(widths: widths, batch: batch)
        var random = RandomStream(seed: 2, purpose: "bench operands")
        func step(_ t: Int) throws { try bench.step(t) }

        // Operands for the GEMMs alone, each shape with its own buffers.
        let operands = shapes.map { s in (FloatBuffer(count: s.m * s.k).filledRandomly(&random),
                                          FloatBuffer(count: s.k * s.n).filledRandomly(&random), FloatBuffer(count: s.m * s.n)) }
        func gemm(_ i: Int) {
            let s = shapes[i], (a, b, c) = operands[i]
            BLAS.sgemm(s.transposeA ? .transposed : .none, s.transposeB ? .transposed : .none, m: s.m, n: s.n, k: s.k,
                       a: a.pointer, lda: s.transposeA ? s.m : s.k, b: b.pointer, ldb: s.transposeB ? s.k : s.n,
                       c: c.pointer, ldc: s.n)
        }
        func gemms() { for i in shapes.indices { gemm(i) } }

        func time(_ body: () throws -> Void) rethrows -> Double { try milliseconds(body) }
        // Warm up both.
        for t in 0..<3 { try step(t) }
        for _ in 0..<3 { gemms() }
        var stepTimes: [Double] = [], gemmTimes: [Double] = [], ratios: [Double] = []
        var t = 0
        for _ in 0..<reps {
            let s = try time { for _ in 0..<steps { try step(t); t += 1 } } / Double(steps)
            let g = time { for _ in 0..<steps { gemms() } } / Double(steps)
            stepTimes.append(s); gemmTimes.append(g); ratios.append(s / g)
        }
        var shapeRates: [ShapeRate] = []
        for (i, s) in shapes.enumerated() {
            var times: [Double] = []
            for _ in 0..<reps { times.append(time { for _ in 0..<steps { gemm(i) } } / Double(steps)) }
            let ms = median(times)
            shapeRates.append(ShapeRate(role: s.role, m: s.m, n: s.n, k: s.k, milliseconds: ms, gflops: s.flops / ms / 1e6))
        }
        let peaks = peakGFLOPS(&random)
        let parts = stepParts(bench)
        let smoothingRows = try smoothingRates()

        let flops = shapes.reduce(0) { $0 + $1.flops }
        let stepMedian = median(stepTimes)
        let samplesPerSecond: Double = Double(batch) / stepMedian * 1000
        let achieved: Double = flops / stepMedian / 1e6
        let partMedians: [String: Double] = parts.mapValues { median($0) }
        let kernel = BLASKernel.current
        return Report(layers: widths, batch: batch, threads: BLAS.threads, blas: BLAS.configuration,
                      blasKernel: kernel.description, blasKernelNote: kernel.note,
                      stepMilliseconds: stat(stepTimes), gemmMilliseconds: stat(gemmTimes), ratio: stat(ratios),
                      samplesPerSecond: samplesPerSecond, stepGFLOP: flops / 1e9,
                      achievedGFLOPS: achieved, shapes: shapeRates, sgemmGFLOPS: median(peaks),
                      peakResidentMB: peakResidentMegabytes(),
                      parts: partMedians, smoothing: smoothingRows,
                      pytorchReference: "PyTorch 2.13 CPU, same step, 2 threads: 19.1 ms = 1.42× its GEMMs (measured with its baseline script bench_train.py --threads 2 on 2026-11-29, 2-core AMD EPYC; not measured in this run: scripts/bench-vs-pytorch measures both side by side)")
    }

    /// Five timings of SGEMM 2048³ (the machine's practical peak), in GFLOP/s.
    private func peakGFLOPS(_ random: inout RandomStream) -> [Double] {
        let n = 2048
        let a = FloatBuffer(count: n * n).filledRandomly(&random), b = FloatBuffer(count: n * n).filledRandomly(&random)
        let c = FloatBuffer(count: n * n)
        BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        var peaks: [Double] = []
        for _ in 0..<5 {
            let ms = milliseconds { BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n) }
            peaks.append(2 * Double(n * n * n) / ms / 1e6)
        }
        return peaks
    }

    /// The parts of a step timed separately (gather, forward, loss + backward, SGD update), `reps` times each, in ms.
    private func stepParts(_ bench: BenchmarkTrainer) -> [String: [Double]] {
        let (network, sgd, pass) = (bench.trainer.network, bench.trainer.optimizer, bench.trainer.pass)
        func time(_ body: () -> Void) -> Double { milliseconds(body) }
        var parts: [String: [Double]] = [:]
        for _ in 0..<reps {
            let per = Double(steps)
            let g: Double = time { for i in 0..<steps { bench.gather(i) } } / per
            let f: Double = time { for _ in 0..<steps { pass.forward(network, batch: batch) } } / per
            let b: Double = time { for _ in 0..<steps { pass.backward(network, batch: batch) } } / per
            let u: Double = time { for _ in 0..<steps { sgd.step(parameters: network.parameters, gradients: network.gradients) } } / per
            parts["1 gather", default: []].append(g)
            parts["2 forward", default: []].append(f)
            parts["3 backward", default: []].append(b)
            parts["4 sgd", default: []].append(u)
        }
        return parts
    }

    /// Each smoothing loss's step against a cross-entropy step from the same weights, interleaved repetition by
    /// repetition, on the shared-prefix and the naive path.
    private func smoothingRates() throws -> [SmoothingRate] {
        func time(_ body: () throws -> Void) rethrows -> Double { try milliseconds(body) }
        var smoothingRows: [SmoothingRate] = []
        for (name, configuration) in smoothing {
            var naiveConfiguration = configuration
            naiveConfiguration.path = .naive
            // Three trainers from the same weights: cross-entropy, the shared-prefix and the naive smoothing path.
            let ce = try BenchmarkTrainer(widths: widths, batch: batch)
            let shared = try BenchmarkTrainer(widths: widths, batch: batch, loss: configuration)
            let naive = try BenchmarkTrainer(widths: widths, batch: batch, loss: naiveConfiguration)
            for trainer in [ce, shared, naive] { try trainer.step(0) }
            var sharedRatios: [Double] = [], naiveRatios: [Double] = [], sharedMs: [Double] = [], naiveMs: [Double] = []
            let n = max(1, steps / 4)
            for _ in 0..<reps {
                let c = try time { for i in 0..<n { try ce.step(i) } } / Double(n)
                let sh = try time { for i in 0..<n { try shared.step(i) } } / Double(n)
                let nv = try time { for i in 0..<n { try naive.step(i) } } / Double(n)
                sharedRatios.append(sh / c); naiveRatios.append(nv / c); sharedMs.append(sh); naiveMs.append(nv)
            }
            smoothingRows.append(SmoothingRate(loss: name, sharedMilliseconds: median(sharedMs), sharedRatio: stat(sharedRatios),
                                               naiveMilliseconds: median(naiveMs), naiveRatio: stat(naiveRatios)))
        }

        return smoothingRows
    }

    func stat(_ x: [Double]) -> Stat { Stat(min: x.min() ?? 0, median: median(x), max: x.max() ?? 0) }
}
