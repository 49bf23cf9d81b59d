/// The vocabulary of training settings: every setting that decides a training run's numbers, once.
///
/// A setting's name is its command-line flag's long name (`weight-decay` → `--weight-decay`) and a sweep grid's
/// key; its kind says what values it takes; its help is the flag's help. `thermo train`'s options take their help
/// from here, sweep grids accept exactly these keys and check values by their kind, and every error message that
/// names a setting (in Smoothing, Training, Sweeps or the command line) names it through ``flag``. Adding a
/// setting: a case and its three facts here, its field in `TrainingConfiguration` (with the comparison that
/// `resume` uses), and its option in `thermo train`.
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
        case .network: "A network of convolutions, poolings and dense layers: comma-separated convC (3×3 valid convolution to C channels + ReLU; convC:kK:pP for kernel K, padding P), pool (2×2 max-pooling), fcN (dense to N units); or paper-mnist, paper-cifar, paper-stl. Not with --layers."
        case .activation: "Hidden nonlinearity: relu or tanh."
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
            + "(default), paper-cifar (random resized crop, scale [0.6, 1], ratio [3/4, 4/3]) or paper-stl (crop scale "
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
        default: nil
        }
    }
}
