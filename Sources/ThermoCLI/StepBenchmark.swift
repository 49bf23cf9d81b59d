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
struct StepBenchmark {
    let widths: [Int]
    let batch: Int
    let steps: Int
    let reps: Int
    /// Smoothing losses to time against the plain step (name, configuration).
    var smoothing: [(String, LossConfiguration)] = []

    /// One GEMM of the step: C(m×n) = op(A)·op(B), with k the inner dimension.
    struct Shape: Codable, Hashable {
        let role: String
        let m: Int, n: Int, k: Int
        let transposeA: Bool, transposeB: Bool
        var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// What the benchmark found.
    struct Report: Codable {
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
        var peak2048GFLOPS: Double
        var peakResidentMB: Double
        /// Median ms of the step's parts, timed separately: gather, forward, loss+backward, SGD update.
        var parts: [String: Double]
        /// Smoothing-loss steps against the plain step.
        var smoothing: [SmoothingRate]
        var pytorchReference: String

        func table(threads: Int) -> String {
            var s = "thermo bench — \(layers.map(String.init).joined(separator: "→")) ReLU, batch \(batch), \(threads) BLAS threads\n"
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
                s += String(format: "  %-14@ %5d×%5d×%5d  %7.3f ms  %6.1f GFLOP/s\n", r.role, r.m, r.n, r.k, r.milliseconds, r.gflops)
            }
            s += "parts of the step (timed separately, ms): " + parts.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ") + "\n"
            s += String(format: "SGEMM 2048³            %6.1f GFLOP/s (practical peak)\n", peak2048GFLOPS)
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

    struct Stat: Codable { var min: Double, median: Double, max: Double }
    struct SmoothingRate: Codable {
        var loss: String
        var sharedMilliseconds: Double
        var sharedRatio: Stat
        var naiveMilliseconds: Double
        var naiveRatio: Stat
    }
    struct ShapeRate: Codable { var role: String, m: Int, n: Int, k: Int, milliseconds: Double, gflops: Double }

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

    func run() -> Report {
        // The real training path: Trainer-equivalent pieces on random bytes.
        var random = RandomStream(seed: 1, purpose: "bench")
        let model = BenchmarkModel(widths: widths, batch: batch, random: &random)
        let (architecture, network, sgd, pass, objective) = (model.architecture, model.network, model.sgd, model.pass, model.objective)
        let imageCount = model.imageCount
        let pixels = (0..<(imageCount * widths[0])).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let labels = (0..<imageCount).map { _ in UInt8(random.nextIndex(below: widths.last!)) }
        let order = random.permutation(imageCount)

        func gather(_ t: Int) {
            let lo = (t * batch) % (imageCount - batch + 1)
            order.withUnsafeBufferPointer { o in
                pixels.withUnsafeBufferPointer { px in
                    for r in 0..<batch {
                        let src = px.baseAddress! + Int(o[lo + r]) * widths[0]
                        let dst = pass.input + r * widths[0]
                        for j in 0..<widths[0] { dst[j] = Float(src[j]) * (1 / 255) }
                        pass.labels[r] = Int32(labels[Int(o[lo + r])])
                    }
                }
            }
        }
        func step(_ t: Int, _ objective: TrainingObjective = objective) {
            gather(t)
            _ = objective.lossAndGradient(network, pass: pass, batch: batch, step: t + 1)
            sgd.step(parameters: network.parameters, gradients: network.gradients)
        }

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

        let clock = ContinuousClock()
        func time(_ body: () -> Void) -> Double {
            let start = clock.now
            body()
            return secondsOf(start.duration(to: clock.now)) * 1000
        }
        // Warm up both.
        for t in 0..<3 { step(t) }
        for _ in 0..<3 { gemms() }
        var stepTimes: [Double] = [], gemmTimes: [Double] = [], ratios: [Double] = []
        var t = 0
        for _ in 0..<reps {
            let s = time { for _ in 0..<steps { step(t); t += 1 } } / Double(steps)
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
        let n = 2048
        let a = FloatBuffer(count: n * n).filledRandomly(&random), b = FloatBuffer(count: n * n).filledRandomly(&random)
        let c = FloatBuffer(count: n * n)
        BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
        var peaks: [Double] = []
        for _ in 0..<5 {
            let ms = time { BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n) }
            peaks.append(2 * Double(n * n * n) / ms / 1e6)
        }
        var parts: [String: [Double]] = [:]
        for _ in 0..<reps {
            let per = Double(steps)
            let g: Double = time { for i in 0..<steps { gather(i) } } / per
            let f: Double = time { for _ in 0..<steps { pass.forward(network, batch: batch) } } / per
            let b: Double = time { for _ in 0..<steps { pass.backward(network, batch: batch) } } / per
            let u: Double = time { for _ in 0..<steps { sgd.step(parameters: network.parameters, gradients: network.gradients) } } / per
            parts["1 gather", default: []].append(g)
            parts["2 forward", default: []].append(f)
            parts["3 backward", default: []].append(b)
            parts["4 sgd", default: []].append(u)
        }
        // Smoothing losses against the plain step, interleaved repetition by repetition.
        var smoothingRows: [SmoothingRate] = []
        for (name, configuration) in smoothing {
            let shared = makeObjective(configuration, architecture: architecture, batchCapacity: batch, seed: 1,
                                       threads: BLAS.threads)
            var naiveConfiguration = configuration
            naiveConfiguration.path = .naive
            let naive = makeObjective(naiveConfiguration, architecture: architecture, batchCapacity: batch, seed: 1,
                                      threads: BLAS.threads)
            step(0, shared)
            step(0, naive)
            var sharedRatios: [Double] = [], naiveRatios: [Double] = [], sharedMs: [Double] = [], naiveMs: [Double] = []
            let n = max(1, steps / 4)
            for _ in 0..<reps {
                let ce = time { for i in 0..<n { step(i) } } / Double(n)
                let sh = time { for i in 0..<n { step(i, shared) } } / Double(n)
                let nv = time { for i in 0..<n { step(i, naive) } } / Double(n)
                sharedRatios.append(sh / ce); naiveRatios.append(nv / ce); sharedMs.append(sh); naiveMs.append(nv)
            }
            smoothingRows.append(SmoothingRate(loss: name, sharedMilliseconds: median(sharedMs), sharedRatio: stat(sharedRatios),
                                               naiveMilliseconds: median(naiveMs), naiveRatio: stat(naiveRatios)))
        }

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
                      achievedGFLOPS: achieved, shapes: shapeRates, peak2048GFLOPS: median(peaks),
                      peakResidentMB: peakResidentMegabytes(),
                      parts: partMedians, smoothing: smoothingRows,
                      pytorchReference: "PyTorch 2.13 CPU, same step, 2 threads: 19.1 ms = 1.42× its GEMMs (measured with its baseline script bench_train.py --threads 2 on 2026-11-29, 2-core AMD EPYC; not measured in this run: scripts/bench-vs-pytorch measures both side by side)")
    }

    func median(_ x: [Double]) -> Double { let s = x.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
    func stat(_ x: [Double]) -> Stat { Stat(min: x.min() ?? 0, median: median(x), max: x.max() ?? 0) }
}

/// The network, optimiser, buffers and objective a benchmark times: a ReLU network of `widths` with
/// Kaiming-normal weights, SGD (η 1e-4, μ 0.9) on the BLAS thread count, plain cross-entropy, batches of `batch`
/// drawn from `imageCount` random images.
struct BenchmarkModel {
    let architecture: Architecture
    let network: Network
    let sgd: SGD
    let pass: Pass
    let objective: CrossEntropyObjective
    let imageCount: Int

    init(widths: [Int], batch: Int, random: inout RandomStream) {
        architecture = Architecture(widths: widths, activation: .relu)
        network = Network(architecture, initialization: .kaimingNormal, random: &random)
        sgd = SGD(SGDConfiguration(learningRate: 1e-4, momentum: 0.9), parameterCount: network.layout.count)
        sgd.threads = BLAS.threads
        pass = Pass(architecture, capacity: batch)
        objective = CrossEntropyObjective()
        imageCount = max(batch * 4, 2048)
    }
}

extension FloatBuffer {
    func filledRandomly(_ random: inout RandomStream) -> FloatBuffer {
        for i in 0..<count { pointer[i] = random.nextSymmetric(1) }
        return self
    }
}

/// The process's peak resident set size (getrusage's ru_maxrss, kilobytes on Linux), in MB.
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
