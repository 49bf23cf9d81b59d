import Analysis
import Foundation
import NumericCore
import Studies

/// `thermo bench --analysis`: the analysis targets, measured in one run.
///
/// - the joint nested fit of 4 synthetic curves × 10,000 epochs (ln S_c = a_c − α(e^β − 1)/β + 0.05·η, the
///   amplitudes eliminated by variable projection), median of `reps` fits after one warm-up; target < 100 ms;
/// - a 1,000-replicate moving-block bootstrap over epochs of that fit (each replicate refitted from θ̂), timed
///   once; target < 5 s;
/// - `thermo temperature` on a synthetic 120-epoch trace of 4 layers and 234 steps per epoch (moments),
///   in-process (open, read, format; median of `reps`) and as a process started `reps` times (median wall time,
///   output discarded); target < 0.3 s.
public struct AnalysisBenchmark {
    /// Repetitions of each timed figure (medians reported).
    public let reps: Int
    /// Where to keep the synthetic trace (nil: a temporary file, removed).
    public let keepTrace: String?
    /// The version written into the synthetic trace.
    public let thermoVersion: String

    /// A benchmark of `reps` repetitions; the trace kept at `keepTrace` when given.
    public init(reps: Int, keepTrace: String?, thermoVersion: String) {
        self.reps = reps
        self.keepTrace = keepTrace
        self.thermoVersion = thermoVersion
    }

    /// One measured figure against its target.
    public struct Figure: Codable {
        var name: String
        var milliseconds: Double
        var targetMilliseconds: Double
        var detail: String
        var met: Bool { milliseconds < targetMilliseconds }
    }

    /// What the benchmark found.
    public struct Report: Codable {
        var figures: [Figure]
        var trace: String?

        /// The report as `thermo bench --analysis` prints it: each figure's ms, its target and whether it was met.
        public func table() -> String {
            var s = "thermo bench --analysis\n"
            let width = figures.map(\.name.count).max() ?? 0
            for f in figures {
                s += f.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(format: "  %9.1f ms   target < %.0f ms   %@", f.milliseconds, f.targetMilliseconds, f.met ? "met" : "NOT MET")
                    + "\n    \(f.detail)\n"
            }
            if let trace { s += "synthetic trace kept at \(trace) (e.g. hyperfine 'thermo temperature \(trace)')\n" }
            return s
        }
    }

    /// Runs the three measurements (see the type's description).
    public func run() throws -> Report {
        func median(_ x: [Double]) -> Double {
            let s = x.sorted()
            return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
        }
        var figures: [Figure] = []

        // 1. The joint fit of 4 × 10,000.
        let theta = [0.9, 0.2], amplitudes = [-2.0, -3, -3.5, -5]
        var stream = RandomStream(seed: 3, purpose: "bench analysis")
        let epochs = (1...10_000).map(Double.init)
        let curves = amplitudes.enumerated().map { c, a in
            CoolingCurve(layer: String(c + 1), epochs: epochs,
                         values: epochs.map { exp(a - CoolingModel.nested.decay(epoch: $0, parameters: theta) + 0.05 * stream.nextGaussian()) })
        }
        var fit = try coolingFit(curves)
        var fitTimes: [Double] = []
        for _ in 0..<reps { fitTimes.append(try milliseconds { fit = try coolingFit(curves) }) }
        let values = fit.parameters.map { "\($0.name) = \(formatCell($0.value))" }.joined(separator: ", ")
        figures.append(Figure(name: "joint fit, 4 × 10,000 epochs", milliseconds: median(fitTimes), targetMilliseconds: 100,
                              detail: "nested, median of \(reps) (min \(String(format: "%.1f", fitTimes.min() ?? .nan)) ms); \(values) (truth α = 0.9, β = 0.2), \(fit.iterations) LM iterations"))

        // 2. The 1,000-replicate block bootstrap of that fit.
        var boot: BootstrapIntervals? = nil
        let bootMs = try milliseconds { boot = try blockBootstrap(curves, options: BlockBootstrapOptions(replicates: 1000, seed: 1)) }
        figures.append(Figure(name: "block bootstrap, 1,000 replicates", milliseconds: bootMs, targetMilliseconds: 5000,
                              detail: "of the same fit, including the initial fit; \(boot?.description ?? "")"))

        // 3. thermo temperature on a 120-epoch trace.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thermo-bench-analysis-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = keepTrace ?? folder.appendingPathComponent("bench-120.h5").path
        var synthetic = SyntheticTrace.cooling(epochs: 120, stepsPerEpoch: 234)
        synthetic.widths = [16, 16, 16, 16, 4]
        synthetic.thermoVersion = thermoVersion
        let writeMs = try milliseconds { try synthetic.write(to: path) }
        var request = SeriesRequest()
        request.perWeight = true
        request.needsNoise = true
        var inProcess: [Double] = []
        var bytes = 0
        for _ in 0..<reps {
            inProcess.append(try milliseconds {
                let runs = try RunSeries.load([path], request: request)
                bytes = TemperatureReport(runs).table().utf8.count
            })
        }
        figures.append(Figure(name: "thermo temperature, in-process", milliseconds: median(inProcess), targetMilliseconds: 300,
                              detail: "120 epochs × 4 layers (moments; 234 steps per epoch, trace written in \(String(format: "%.0f", writeMs)) ms): open, read the datasets it needs, format \(bytes) bytes; median of \(reps)"))
        if let executable = Bundle.main.executablePath {
            var processTimes: [Double] = []
            for _ in 0..<reps {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = ["temperature", path]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                let ms = try milliseconds {
                    try process.run()
                    process.waitUntilExit()
                }
                guard process.terminationStatus == 0 else {
                    throw BenchmarkError("'\(executable) temperature \(path)' exited with status \(process.terminationStatus)")
                }
                processTimes.append(ms)
            }
            figures.append(Figure(name: "thermo temperature, whole process", milliseconds: median(processTimes), targetMilliseconds: 300,
                                  detail: "\(executable) temperature TRACE > /dev/null, median of \(reps) (min \(String(format: "%.1f", processTimes.min() ?? .nan)) ms)"))
        }
        return Report(figures: figures, trace: keepTrace)
    }
}
