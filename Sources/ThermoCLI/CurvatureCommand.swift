import ArgumentParser
import Curvature
import Datasets
import Foundation
import Networks
import NumericCore
import Smoothing
import Studies
import Training

/// `thermo curvature TRACE` and `thermo curvature --checkpoint CKPT`: per layer, the top eigenvalue and the trace
/// of the layer's block of the Hessian, as a trace recorded them (beside the layer temperature) or measured now
/// at a checkpoint's weights, on the run's fixed probe batch.
struct CurvatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curvature",
        abstract: "Per layer: λ_max and tr of the layer's Hessian block H_ll, from a trace or at a checkpoint's weights.",
        discussion: """
        With a TRACE recorded with '--record curvature', prints per layer and measured epoch λ_max(H_ll), \
        tr H_ll ± its standard error, the layer temperature T_l of the epoch and the ratios λ_max/T_l and \
        tr/T_l (sharpness over noise); per epoch the full H's λ_max and, for a PLA/PLEA run, the loss rise its \
        displacements predict (Σ_{l∈U} ½·R²/3·tr H_ll) against the one it measured (L_a − L_0).

        With --checkpoint, measures now. The Hessian is that of the mean cross-entropy of a fixed probe batch (B training images drawn once from \
        the run's seed, stream "curvature-batch") over the weights (biases held fixed). Products H·v are exact \
        (Pearlmutter's R-operator); λ_max by Lanczos with full reorthogonalisation (--lanczos-steps products, \
        residual ‖Hy − λy‖ printed), tr H_ll by Hutchinson with --probes Rademacher probes (± standard error). \
        With --radius R, also the predicted rise of the loss when layer l alone is displaced uniformly in \
        [−R, R]: ½·R²/3·tr H_ll (docs/definitions.md, "Curvature").

        --exact also forms each layer's dense block (N_l products) and its eigenvalues (LAPACK dsyev), for \
        checking on layers of at most --exact-max-weights weights.

        Examples:
          thermo curvature run.h5
          thermo curvature --checkpoint run.ckpt
          thermo curvature --checkpoint run.ckpt --radius 0.01 --format json > c.json
          thermo curvature --checkpoint small.ckpt --exact
        """)

    @Argument(help: ArgumentHelp("A trace recorded with --record curvature.", valueName: "TRACE"))
    var input: String?
    @Option(help: ArgumentHelp("Measure at this checkpoint's weights instead.", valueName: "CKPT"))
    var checkpoint: String?
    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("The weight layers to measure, by number or name as --smooth takes them, e.g. 2, 1,3, fc1 or conv3 (default: every layer).", valueName: "LAYERS"))
    var layers: String?
    @Option(help: ArgumentHelp("B, the probe batch's size (default 256 images; 64 for a network with convolutions).", valueName: "B"))
    var probeBatch: Int?
    @Option(help: ArgumentHelp("Lanczos steps (Hessian-vector products) per λ_max (default 20).", valueName: "M"))
    var lanczosSteps: Int?
    @Option(help: ArgumentHelp("How many of each layer's largest eigenvalues to report (default 1).", valueName: "K"))
    var top: Int?
    @Option(help: ArgumentHelp("Hutchinson probes per layer trace (default 10).", valueName: "P"))
    var probes: Int?
    @Flag(help: "Skip λ_max of the full H.")
    var noFull = false
    @Option(help: ArgumentHelp("R: also print the predicted loss rise ½·R²/3·tr H_ll of a uniform displacement of half-edge R.", valueName: "R"))
    var radius: Double?
    @Flag(help: "Also the dense blocks' exact λ_max and trace (small layers only; see --exact-max-weights).")
    var exact = false
    @Option(help: ArgumentHelp("The largest layer --exact accepts (default 4096 weights).", valueName: "N"))
    var exactMaxWeights: Int?
    @Option(help: "BLAS threads (default: the number of cores).")
    var threads: Int?
    @Option(help: "Output format.")
    var format: AnalysisOutputFormat = .table

    /// The flags that set a measurement from a checkpoint, given with a TRACE (whose measurements were taken while
    /// it was recorded, with the run's own settings).
    private var measurementFlagsGiven: [String] {
        let given: [(String, Bool)] = [
            ("--layers", layers != nil), ("--probe-batch", probeBatch != nil), ("--lanczos-steps", lanczosSteps != nil),
            ("--top", top != nil), ("--probes", probes != nil), ("--no-full", noFull), ("--radius", radius != nil),
            ("--exact", exact), ("--exact-max-weights", exactMaxWeights != nil), ("--threads", threads != nil),
            ("--data", data.data != nil), ("--dataset", data.dataset != nil),
        ]
        return given.filter(\.1).map(\.0)
    }

    func validate() throws {
        guard (input == nil) != (checkpoint == nil) else {
            throw ValidationError("give either a TRACE recorded with --record curvature or --checkpoint CKPT, not \(input == nil ? "neither" : "both")")
        }
        let flags = measurementFlagsGiven
        if input != nil && !flags.isEmpty {
            throw ValidationError("\(flags.joined(separator: ", ")) set\(flags.count == 1 ? "s" : "") a measurement from --checkpoint CKPT; a TRACE "
                                  + "holds the measurements taken while it was recorded: drop \(flags.count == 1 ? "it" : "them"), or measure a checkpoint")
        }
        do {
            if let probeBatch { try ProbeBatch.checkSize(probeBatch) }
            try settings().validate()
        } catch { throw ValidationError(error.description) }
        if let radius, !(radius.isFinite && radius > 0) {
            throw ValidationError("--radius must be a positive number, not \(radius)")
        }
        if let exactMaxWeights, exactMaxWeights < 1 { throw ValidationError("--exact-max-weights must be at least 1") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be between 1 and 256, not \(threads)") }
    }

    func run() throws {
        guard let checkpoint else {
            let study = try studied { () throws(StudyError) in try CurvatureStudy.load(input!) }
            switch format {
            case .table: print(study.table(), terminator: "")
            case .csv: print(study.csv(), terminator: "")
            case .json: try printJSON(study)
            }
            return
        }
        BLAS.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let saved: Checkpoint
        do { saved = try Checkpoint(contentsOf: checkpoint) } catch { throw CommandError("\(error)") }
        let configuration = saved.header.configuration
        let architecture = configuration.architecture
        let measured = try selectedLayers(of: architecture)
        let exactMaxWeights = self.exactMaxWeights ?? 4096
        if exact, let big = measured.first(where: { architecture.layout[layer: $0].weightCount > exactMaxWeights }) {
            let n = architecture.layout[layer: big].weightCount
            throw ValidationError("--exact: layer \(big) has \(n) weights, more than --exact-max-weights \(exactMaxWeights) (its dense block takes \(n) products and an eigen-decomposition of \(n)×\(n)); choose smaller layers with --layers, drop --exact or raise the limit")
        }
        if let asked = data.dataset, asked != configuration.dataset {
            throw ValidationError("--dataset \(asked): the run in \(checkpoint) trained on \(configuration.dataset), and its curvature is "
                                  + "measured on its own training data; drop --dataset (--data DIR says where \(configuration.dataset) is)")
        }
        let name = configuration.dataset
        let dataSet: DataSet
        do { dataSet = try loadDataSet(named: name, directory: data.data) } catch {
            throw CommandError(String(describing: error))
        }
        let trainer: Trainer
        do { trainer = try Trainer(resuming: saved, dataSet: dataSet) } catch { throw CommandError("\(error)") }
        let batch = try ProbeBatch(trainer.data, size: probeBatch ?? ProbeBatch.defaultSize(for: architecture), seed: configuration.seed)
        let hvp = HessianVectorProduct(architecture, capacity: batch.count)
        batch.labels.withUnsafeBufferPointer {
            hvp.prepare(network: trainer.network, input: batch.input.pointer, labels: $0.baseAddress!, batch: batch.count)
        }
        var settings = settings()
        settings.seed = configuration.seed
        settings.exactUpTo = exact ? exactMaxWeights : 0
        settings.layers = measured
        // Layers are labelled as the studies of a trace label them (by number in an MLP, "conv3", "fc1" otherwise).
        let labels = studyLayerLabels(architecture.layout.layers.map(\.label))
        let report = CurvatureReport(checkpoint: checkpoint, epoch: saved.header.completedEpochs, radius: radius,
                                     labels: labels, measurement: try CurvatureMeasurement.measure(hvp, settings: settings))
        switch format {
        case .table: print(report.table(), terminator: "")
        case .csv: print(report.csv(), terminator: "")
        case .json: try printJSON(report)
        }
    }

    /// The measurement's Lanczos steps, top eigenvalues, probes and full H as the flags set them (the seed, the
    /// exact blocks and the layers are set from the checkpoint).
    func settings() -> CurvatureSettings {
        var settings = CurvatureSettings()
        settings.lanczosSteps = lanczosSteps ?? 20
        settings.top = top ?? 1
        settings.probes = probes ?? 10
        settings.full = !noFull
        return settings
    }

    /// The layers of `--layers` (numbers and names as `--smooth` takes them: `2`, `1,3`, `fc1`, `conv3`, `head`;
    /// ascending), or every layer.
    func selectedLayers(of architecture: Architecture) throws -> [Int] {
        let count = architecture.layerCount
        guard let layers else { return Array(1...count) }
        let set: [Int]
        do { set = try parseLayerSet(layers, architecture: architecture) } catch { throw ValidationError("--layers \(error.message)") }
        guard !set.isEmpty, set.allSatisfy({ (1...count).contains($0) }) else {
            throw ValidationError("--layers takes weight-layer numbers between 1 and \(count) separated by commas (e.g. 2 or 1,3) or names "
                                  + "(\(architecture.layout.layers.map(\.label).joined(separator: ", "))), not '\(layers)'")
        }
        // A layer named twice (`2,2`, `conv,conv1`) is refused, as analyses refuse it: it is measured once either
        // way, so the request cannot mean what it says.
        var namedBy: [Int: String] = [:]
        for token in layers.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !token.isEmpty {
            for layer in (try? parseLayerSet(token, architecture: architecture)) ?? [] {
                if let earlier = namedBy[layer] {
                    let label = architecture.layout.layers[layer - 1].label
                    let name = label == String(layer) ? "layer \(layer)" : "layer \(layer) (\(label))"
                    let given = earlier == token ? "\(token) twice" : "\(earlier) and \(token)"
                    throw ValidationError("--layers \(layers) names \(name) more than once (\(given)); give each layer once")
                }
                namedBy[layer] = token
            }
        }
        return set
    }
}
