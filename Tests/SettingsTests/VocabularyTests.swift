import Foundation
import Networks
import Settings
import Smoothing
import Sweeps
import Testing
import TestSupport
import Training

/// The one vocabulary of training settings reaches every place that names a setting: `thermo train`'s options and
/// their help, the keys and value checks of sweep grids, the comparison behind `--resume`, and the flags that
/// configuration errors name.
@Suite struct VocabularyTests {
    /// `thermo train --help` with its line breaks and indentation folded into single spaces.
    func trainHelp() throws -> String {
        let run = try runThermo(["train", "--help"], environment: ["COLUMNS": "400"])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("Every setting is an option of thermo train, with the vocabulary's help")
    func everySettingIsATrainOption() throws {
        let help = try trainHelp()
        for setting in TrainingSetting.allCases {
            #expect(help.contains(setting.flag), "thermo train has no \(setting.flag)")
            let words = setting.help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(help.contains(words), "the help of \(setting.flag) is not the vocabulary's: \(words)")
        }
    }

    @Test("A sweep grid accepts every setting, and nothing else but its own words")
    func gridsAcceptEverySetting() throws {
        #expect(GridKey.all == TrainingSetting.allCases)
        for setting in TrainingSetting.allCases {
            let value: String
            switch setting.kind {
            case .integer(let minimum): value = "\(minimum) | \(minimum + 1)"
            case .number: value = "0.01 | 0.1"
            case .choice(let words): value = words.joined(separator: " | ")
            case .layerSet: value = "1 | 1,2"
            case .widths: value = "784,10 | 784,32,10"
            case .text: value = "a | b"
            case .flag: value = "yes | no"
            }
            var parser = GridParser()
            try parser.addFile("\(setting.name) = \(value)", name: "grid.txt")
            #expect(parser.grid().settings.map(\.name) == [setting.name])
        }
        var parser = GridParser()
        #expect(throws: GridError.self) { try parser.addFile("learning-rate = 0.1", name: "grid.txt") }
    }

    /// A text for each setting that differs from the test's base configuration.
    static let otherTexts: [TrainingSetting: String] = [
        .data: "elsewhere", .dataset: "kmnist", .layers: "784,32,10", .network: "conv4,pool,fc10", .activation: "tanh",
        .`init`: "kaiming-uniform", .lr: "0.0002", .momentum: "0.5", .nesterov: "yes", .weightDecay: "1e-4",
        .batchSize: "257", .epochs: "121", .seed: "2", .trainSubset: "1000", .validation: "100", .splitSeed: "9",
        .pixels: "unit", .keepLastBatch: "yes", .loss: "plea", .smooth: "1,3", .radius: "0.51", .samples: "5",
        .sharpness: "100", .kernel: "gaussian", .gamma: "10", .smoothingPath: "naive", .augment: "paper-cifar",
    ]

    /// `base` changed in exactly `setting`, through the setter `thermo train` and sweep cells use.
    func changed(_ base: TrainingConfiguration, _ setting: TrainingSetting) throws -> TrainingConfiguration {
        var c = base
        try c.set(setting, to: try #require(Self.otherTexts[setting], "no test text for \(setting.flag)"))
        return c
    }

    @Test("Two configurations differ in exactly the setting that was changed, and say so by its flag")
    func differencesNameTheChangedSetting() throws {
        var base = TrainingConfiguration()
        base.loss.kind = .pla
        base.loss.layers = [2]
        base.loss.radius = 0.01
        for setting in TrainingSetting.allCases where setting != .data {
            let other = try changed(base, setting)
            #expect(TrainingSetting.allCases.filter { $0.differs(base, other) } == [setting])
            #expect(base.differences(from: other) == setting.flag)
        }
        #expect(base.differences(from: base) == "other settings")
    }

    @Test("Configuration errors name their setting's flag")
    func errorsNameTheFlag() {
        var c = TrainingConfiguration()
        c.optimizer.learningRate = -1
        #expect { try c.validate() } throws: { ($0 as? ConfigurationError)?.flag == TrainingSetting.lr.flag }
        c = TrainingConfiguration()
        c.loss.kind = .pla
        c.loss.layers = [2]
        c.loss.radius = 0.01
        c.loss.samples = -3
        #expect { try c.validate() } throws: { ($0 as? ConfigurationError)?.flag == TrainingSetting.samples.flag }
    }

    @Test("Every word the vocabulary lists for a setting is a value of its type, and other words are refused by flag")
    func choicesAreTheTypesWords() throws {
        for setting in TrainingSetting.allCases {
            guard case let .choice(words) = setting.kind else { continue }
            for word in words {
                var c = TrainingConfiguration()
                try c.set(setting, to: word)
            }
            var c = TrainingConfiguration()
            #expect { try c.set(setting, to: "nonsense") } throws: {
                ($0 as? ConfigurationError)?.description == "\(setting.flag) takes \(words.dropLast().joined(separator: ", ")) or \(words.last!), got 'nonsense'"
            }
        }
        var c = TrainingConfiguration()
        try c.set(.pixels, to: "unit")
        #expect(!c.standardize)
        try c.set(.activation, to: "tanh")
        #expect(c.architecture.activation == .tanh)
    }

    @Test("thermo train's flags and a sweep grid's texts make the same configuration")
    func optionsAndTextsAgree() throws {
        let options = try TrainingOptions.parse(["--layers", "784,64,10", "--lr", "1e-3", "--nesterov", "--seed", "7",
                                                 "--loss", "pla", "--smooth", "hidden", "--radius", "0.02", "--kernel", "uniform"])
        let fromFlags = try TrainingConfiguration().applying(options.given)
        let fromTexts = try TrainingConfiguration().applying([.layers: "784,64,10", .lr: "0.001", .nesterov: "yes", .seed: "7",
                                                              .loss: "pla", .smooth: "1", .radius: "0.02"])
        #expect(fromFlags == fromTexts)
        #expect(fromFlags.loss.layers == [1] && fromFlags.optimizer.learningRate == 1e-3 && fromFlags.optimizer.nesterov)
        // Rules between settings name the flags; a resumed run's settings stay unless given.
        #expect { try TrainingConfiguration().applying([.loss: "pla", .smooth: "1"]) } throws: {
            ($0 as? ConfigurationError)?.description == "--radius is needed with --loss pla (e.g. --radius 0.01)"
        }
        #expect((try fromFlags.applying([.epochs: "3"])).loss == fromFlags.loss)
        #expect { try TrainingConfiguration().applying([.lr: "fast"]) } throws: {
            ($0 as? ConfigurationError)?.description == "--lr takes a number, got 'fast'"
        }
    }

    @Test("--network takes the data set's image shape, whichever of --dataset and --network is set first")
    func networkInputFollowsTheDataSet() throws {
        let cifar = try TrainingConfiguration().applying([.dataset: "cifar10", .network: "paper-cifar"])
        #expect(cifar.architecture.input == TensorShape(channels: 3, height: 32, width: 32))
        #expect(cifar.architecture.layout[layer: 6].inputs == 128 * 4 * 4)  // FC I after eq. 24's convolutions
        try cifar.validate(inputs: 3072, classes: 10, trainCount: 50_000)
        var later = TrainingConfiguration()
        try later.set(.network, to: "conv8,pool,fc10")
        #expect(later.architecture.input == TensorShape(channels: 1, height: 28, width: 28))
        try later.set(.dataset, to: "stl10")
        #expect(later.architecture.input == TensorShape(channels: 3, height: 96, width: 96))
        #expect(later.architecture.widths.first == 3 * 96 * 96 && later.architecture.widths.last == 10)
        try later.set(.dataset, to: "fashion-mnist")
        #expect(later.architecture.input == TensorShape(channels: 1, height: 28, width: 28))
        // A SPEC too deep for the data set's images names its input.
        #expect { try TrainingConfiguration().applying([.dataset: "mnist", .network: "conv8,pool,pool,pool,pool,pool,fc10"]) } throws: {
            "\($0)".contains("1×28×28") && "\($0)".contains("mnist")
        }
    }

    @Test("A configuration saved before later settings existed still decodes: a new setting is an optional field")
    func configurationsOfEarlierVersionsDecode() throws {
        // What thermo's first checkpoints and summaries held (wave 1, before --network, --augment, --split-seed, …).
        // A setting added as a non-optional field would make this fail, and with it every earlier checkpoint.
        let saved = """
            {"architecture": {"activation": "relu", "widths": [784, 10]}, "batchSize": 256, "dataset": "mnist", "epochs": 1,
             "initialization": "kaiming-normal", "keepLastBatch": false, "loss": {"kernel": "uniform", "kind": "ce",
             "layers": [], "path": "shared", "radius": 0, "samples": 4}, "optimizer": {"learningRate": 0.0001,
             "momentum": 0.9, "nesterov": false, "weightDecay": 0}, "seed": 1, "standardize": true, "validation": 0}
            """
        let decoded = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(saved.utf8))
        var expected = TrainingConfiguration()
        expected.architecture = Architecture(widths: [784, 10], activation: .relu)
        expected.epochs = 1
        #expect(decoded == expected)
    }
}
