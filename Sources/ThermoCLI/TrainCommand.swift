import ArgumentParser

/// `thermo train`: trains a network.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a network.")
}
