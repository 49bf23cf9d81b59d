import ArgumentParser
import Datasets
import Foundation

/// `thermo data fetch NAME [--to DIR] [--mirror URL …] [--force]`: downloads and validates a data set.
struct DataFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a data set's four .gz files from its public mirrors, validated before use.",
        discussion: """
        Each file is downloaded into a temporary file in the target folder and checked (IDX structure, counts, \
        labels, and the canonical checksum where one is known) before it is renamed into place; a copy that \
        fails makes the next mirror be tried. Existing files are never replaced without --force, and on any \
        failure the folder is left as it was.
        """
    )

    @Argument(help: "The data set: \(DataSetDescription.knownNames.joined(separator: ", ")).")
    var name: String

    @Option(name: .customLong("to"), help: ArgumentHelp("The folder to put the files in (default: ~/.local/share/thermo/NAME, i.e. $XDG_DATA_HOME/thermo/NAME).",
                                                        valueName: "DIR"))
    var folder: String?

    @Option(name: .customLong("mirror"), help: ArgumentHelp(
        "A base URL holding the four .gz files; repeat for several. Replaces the built-in mirrors.", valueName: "URL"))
    var mirrors: [String] = []

    @Flag(help: "Replace files that are already there.")
    var force = false

    func validate() throws {
        for mirror in mirrors {
            guard let url = URL(string: mirror), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  url.host?.isEmpty == false else {
                throw ValidationError("--mirror takes the http:// or https:// URL of a folder holding the four .gz files; '\(mirror)' is not one")
            }
        }
    }

    func run() throws {
        let report: DataSetReport
        do {
            report = try fetchDataSet(named: name, to: folder, mirrors: mirrors.isEmpty ? nil : mirrors, force: force,
                                      log: { print($0) })
        } catch {
            throw reportDataCommandError(error, dataSet: name)
        }
        print("")
        printDataSetReport(report)
        print("")
        print("fetched \(report.dataSet.name) into \(report.directory)")
    }
}
