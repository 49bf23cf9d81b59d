import Foundation
import NumericCore
import Traces

/// The curvature a trace recorded (`--record curvature`), per layer and measured epoch, beside the layer
/// temperature of the same epoch, and, for a PLA or PLEA run, the loss rise its displacements predict against
/// what the run measured.
public struct CurvatureStudy: Sendable, Codable {
    /// One layer at one measured epoch.
    public struct Row: Sendable, Codable {
        /// The epoch after whose last update the curvature was measured.
        public var epoch: Int
        /// l (1…L).
        public var layer: Int
        /// λ_max(H_ll) and its Ritz residual.
        public var lambdaMax: Double
        /// The Ritz residual of λ_max, ‖H y − λ y‖ (small: converged).
        public var lambdaMaxResidual: Double
        /// tr H_ll and its standard error.
        public var trace: Double
        /// The standard error of `trace`.
        public var traceStandardError: Double
        /// T_l(e), the layer temperature of the epoch.
        public var temperature: Double
        /// λ_max / T_l: sharpness over noise.
        public var lambdaMaxOverTemperature: Double
        /// tr H_ll / T_l.
        public var traceOverTemperature: Double
    }

    /// One measured epoch of the whole network.
    public struct Epoch: Sendable, Codable {
        /// The epoch after whose last update the curvature was measured.
        public var epoch: Int
        /// The probe batch's cross-entropy.
        public var probeLoss: Double
        /// λ_max of the full H.
        public var fullLambdaMax: Double
        /// Σ_{l ∈ U} ½·E[ΔW_i²]·tr H_ll, the second-order loss rise of the run's displacements (smoothing runs
        /// with the uniform kernel: E[ΔW_i²] = R²/3; Gaussian: 1/γ), else nil.
        public var predictedLossIncrease: Double?
        /// The run's measured epoch mean of (1/y) Σ_a L_a − L_0 (smoothing runs), else nil.
        public var measuredLossIncrease: Double?
    }

    /// The trace.
    public var trace: String
    /// The smoothing set U of the run (empty for cross-entropy).
    public var smoothedLayers: [Int]
    /// One row per layer and measured epoch, by epoch then layer.
    public var rows: [Row]
    /// One entry per measured epoch, in order.
    public var epochs: [Epoch]
    /// The layers' labels, index l − 1: "1", "2", … for an MLP, the trace's names ("conv3", "fc1") for a network
    /// with convolutions (as every study labels them).
    public var layerLabels: [String] = []

    /// Layer l's label.
    public func label(of l: Int) -> String { layerLabels.indices.contains(l - 1) ? layerLabels[l - 1] : String(l) }

    /// Reads the curvature of the trace at `path`.
    public static func load(_ path: String) throws(StudyError) -> CurvatureStudy {
        do { return try loadThrowing(path) } catch let error as StudyError { throw error } catch {
            throw StudyError(.input, String(describing: error))
        }
    }

    private static func loadThrowing(_ path: String) throws -> CurvatureStudy {
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        guard try reader.has(.curvatureLambdaMax) else {
            throw StudyError(.input, "trace \(path) holds no curvature; record it with 'thermo train … --record moments,curvature' (or 'thermo curvature --checkpoint CKPT' to measure a checkpoint)")
        }
        let epochs = try reader.epochs(), L = reader.header.layerCount
        let lambda = try reader.read(.curvatureLambdaMax), residual = try reader.read(.curvatureLambdaMaxResidual)
        let trace = try reader.read(.curvatureTrace), se = try reader.read(.curvatureTraceStandardError)
        let temperature = try reader.read(.layerTemperature)
        let full = try reader.read(.curvatureFullLambdaMax), probe = try reader.read(.curvatureProbeLoss)
        let measured = try reader.has(.perturbedLossIncrease) ? try reader.read(.perturbedLossIncrease) : nil
        // E[ΔW_i²] of the run's displacements: R²/3 for the hard uniform hypercube, 1/γ for the Gaussian kernel;
        // nil without smoothing, for a soft kernel (whose samples are weighted) or a trace without configuration.
        let loss = reader.header.configuration?.loss
        let smoothed = loss.map { $0.isCrossEntropy ? [] : $0.layers } ?? []
        let variance: Double? = loss.flatMap { loss in
            if loss.isCrossEntropy { return nil }
            if loss.kernel.rawValue == "uniform" { return loss.sharpness == nil ? loss.radius * loss.radius / 3 : nil }
            return loss.gamma.map { 1 / $0 }
        }
        var rows: [Row] = [], measuredEpochs: [Epoch] = []
        for (r, e) in epochs.enumerated() where lambda.row(r).contains(where: { !$0.isNaN }) {
            let lr = Array(lambda.row(r)), tr = Array(trace.row(r)), t = Array(temperature.row(r))
            let rr = Array(residual.row(r)), sr = Array(se.row(r))
            for l in 0..<L {
                rows.append(Row(epoch: e, layer: l + 1, lambdaMax: lr[l], lambdaMaxResidual: rr[l], trace: tr[l],
                                traceStandardError: sr[l], temperature: t[l], lambdaMaxOverTemperature: lr[l] / t[l],
                                traceOverTemperature: tr[l] / t[l]))
            }
            let predicted = variance.map { v in smoothed.reduce(0.0) { $0 + 0.5 * v * tr[$1 - 1] } }
            measuredEpochs.append(Epoch(epoch: e, probeLoss: probe.values[r], fullLambdaMax: full.values[r],
                                        predictedLossIncrease: predicted, measuredLossIncrease: measured?.values[r]))
        }
        guard !rows.isEmpty else {
            throw StudyError(.input, "trace \(path) records curvature (\(reader.header.recording.curvature?.description ?? "")) but no measured epoch is complete yet")
        }
        return CurvatureStudy(trace: path, smoothedLayers: smoothed, rows: rows, epochs: measuredEpochs,
                              layerLabels: RunSeries.traceLayerLabels(reader.header))
    }

    private func cell(_ x: Double?) -> String { x.map { NumberText.short($0, digits: 5) } ?? "" }

    /// An aligned table: one line per layer and measured epoch, then one per epoch for the whole network.
    public func table() -> String {
        var lines = [["epoch", "layer", "λ_max", "tr H_ll", "± se", "T_l", "λ_max/T_l", "tr/T_l"]]
        for r in rows {
            lines.append([String(r.epoch), label(of: r.layer), cell(r.lambdaMax), cell(r.trace), cell(r.traceStandardError),
                          cell(r.temperature), cell(r.lambdaMaxOverTemperature), cell(r.traceOverTemperature)])
        }
        let text = "curvature recorded in \(trace)\n" + alignedColumns(lines)
        var whole = [["epoch", "probe loss", "λ_max(H)"]]
        let smoothing = !smoothedLayers.isEmpty
        if smoothing { whole[0] += ["predicted ΔL (U=\(smoothedLayers.map(String.init).joined(separator: ",")))", "measured ΔL"] }
        for e in epochs {
            var line = [String(e.epoch), cell(e.probeLoss), cell(e.fullLambdaMax)]
            if smoothing { line += [cell(e.predictedLossIncrease), cell(e.measuredLossIncrease)] }
            whole.append(line)
        }
        return text + "\n" + alignedColumns(whole)
    }

    /// A CSV long table: epoch, layer (its number), the row's values as exact numbers, and the layer's name last
    /// (`label`: "conv3", "fc1"; the number again for an MLP), as in `thermo curvature --checkpoint`'s CSV.
    public func csv() -> String {
        var text = "epoch,layer,lambda_max,lambda_max_residual,trace,trace_se,temperature,lambda_max_over_temperature,trace_over_temperature,label\n"
        for r in rows {
            text += [String(r.epoch), String(r.layer), csvCell(r.lambdaMax), csvCell(r.lambdaMaxResidual), csvCell(r.trace),
                     csvCell(r.traceStandardError), csvCell(r.temperature), csvCell(r.lambdaMaxOverTemperature),
                     csvCell(r.traceOverTemperature), label(of: r.layer)].joined(separator: ",") + "\n"
        }
        return text
    }

    private func csvCell(_ x: Double?) -> String { x.map(csvNumber) ?? "" }
}
