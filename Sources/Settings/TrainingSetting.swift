import ArgumentParser

/// The vocabulary of training settings: every setting that decides a training run's numbers, once.
///
/// A setting's name is its command-line flag's long name (`weight-decay` → `--weight-decay`) and a sweep grid's
/// key; its kind says what values it takes; its help is the flag's help. `thermo train`'s options take their help
/// from here, sweep grids accept exactly these keys and check values by their kind, and every error message that
/// names a setting (in Smoothing, Training, Sweeps or the command line) names it through ``flag``. Adding a
/// setting touches two files: here a case, its facts and its option in ``TrainingOptions``; in
/// `TrainingConfiguration.swift` its field, how its text is set (`set(_:to:)`) and the comparison that `--resume`
/// uses (`differs`). The field is optional, nil meaning what runs did before the setting existed, so that their
/// checkpoints and summaries still decode.
public enum TrainingSetting: String, CaseIterable, Sendable {
    case data, dataset, layers, network, activation, `init`, lr, momentum, nesterov
    case weightDecay = "weight-decay", batchSize = "batch-size", epochs, seed
    case trainSubset = "train-subset", validation, splitSeed = "split-seed", pixels
    case keepLastBatch = "keep-last-batch", loss, smooth, radius, samples, sharpness, kernel, gamma
    case smoothingPath = "smoothing-path"
    case augment

    /// What values a setting takes; a sweep grid checks them when it is read, so a typo fails before any run.
    public enum Kind: Sendable, Equatable {
        /// Whole numbers ≥ `minimum`.
        case integer(minimum: Int)
        /// Finite decimal numbers (`0.01`, `1e-3`).
        case number
        /// One of a fixed list of words.
        case choice([String])
        /// A set of weight layers: `2`, `1,3`, `hidden` or `all`.
        case layerSet
        /// Layer widths: `784,256,10`.
        case widths
        /// Any text without control characters (a data folder, a data-set name).
        case text
        /// `yes` or `no`: a flag without a value (`--nesterov`) that is given or not.
        case flag
    }

    /// The name, as written in a grid and as the flag's long name.
    public var name: String { rawValue }

    /// The command-line flag, e.g. `--weight-decay`.
    public var flag: String { "--" + rawValue }

    /// The setting named `name` (`_` may stand for `-`), or nil.
    public static func named(_ name: String) -> TrainingSetting? {
        TrainingSetting(rawValue: String(name.map { $0 == "_" ? "-" : $0 }))
    }

    /// What values it takes.
    public var kind: Kind {
        switch self {
        case .data, .dataset, .network, .augment: .text
        case .layers: .widths
        case .activation: .choice(["relu", "tanh"])
        case .`init`: .choice(["kaiming-normal", "kaiming-uniform", "pytorch-default"])
        case .lr, .momentum, .weightDecay, .radius, .sharpness, .gamma: .number
        case .nesterov, .keepLastBatch: .flag
        case .batchSize, .epochs, .trainSubset: .integer(minimum: 1)
        case .seed, .validation, .splitSeed, .samples: .integer(minimum: 0)
        case .pixels: .choice(["standardized", "unit"])
        case .loss: .choice(["ce", "pla", "plea"])
        case .smooth: .layerSet
        case .kernel: .choice(["uniform", "gaussian"])
        case .smoothingPath: .choice(["shared", "naive"])
        }
    }

    /// Whether the setting only means something for the smoothing losses (a sweep drops it from `ce` cells).
    public var isSmoothing: Bool {
        switch self {
        case .smooth, .radius, .samples, .sharpness, .kernel, .gamma, .smoothingPath: true
        default: false
        }
    }

    /// The help of its command-line option.
    public var help: String {
        switch self {
        case .data: "Folder holding the data set's IDX files (or NAME/ folders); else $THERMO_DATA, ~/.local/share/thermo/NAME ($XDG_DATA_HOME/thermo/NAME), ./data/NAME."
        case .dataset: "Data set: mnist, fashion-mnist, kmnist, cifar10 or stl10 (binary versions; default mnist)."
        case .layers: "Layer widths from the input size to the class count."
        case .network: "A network of convolutions, poolings and dense layers: comma-separated convC (3×3 valid convolution to C channels + ReLU; convC:kK:pP for kernel K, padding P), pool (2×2 max-pooling), fcN (dense to N units); or paper-mnist, paper-cifar, paper-stl. Its input is the data set's image shape (3×32×32 for cifar10, 3×96×96 for stl10, else 1×28×28). Not with --layers."
        case .activation: "Hidden nonlinearity: relu (default) or tanh."
        case .`init`: "Weight initialisation: kaiming-normal (default), kaiming-uniform or pytorch-default."
        case .lr: "Learning rate η (default 1e-4)."
        case .momentum: "Momentum μ (default 0.9)."
        case .nesterov: "Use Nesterov momentum."
        case .weightDecay: "Weight decay λ (default 0)."
        case .batchSize: "Mini-batch size (default 256)."
        case .epochs: "Number of epochs (default 120)."
        case .seed: "Seed of every random stream (default 1)."
        case .trainSubset: "Train on a seeded random subset of N training images."
        case .validation: "Hold N training images out as a validation set."
        case .splitSeed: "Seed of the --train-subset and --validation choices (default: --seed), to keep the same images while --seed varies."
        case .pixels: "Pixel scaling: standardized (zero mean, unit variance over the training images; default) or unit ([0, 1])."
        case .keepLastBatch: "Keep the last, smaller mini-batch of each epoch (dropped by default)."
        case .loss: "Loss: ce (cross-entropy, default), pla (partial local average, eq. 23) or plea (partial local entropy, eq. 22)."
        case .smooth: "Weight layers to smooth over (1…L, convolutions and dense layers counted together): e.g. 2 or 1,3; hidden = 1…L−1 (the paper's isotropic set); all = 1…L; conv = every convolution; head = every dense layer; fcN = the N-th dense layer; convN = weight layer N, a convolution."
        case .radius: "R, the half-edge of the hypercube of displacements (uniform kernel)."
        case .samples: "y, the number of displaced samples per step (default 4)."
        case .sharpness: "k, the kernel's sharpness (default: infinite, the hard hypercube)."
        case .kernel: "Displacement law: uniform (default) or gaussian (N(0, 1/γ), with --gamma)."
        case .gamma: "γ of the Gaussian kernel (variance 1/γ)."
        case .smoothingPath: "Smoothing evaluation: shared (shared prefix, default) or naive (y+1 full passes, the reference)."
        case .augment: "Augmentation of the training images, per image from the stream (seed, augment, epoch, image): none "
            + "(thermo train's default), paper-cifar (random resized crop, scale [0.6, 1], ratio [3/4, 4/3]) or paper-stl (crop scale "
            + "[0.08, 1], flip 0.5, grayscale 0.1, colour jitter 0.5, rotation ±180°; 3-channel images only), optionally "
            + "followed by parts that replace the recipe's: e.g. paper-cifar,flip=0.5 (parts: crop=A:B, ratio=A:B, flip=P, "
            + "grayscale=P, jitter=X or B:C:S:H, rotate=D; each also has its own flag)."
        }
    }

    /// The placeholder of its value in help texts, where it is not the option's own name.
    public var valueName: String? {
        switch self {
        case .data: "DIR"
        case .layers: "n0,n1,…,nL"
        case .network: "SPEC"
        case .augment: "RECIPE[,PART=V…]"
        case .smooth: "LAYERS"
        case .trainSubset, .validation: "N"
        case .splitSeed, .seed: "S"
        case .lr: "η"
        case .momentum: "μ"
        case .weightDecay: "λ"
        case .batchSize: "B"
        case .radius: "R"
        case .samples: "y"
        case .sharpness: "k"
        case .gamma: "γ"
        default: nil
        }
    }
}

extension ArgumentHelp {
    /// The help of a training setting's option, as the vocabulary states it (``TrainingSetting/help``).
    public static func setting(_ setting: TrainingSetting) -> ArgumentHelp {
        ArgumentHelp(setting.help, valueName: setting.valueName)
    }
}

extension TrainingSetting {
    /// What shells complete for the option: the words of a choice.
    var completion: CompletionKind? {
        if case let .choice(words) = kind { return .list(words) }
        return nil
    }
}

/// `thermo train`'s options for the training settings, one per setting of the vocabulary but `--data`,
/// `--dataset` and `--augment`, which live in option groups that other commands share. Numbers are parsed here (a
/// word where a number belongs is a usage error of the option); words are checked when they are set on a
/// configuration (`TrainingConfiguration.applying(_:)`), which is also what a sweep's cells go through.
public struct TrainingOptions: ParsableArguments {
    @Option(help: .setting(.layers)) public var layers: String?
    @Option(help: .setting(.network)) public var network: String?
    @Option(help: .setting(.activation), completion: TrainingSetting.activation.completion) public var activation: String?
    @Option(help: .setting(.`init`), completion: TrainingSetting.`init`.completion) public var `init`: String?
    @Option(parsing: .unconditional, help: .setting(.lr)) public var lr: Double?
    @Option(parsing: .unconditional, help: .setting(.momentum)) public var momentum: Double?
    @Flag(help: .setting(.nesterov)) public var nesterov = false
    @Option(parsing: .unconditional, help: .setting(.weightDecay)) public var weightDecay: Double?
    @Option(parsing: .unconditional, help: .setting(.batchSize)) public var batchSize: Int?
    @Option(parsing: .unconditional, help: .setting(.epochs)) public var epochs: Int?
    @Option(parsing: .unconditional, help: .setting(.seed)) public var seed: UInt64?
    @Option(parsing: .unconditional, help: .setting(.trainSubset)) public var trainSubset: Int?
    @Option(parsing: .unconditional, help: .setting(.validation)) public var validation: Int?
    @Option(parsing: .unconditional, help: .setting(.splitSeed)) public var splitSeed: UInt64?
    @Option(help: .setting(.pixels), completion: TrainingSetting.pixels.completion) public var pixels: String?
    @Flag(help: .setting(.keepLastBatch)) public var keepLastBatch = false
    @Option(help: .setting(.loss), completion: TrainingSetting.loss.completion) public var loss: String?
    @Option(help: .setting(.smooth)) public var smooth: String?
    @Option(parsing: .unconditional, help: .setting(.radius)) public var radius: Double?
    @Option(parsing: .unconditional, help: .setting(.samples)) public var samples: Int?
    @Option(parsing: .unconditional, help: .setting(.sharpness)) public var sharpness: Double?
    @Option(help: .setting(.kernel), completion: TrainingSetting.kernel.completion) public var kernel: String?
    @Option(parsing: .unconditional, help: .setting(.gamma)) public var gamma: Double?
    @Option(help: .setting(.smoothingPath), completion: TrainingSetting.smoothingPath.completion) public var smoothingPath: String?

    /// No option given (ArgumentParser fills the options when parsing).
    public init() {}

    /// The settings given on the command line, as the text a configuration sets (a flag that is given is `yes`).
    public var given: [TrainingSetting: String] {
        var texts: [TrainingSetting: String] = [:]
        func put(_ setting: TrainingSetting, _ text: String?) { if let text { texts[setting] = text } }
        func put(_ setting: TrainingSetting, _ number: Double?) { put(setting, number.map { String($0) }) }
        func put<Whole: FixedWidthInteger>(_ setting: TrainingSetting, _ whole: Whole?) { put(setting, whole.map { String($0) }) }
        func put(_ setting: TrainingSetting, _ flag: Bool) { put(setting, flag ? "yes" : nil) }
        put(.layers, layers); put(.network, network); put(.activation, activation); put(.`init`, `init`)
        put(.lr, lr); put(.momentum, momentum); put(.nesterov, nesterov); put(.weightDecay, weightDecay)
        put(.batchSize, batchSize); put(.epochs, epochs); put(.seed, seed); put(.trainSubset, trainSubset)
        put(.validation, validation); put(.splitSeed, splitSeed); put(.pixels, pixels); put(.keepLastBatch, keepLastBatch)
        put(.loss, loss); put(.smooth, smooth); put(.radius, radius); put(.samples, samples); put(.sharpness, sharpness)
        put(.kernel, kernel); put(.gamma, gamma); put(.smoothingPath, smoothingPath)
        return texts
    }
}
