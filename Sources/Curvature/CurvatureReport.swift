import NumericCore

/// A curvature measurement as `thermo curvature` reports it: one row per layer (table, CSV or JSON).
public struct CurvatureReport: Sendable, Codable {
    /// One layer's row.
    public struct Row: Sendable, Codable {
        /// l (1…L).
        public var layer: Int
        /// The layer's name in the network (`conv3`, `fc1`).
        public var label: String
        /// N_l, the weights of the block H_ll.
        public var weights: Int
        /// λ_max(H_ll), the largest Ritz value.
        public var lambdaMax: Double
        /// The Ritz residual of λ_max, ‖H y − λ y‖ (small: converged).
        public var lambdaMaxResidual: Double
        /// The k largest Ritz values, largest first.
        public var topEigenvalues: [Double]
        /// tr H_ll by Hutchinson.
        public var trace: Double
        /// The standard error of `trace`.
        public var traceStandardError: Double
        /// ½·R²/3·tr H_ll, with a radius.
        public var predictedLossIncrease: Double?
        /// λ_max of the dense block (with `exactUpTo`).
        public var lambdaMaxExact: Double?
        /// tr of the dense block (with `exactUpTo`).
        public var traceExact: Double?
    }

    /// The checkpoint measured.
    public var checkpoint: String
    /// Its completed epochs.
    public var epoch: Int
    /// R, when asked for the predicted loss rise.
    public var radius: Double?
    /// The probe batch's mean cross-entropy.
    public var loss: Double
    /// B.
    public var probeBatch: Int
    /// λ_max of the full H, and its Ritz residual.
    public var fullLambdaMax: Double?
    /// The Ritz residual of the full H's λ_max (nil when not asked for).
    public var fullLambdaMaxResidual: Double?
    /// How it was measured.
    public var settings: CurvatureSettings
    /// Per layer.
    public var layers: [Row]

    /// The report of `measurement`, made at `checkpoint` after `epoch` epochs; `labels[l − 1]` names layer l.
    public init(checkpoint: String, epoch: Int, radius: Double?, labels: [String], measurement m: CurvatureMeasurement) {
        self.checkpoint = checkpoint
        self.epoch = epoch
        self.radius = radius
        loss = m.loss
        probeBatch = m.batch
        fullLambdaMax = m.fullLambdaMax
        fullLambdaMaxResidual = m.fullLambdaMaxResidual
        settings = m.settings
        layers = m.layers.map {
            Row(layer: $0.layer, label: labels.indices.contains($0.layer - 1) ? labels[$0.layer - 1] : String($0.layer), weights: $0.weights, lambdaMax: $0.lambdaMax, lambdaMaxResidual: $0.lambdaMaxResidual,
                topEigenvalues: $0.topEigenvalues, trace: $0.trace, traceStandardError: $0.traceStandardError,
                predictedLossIncrease: radius.map($0.predictedLossIncrease), lambdaMaxExact: $0.lambdaMaxExact,
                traceExact: $0.traceExact)
        }
    }

    private func cell(_ x: Double?) -> String { x.map { NumberText.short($0, digits: 5) } ?? "" }
    /// A CSV cell: the exact number (it reads back to the same Double), empty when not measured.
    private func csvCell(_ x: Double?) -> String { x.map(NumberText.exact) ?? "" }

    /// An aligned table with a header that says what was measured.
    public func table() -> String {
        var text = "curvature at \(checkpoint) (epoch \(epoch)): probe batch of \(probeBatch), loss \(cell(loss)); "
        text += "\(settings.lanczosSteps) Lanczos steps, \(settings.probes) Hutchinson probes\n"
        var header = ["layer", "weights", "λ_max", "residual", "tr H_ll", "± se", "λ_max/tr"]
        if settings.top > 1 { header.append("top \(settings.top)") }
        if let radius { header.append("ΔL(R=\(cell(radius)))") }
        if settings.exactUpTo > 0 { header += ["λ_max exact", "tr exact"] }
        var rows = [header]
        for r in layers {
            var row = [r.label, String(r.weights), cell(r.lambdaMax), cell(r.lambdaMaxResidual), cell(r.trace),
                       cell(r.traceStandardError), cell(r.lambdaMax / r.trace)]
            if settings.top > 1 { row.append(r.topEigenvalues.map { cell($0) }.joined(separator: " ")) }
            if radius != nil { row.append(cell(r.predictedLossIncrease)) }
            if settings.exactUpTo > 0 { row += [cell(r.lambdaMaxExact), cell(r.traceExact)] }
            rows.append(row)
        }
        text += alignedColumns(rows)
        if let full = fullLambdaMax {
            text += "full H (every weight): λ_max \(cell(full)) (residual \(cell(fullLambdaMaxResidual)))\n"
        }
        return text
    }

    /// A CSV long table: one line per layer (`layer` its number, `label` its name, last).
    public func csv() -> String {
        var text = "epoch,layer,weights,lambda_max,lambda_max_residual,trace,trace_se,predicted_loss_increase,lambda_max_exact,trace_exact,label\n"
        for r in layers {
            text += [String(epoch), String(r.layer), String(r.weights), csvCell(r.lambdaMax), csvCell(r.lambdaMaxResidual),
                     csvCell(r.trace), csvCell(r.traceStandardError), csvCell(r.predictedLossIncrease), csvCell(r.lambdaMaxExact),
                     csvCell(r.traceExact), r.label].joined(separator: ",") + "\n"
        }
        return text
    }
}
