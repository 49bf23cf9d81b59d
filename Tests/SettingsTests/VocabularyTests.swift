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

    /// `base` changed in exactly `setting`.
    func changed(_ base: TrainingConfiguration, _ setting: TrainingSetting) -> TrainingConfiguration {
        var c = base
        switch setting {
        case .data: break
        case .dataset: c.dataset = "kmnist"
        case .layers: c.architecture = Architecture(widths: [784, 32, 10], activation: c.architecture.activation)
        case .network:
            c.architecture = try! NetworkSpec.architecture("conv4,pool,fc10", input: TensorShape(channels: 1, height: 28, width: 28),
                                                           classes: 10, activation: c.architecture.activation)
        case .activation: c.architecture = Architecture(widths: c.architecture.widths, activation: .tanh)
        case .`init`: c.initialization = .kaimingUniform
        case .lr: c.optimizer.learningRate *= 2
        case .momentum: c.optimizer.momentum = 0.5
        case .nesterov: c.optimizer.nesterov.toggle()
        case .weightDecay: c.optimizer.weightDecay = 1e-4
        case .batchSize: c.batchSize += 1
        case .epochs: c.epochs += 1
        case .seed: c.seed += 1
        case .trainSubset: c.trainSubset = 1000
        case .validation: c.validation = 100
        case .splitSeed: c.splitSeed = 9
        case .pixels: c.standardize.toggle()
        case .keepLastBatch: c.keepLastBatch.toggle()
        case .loss: c.loss.kind = .plea
        case .smooth: c.loss.layers = [1, 3]
        case .radius: c.loss.radius += 0.5
        case .samples: c.loss.samples += 1
        case .sharpness: c.loss.sharpness = 100
        case .kernel: c.loss.kernel = .gaussian
        case .gamma: c.loss.gamma = 10
        case .smoothingPath: c.loss.path = .naive
        case .augment: c.augment = "paper-cifar"
        }
        return c
    }

    @Test("Two configurations differ in exactly the setting that was changed, and say so by its flag")
    func differencesNameTheChangedSetting() {
        var base = TrainingConfiguration()
        base.loss.kind = .pla
        base.loss.layers = [2]
        base.loss.radius = 0.01
        for setting in TrainingSetting.allCases where setting != .data {
            let other = changed(base, setting)
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
        c.loss.samples = -3
        #expect { try c.validate() } throws: { ($0 as? ConfigurationError)?.flag == TrainingSetting.samples.flag }
    }
}
