import Foundation
import Testing
import TestSupport
import Networks
import NumericCore
import Training
@testable import Traces

/// Trains the small synthetic run with a recorder and a gradient copier, and returns both.
func recordedRun(_ recording: TraceRecording, epochs: Int = 2, path: String = scratchFile(),
                 perSample: Bool = false) throws -> (trainer: Trainer, copier: GradientCopier, path: String) {
    let trainer = try Trainer(configuration: smallConfiguration(epochs: epochs), dataSet: syntheticDataSet())
    let recorder = try TraceRecorder(creating: path, trainer: trainer, recording: recording, provenance: testProvenance, threads: 2)
    let copier = GradientCopier(perSample: perSample)
    trainer.observers = [recorder, copier]
    try trainer.run()
    try recorder.finish(.completed)
    return (trainer, copier, path)
}

/// The recomputation, per epoch and layer, of what the recorder writes, from the copied gradients alone.
struct Recomputed {
    var signal: [[Double]] = [], noise: [[Double]] = [], normMean: [[Double]] = []
    var mean: [[[Double]]] = [], variance: [[[Double]]] = [], withinBatch: [[[Double]]] = []

    init(_ copier: GradientCopier, layers L: Int) {
        let epochs = Set(copier.steps.map(\.epoch)).sorted()
        for e in epochs {
            let steps = copier.steps.filter { $0.epoch == e }
            let M = Double(steps.count)
            var S: [Double] = [], sigma: [Double] = [], norms: [Double] = []
            var mu: [[Double]] = [], v: [[Double]] = [], wb: [[Double]] = []
            for l in 0..<L {
                let s = steps.map { st in st.gradients[l].reduce(0) { $0 + abs($1) } / Double(st.gradients[l].count) }
                let mean = s.reduce(0, +) / M
                S.append(mean)
                sigma.append((s.reduce(0) { $0 + pow2($1 - mean) } / M).squareRoot())
                norms.append(steps.map { st in st.gradients[l].reduce(0) { $0 + $1 * $1 }.squareRoot() }.reduce(0, +) / M)
                let n = steps[0].gradients[l].count
                let m = (0..<n).map { i in steps.reduce(0) { $0 + $1.gradients[l][i] } / M }
                mu.append(m)
                v.append((0..<n).map { i in steps.reduce(0) { $0 + pow2($1.gradients[l][i] - m[i]) } / M })
                if steps[0].withinBatchVariance != nil {
                    wb.append((0..<n).map { i in steps.reduce(0) { $0 + max(0, $1.withinBatchVariance![l][i]) } / M })
                }
            }
            signal.append(S); noise.append(sigma); normMean.append(norms)
            mean.append(mu); variance.append(v); withinBatch.append(wb)
        }
    }
}

/// Whether every entry of `a` is within `relative`·|b| + `floor`·max|b| of `b`.
func allClose(_ a: [Double], _ b: [Double], relative: Double, floor: Double) -> Bool {
    guard a.count == b.count else { return false }
    let scale = b.map(abs).max() ?? 0
    return zip(a, b).allSatisfy { close($0, $1, relative: relative, absolute: floor * scale) }
}

@Suite("Recorder", .serialized)
struct RecorderTests {
    @Test("Every recorded quantity equals its recomputation from the same gradients")
    func recordedQuantitiesMatchRecomputation() throws {
        let recording = try TraceRecording(parsing: ["per-weight:every=1", "batch-variance"])
        let (trainer, copier, path) = try recordedRun(recording, perSample: true)
        let L = 3, M = 17
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let reference = Recomputed(copier, layers: L)

        // The explicit per-sample gradients average to the batch gradient (they are right).
        #expect(copier.steps.allSatisfy { $0.perSampleMeanError < 1e-6 })

        // Progress and the step axis.
        #expect(reader.progress == TraceProgress(completedEpochs: 2, completedSteps: 2 * M, completedSnapshots: 2, status: .completed,
                                                 plannedEpochs: 2, writerProcess: Int(getpid()), lastUpdate: reader.progress.lastUpdate))
        #expect(try reader.steps() == Array(1...(2 * M)))
        #expect(try reader.read("steps/epoch_of_step").values == copier.steps.map { Double($0.epoch) })
        #expect(try reader.read("steps/loss").values == copier.steps.map(\.loss))
        #expect(try reader.read("steps/cross_entropy").values == copier.steps.map(\.crossEntropy))
        #expect(try reader.read("steps/batch_size").values == copier.steps.map { Double($0.batch) })
        #expect(try reader.read("steps/learning_rate").values.allSatisfy { $0 == 0.05 })

        // Per step: s_l(t), ‖g_l‖, within-batch variance.
        let s = try reader.read("steps/layer_signal"), norm = try reader.read("steps/gradient_norm")
        let wb = try reader.read("steps/within_batch_variance")
        #expect(s.shape == [2 * M, L] && norm.shape == [2 * M, L] && wb.shape == [2 * M, L])
        for (t, step) in copier.steps.enumerated() {
            for l in 0..<L {
                let g = step.gradients[l]
                #expect(close(s[t, l], g.reduce(0) { $0 + abs($1) } / Double(g.count), relative: 1e-6))
                #expect(close(norm[t, l], g.reduce(0) { $0 + $1 * $1 }.squareRoot(), relative: 1e-6))
                let explicit = step.withinBatchVariance![l].reduce(0) { $0 + max(0, $1) } / Double(g.count)
                #expect(close(wb[t, l], explicit, relative: 2e-3), "step \(t + 1) layer \(l + 1): \(wb[t, l]) vs \(explicit)")
            }
        }

        // Per epoch: metrics, S, σ, T, SNR, norms.
        #expect(try reader.epochs() == [1, 2])
        #expect(try reader.read("epochs/steps").values == [Double(M), Double(M)])
        #expect(try reader.read("epochs/last_step").values == [Double(M), Double(2 * M)])
        #expect(try reader.read("epochs/test_loss").values == trainer.history.map(\.testLoss))
        #expect(try reader.read("epochs/train_loss").values == trainer.history.map(\.trainLoss))
        #expect(try reader.read("epochs/train_accuracy").values == trainer.history.map(\.trainAccuracy))
        #expect(try reader.read("epochs/test_accuracy").values == trainer.history.map(\.testAccuracy))
        #expect(try reader.read("epochs/validation_loss").values == trainer.history.map { $0.validationLoss! })
        let S = try reader.read("epochs/layer_signal"), sigma = try reader.read("epochs/layer_noise")
        let T = try reader.read("epochs/layer_temperature"), snr = try reader.read("epochs/signal_to_noise")
        let gnm = try reader.read("epochs/gradient_norm_mean"), wn = try reader.read("epochs/weight_norm")
        let muNorm = try reader.read("epochs/mean_gradient_norm"), vNorm = try reader.read("epochs/gradient_std_norm")
        let ratio = try reader.read("epochs/weight_signal_to_noise"), vMean = try reader.read("epochs/weight_temperature_mean")
        let quantiles = try reader.read("epochs/weight_temperature_quantiles")
        let histogram = try reader.read("epochs/weight_temperature_histogram")
        let wbEpoch = try reader.read("epochs/within_batch_variance")
        #expect(quantiles.shape == [2, L, 5] && histogram.shape == [2, L, 82])
        for e in 0..<2 {
            for l in 0..<L {
                #expect(close(S[e, l], reference.signal[e][l], relative: 1e-6))
                #expect(close(sigma[e, l], reference.noise[e][l], relative: 1e-5))
                #expect(close(T[e, l], pow2(reference.noise[e][l]), relative: 2e-5))
                #expect(close(snr[e, l], reference.signal[e][l] / reference.noise[e][l], relative: 1e-5))
                #expect(close(gnm[e, l], reference.normMean[e][l], relative: 1e-6))
                let w = copier.weights[e][l]
                #expect(close(wn[e, l], w.reduce(0) { $0 + $1 * $1 }.squareRoot(), relative: 1e-6))
                let mu = reference.mean[e][l], v = reference.variance[e][l]
                let n = Double(v.count)
                #expect(close(muNorm[e, l], mu.reduce(0) { $0 + $1 * $1 }.squareRoot(), relative: 1e-4))
                #expect(close(vNorm[e, l], v.reduce(0, +).squareRoot(), relative: 1e-4))
                #expect(close(ratio[e, l], mu.reduce(0) { $0 + $1 * $1 }.squareRoot() / v.reduce(0, +).squareRoot(), relative: 2e-4))
                #expect(close(vMean[e, l], v.reduce(0, +) / n, relative: 1e-4))
                #expect(close(wbEpoch[e, l], reference.withinBatch[e][l].reduce(0, +) / n, relative: 2e-3))

                // Snapshots: μ_ω, v_ω, within-batch variance of every weight.
                let snapMean = try reader.snapshot("gradient_mean", layer: l + 1, index: e).map { Double($0) }
                let snapVariance = try reader.snapshot("gradient_variance", layer: l + 1, index: e).map { Double($0) }
                let snapWithin = try reader.snapshot("within_batch_variance", layer: l + 1, index: e).map { Double($0) }
                #expect(allClose(snapMean, mu, relative: 1e-4, floor: 1e-5))
                #expect(allClose(snapVariance, v, relative: 1e-3, floor: 1e-5))
                #expect(allClose(snapWithin, reference.withinBatch[e][l], relative: 1e-3, floor: 1e-4))

                // Quantiles and histogram of v_ω: numpy's rule on the recorded values, and close to the
                // recomputed values' quantiles.
                let sorted = snapVariance.sorted(), exact = v.sorted()
                for (k, p) in TemperatureDistribution.levels.enumerated() {
                    let h = (n - 1) * p, lo = Int(h), hi = min(lo + 1, sorted.count - 1)
                    let q = sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
                    let qExact = exact[lo] + (h - Double(lo)) * (exact[hi] - exact[lo])
                    let recorded = quantiles.values[(e * L + l) * 5 + k]
                    #expect(close(recorded, q, relative: 1e-12))
                    #expect(close(recorded, qExact, relative: 1e-3, absolute: 1e-6 * (exact.last ?? 0)))
                }
                var counts = [Double](repeating: 0, count: 82)
                for x in snapVariance {
                    let bin = x == 0 ? 0 : min(81, max(0, Int((4 * (log10(x) + 20)).rounded(.down)) + 1))
                    counts[bin] += 1
                }
                let recordedCounts = Array(histogram.values[((e * L + l) * 82)..<((e * L + l + 1) * 82)])
                #expect(recordedCounts.reduce(0, +) == n)
                let moved = zip(recordedCounts, counts).reduce(0) { $0 + abs($1.0 - $1.1) }
                #expect(moved <= 2, "histogram of epoch \(e + 1) layer \(l + 1) differs by \(moved) from log10 binning")
            }
        }
        #expect(try reader.snapshotEpochs(layer: 1) == [1, 2])
    }

    @Test("The minimal record holds only layer statistics, with the same values as the full record")
    func layersOnly() throws {
        let full = try recordedRun(.standard)
        let minimal = try recordedRun(.layers)
        let a = try TraceReader(contentsOf: full.path), b = try TraceReader(contentsOf: minimal.path)
        defer { try? a.close(); try? b.close() }
        #expect(try !b.has("epochs/mean_gradient_norm") && !b.has("epochs/weight_temperature_histogram"))
        #expect(try !b.has("steps/within_batch_variance") && !b.has("weights"))
        #expect(try a.has("epochs/weight_temperature_quantiles") && !a.has("weights/layer_1/gradient_mean"))
        #expect(b.header.recording.levels == ["layers"] && a.header.recording.levels == ["layers", "moments"])
        for name in ["steps/layer_signal", "steps/gradient_norm", "epochs/layer_signal", "epochs/layer_noise", "epochs/test_loss"] {
            #expect(try allClose(a.read(name).values, b.read(name).values, relative: 1e-6, floor: 0), "\(name)")
        }
    }

    @Test("Root attributes hold the provenance and configuration")
    func attributes() throws {
        let (trainer, _, path) = try recordedRun(.layers, epochs: 1)
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let h = reader.header
        #expect(h.formatMajor == 1 && h.formatMinor == 0)
        #expect(h.configuration == trainer.configuration)
        #expect(h.command == testProvenance.command)
        #expect(h.dataChecksums == testProvenance.dataChecksums)
        #expect(h.widths == [144, 32, 16, 4] && h.stepsPerEpoch == 17 && h.firstEpoch == 1)
        #expect(h.trainImages == 550 && h.validationImages == 50 && h.testImages == 200)
        #expect(h.sessions.count == 1 && h.sessions[0].pid == Int(getpid()))
        #expect(TraceHeader.shellQuoted(h.command) == "thermo-tests --flag 'it'\\''s quoted'")
        #expect(try reader.readFixed("epochs/weight_count") == [4608, 512, 64])
        #expect(try reader.readFixed("epochs/bin_lower")[0] == 0 && reader.readFixed("epochs/bin_upper")[81] == .infinity)
    }

    @Test("An existing file is refused unless replacing, and survives a failed start")
    func noSilentOverwrite() throws {
        let path = scratchFile()
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 2), dataSet: syntheticDataSet())
        let error = #expect(throws: TraceError.self) {
            try TraceRecorder(creating: path, trainer: trainer, recording: .standard, provenance: testProvenance)
        }
        #expect(error?.message.contains("--force") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
        // Batch variance is refused for a smoothing loss, before anything is written.
        var smoothed = smallConfiguration(epochs: 2)
        smoothed.loss.kind = .plea
        smoothed.loss.layers = [1]
        smoothed.loss.radius = 0.01
        let plea = try Trainer(configuration: smoothed, dataSet: syntheticDataSet())
        let refused = #expect(throws: TraceError.self) {
            try TraceRecorder(creating: path, trainer: plea, recording: try TraceRecording(parsing: ["batch-variance"]),
                              provenance: testProvenance, replacing: true)
        }
        #expect(refused?.message.contains("batch-variance") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test("A PLEA run records the statistics of its sample weights")
    func smoothingSamples() throws {
        var c = smallConfiguration(epochs: 1)
        c.loss.kind = .plea
        c.loss.layers = [1]
        c.loss.radius = 0.05
        c.loss.samples = 4
        let trainer = try Trainer(configuration: c, dataSet: syntheticDataSet())
        let path = scratchFile()
        let recorder = try TraceRecorder(creating: path, trainer: trainer, recording: .layers, provenance: testProvenance)
        trainer.observers = [recorder]
        try trainer.run()
        try recorder.finish(.completed)
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let maximum = try reader.read("epochs/sample_weight_max").values[0]
        let effective = try reader.read("epochs/sample_effective_count").values[0]
        let unperturbed = try reader.read("epochs/sample_weight_unperturbed").values[0]
        #expect(maximum >= 0.2 && maximum <= 1)
        #expect(effective >= 1 && effective <= 5)
        #expect(unperturbed > 0 && unperturbed < 1)
        #expect(try reader.read("epochs/perturbed_loss_increase").values[0].isFinite)
    }

    @Test("Resuming from a checkpoint continues the trace: no epoch duplicated or lost, same values as a straight run")
    func resumeAppends() throws {
        let straight = try recordedRun(try TraceRecording(parsing: ["per-weight:every=2"]), epochs: 4)
        // A run to 3 epochs, with a checkpoint taken after epoch 2: the trace is one epoch ahead of it.
        let path = scratchFile()
        let first = try Trainer(configuration: smallConfiguration(epochs: 3), dataSet: syntheticDataSet())
        let recorder = try TraceRecorder(creating: path, trainer: first, recording: try TraceRecording(parsing: ["per-weight:every=2"]),
                                         provenance: testProvenance)
        final class Keep: TrainingObserver {
            var checkpoint: Checkpoint?
            func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws {
                if metrics.epoch == 2 { checkpoint = Checkpoint(trainer, thermoVersion: "test", blasThreads: 1) }
            }
        }
        let keep = Keep()
        first.observers = [recorder, keep]
        try first.run()
        try recorder.finish(.completed)

        let resumed = try Trainer(resuming: keep.checkpoint!, dataSet: syntheticDataSet(), epochs: 4)
        // Another recording than the trace's is refused.
        #expect(throws: TraceError.self) {
            try TraceRecorder(resuming: path, trainer: resumed, recording: .layers, provenance: testProvenance)
        }
        let continuing = try TraceRecorder(resuming: path, trainer: resumed, recording: nil, provenance: testProvenance)
        resumed.observers = [continuing]
        try resumed.run()
        try continuing.finish(.completed)

        let a = try TraceReader(contentsOf: path), b = try TraceReader(contentsOf: straight.path)
        defer { try? a.close(); try? b.close() }
        #expect(try a.epochs() == [1, 2, 3, 4])
        #expect(try a.steps() == Array(1...(4 * 17)))
        #expect(try a.snapshotEpochs(layer: 2) == [2, 4])
        #expect(a.header.sessions.count == 2 && a.header.sessions[1].firstEpoch == 3)
        #expect(a.header.configuration?.epochs == 4 && a.progress.plannedEpochs == 4 && a.progress.status == .completed)
        for name in ["steps/loss", "steps/layer_signal", "epochs/test_loss", "epochs/layer_noise", "epochs/weight_temperature_mean"] {
            #expect(try allClose(a.read(name).values, b.read(name).values, relative: 1e-6, floor: 0), "\(name)")
        }
        let snapshotA = try a.snapshot("gradient_variance", layer: 1, index: 1).map { Double($0) }
        let snapshotB = try b.snapshot("gradient_variance", layer: 1, index: 1).map { Double($0) }
        #expect(allClose(snapshotA, snapshotB, relative: 1e-5, floor: 1e-6))

        // A trace of another run is refused.
        var other = smallConfiguration(epochs: 4)
        other.seed = 99
        let stranger = try Trainer(configuration: other, dataSet: syntheticDataSet())
        let refused = #expect(throws: TraceError.self) {
            try TraceRecorder(resuming: path, trainer: stranger, recording: nil, provenance: testProvenance)
        }
        #expect(refused?.message.contains("seed") == true)
    }

    @Test("Snapshots compressed by the recorder read back exactly, edge chunks included")
    func snapshotChunks() throws {
        var c = smallConfiguration(epochs: 1)
        c.architecture = Architecture(widths: [144, 500, 4], activation: .relu)  // 500 rows: chunks of 455 and 45
        let trainer = try Trainer(configuration: c, dataSet: syntheticDataSet())
        let path = scratchFile()
        let recorder = try TraceRecorder(creating: path, trainer: trainer, recording: try TraceRecording(parsing: ["per-weight"]),
                                         provenance: testProvenance, threads: 2)
        trainer.observers = [recorder]
        try trainer.run()
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        for l in 1...2 {
            #expect(try reader.snapshot("gradient_mean", layer: l, index: 0) == Array(recorder.statistics.means(layer: l)))
            #expect(try reader.snapshot("gradient_variance", layer: l, index: 0) == Array(recorder.statistics.variances(layer: l)))
        }
        try recorder.finish(.completed)
    }
}
