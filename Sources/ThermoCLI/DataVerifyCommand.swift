import ArgumentParser
import Datasets
import Foundation

/// `thermo data verify [NAME] [--data DIR]`: checks a data set's files against the canonical checksums.
struct DataVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a data set's files: IDX structure, counts, labels, and checksums.",
        discussion: """
        For each file: its path, kind, records, dimensions, and the sha256 of its decompressed bytes compared with \
        the canonical one (for data sets that publish only the md5 of their .gz files, that md5 instead); then the \
        label histogram of each split. Exits 0 when every file is valid and no checksum differs; where no \
        canonical checksum is known it says so instead of claiming a match.
        """
    )

    @Argument(help: "The data set: \(DataSetDescription.knownNames.joined(separator: ", ")).")
    var name: String = "mnist"

    @Option(name: .customLong("data"), help: ArgumentHelp(
        "The folder holding the files, or a folder holding NAME/.", valueName: "DIR"))
    var directory: String?

    func run() throws {
        let started = Date()
        let report: DataSetReport
        do {
            report = try verifyDataSet(named: name, directory: directory)
        } catch {
            throw reportDataCommandError(error, dataSet: name)
        }
        printDataSetReport(report)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        print("")
        guard report.isSound else {
            print("result: FAILED (\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s"), \(seconds) s)")
            let others = report.problems.count - 1
            let more = others > 0 ? " (and \(others) more problem\(others == 1 ? "" : "s"), listed above)" : ""
            throw reportDataCommandError(VerifyFailure(line: report.problems[0] + more), dataSet: name)
        }
        let unverified = report.unverifiedFiles
        if unverified.isEmpty {
            print("result: OK — all \(report.files.count) files are valid and match their canonical checksums (\(seconds) s)")
        } else {
            let names = unverified.map { URL(fileURLWithPath: $0.path).lastPathComponent }.joined(separator: ", ")
            print("result: files valid, but NOT verified against a canonical checksum: \(names) "
                  + "(no canonical checksum known; \(seconds) s)")
        }
    }
}

/// A failed verification, carrying its one-line reason.
private struct VerifyFailure: Error, CustomStringConvertible {
    let line: String
    var description: String { line }
}
