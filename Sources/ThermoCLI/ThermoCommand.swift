import ArgumentParser

/// The `thermo` command: trains networks, records gradient traces, analyses them and draws figures.
public struct ThermoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "thermo",
        abstract: "Study how SGD explores weight space, layer by layer, the way a physicist studies a cooling system.",
        discussion: """
        Train a network on MNIST-like data, record per-layer gradient statistics, and analyse them.
        Run 'thermo help SUBCOMMAND' for the flags of one subcommand.
        """,
        version: thermoVersion,
        subcommands: [TrainCommand.self, InspectCommand.self, RecoverCommand.self, DataCommand.self, BenchCommand.self]
    )

    public init() {}
}

/// thermo's version, recorded in every summary, checkpoint and trace.
public let thermoVersion = "0.1.0"
