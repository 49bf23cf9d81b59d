import ArgumentParser
import Datasets
import Foundation

/// `thermo data fetch NAME [--to DIR] [--mirror URL …] [--force]`: downloads and validates a data set.
struct DataFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a data set (four .gz files, or CIFAR-10's and STL-10's tarball) from its public mirrors, validated before use.",
        discussion: """
        Each file is downloaded into a temporary file in the target folder and checked (IDX structure, counts, \
        labels, and the canonical checksum where one is known) before it is renamed into place; a copy that \
        fails makes the next mirror be tried. Existing files are never replaced without --force, and on any \
        failure the folder is left as it was. CIFAR-10 and STL-10 come as one tarball, which must match its published \
        md5; the .bin files thermo reads are unpacked from it into the folder itself (not into the tarball's \
        cifar-10-batches-bin/ or stl10_binary/), checked, and renamed into place; the tarball is not kept.
        """
    )

    @Argument(help: "The data set: \(DataSetDescription.knownNames.joined(separator: ", ")).")
    var name: String

    @Option(name: .customLong("to"), help: ArgumentHelp("The folder to put the files in (default: ~/.local/share/thermo/NAME, i.e. $XDG_DATA_HOME/thermo/NAME).",
                                                        valueName: "DIR"))
    var folder: String?

    @Option(name: .customLong("mirror"), help: ArgumentHelp(
        "A base URL holding the four .gz files (or the data set's tarball; for cifar10 and stl10 also file:///FOLDER); repeat for several. Replaces the built-in mirrors.", valueName: "URL"))
    var mirrors: [String] = []

    @Flag(help: "Replace files that are already there.")
    var force = false

    /// `HTTP://host/x` as `http://host/x`: a URL's scheme is case-insensitive, but the downloader only knows the
    /// lowercase one ("unsupported URL" otherwise).
    static func lowercasingScheme(_ mirror: String) -> String {
        guard let colon = mirror.firstIndex(of: ":") else { return mirror }
        return mirror[..<colon].lowercased() + mirror[colon...]
    }

    func validate() throws {
        do { _ = try DataSetDescription.named(name) } catch { throw ValidationError("\(error)") }
        let archived = (try? DataSetDescription.named(name))?.archive != nil
        for mirror in mirrors {
            if archived, let url = URL(string: mirror), url.isFileURL {
                // file://data/x parses as host "data" and path "/x": refuse it rather than read another folder.
                if let host = url.host, !host.isEmpty, host.lowercased() != "localhost" {
                    throw ValidationError("--mirror '\(mirror)' names host '\(host)': a file:// mirror takes an absolute folder, written with three slashes (file:///ABSOLUTE/FOLDER)")
                }
                continue
            }
            guard let url = URL(string: mirror), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  url.host?.isEmpty == false else {
                throw ValidationError("--mirror takes the http:// or https:// URL of a folder holding the four .gz files; '\(mirror)' is not one")
            }
        }
    }

    func run() throws {
        if (try? DataSetDescription.named(name))?.archive != nil {
            let report: BinaryDataSetReport
            do {
                report = try fetchArchiveDataSet(named: name, to: folder, mirrors: mirrors.isEmpty ? nil : mirrors.map(Self.lowercasingScheme),
                                                 force: force, log: { printError($0) })
            } catch {
                throw reportDataCommandError(error)
            }
            print("")
            printBinaryDataSetReport(report)
            print("")
            print("fetched \(report.dataSet.name) into \(report.directory)")
            return
        }
        let report: DataSetReport
        do {
            report = try fetchDataSet(named: name, to: folder, mirrors: mirrors.isEmpty ? nil : mirrors.map(Self.lowercasingScheme), force: force,
                                      log: { printError($0) })
        } catch {
            throw reportDataCommandError(error)
        }
        print("")
        printDataSetReport(report)
        print("")
        print("fetched \(report.dataSet.name) into \(report.directory)")
    }
}
