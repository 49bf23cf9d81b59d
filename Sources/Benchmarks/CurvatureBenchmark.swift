import Curvature
import Foundation
import Networks
import NumericCore

/// `thermo bench --curvature`: the cost of curvature measurements in units of a training step of the same
/// network and batch, measured in one run.
///
/// Per repetition: `steps` training steps (the training's own step), then on the last step's batch the
/// preparation of the products (one forward and backward pass), a full Hessian-vector product, a block product
/// per layer, each layer's λ_max (m Lanczos products) and 10-probe trace, and the full H's λ_max. Each figure is
/// the median over repetitions, divided by the median step.
public struct CurvatureBenchmark {
    /// The layer widths n_0, …, n_L of the ReLU network.
    public let widths: [Int]
    /// The batch size B of the training steps and of the curvature products.
    public let batch: Int
    /// Training steps timed per repetition.
    public let steps: Int
    /// Repetitions (medians reported).
    public let reps: Int
    /// m, the Lanczos steps (products) of each λ_max.
    public let lanczosSteps: Int
    /// The Hutchinson probes of each trace estimate.
    public let probes: Int

    /// A benchmark on a ReLU network of `widths` at batch `batch`.
    public init(widths: [Int], batch: Int, steps: Int, reps: Int, lanczosSteps: Int = 20, probes: Int = 10) {
        self.widths = widths
        self.batch = batch
        self.steps = steps
        self.reps = reps
        self.lanczosSteps = lanczosSteps
        self.probes = probes
    }

    /// One timed operation: median ms and its cost in training steps.
    public struct Cost: Codable {
        /// The operation timed, e.g. "full H·v" or "λ_max(H_22), 20 Lanczos steps".
        public var operation: String
        /// Its median time in ms.
        public var milliseconds: Double
        /// Its median time in units of the median training step.
        public var steps: Double
        /// The issue's target, in steps, if it has one.
        public var target: Double?
    }

    /// What the benchmark found.
    public struct Report: Codable {
        /// The layer widths of the network.
        public var layers: [Int]
        /// The batch size B.
        public var batch: Int
        /// The BLAS threads the run used.
        public var threads: Int
        /// The OpenBLAS core (kernel family) that ran.
        public var blasCore: String
        /// The median training step in ms, the unit of every cost.
        public var stepMilliseconds: Double
        /// Every operation's cost, in the order first timed.
        public var costs: [Cost]
        /// The process's peak resident memory in MB.
        public var peakResidentMegabytes: Double

        /// The report as `thermo bench --curvature` prints it: each operation in ms and in steps, against its target.
        public func table() -> String {
            var s = "thermo bench --curvature — \(layers.map(String.init).joined(separator: "→")) ReLU, batch \(batch), "
            s += "\(NumberText.counted(threads, "thread")), OpenBLAS core \(blasCore)\n"
            s += String(format: "training step  %.2f ms (median)\n", stepMilliseconds)
            s += "operation                                      ms   in steps   target\n"
            for c in costs {
                let name = c.operation.padding(toLength: 40, withPad: " ", startingAt: 0)
                s += name + String(format: "  %9.2f  %9.2f", c.milliseconds, c.steps)
                s += c.target.map { String(format: "   ≤ %g %@", $0, c.steps <= $0 ? "met" : "MISSED") } ?? ""
                s += "\n"
            }
            s += String(format: "peak resident memory %.0f MB\n", peakResidentMegabytes)
            return s
        }
    }

    /// Runs the benchmark.
    public func run() throws -> Report {
        let bench = try BenchmarkTrainer(widths: widths, batch: batch)
        let trainer = bench.trainer
        let L = widths.count - 1
        let hvp = HessianVectorProduct(trainer.configuration.architecture, capacity: batch)
        let fullDimension = hvp.dimension(1...L)
        let x = FloatBuffer(count: fullDimension), y = FloatBuffer(count: fullDimension)
        var random = RandomStream(seed: 1, purpose: "bench-curvature")
        for i in 0..<fullDimension { x.pointer[i] = random.nextSymmetric(1) }
        var times: [String: [Double]] = [:]
        var order: [String] = []
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            if times[name] == nil { order.append(name) }
            times[name, default: []].append(try milliseconds(body))
        }
        let lanczos = Lanczos(steps: lanczosSteps), hutchinson = Hutchinson(probes: probes)
        var stepTimes: [Double] = []
        for rep in 0..<reps {
            let t = try milliseconds { for s in 0..<steps { try bench.step(rep * steps + s) } }
            stepTimes.append(t / Double(steps))
            let network = trainer.network, pass = trainer.pass
            time("prepare (forward + backward)") {
                hvp.prepare(network: network, input: pass.input, labels: pass.labels, batch: batch)
            }
            time("full H·v") { hvp.apply(x.pointer, into: y.pointer, layers: 1...L) }
            for l in 1...L { time("block H_\(l)\(l)·v") { hvp.apply(x.pointer, into: y.pointer, layers: l...l) } }
            for l in 1...L {
                time("λ_max(H_\(l)\(l)), \(lanczosSteps) Lanczos steps") {
                    var r = RandomStream(seed: 1, purpose: "curvature-lanczos", index: UInt64(l))
                    _ = lanczos.run(dimension: hvp.dimension(l...l), random: &r) { hvp.apply($0, into: $1, layers: l...l) }
                }
            }
            for l in 1...L {
                time("tr H_\(l)\(l), \(probes) probes") {
                    var r = RandomStream(seed: 1, purpose: "curvature-probes", index: UInt64(l))
                    _ = hutchinson.run(dimension: hvp.dimension(l...l), random: &r) { hvp.apply($0, into: $1, layers: l...l) }
                }
            }
            var settings = CurvatureSettings()
            settings.lanczosSteps = lanczosSteps
            settings.probes = probes
            try time("one full measurement") {
                hvp.prepare(network: network, input: pass.input, labels: pass.labels, batch: batch)
                _ = try CurvatureMeasurement.measure(hvp, settings: settings)
            }
        }
        let step = median(stepTimes)
        let costs = order.map { name -> Cost in
            let ms = median(times[name]!)
            let target: Double? = name == "full H·v" ? 2.2 : name.hasPrefix("λ_max(") ? 45 : name == "one full measurement" ? 250 : nil
            return Cost(operation: name, milliseconds: ms, steps: ms / step, target: target)
        }
        return Report(layers: widths, batch: batch, threads: BLAS.threads, blasCore: BLASKernel.current.core,
                      stepMilliseconds: step, costs: costs, peakResidentMegabytes: peakResidentMegabytes())
    }
}
