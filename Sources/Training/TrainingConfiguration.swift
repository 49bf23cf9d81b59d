import Augmentation
import Datasets
import Foundation
import Networks
import Settings
import Smoothing
import NumericCore

/// Everything that determines a training run's numbers: with the same configuration, data and BLAS thread
/// count, two runs produce bit-identical weights and metrics.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// The data set's name (`mnist`, `fashion-mnist`, `kmnist`, `cifar10`, `stl10`).
    public var dataset: String = "mnist"
    /// The network: widths n_0 … n_L and the hidden nonlinearity for an MLP (`--layers`), or an input shape and
    /// stages (`--network`).
    public var architecture: Architecture = Architecture(widths: [784, 784, 784, 10], activation: .relu)
    /// How weights are drawn (biases start at zero).
    public var initialization: Initialization = .kaimingNormal
    /// η, μ, Nesterov, λ.
    public var optimizer: SGDConfiguration = SGDConfiguration()
    /// Mini-batch size B.
    public var batchSize: Int = 256
    /// The number of epochs E (epochs are numbered 1…E).
    public var epochs: Int = 120
    /// The run's seed; every random stream (initialisation, data order, subsets, perturbations) derives from it.
    public var seed: UInt64 = 1
    /// Train on a seeded random subset of this many training images (nil: all of them).
    public var trainSubset: Int? = nil
    /// Hold this many training images (a seeded random choice) out of training as a validation set.
    public var validation: Int = 0
    /// The seed of the two data-split streams (the `trainSubset` choice and the `validation` hold-out); nil: `seed`.
    /// Fixing it keeps the same images in every run of a study while `seed` varies initialisation and data order.
    public var splitSeed: UInt64? = nil
    /// Standardise pixels to zero mean and unit variance over the training images (one mean and one standard
    /// deviation for all pixels, as torchvision's `Normalize((0.1307,), (0.3081,))` does for MNIST); when false,
    /// pixels are only scaled to [0, 1].
    public var standardize: Bool = true
    /// Keep the last, smaller mini-batch of each epoch (by default it is dropped: see docs/definitions.md).
    public var keepLastBatch: Bool = false
    /// What the steps minimise.
    public var loss: LossConfiguration = .crossEntropy
    /// The augmentation recipe applied to training images as they are gathered (`paper-cifar`, `paper-stl`); nil is
    /// none (and keeps a configuration without augmentation encoded exactly as before the setting existed).
    public var augment: String? = nil

    /// The paper's defaults: MNIST, 784,784,784,10 ReLU, Kaiming normal, η = 1e-4, μ = 0.9, B = 256, 120 epochs,
    /// seed 1, standardised pixels, cross-entropy.
    public init() {}

    /// Checks every value before any work is done; the error names the command-line flag.
    public func validate() throws(ConfigurationError) {
        if let problem = Architecture.widthsProblem(architecture.widths) { throw ConfigurationError(.layers, problem) }
        try checkMemory(physicalMemory: Int(clamping: ProcessInfo.processInfo.physicalMemory))
        guard optimizer.learningRate > 0, optimizer.learningRate.isFinite else {
            throw ConfigurationError(.lr, "must be a positive number, got \(optimizer.learningRate)")
        }
        guard optimizer.momentum >= 0, optimizer.momentum < 1 else {
            throw ConfigurationError(.momentum, "must be in [0, 1), got \(optimizer.momentum)")
        }
        guard !optimizer.nesterov || optimizer.momentum > 0 else {
            throw ConfigurationError(.nesterov, "needs a positive --momentum")
        }
        guard optimizer.weightDecay >= 0, optimizer.weightDecay.isFinite else {
            throw ConfigurationError(.weightDecay, "must be finite and ≥ 0, got \(optimizer.weightDecay)")
        }
        guard batchSize > 0 else { throw ConfigurationError(.batchSize, "must be at least 1, got \(batchSize)") }
        _ = try augmentationRecipe()
        guard epochs > 0 else { throw ConfigurationError(.epochs, "must be at least 1, got \(epochs)") }
        if let trainSubset, trainSubset <= 0 {
            throw ConfigurationError(.trainSubset, "must be at least 1, got \(trainSubset)")
        }
        guard validation >= 0 else { throw ConfigurationError(.validation, "must be ≥ 0, got \(validation)") }
        do { try loss.validate(layerCount: architecture.layerCount) } catch {
            throw ConfigurationError(error.setting, error.message)
        }
    }

    /// The bytes training needs at least, roughly: parameters, gradients and momentum (3 × 4 bytes per
    /// parameter) and, per image of a mini-batch, pre-activations, activations and their gradients
    /// (3 × 4 bytes per unit); nil when that overflows.
    public var estimatedMemory: Int? {
        /// a × b + c, or nil on overflow.
        func multiplyAdd(_ a: Int, _ b: Int, _ c: Int) -> Int? {
            let (product, o1) = a.multipliedReportingOverflow(by: b)
            let (sum, o2) = product.addingReportingOverflow(c)
            return o1 || o2 ? nil : sum
        }
        if !architecture.isFullyConnected {
            // The im2col scratch is bounded by `ConvolutionGeometry.chunk`'s budget. A layout may hold more
            // parameters than an Int counts only for absurd kernels, which the overflow checks refuse.
            let units = architecture.shapes.reduce(0) { $0 + $1.count }
            guard let perBatch = multiplyAdd(units, max(1, batchSize), 0),
                  let elements = multiplyAdd(1, architecture.layout.count, perBatch),
                  let plain = multiplyAdd(elements, 12, 2 * 4 << 21) else { return nil }
            return smoothingMemory.flatMap { multiplyAdd(1, plain, $0) }
        }
        let w = architecture.widths
        var parameters = 0, units = 0
        for l in 1..<w.count {
            guard let p = multiplyAdd(w[l - 1], w[l], w[l]), let total = multiplyAdd(1, parameters, p) else { return nil }
            parameters = total
        }
        for n in w { guard let total = multiplyAdd(1, units, n) else { return nil }; units = total }
        guard let perBatch = multiplyAdd(units, max(1, batchSize), 0), let elements = multiplyAdd(1, parameters, perBatch),
              let plain = multiplyAdd(elements, 12, 0) else { return nil }
        return smoothingMemory.flatMap { multiplyAdd(1, plain, $0) }
    }

    /// The smoothing loss's own buffers, roughly (0 for cross-entropy): the displaced copies of each smoothed
    /// layer's weights (y, or 1 for a large layer: `LossConfiguration.displacedCopies`), and for the y + 1 samples the activations and their gradients of every unit from the
    /// lowest smoothed layer up (3 × 4 bytes per unit, image and sample; once, not y + 1 times, when that layer
    /// is a convolution, whose samples run in turn); the naive path also keeps y + 1 gradients of every
    /// parameter. Nil when that overflows.
    public var smoothingMemory: Int? {
        guard loss.kind != .ce, let lowest = loss.layers.min(), lowest >= 1, lowest <= architecture.layerCount else { return 0 }
        let layout = architecture.layout
        let y = max(0, loss.samples)
        var bytes = 0
        for l in loss.layers where l >= 1 && l <= layout.layers.count {
            let n = layout.layers[l - 1].weightCount
            let (b, o) = (4 * LossConfiguration.displacedCopies(samples: y, weightCount: n)).multipliedReportingOverflow(by: n)
            guard !o, case let (sum, o2) = bytes.addingReportingOverflow(b), !o2 else { return nil }
            bytes = sum
        }
        let units: Int
        if architecture.isFullyConnected {
            units = architecture.widths[lowest...].reduce(0, +)
        } else {
            let stage = layout.layers[lowest - 1].stage
            units = architecture.shapes[stage...].reduce(0) { $0 + $1.count }
        }
        let inTurn = !architecture.isFullyConnected && layout.layers[lowest - 1].isConvolution
        let (perImage, o1) = units.multipliedReportingOverflow(by: 12 * (inTurn ? 1 : y + 1))
        let (perBatch, o2) = perImage.multipliedReportingOverflow(by: max(1, batchSize))
        let naive = loss.path == .naive ? layout.count.multipliedReportingOverflow(by: 4 * (y + 1)) : (0, false)
        guard !o1, !o2, !naive.1 else { return nil }
        let (total, o3) = bytes.addingReportingOverflow(perBatch)
        let (all, o4) = total.addingReportingOverflow(naive.0)
        return o3 || o4 ? nil : all
    }

    /// Refuses a network that cannot fit in `physicalMemory` bytes (before anything is allocated: an
    /// allocation that fails is a crash, not an error).
    public func checkMemory(physicalMemory: Int) throws(ConfigurationError) {
        let w = architecture.networkDescription ?? architecture.widths.map(String.init).joined(separator: ",")
        let flag: TrainingSetting = architecture.isFullyConnected ? .layers : .network
        guard let bytes = estimatedMemory else {
            throw ConfigurationError(flag, "\(w) has more parameters than any machine holds; choose narrower layers")
        }
        guard bytes <= physicalMemory else {
            let gib = { (b: Int) in String(format: "%.1f GiB", Double(b) / Double(1 << 30)) }
            throw ConfigurationError(flag, "\(w) at --batch-size \(batchSize) needs about \(gib(bytes)), more than this machine's \(gib(physicalMemory)) of memory; choose narrower layers or a smaller batch")
        }
    }

    /// Checks the configuration against the data it will train on.
    public func validate(inputs: Int, classes: Int, trainCount: Int) throws(ConfigurationError) {
        let w = architecture.widths
        if let network = architecture.networkDescription, w[0] != inputs {
            throw ConfigurationError(.network, "\(network) takes \(w[0]) input values per image, but \(dataset) images have \(inputs)")
        }
        if let network = architecture.networkDescription, w[w.count - 1] != classes {
            throw ConfigurationError(.network, "\(network) ends with \(w[w.count - 1]) outputs, but \(dataset) has \(classes) classes; end with fc\(classes)")
        }
        guard w[0] == inputs else {
            throw ConfigurationError(.layers, "must start with the input size \(inputs) of \(dataset) (got \(w[0]))")
        }
        guard w[w.count - 1] == classes else {
            throw ConfigurationError(.layers, "must end with the class count \(classes) of \(dataset) (got \(w[w.count - 1]))")
        }
        let available = min(trainSubset ?? trainCount, trainCount)
        if let trainSubset, trainSubset > trainCount {
            throw ConfigurationError(.trainSubset, "asks for \(trainSubset) images but \(dataset) has \(trainCount)")
        }
        guard validation < available else {
            throw ConfigurationError(.validation, "holds out \(validation) of the \(available) training images, leaving none to train on")
        }
        let training = available - validation
        guard keepLastBatch || training >= batchSize else {
            throw ConfigurationError(.batchSize, "\(batchSize) is larger than the \(training) training images; lower it or pass --keep-last-batch")
        }
    }
}

extension TrainingConfiguration {
    /// The augmentation recipe `augment` describes (nil for none): a recipe's name or a SPEC of parts
    /// (``AugmentationRecipe/parse(_:)``); throws for a SPEC that is no recipe.
    public func augmentationRecipe() throws(ConfigurationError) -> AugmentationRecipe? {
        guard let augment, augment != "none" else { return nil }
        let recipe: AugmentationRecipe
        do { recipe = try AugmentationRecipe.parse(augment) } catch { throw ConfigurationError(.augment, error.description) }
        return recipe.isIdentity ? nil : recipe
    }

    /// Checks that the augmentation recipe can be applied to images of `shape` (C, H, W) of the data set.
    public func validateAugmentation(channels: Int, rows: Int, columns: Int) throws(ConfigurationError) {
        guard let recipe = try augmentationRecipe() else { return }
        if let refusal = recipe.refusal(for: ImageShape(channels: channels, rows: rows, columns: columns), dataSet: dataset) {
            throw ConfigurationError(.augment, refusal)
        }
    }
}

/// An invalid configuration value, named by its command-line flag.
public struct ConfigurationError: Error, DescribedError, Equatable {
    /// The flag, e.g. `--lr`.
    public let flag: String
    /// What is wrong and what is accepted.
    public let message: String

    /// The refusal of `flag`'s value with `message`.
    public init(flag: String, _ message: String) {
        self.flag = flag
        self.message = message
    }

    /// An invalid value of `setting`.
    public init(_ setting: TrainingSetting, _ message: String) {
        self.init(flag: setting.flag, message)
    }

    /// "--flag message".
    public var description: String { "\(flag) \(message)" }
}

extension TrainingConfiguration {
    /// The image shape a `--network` is built on for the data set `name`: one 28×28 grey channel for MNIST,
    /// Fashion-MNIST and KMNIST (and a name thermo does not know, which loading then refuses), 3×32×32 for
    /// CIFAR-10, 3×96×96 for STL-10. Training checks it against the data's actual size before it starts.
    public static func networkInput(for name: String) -> TensorShape {
        switch (try? DataSetDescription.named(name))?.format {
        case .cifar10: TensorShape(channels: CIFAR10Format.channels, height: CIFAR10Format.rows, width: CIFAR10Format.columns)
        case .stl10: TensorShape(channels: STL10Format.channels, height: STL10Format.rows, width: STL10Format.columns)
        case .idx, nil: TensorShape(channels: 1, height: 28, width: 28)
        }
    }

    /// This configuration with the settings `given` (a setting → its text, as on the command line or in a sweep
    /// grid) set in the vocabulary's order, then the rules between settings checked and the whole validated: what
    /// `thermo train` runs for its flags, on the defaults or on a resumed run's configuration.
    public func applying(_ given: [TrainingSetting: String]) throws(ConfigurationError) -> TrainingConfiguration {
        if given[.layers] != nil && given[.network] != nil {
            throw ConfigurationError(.layers, "and \(TrainingSetting.network.flag) both describe the network; give one of them")
        }
        var c = self
        for setting in TrainingSetting.allCases { if let text = given[setting] { try c.set(setting, to: text) } }
        if c.loss.kind != .ce && c.loss.kernel == .uniform && given[.radius] == nil && loss.kind == .ce {
            let error = LossConfiguration.radiusNeeded(c.loss.kind)
            throw ConfigurationError(error.setting, error.message)
        }
        // A flag that would change nothing is refused rather than recorded (a resume compares what is recorded).
        let idle = TrainingSetting.allCases.filter { $0.isSmoothing && given[$0] != nil }
        if c.loss.kind == .ce, let last = idle.last {
            let flags = idle.count == 1 ? last.flag : idle.dropLast().map(\.flag).joined(separator: ", ") + " and \(last.flag)"
            throw ConfigurationError(flag: flags, "\(idle.count == 1 ? "needs" : "need") \(TrainingSetting.loss.flag) pla or plea; "
                                     + "with cross-entropy \(idle.count == 1 ? "it does" : "they do") nothing")
        }
        if c.loss.kernel == .gaussian && given[.radius] != nil {
            throw ConfigurationError(.radius, "belongs to the uniform kernel; with \(TrainingSetting.kernel.flag) gaussian the "
                                     + "spread is \(TrainingSetting.gamma.flag) γ (variance 1/γ), so drop \(TrainingSetting.radius.flag)")
        }
        try c.validate()
        return c
    }

    /// Sets one setting from its text: a number, a whole number, one of the setting's words, `yes`/`no` for a
    /// flag, widths, a network SPEC, a layer set (read against the network already set) or an augmentation SPEC.
    /// A text that is none of what the setting takes is an error naming its flag; ranges are `validate()`'s.
    public mutating func set(_ setting: TrainingSetting, to text: String) throws(ConfigurationError) {
        switch setting {
        case .data: break
        case .dataset:
            dataset = text
            // A network with convolutions takes the data set's image shape, whichever of the two is set first.
            let input = Self.networkInput(for: text)
            if !architecture.isFullyConnected && architecture.input != input {
                do { architecture = try Architecture(input: input, stages: architecture.stages, activation: architecture.activation) } catch {
                    throw ConfigurationError(.network, "\(error.description) (input \(input) of \(text))")
                }
            }
        case .layers:
            architecture = try Self.mlp(Self.widths(text), activation: architecture.activation)
        case .network:
            do {
                architecture = try NetworkSpec.architecture(text, input: Self.networkInput(for: dataset),
                                                            activation: architecture.activation)
            } catch {
                throw ConfigurationError(.network, "\(error.description) (input \(Self.networkInput(for: dataset)) of \(dataset))")
            }
        case .activation:
            let activation: Activation = try Self.word(setting, text)
            if architecture.isFullyConnected {
                architecture = try Self.mlp(architecture.widths, activation: activation)
            } else {
                do { architecture = try Architecture(input: architecture.input, stages: architecture.stages, activation: activation) } catch {
                    throw ConfigurationError(.network, error.description)
                }
            }
        case .`init`: initialization = try Self.word(setting, text)
        case .lr: optimizer.learningRate = try Self.number(setting, text)
        case .momentum: optimizer.momentum = try Self.number(setting, text)
        case .nesterov: optimizer.nesterov = try Self.flag(setting, text)
        case .weightDecay: optimizer.weightDecay = try Self.number(setting, text)
        case .batchSize: batchSize = try Self.whole(setting, text)
        case .epochs: epochs = try Self.whole(setting, text)
        case .seed: seed = try Self.whole(setting, text)
        case .trainSubset: trainSubset = try Self.whole(setting, text)
        case .validation: validation = try Self.whole(setting, text)
        case .splitSeed: splitSeed = try Self.whole(setting, text)
        case .pixels: standardize = try Self.choice(setting, text) == "standardized"
        case .keepLastBatch: keepLastBatch = try Self.flag(setting, text)
        case .loss: loss.kind = try Self.word(setting, text)
        case .smooth:
            do { loss.layers = try parseLayerSet(text, architecture: architecture) } catch {
                throw ConfigurationError(error.setting, error.message)
            }
        case .radius: loss.radius = try Self.number(setting, text)
        case .samples: loss.samples = try Self.whole(setting, text)
        case .sharpness: loss.sharpness = try Self.number(setting, text)
        case .kernel: loss.kernel = try Self.word(setting, text)
        case .gamma: loss.gamma = try Self.number(setting, text)
        case .smoothingPath: loss.path = try Self.word(setting, text)
        case .augment: augment = text == "none" ? nil : text
        }
    }

    /// The MLP of `widths`, or the error `validate()` gives for them (`Architecture.widthsProblem`), named by
    /// `--layers`.
    static func mlp(_ widths: [Int], activation: Activation) throws(ConfigurationError) -> Architecture {
        if let problem = Architecture.widthsProblem(widths) { throw ConfigurationError(.layers, problem) }
        return Architecture(widths: widths, activation: activation)
    }

    /// `--layers`'s comma-separated widths, at least two and all positive.
    static func widths(_ text: String) throws(ConfigurationError) -> [Int] {
        var widths: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let n = Int(trimmed) else {
                throw ConfigurationError(.layers, "takes comma-separated widths like 784,256,10; '\(trimmed)' is not a whole number")
            }
            widths.append(n)
        }
        guard widths.count >= 2, widths.allSatisfy({ $0 > 0 }) else {
            throw ConfigurationError(.layers, "needs at least two positive widths, e.g. 784,256,10")
        }
        return widths
    }

    static func number(_ setting: TrainingSetting, _ text: String) throws(ConfigurationError) -> Double {
        guard let value = Double(text) else { throw ConfigurationError(setting, "takes a number, got '\(text)'") }
        return value
    }

    static func whole<Whole: FixedWidthInteger>(_ setting: TrainingSetting, _ text: String) throws(ConfigurationError) -> Whole {
        guard let value = Whole(text) else { throw ConfigurationError(setting, "takes a whole number, got '\(text)'") }
        return value
    }

    static func flag(_ setting: TrainingSetting, _ text: String) throws(ConfigurationError) -> Bool {
        switch text {
        case "yes": return true
        case "no": return false
        default: throw ConfigurationError(setting, "is yes or no, got '\(text)'")
        }
    }

    /// One of the words the vocabulary lists for `setting`.
    static func choice(_ setting: TrainingSetting, _ text: String) throws(ConfigurationError) -> String {
        let words: [String] = if case let .choice(words) = setting.kind { words } else { [] }
        guard words.contains(text) else {
            throw ConfigurationError(setting, "takes \(words.dropLast().joined(separator: ", ")) or \(words.last ?? ""), got '\(text)'")
        }
        return text
    }

    /// The value of a word setting, as its type spells it (the vocabulary's words are the raw values).
    static func word<Word: RawRepresentable<String>>(_ setting: TrainingSetting, _ text: String) throws(ConfigurationError) -> Word {
        let word = try choice(setting, text)
        guard let value = Word(rawValue: word) else { throw ConfigurationError(setting, "has no value '\(word)' in this thermo") }
        return value
    }
}

extension TrainingSetting {
    /// Whether two configurations differ in this setting (the data folder is no part of a configuration).
    public func differs(_ a: TrainingConfiguration, _ b: TrainingConfiguration) -> Bool {
        switch self {
        case .data: false
        case .dataset: a.dataset != b.dataset
        // An MLP's widths are `--layers`; a network with convolutions is `--network` (its widths follow from it).
        case .layers: a.architecture.isFullyConnected && b.architecture.isFullyConnected && a.architecture.widths != b.architecture.widths
        case .network: a.architecture.networkDescription != b.architecture.networkDescription
        case .activation: a.architecture.activation != b.architecture.activation
        case .`init`: a.initialization != b.initialization
        case .lr: a.optimizer.learningRate != b.optimizer.learningRate
        case .momentum: a.optimizer.momentum != b.optimizer.momentum
        case .nesterov: a.optimizer.nesterov != b.optimizer.nesterov
        case .weightDecay: a.optimizer.weightDecay != b.optimizer.weightDecay
        case .batchSize: a.batchSize != b.batchSize
        case .epochs: a.epochs != b.epochs
        case .seed: a.seed != b.seed
        case .trainSubset: a.trainSubset != b.trainSubset
        case .validation: a.validation != b.validation
        case .splitSeed: a.splitSeed != b.splitSeed
        case .pixels: a.standardize != b.standardize
        case .keepLastBatch: a.keepLastBatch != b.keepLastBatch
        case .loss: a.loss.kind != b.loss.kind
        case .smooth: a.loss.layers != b.loss.layers
        case .radius: a.loss.radius != b.loss.radius
        case .samples: a.loss.samples != b.loss.samples
        case .sharpness: a.loss.sharpness != b.loss.sharpness
        case .kernel: a.loss.kernel != b.loss.kernel
        case .gamma: a.loss.gamma != b.loss.gamma
        case .smoothingPath: a.loss.path != b.loss.path
        case .augment: canonicalAugmentation(a.augment) != canonicalAugmentation(b.augment)
        }
    }
}

extension TrainingSetting {
    /// The setting's value in `c`, as its flag would take it (`0.01`, `784,32,10`, `pla`, `yes`; `none` for an
    /// unset optional, the `--data` folder is no part of a configuration: empty). Numbers are written exactly, so
    /// two configurations that ``differs(_:_:)`` tells apart show different values.
    public func value(in c: TrainingConfiguration) -> String {
        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "none" }
        func whole<Whole: BinaryInteger>(_ x: Whole?) -> String { x.map { "\($0)" } ?? "none" }
        switch self {
        case .data: return ""
        case .dataset: return c.dataset
        case .layers: return c.architecture.widths.map(String.init).joined(separator: ",")
        case .network: return c.architecture.networkDescription ?? "none"
        case .activation: return c.architecture.activation.rawValue
        case .`init`: return c.initialization.rawValue
        case .lr: return number(c.optimizer.learningRate)
        case .momentum: return number(c.optimizer.momentum)
        case .nesterov: return c.optimizer.nesterov ? "yes" : "no"
        case .weightDecay: return number(c.optimizer.weightDecay)
        case .batchSize: return whole(c.batchSize)
        case .epochs: return whole(c.epochs)
        case .seed: return whole(c.seed)
        case .trainSubset: return whole(c.trainSubset)
        case .validation: return whole(c.validation)
        case .splitSeed: return whole(c.splitSeed)
        case .pixels: return c.standardize ? "standardized" : "unit"
        case .keepLastBatch: return c.keepLastBatch ? "yes" : "no"
        case .loss: return c.loss.kind.rawValue
        case .smooth: return c.loss.layers.map(String.init).joined(separator: ",")
        case .radius: return number(c.loss.radius)
        case .samples: return whole(c.loss.samples)
        case .sharpness: return number(c.loss.sharpness)
        case .kernel: return c.loss.kernel.rawValue
        case .gamma: return number(c.loss.gamma)
        case .smoothingPath: return c.loss.path.rawValue
        case .augment: return canonicalAugmentation(c.augment)
        }
    }
}

/// The canonical form of an `--augment` SPEC, so that a SPEC written before the canonical form was shortest (or
/// by hand) compares equal to every other spelling of the same recipe; the text itself if it does not parse.
private func canonicalAugmentation(_ spec: String?) -> String {
    guard let spec else { return "none" }
    return (try? AugmentationRecipe.canonicalSpec(spec)) ?? spec
}

extension TrainingConfiguration {
    /// The flags of the settings in which `self` and `other` differ, e.g. "--lr, --smooth" ("other settings" if
    /// none: then they differ in nothing a flag sets).
    public func differences(from other: TrainingConfiguration) -> String {
        let flags = TrainingSetting.allCases.filter { $0.differs(self, other) }.map(\.flag)
        return flags.isEmpty ? "other settings" : flags.joined(separator: ", ")
    }
}
