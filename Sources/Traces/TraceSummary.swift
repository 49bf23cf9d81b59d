import Foundation

/// What `thermo inspect` shows of a trace: configuration, layers, progress, what was recorded and the last
/// metrics. Built from a ``TraceReader``; encodes to JSON (`--format json`) and prints as text.
public struct TraceSummary: Codable, Sendable {
    /// One weight layer.
    public struct Layer: Codable, Sendable {
        /// l, from 1.
        public var layer: Int
        /// n_{l−1}, n_l.
        public var fanIn: Int, fanOut: Int
        /// N_l.
        public var weights: Int
        /// "fc1", "conv3" (absent in traces written before layer labels were recorded).
        public var label: String?
    }

    /// One epoch's row, as `inspect` shows it.
    public struct Epoch: Codable, Sendable {
        /// e.
        public var epoch: Int
        /// Train and test loss and accuracy.
        public var trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double
        /// S_l, σ_l, T_l, SNR_l, ‖W_l‖₂ per layer.
        public var layerSignal: [Double], layerNoise: [Double], layerTemperature: [Double], signalToNoise: [Double]
        /// ‖W_l‖₂ per layer.
        public var weightNorm: [Double]
        /// ‖μ_l‖₂, ‖√v_l‖₂ and the median per-weight temperature per layer, with moments.
        public var meanGradientNorm: [Double]?, gradientStdNorm: [Double]?, weightTemperatureMedian: [Double]?
        /// The epoch's layer-mean within-batch variance, with batch variance.
        public var withinBatchVariance: [Double]?
    }

    /// The trace's path.
    public var path: String
    /// "thermo-trace 1.0".
    public var format: String
    /// thermo's version when the trace was created.
    public var thermoVersion: String
    /// When the trace was created.
    public var created: String
    /// The command line that created it.
    public var command: String
    /// The run's status (``TraceStatus``).
    public var status: String
    /// Where a diverged run stopped, and its loss (the `divergence` attribute), when recorded.
    public var divergence: String?
    /// The last writer's process id.
    public var writerProcess: Int
    /// For a trace that says running: true when its writer is known to be gone (killed), false when it may
    /// still run, nil when that cannot be told (another host) or the run has ended.
    public var writerGone: Bool?
    /// Seconds since the markers were last written (nil before the first write).
    public var secondsSinceUpdate: Double?
    /// The configuration, JSON.
    public var configuration: String
    /// "784→784→10 relu".
    public var architecture: String
    /// ce, pla or plea.
    public var loss: String
    /// η, μ, B and the seed (nil when the configuration cannot be decoded).
    public var learningRate: Double?, momentum: Double?, batchSize: Int?, seed: UInt64?
    /// The data set's name.
    public var dataSet: String
    /// Images trained on, held out, tested on.
    public var trainImages: Int, validationImages: Int, testImages: Int
    /// M.
    public var stepsPerEpoch: Int
    /// The recording levels.
    public var recording: [String]
    /// The weight layers.
    public var layers: [Layer]
    /// The first epoch recorded.
    public var firstEpoch: Int
    /// Complete epochs.
    public var completedEpochs: Int
    /// E, the epochs asked for.
    public var plannedEpochs: Int
    /// Complete steps.
    public var completedSteps: Int
    /// Complete snapshots per layer.
    public var completedSnapshots: Int
    /// The epochs of the complete snapshots.
    public var snapshotEpochs: [Int]
    /// The number of processes that wrote the trace.
    public var sessions: Int
    /// The last complete epoch.
    public var lastEpoch: Epoch?

    /// The summary of the trace that `reader` has open, as of its last ``TraceReader/refresh()``.
    public init(_ reader: TraceReader) throws {
        let h = reader.header, p = reader.progress
        path = reader.path
        format = "\(TraceFormat.name) \(h.formatMajor).\(h.formatMinor)"
        thermoVersion = h.thermoVersion
        created = h.created
        command = TraceHeader.shellQuoted(h.command)
        status = p.status.description
        divergence = p.status == .diverged ? h.divergence : nil
        writerProcess = p.writerProcess
        if p.status == .running, reader.header.sessions.last?.host == TraceMaintenance.hostName {
            writerGone = !TraceMaintenance.writerMayBeAlive(reader)
        }
        secondsSinceUpdate = p.lastUpdate > 0 ? max(0, Date().timeIntervalSince1970 - p.lastUpdate) : nil
        configuration = h.configurationJSON
        // thermo's configuration, else (a trace written by the Python package) what the root attributes state.
        let c = h.configuration, facts = h.runFacts
        let activation = c?.architecture.activation.rawValue ?? facts.activation
        architecture = c.flatMap { $0.architecture.networkDescription.map { "\($0) " } }.map { $0 + (activation ?? "") }
            ?? h.widths.map(String.init).joined(separator: "→") + (activation.map { " " + $0 } ?? "")
        loss = c?.loss.kind.rawValue ?? facts.loss ?? "?"
        learningRate = c?.optimizer.learningRate
        momentum = c?.optimizer.momentum
        batchSize = c?.batchSize ?? facts.batchSize
        seed = c?.seed ?? facts.seed
        dataSet = c?.dataset ?? facts.dataSet ?? "?"
        trainImages = h.trainImages
        validationImages = h.validationImages
        testImages = h.testImages
        stepsPerEpoch = h.stepsPerEpoch
        recording = h.recording.levels
        let matrices = h.layerMatrices
        layers = (1...h.layerCount).map { Layer(layer: $0, fanIn: matrices[$0 - 1].columns, fanOut: matrices[$0 - 1].rows,
                                                 weights: matrices[$0 - 1].rows * matrices[$0 - 1].columns,
                                                 label: h.storedLayerMatrices == nil ? nil : matrices[$0 - 1].label) }
        firstEpoch = h.firstEpoch
        completedEpochs = p.completedEpochs
        plannedEpochs = p.plannedEpochs
        completedSteps = p.completedSteps
        completedSnapshots = p.completedSnapshots
        snapshotEpochs = try reader.snapshotEpochs(layer: 1)
        sessions = h.sessions.count
        lastEpoch = try TraceSummary.epochs(reader, from: max(0, p.completedEpochs - 1)).last
    }

    /// The rows of epochs from row index `start` on (for `--follow`).
    public static func epochs(_ reader: TraceReader, from start: Int) throws -> [Epoch] {
        let epochs = try reader.epochs()
        guard start < epochs.count else { return [] }
        let moments = reader.header.recording.weightMoments, batch = reader.header.recording.batchVariance
        let trainLoss = try reader.read(.trainLoss), trainAccuracy = try reader.read(.trainAccuracy)
        let testLoss = try reader.read(.testLoss), testAccuracy = try reader.read(.testAccuracy)
        let signal = try reader.read(.layerSignal), noise = try reader.read(.layerNoise)
        let temperature = try reader.read(.layerTemperature), snr = try reader.read(.signalToNoise)
        let weightNorm = try reader.read(.weightNorm)
        let meanNorm = moments ? try reader.read(.meanGradientNorm) : nil
        let stdNorm = moments ? try reader.read(.gradientStdNorm) : nil
        let quantiles = moments ? try reader.read(.weightTemperatureQuantiles) : nil
        let within = batch ? try reader.read(.withinBatchVariance) : nil
        let L = reader.header.layerCount
        // Every variable is cut to its complete rows on its own; a damaged trace may hold fewer rows in one than
        // in another (and than the markers): only rows that every variable holds are shown.
        let arrays = [trainLoss, trainAccuracy, testLoss, testAccuracy, signal, noise, temperature, snr, weightNorm]
            + [meanNorm, stdNorm, quantiles, within].compactMap { $0 }
        let rows = ([epochs.count] + arrays.map(\.rowCount)).min() ?? 0
        guard start < rows else { return [] }
        return (start..<rows).map { r in
            Epoch(epoch: epochs[r], trainLoss: trainLoss[r, 0], trainAccuracy: trainAccuracy[r, 0],
                  testLoss: testLoss[r, 0], testAccuracy: testAccuracy[r, 0],
                  layerSignal: Array(signal.row(r)), layerNoise: Array(noise.row(r)),
                  layerTemperature: Array(temperature.row(r)), signalToNoise: Array(snr.row(r)),
                  weightNorm: Array(weightNorm.row(r)), meanGradientNorm: meanNorm.map { Array($0.row(r)) },
                  gradientStdNorm: stdNorm.map { Array($0.row(r)) },
                  weightTemperatureMedian: quantiles.map { q in (0..<L).map { q.values[(r * L + $0) * q.shape[2] + 2] } },
                  withinBatchVariance: within.map { Array($0.row(r)) })
        }
    }

    /// The summary as text, as `thermo inspect` prints it.
    public var text: String {
        var s = "trace \(path)\n"
        s += "  format         \(format), written by \(writer), created \(created)\n"
        var state = "  status         \(status)"
        if let divergence { state += " at \(divergence)" }
        if status == "running" {
            state += " (writer pid \(writerProcess)"
            if let age = secondsSinceUpdate { state += String(format: ", last write %.0f s ago", age) }
            state += ")"
            if writerGone == true {
                state += "; the writer is gone, so the run was killed: its complete epochs are safe, 'thermo recover' makes the file readable by other tools"
            }
        }
        s += state + "\n"
        s += "  command        \(command)\n"
        var run = "  run            \(architecture) on \(dataSet), loss \(loss)"
        if let learningRate { run += ", lr \(learningRate)" }
        if let momentum { run += ", momentum \(momentum)" }
        if let batchSize { run += ", batch \(batchSize)" }
        if let seed { run += ", seed \(seed)" }
        s += run + "\n"
        s += "  data           \(trainImages) training, \(validationImages) validation, \(testImages) test images; \(stepsPerEpoch) steps per epoch\n"
        s += "  recorded       \(recording.joined(separator: ", "))\n"
        s += "  layers         " + layers.map { "\($0.layer)\($0.label.map { " \($0)" } ?? ""): \($0.fanOut)×\($0.fanIn) (\($0.weights) weights)" }.joined(separator: ", ") + "\n"
        let last = firstEpoch + completedEpochs - 1
        s += "  progress       \(completedEpochs) complete epoch\(completedEpochs == 1 ? "" : "s")" + (completedEpochs > 0 ? " (\(firstEpoch)…\(last))" : "")
            + " of \(plannedEpochs) planned, \(completedSteps) steps"
        if !snapshotEpochs.isEmpty { s += ", \(completedSnapshots) snapshots (epochs \(snapshotEpochs.map(String.init).joined(separator: ",")))" }
        s += sessions > 1 ? ", \(sessions) sessions\n" : "\n"
        if let e = lastEpoch {
            s += String(format: "  last epoch %d   train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%%\n", e.epoch, e.trainLoss,
                        e.trainAccuracy * 100, e.testLoss, e.testAccuracy * 100)
            s += TraceSummary.layerTable(e, labels: layers.map { $0.label ?? String($0.layer) })
        }
        return s
    }

    /// What wrote the trace: "thermo 0.1.0", or the Python package as its `thermo_version` names itself
    /// ("thermo_trace 0.1.0 (Python)").
    var writer: String { thermoVersion.hasPrefix("thermo_trace") ? thermoVersion : "thermo \(thermoVersion)" }

    /// The per-layer table of one epoch; `labels[l − 1]` names layer l (its number when absent).
    public static func layerTable(_ e: Epoch, labels: [String] = []) -> String {
        var header = "    layer  signal S     noise σ      T = σ²       SNR      ‖W‖"
        if e.meanGradientNorm != nil { header += "          ‖μ‖          ‖√v‖         median v" }
        if e.withinBatchVariance != nil { header += "     within-batch v" }
        var s = header + "\n"
        // Widths fixed, so that inf and nan (3 letters) keep the columns aligned.
        for l in e.layerSignal.indices {
            let name = labels.indices.contains(l) ? labels[l] : String(l + 1)
            var line = "    " + String(repeating: " ", count: max(0, 5 - name.count)) + name
            line += String(format: "  %10.4e  %10.4e  %10.4e  %7.3f  %10.4e", e.layerSignal[l], e.layerNoise[l],
                           e.layerTemperature[l], e.signalToNoise[l], e.weightNorm[l])
            if let m = e.meanGradientNorm, let v = e.gradientStdNorm, let q = e.weightTemperatureMedian {
                line += String(format: "  %10.4e  %10.4e  %10.4e", m[l], v[l], q[l])
            }
            if let w = e.withinBatchVariance { line += String(format: "  %10.4e", w[l]) }
            s += line + "\n"
        }
        return s
    }

    /// One line per epoch for `--follow`.
    public static func line(_ e: Epoch) -> String {
        let signals = e.layerSignal.enumerated().map { String(format: "S%d %.3e σ%d %.3e", $0.offset + 1, $0.element, $0.offset + 1, e.layerNoise[$0.offset]) }
        return String(format: "epoch %d  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  ", e.epoch, e.trainLoss,
                      e.trainAccuracy * 100, e.testLoss, e.testAccuracy * 100) + signals.joined(separator: "  ")
    }
}
