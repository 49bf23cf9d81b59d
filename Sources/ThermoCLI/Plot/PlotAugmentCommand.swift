import ArgumentParser
import Augmentation
import Datasets
import Figures
import Foundation
import Settings
import Training

/// `thermo plot augment`: one batch's training images beside what augmentation makes of them.
struct PlotAugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "A grid of one batch's training images beside their augmented versions (what the network is fed).",
        discussion: """
        The images are the first --images of epoch --epoch's first mini-batch in the order of --seed (the order \
        thermo train visits them), each augmented from its own stream (seed, augment, epoch, image) exactly as \
        training augments it; values are shown before standardisation. Without --augment or a part flag the \
        recipe is paper-cifar.
        """)

    @OptionGroup var plot: PlotOptions
    @OptionGroup var data: DataOptions
    @OptionGroup(title: "Augmentation") var augmentation: AugmentationOptions
    @Option(parsing: .unconditional, help: "The run's seed.")
    var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "The epoch.")
    var epoch: Int = 1
    @Option(parsing: .unconditional, help: "How many images, 1–64.")
    var images: Int = 16

    func run() throws {
        try plot.checkOutput()
        guard (1...64).contains(images) else { throw ValidationError("--images must be between 1 and 64, got \(images)") }
        guard epoch >= 1 else { throw ValidationError("--epoch must be at least 1, got \(epoch)") }
        var configuration = TrainingConfiguration()
        configuration.dataset = data.dataset ?? "mnist"
        configuration.seed = seed
        configuration.augment = try augmentation.spec() ?? "paper-cifar"
        let recipe: AugmentationRecipe
        do {
            recipe = try configuration.augmentationRecipe() ?? .none
        } catch { throw ValidationError(error.description) }
        let dataSet: DataSet
        do {
            dataSet = try loadDataSet(named: configuration.dataset, directory: data.data)
        } catch {
            throw CommandError(String(describing: error))
        }
        let train = dataSet.train
        do {
            try configuration.validateAugmentation(channels: train.channels, rows: train.rows, columns: train.columns)
        } catch { throw ValidationError(error.description) }
        let order = TrainingData(dataSet, configuration: configuration).order(epoch: epoch, seed: seed).prefix(images)
        let augmenter = Augmenter(recipe: recipe, shape: ImageShape(channels: train.channels, rows: train.rows, columns: train.columns))
        let d = train.featureCount
        let originals = order.map { i in train.pixels[Int(i) * d..<(Int(i) + 1) * d].map { Float($0) / 255 } }
        let augmented = zip(order, originals).map { augmenter.augmented($1, seed: seed, epoch: epoch, index: Int($0)) }
        try plot.render(AugmentationFigure(channels: train.channels, rows: train.rows, columns: train.columns,
                                           originals: originals, augmented: augmented,
                                           caption: "\(recipe.name) on \(dataSet.name), epoch \(epoch), seed \(seed)"),
                        inputs: [dataSet.directory])
    }
}
