import Analysis
import Foundation
import Networks
import NumericCore
import Traces
import Training

/// A trace whose per-step layer signals s_l(t) — and so every per-epoch and per-window statistic — are known
/// exactly, written through the real recorder (the real layout, statistics and writer), with no training: for
/// `thermo bench --analysis` and the tests of the studies and the analysis commands.
///
/// Weight i of layer l gets the gradient s_l(t)·f_i·c_i(t), where the f_i spread over two decades with mean 1
/// (so the per-weight temperatures differ and the layer's mean |gradient| is s_l(t)) and the sign c_i(t) is
/// +1 for even i and (−1)^t for odd i (so the per-weight SNR ‖μ‖/‖√v‖ lies below S/σ). Gradients are Float32,
/// so recorded values carry Float32 rounding.
public struct SyntheticTrace: Sendable {
    /// Layer widths n_0 … n_L: the statistics do not depend on them, small ones keep writing fast.
    public var widths = [6, 5, 5, 5, 3]
    /// Epochs recorded.
    public var epochs = 120
    /// M, steps per epoch.
    public var stepsPerEpoch = 16
    /// What the trace records.
    public var recording = TraceRecording.standard
    /// The thermo version written into the trace's provenance.
    public var thermoVersion = "synthetic"
    /// The network recorded, when not the MLP of `widths`: e.g. one with convolutions, whose layers the trace
    /// labels "conv1", …, "fc1", … (it must have `layerCount` weight layers).
    public var architecture: Architecture? = nil
    /// s_l(t) for layer l from 1 and the global step t from 1 (step k = (t − 1) mod M of epoch ⌊(t − 1)/M⌋ + 1).
    public var stepSignal: @Sendable (Int, Int) -> Double

    /// A trace of `epochs` epochs of `stepsPerEpoch` steps whose layer l has the step signal s_l(t) =
    /// `stepSignal(l, t)`.
    public init(widths: [Int] = [6, 5, 5, 5, 3], epochs: Int = 120, stepsPerEpoch: Int = 16, recording: TraceRecording = .standard,
                stepSignal: @escaping @Sendable (Int, Int) -> Double) {
        self.widths = widths
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.recording = recording
        self.stepSignal = stepSignal
    }

    /// L, the number of layers.
    public var layerCount: Int { widths.count - 1 }

    /// Writes the trace to `path` (replacing a file there) and marks it completed.
    public func write(to path: String) throws {
        var configuration = TrainingConfiguration()
        configuration.architecture = architecture ?? Architecture(widths: widths, activation: .relu)
        precondition(configuration.architecture.widths.count - 1 == layerCount, "SyntheticTrace: the architecture has another number of layers")
        configuration.batchSize = 8
        configuration.epochs = epochs
        let run = TraceRun(configuration: configuration, stepsPerEpoch: stepsPerEpoch, trainImages: 8 * stepsPerEpoch,
                           validationImages: 0, testImages: 0, dataDirectory: "(synthetic)", firstEpoch: 1)
        let provenance = TraceProvenance(thermoVersion: thermoVersion, command: ["thermo (synthetic trace)"], dataChecksums: [:],
                                         blasThreads: 1, blas: "none")
        let recorder = try TraceRecorder(creating: path, run: run, recording: recording, provenance: provenance, replacing: true, threads: 1)
        let network = Network(configuration.architecture)
        let layout = network.layout
        let factors = layout.layers.map { layer -> [Double] in
            let n = layer.weightCount
            let raw = (0..<n).map { i in exp(n > 1 ? -2.3 + 4.6 * Double(i) / Double(n - 1) : 0) }
            let mean = raw.reduce(0, +) / Double(n)
            return raw.map { $0 / mean }
        }
        var t = 0
        for e in 1...epochs {
            for _ in 0..<stepsPerEpoch {
                t += 1
                for (index, layer) in layout.layers.enumerated() {
                    let s = stepSignal(index + 1, t)
                    let f = factors[index]
                    for i in 0..<layer.weightCount {
                        let sign: Double = i % 2 == 0 || t % 2 == 0 ? 1 : -1
                        network.gradients.pointer[layer.weightOffset + i] = Float(s * f[i] * sign)
                    }
                }
                recorder.statistics.observeStep(network: network, pass: nil, epoch: e, step: t, batchSize: 8, loss: 1,
                                                crossEntropy: 1, learningRate: 1e-4)
            }
            let metrics = EpochMetrics(epoch: e, steps: stepsPerEpoch, trainObjective: 1, trainLoss: 1, trainAccuracy: 0.5,
                                       testLoss: 1, testAccuracy: 0.5, trainingSeconds: 0, seconds: 0)
            try recorder.recordEpoch(metrics, network: network)
        }
        try recorder.finish(.completed)
    }

    /// The step signal of a group of K steps whose mean is `mean` and population standard deviation `sd`:
    /// mean + sd·√(K−1) at the group's first step (k = 0), mean − sd/√(K−1) at the others. Positive when
    /// mean/sd > 1/√(K−1).
    public static func groupStep(mean: Double, sd: Double, k: Int, size: Int) -> Double {
        guard size > 1 else { return mean }
        let root = Double(size - 1).squareRoot()
        return k == 0 ? mean + sd * root : mean - sd / root
    }

    /// A run whose late regime cools as ln S_l = a_l − g(e; θ) of `model` for every layer from `peak` on (a
    /// common decay), with a rise to the peak before it; σ_l = S_l/SNR(e) with SNR(e) = snrLate +
    /// (snrEarly − snrLate)·exp(−(e − 1)/3), so the layer-mean SNR falls through 1 when snrLate < 1 < snrEarly;
    /// multiplicative log-normal noise exp(sd·η) on S and on σ, seeded.
    public static func cooling(epochs: Int = 200, stepsPerEpoch: Int = 16, model: CoolingModel = .nested, theta: [Double] = [0.9, 0.2],
                        amplitudes: [Double] = [-2, -3, -3.5, -5], peak: Int = 4, snrEarly: Double = 3, snrLate: Double = 0.7,
                        noise sd: Double = 0.02, seed: UInt64 = 1, recording: TraceRecording = .standard) -> SyntheticTrace {
        let L = amplitudes.count
        var stream = RandomStream(seed: seed, purpose: "synthetic trace")
        var signal = [[Double]](repeating: [], count: L), noise = [[Double]](repeating: [], count: L)
        for l in 0..<L {
            for e in 1...epochs {
                let x = Double(max(e, peak))
                var s = exp(amplitudes[l] - model.decay(epoch: x, parameters: theta))
                if e < peak { s *= 0.5 + 0.5 * Double(e - 1) / Double(max(1, peak - 1)) }
                let snr = snrLate + (snrEarly - snrLate) * exp(-Double(e - 1) / 3)
                let a = stream.nextGaussian(), b = stream.nextGaussian()
                signal[l].append(s * exp(sd * a))
                noise[l].append(s / snr * exp(sd * b))
            }
        }
        return table(signal: signal, noise: noise, stepsPerEpoch: stepsPerEpoch, recording: recording)
    }

    /// A trace whose epochs have exactly the given S_l(e) and σ_l(e) (signal[l − 1][e − 1]): each epoch's steps
    /// follow ``groupStep(mean:sd:k:size:)`` (this needs S/σ > 1/√(M−1)).
    public static func table(signal: [[Double]], noise: [[Double]], stepsPerEpoch: Int = 16,
                      recording: TraceRecording = .standard) -> SyntheticTrace {
        let L = signal.count
        precondition(L >= 1 && noise.count == L && signal.allSatisfy { $0.count == signal[0].count }, "SyntheticTrace.table: ragged tables")
        let M = stepsPerEpoch
        return SyntheticTrace(widths: [6] + [Int](repeating: 5, count: L - 1) + [3], epochs: signal[0].count,
                              stepsPerEpoch: M, recording: recording,
                              stepSignal: { l, t in
                                  let e = (t - 1) / M, k = (t - 1) % M
                                  return groupStep(mean: signal[l - 1][e], sd: noise[l - 1][e], k: k, size: M)
                              })
    }
}
