import Foundation
import NumericCore

/// How blocks of epochs are drawn in the block bootstrap.
public enum BlockScheme: String, Codable, Sendable {
    /// Moving blocks: starts uniform in 0 … n − b (Künsch, "The jackknife and the bootstrap for general
    /// stationary observations", 1989).
    case moving
    /// Circular blocks: starts uniform in 0 … n − 1, indices wrapping modulo n, so that every epoch is equally
    /// likely to be drawn (Politis & Romano, "A circular block-resampling procedure for stationary data", 1992).
    case circular
}

/// Settings of the block bootstrap over epochs.
public struct BlockBootstrapOptions: Codable, Sendable, Equatable {
    /// The number N of replicates.
    public var replicates: Int = 1000
    /// The block length b in epochs, 1 ≤ b < n (a block of n or more epochs redraws the data themselves:
    /// `CoolingFitError.blockTooLong`); nil for the default ⌈n^(1/3)⌉ (at most n − 1) with n the points per curve
    /// (the rate that minimises the mean squared error of block-bootstrap variance estimates; Hall, Horowitz &
    /// Jing, 1995).
    public var blockLength: Int? = nil
    /// Moving or circular blocks (moving by default).
    public var scheme: BlockScheme = .moving
    /// The interval's nominal coverage.
    public var level: Double = 0.95
    /// The seed of the resampling stream (`RandomStream(seed:purpose: "block-bootstrap")`).
    public var seed: UInt64 = 0
    /// Options with the given settings; the defaults are N = 1000 moving blocks of ⌈n^(1/3)⌉ epochs, 95 %, seed 0.
    public init(replicates: Int = 1000, blockLength: Int? = nil, scheme: BlockScheme = .moving,
                level: Double = 0.95, seed: UInt64 = 0) {
        self.replicates = replicates
        self.blockLength = blockLength
        self.scheme = scheme
        self.level = level
        self.seed = seed
    }
}

/// Settings of the bootstrap over traces (whole runs).
public struct TraceBootstrapOptions: Codable, Sendable, Equatable {
    /// The number N of replicates (draws of as many runs with replacement).
    public var replicates: Int = 1000
    /// The interval's nominal coverage.
    public var level: Double = 0.95
    /// The seed of the resampling stream (`RandomStream(seed:purpose: "trace-bootstrap")`).
    public var seed: UInt64 = 0
    /// Options with the given settings; the defaults are N = 1000 replicates, 95 %, seed 0.
    public init(replicates: Int = 1000, level: Double = 0.95, seed: UInt64 = 0) {
        self.replicates = replicates
        self.level = level
        self.seed = seed
    }
}

/// Bootstrap intervals for the shared decay parameters, with the method stated.
public struct BootstrapIntervals: Codable, Sendable {
    /// One parameter's bootstrap distribution, summarised.
    public struct Parameter: Codable, Sendable {
        /// The parameter's name ("alpha", "beta" or "tau").
        public var name: String
        /// The estimate from the original data.
        public var estimate: Double
        /// The standard deviation of the replicates (nil with fewer than two).
        public var standardError: Double?
        /// The replicates' median (nil with none).
        public var median: Double?
        /// The percentile interval [q_{(1−level)/2}, q_{(1+level)/2}] of the replicates (Efron & Tibshirani,
        /// *An introduction to the bootstrap*, 1993, §13.3), quantiles by linear interpolation (Hyndman & Fan
        /// type 7).
        public var interval: ConfidenceInterval?
    }
    /// The model whose shared parameters θ were resampled.
    public var model: CoolingModel
    /// Block bootstrap over epochs or bootstrap over traces, both percentile.
    public var method: IntervalMethod
    /// One line: what was resampled, how often, in which blocks.
    public var description: String
    /// N, the replicates asked for.
    public var replicatesRequested: Int
    /// The replicates whose refit converged (N minus those left out).
    public var replicatesUsed: Int
    /// The block length in epochs (block bootstrap only).
    public var blockLength: Int?
    /// Moving or circular blocks (block bootstrap only).
    public var scheme: BlockScheme?
    /// One summary per shared decay parameter, in the model's order.
    public var parameters: [Parameter]
    /// Failed or too few replicates, degenerate distributions, too few traces.
    public var warnings: [FitWarning]

    /// The parameter named `name`.
    public func parameter(_ name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// Whether every parameter has an interval (not so with fewer than two replicates, or when the replicates
    /// of a parameter do not vary: `FitWarning.Kind.degenerateBootstrap`).
    public var givesIntervals: Bool { parameters.allSatisfy { $0.interval != nil } }
}

/// The block bootstrap over epochs for `model` on `curves`: fit, then N times refit ŷ + r*, where r* strings
/// together blocks of b consecutive residuals (in log space, along epochs), and report percentile intervals.
///
/// Residuals along training time are autocorrelated; blocks keep that correlation within each block, so the
/// intervals are honest where the Jacobian ones are optimistic. When all curves share their epoch grid (layers
/// recorded together) the same blocks are drawn for every curve, which also keeps the correlation between
/// curves; otherwise each curve is resampled on its own. Each replicate starts Levenberg–Marquardt at θ̂;
/// replicates that fail to converge are left out and counted in a warning.
public func blockBootstrap(_ curves: [CoolingCurve], model: CoolingModel = .nested,
                           window: EpochWindow = EpochWindow(), bounds: [ParameterBounds]? = nil,
                           options: BlockBootstrapOptions = BlockBootstrapOptions(),
                           fitOptions: LevenbergMarquardt.Options = LevenbergMarquardt.Options()) throws(CoolingFitError) -> BootstrapIntervals
{
    guard !curves.isEmpty else { throw .noCurves(selection: "input") }
    let data = try PreparedCurves(curves, window: window)
    let engine = try FitEngine(model: model, data: data, bounds: bounds, options: fitOptions)
    let solution = try engine.solve(start: nil)
    return try blockBootstrap(engine: engine, solution: solution, options: options)
}

/// The block length of a block bootstrap over `n` epochs: the one asked for, which must be shorter than n (a
/// `blockTooLong` error names n and the largest allowed, n − 1), or ⌈n^(1/3)⌉ kept below n.
func blockLength(_ requested: Int?, epochs n: Int, window: EpochWindow) throws(CoolingFitError) -> Int {
    guard let requested else { return max(1, min(Int(ceil(pow(Double(n), 1.0 / 3.0))), n - 1)) }
    guard requested < n || n <= 1 else { throw .blockTooLong(length: requested, points: n, window: window) }
    return max(1, requested)
}

/// The block bootstrap on a fitted engine (see the public function).
func blockBootstrap(engine: FitEngine, solution: LevenbergMarquardt.Solution, options: BlockBootstrapOptions) throws(CoolingFitError) -> BootstrapIntervals {
    precondition(options.replicates > 0, "block bootstrap: replicates must be positive")
    let data = engine.data, problem = engine.problem
    let longest = (0..<data.curveCount).map { data.pointCount(ofCurve: $0) }.max() ?? 1
    let typical = data.sharedGrid ? data.pointCount(ofCurve: 0) : longest
    let b = try blockLength(options.blockLength, epochs: typical, window: data.window)
    let (_, _, residuals) = problem.amplitudesAndResiduals(solution.parameters)
    let n = data.pointCount
    var fitted = [Double](repeating: 0, count: n)
    for i in 0..<n { fitted[i] = data.logValues[i] - residuals[i] }

    var stream = RandomStream(seed: options.seed, purpose: "block-bootstrap")
    var index = [Int](repeating: 0, count: longest)
    var replicate = [Double](repeating: 0, count: n)
    var samples: [[Double]] = []
    samples.reserveCapacity(options.replicates)
    var failed = 0

    /// Fills index[0..<m] with a block resampling of 0..<m.
    func drawBlocks(_ m: Int) {
        let blockLength = min(b, m)
        var filled = 0
        while filled < m {
            let start: Int
            switch options.scheme {
            case .moving: start = stream.nextIndex(below: m - blockLength + 1)
            case .circular: start = stream.nextIndex(below: m)
            }
            var k = 0
            while k < blockLength && filled < m {
                let i = start + k
                index[filled] = i < m ? i : i - m
                filled += 1
                k += 1
            }
        }
    }

    for _ in 0..<options.replicates {
        if data.sharedGrid { drawBlocks(data.pointCount(ofCurve: 0)) }
        for c in 0..<data.curveCount {
            let start = data.curveStart[c], m = data.pointCount(ofCurve: c)
            if !data.sharedGrid { drawBlocks(m) }
            for i in 0..<m { replicate[start + i] = fitted[start + i] + residuals[start + index[i]] }
        }
        replicate.withUnsafeBufferPointer { problem.setLogValues($0) }
        if let s = try? engine.solve(start: nil, solverStart: solution.parameters) {
            samples.append(engine.model.fromSolver(s.parameters))
        } else {
            failed += 1
        }
    }
    data.logValues.withUnsafeBufferPointer { problem.setLogValues($0) }  // restore the data

    let schemeName = options.scheme == .moving ? "moving" : "circular"
    let description = "\(schemeName)-block bootstrap over epochs: \(samples.count) of \(options.replicates) replicates, "
        + "blocks of \(b) epoch\(b == 1 ? "" : "s")\(options.blockLength == nil ? " (⌈n^(1/3)⌉, n = \(typical))" : ""), "
        + (data.sharedGrid ? "the same blocks in every curve" : "each curve resampled on its own")
        + ", percentile \(formatShort(100 * options.level))% intervals"
    return summarizeReplicates(samples, engine: engine, solution: solution, method: .blockBootstrapPercentile,
                               description: description, requested: options.replicates, failed: failed,
                               level: options.level, blockLength: b, scheme: options.scheme)
}

/// The bootstrap over traces: `runs` holds several runs (seeds) of the same curves; each replicate draws as
/// many runs with replacement, fits the pooled curves (every run's curve its own amplitude, θ shared) and
/// records θ*. This captures run-to-run variation that no resampling within one run can see. With few runs
/// the percentile interval is crude (with R runs there are at most C(2R−1, R) distinct replicates); a warning
/// says so below 10 runs.
public func traceBootstrap(runs: [[CoolingCurve]], model: CoolingModel = .nested,
                           window: EpochWindow = EpochWindow(), bounds: [ParameterBounds]? = nil,
                           options: TraceBootstrapOptions = TraceBootstrapOptions(),
                           fitOptions: LevenbergMarquardt.Options = LevenbergMarquardt.Options()) throws(CoolingFitError) -> BootstrapIntervals
{
    guard runs.count >= 2 else { throw .tooFewTraces(have: runs.count) }
    let pooled = labelledRuns(runs)
    let data = try PreparedCurves(pooled.flatMap { $0 }, window: window)
    let engine = try FitEngine(model: model, data: data, bounds: bounds, options: fitOptions)
    let solution = try engine.solve(start: nil)
    return try traceBootstrap(runs: pooled, engine: engine, solution: solution, window: window, options: options)
}

/// Gives unnamed runs the labels "1", "2", … so that pooled curves keep distinct names.
func labelledRuns(_ runs: [[CoolingCurve]]) -> [[CoolingCurve]] {
    guard runs.count > 1 else { return runs }
    return runs.enumerated().map { r, curves in
        curves.map { c in var c = c; if c.run == nil { c.run = String(r + 1) }; return c }
    }
}

/// The bootstrap over traces on a pooled fit already made.
func traceBootstrap(runs: [[CoolingCurve]], engine: FitEngine, solution: LevenbergMarquardt.Solution,
                    window: EpochWindow, options: TraceBootstrapOptions) throws(CoolingFitError) -> BootstrapIntervals {
    precondition(options.replicates > 0, "trace bootstrap: replicates must be positive")
    var stream = RandomStream(seed: options.seed, purpose: "trace-bootstrap")
    var samples: [[Double]] = []
    var failed = 0
    let r = runs.count
    for _ in 0..<options.replicates {
        var curves: [CoolingCurve] = []
        for k in 0..<r {
            let pick = stream.nextIndex(below: r)
            // Duplicated runs stay distinct curves (each its own amplitude).
            curves.append(contentsOf: runs[pick].map { c in var c = c; c.run = "\(c.run ?? "")#\(k)"; return c })
        }
        do {
            let data = try PreparedCurves(curves, window: window)
            let replicateEngine = try FitEngine(model: engine.model, data: data, bounds: engine.bounds, options: engine.options)
            let s = try replicateEngine.solve(start: nil, solverStart: solution.parameters)
            samples.append(engine.model.fromSolver(s.parameters))
        } catch {
            failed += 1
        }
    }
    var result = summarizeReplicates(
        samples, engine: engine, solution: solution, method: .traceBootstrapPercentile,
        description: "bootstrap over traces: \(samples.count) of \(options.replicates) replicates resampling \(r) runs with replacement, percentile \(formatShort(100 * options.level))% intervals",
        requested: options.replicates, failed: failed, level: options.level, blockLength: nil, scheme: nil)
    if r < 10 {
        result.warnings.append(FitWarning(kind: .fewResamples, parameter: nil,
                                          message: "only \(r) traces: the bootstrap over traces can take few distinct values, its interval is crude"))
    }
    return result
}

/// Percentile summaries of bootstrap replicates θ* (natural units).
func summarizeReplicates(_ samples: [[Double]], engine: FitEngine, solution: LevenbergMarquardt.Solution,
                         method: IntervalMethod, description: String, requested: Int, failed: Int, level: Double,
                         blockLength: Int?, scheme: BlockScheme?) -> BootstrapIntervals {
    let model = engine.model
    let estimate = model.fromSolver(solution.parameters)
    var parameters: [BootstrapIntervals.Parameter] = []
    var warnings: [FitWarning] = []
    for k in 0..<model.parameterCount {
        let values = samples.map { $0[k] }.sorted()
        guard values.count >= 2, !isDegenerate(values) else {
            if values.count >= 2 {
                warnings.append(FitWarning(kind: .degenerateBootstrap, parameter: model.parameterNames[k],
                                           message: "every bootstrap replicate gives \(model.parameterSymbols[k]) = \(formatShort(values[0])): "
                                               + "the resampling cannot move the fit, so the bootstrap gives no interval"))
            }
            parameters.append(.init(name: model.parameterNames[k], estimate: estimate[k], standardError: nil,
                                    median: values.first, interval: nil))
            continue
        }
        let mean = values.reduce(0, +) / Double(values.count)
        var ss = 0.0
        for v in values { ss += (v - mean) * (v - mean) }
        parameters.append(.init(
            name: model.parameterNames[k], estimate: estimate[k],
            standardError: (ss / Double(values.count - 1)).squareRoot(),
            median: percentile(values, 0.5),
            interval: ConfidenceInterval(lower: percentile(values, 0.5 * (1 - level)),
                                         upper: percentile(values, 0.5 * (1 + level)), level: level, method: method)))
    }
    if failed > 0 {
        warnings.append(FitWarning(kind: .bootstrapFailures, parameter: nil,
                                   message: "\(failed) of \(requested) bootstrap replicates did not converge and were left out"))
    }
    if samples.count < 100 {
        warnings.append(FitWarning(kind: .fewResamples, parameter: nil,
                                   message: "only \(samples.count) bootstrap replicates: percentile intervals need several hundred"))
    }
    return BootstrapIntervals(model: model, method: method, description: description, replicatesRequested: requested,
                              replicatesUsed: samples.count, blockLength: blockLength, scheme: scheme,
                              parameters: parameters, warnings: warnings)
}

/// Whether sorted replicates hold one value (to 10⁻⁹ of its size): a bootstrap that cannot vary the fit, whose
/// zero-width "interval" would say nothing.
func isDegenerate(_ sorted: [Double]) -> Bool {
    guard let first = sorted.first, let last = sorted.last else { return false }
    return last - first <= 1e-9 * max(abs(first), abs(last), Double.leastNormalMagnitude)
}

/// The q-quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7):
/// h = (m − 1)·q, x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋). NaN for no values.
func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let h = Double(sorted.count - 1) * q
    let lo = Int(floor(h)), hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}
