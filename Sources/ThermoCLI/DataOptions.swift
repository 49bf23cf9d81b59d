import ArgumentParser

/// Where the data set comes from; shared by every subcommand that reads one.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder holding the data set's IDX files (or NAME/ folders); else $THERMO_DATA, ~/.local/share/thermo/NAME ($XDG_DATA_HOME/thermo/NAME), ./data/NAME.", valueName: "DIR"))
    var data: String?
    @Option(help: "Data set: mnist, fashion-mnist or kmnist (default mnist).")
    var dataset: String?
}
