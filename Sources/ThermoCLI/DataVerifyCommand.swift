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

    func validate() throws {
        // An unknown name is a usage error (status 64), like any invalid value.
        do { _ = try DataSetDescription.named(name) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        if (try? DataSetDescription.named(name))?.format ?? .idx != .idx { return try runBinary() }
        let started = Date()
        let report: DataSetReport
        do {
            report = try verifyDataSet(named: name, directory: directory)
        } catch {
            throw reportDataCommandError(error)
        }
        printDataSetReport(report)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        print("")
        guard report.isSound else { throw failure(report.problems, seconds: seconds) }
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

extension DataVerifyCommand {
    /// Prints the FAILED line of a verification with `problems` (at least one) and returns the error that ends
    /// the command, naming the first problem and how many more were listed.
    func failure(_ problems: [String], seconds: String) -> Error {
        print("result: FAILED (\(problems.count) problem\(problems.count == 1 ? "" : "s"), \(seconds) s)")
        let others = problems.count - 1
        let more = others > 0 ? " (and \(others) more problem\(others == 1 ? "" : "s"), listed above)" : ""
        return reportDataCommandError(VerifyFailure(line: problems[0] + more))
    }

    /// CIFAR-10 and STL-10: each .bin file's size and md5 (against the published one where there is one), the
    /// tarball's md5 when it lies beside the files, then the whole data set as training reads it.
    func runBinary() throws {
        let started = Date()
        let report: BinaryDataSetReport
        do {
            report = try verifyBinaryDataSet(named: name, directory: directory)
        } catch {
            throw reportDataCommandError(error)
        }
        printBinaryDataSetReport(report)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        print("")
        guard report.isSound else { throw failure(report.problems, seconds: seconds) }
        if report.isVerified {
            print("result: OK — the files are valid and match the published checksums (\(seconds) s)")
        } else {
            print("result: files valid, but NOT verified against a published checksum: only the md5 of "
                  + "\(report.dataSet.archive?.fileName ?? "the tarball") is published; put it beside the files to have it "
                  + "checked (\(seconds) s)")
        }
    }
}

/// Prints a CIFAR-10 or STL-10 report: one block per file, the tarball, the label histograms, the problems.
func printBinaryDataSetReport(_ report: BinaryDataSetReport) {
    let d = report.dataSet
    print("data set \(d.name) (\(d.title)) in \(report.directory)")
    for file in report.files {
        print("")
        print("\(file.name): \(file.path)")
        print("  size        \(file.size.map { String($0) } ?? "unreadable") bytes")
        if let md5 = file.md5 { print("  md5         \(md5)") }
        printChecksumVerdict(file.verdict)
    }
    if let archive = report.archive {
        print("")
        print("tarball: \(archive.path)")
        print("  md5         \(archive.md5)")
        printChecksumVerdict(archive.verdict)
    }
    print("")
    print("label histogram (class: count)")
    for (split, histogram) in [("train", report.trainHistogram), ("test", report.testHistogram)] {
        let cells = histogram.map { h in h.enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: " ")
            + "  (total \(h.reduce(0, +)))" } ?? "not available (the files do not read as the data set: see problems)"
        print("  \(split.padding(toLength: 6, withPad: " ", startingAt: 0))\(cells)")
    }
    if !report.problems.isEmpty {
        print("")
        print("problems")
        for problem in report.problems { print("  - \(problem)") }
    }
}

/// A failed verification, carrying its one-line reason.
private struct VerifyFailure: Error, CustomStringConvertible {
    let line: String
    var description: String { line }
}
