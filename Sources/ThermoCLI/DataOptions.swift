import ArgumentParser
import Settings

/// Where the data set comes from; shared by every subcommand that reads one.
struct DataOptions: ParsableArguments {
    @Option(help: .setting(.data))
    var data: String?
    @Option(help: .setting(.dataset))
    var dataset: String?
}
