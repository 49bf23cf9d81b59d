import ArgumentParser
import Datasets
import Foundation

/// `thermo data …`: verify and fetch data sets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Verify or fetch the data sets thermo trains on.",
        discussion: """
        Data sets: \(DataSetDescription.knownNames.joined(separator: ", ")). thermo looks for a data set's four IDX \
        files (raw or .gz) in the --data folder (or its NAME/ subfolder), else in $THERMO_DATA (same two forms), \
        else in the per-user folder $XDG_DATA_HOME/thermo/NAME (default ~/.local/share/thermo/NAME, where \
        'thermo data fetch' puts them), else in ./data/NAME. cifar10 (binary version: data_batch_1.bin … \
        data_batch_5.bin, test_batch.bin) and stl10 (binary version: train_X.bin, train_y.bin, test_X.bin, \
        test_y.bin) are looked for in the same places, the files in the folder itself or in the tarball's \
        cifar-10-batches-bin/ or stl10_binary/ inside it.
        """,
        subcommands: [DataVerifyCommand.self, DataFetchCommand.self]
    )
}

/// Prints `error` to standard error as one line starting with `error:` (the data set's errors name it in their
/// advice), and returns the exit code to throw.
func reportDataCommandError(_ error: Error) -> ExitCode {
    let line = String(describing: error).replacingOccurrences(of: "\n", with: " ")
    FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    return ExitCode.failure
}

/// Prints a data set's report: one block per file, the label histograms, and the problems found.
func printDataSetReport(_ report: DataSetReport) {
    let d = report.dataSet
    print("data set \(d.name) (\(d.title)) in \(report.directory)")
    for file in report.files {
        print("")
        print("\(file.role.split) \(file.role.kind): \(file.path)")
        switch file.outcome {
        case .invalid(let error):
            print("  INVALID     " + String(describing: error))
        case let .valid(storage, dimensions, sha256, verdict):
            print("  kind        \(file.role.kind), \(storage == .gzip ? "gzip-compressed IDX" : "raw IDX")")
            print("  records     \(dimensions[0])")
            print("  dimensions  \(dimensions.map(String.init).joined(separator: " × "))")
            print("  sha256      \(sha256) (decompressed bytes)")
            printChecksumVerdict(verdict)
        }
    }
    print("")
    print("label histogram (class: count)")
    for (split, histogram) in [("train", report.trainHistogram), ("test", report.testHistogram)] {
        if let histogram {
            let cells = histogram.enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: " ")
            print("  \(split.padding(toLength: 6, withPad: " ", startingAt: 0))\(cells)  (total \(histogram.reduce(0, +)))")
        } else {
            print("  \(split.padding(toLength: 6, withPad: " ", startingAt: 0))not available (the files do not read as the data set: see problems)")
        }
    }
    if !report.problems.isEmpty {
        print("")
        print("problems")
        for problem in report.problems { print("  - \(problem)") }
    }
}

/// Prints how a file's checksum compares with the canonical one, as the `canonical` line(s) of a data report.
func printChecksumVerdict(_ verdict: ChecksumVerdict) {
    switch verdict {
    case .matches(let canonical):
        print("  canonical   matches: \(canonical.kindDescription) \(canonical.hex)")
        print("              (source: \(canonical.source))")
    case let .mismatch(expected, actual):
        print("  canonical   MISMATCH: \(expected.kindDescription) is \(actual), expected \(expected.hex)")
        print("              (source: \(expected.source))")
    case .unknown(let reason):
        print("  canonical   \(reason)")
    }
}
