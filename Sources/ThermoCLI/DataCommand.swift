import ArgumentParser

/// `thermo data …`: verify and fetch data sets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Verify or fetch the data sets thermo trains on.",
        subcommands: []
    )
}
