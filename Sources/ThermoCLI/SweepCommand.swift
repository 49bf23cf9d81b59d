import ArgumentParser
import Datasets
import Foundation
import NumericCore
import Sweeps
import Training

/// `thermo sweep`: runs a grid of `thermo train` runs, locally in parallel or as a Slurm job array, and
/// summarises their results (see docs/sweeps.md).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of training runs in parallel (or on Slurm) and summarise them.",
        discussion: """
        A grid is a file with one setting per line, or --grid flags with one setting each:
          smooth = 1 | 2 | 1,2
          radius = 0.001 … 0.1 log 7      (also '...'; 'lin N' for even spacing)
          seed = 1…3
          fixed = --layers 784,784,784,10 --epochs 120

        Names are thermo train flags without '--'; flags after '--' are fixed for every cell. Each cell runs in DIR/cells/ID/ (summary.json, checkpoint.ckpt, log.txt); DIR/manifest.json lists them. Running the same sweep again skips finished cells, resumes interrupted ones from their checkpoints and retries failed ones; a diverged cell is a result and is not retried. See docs/sweeps.md.

        Examples:
          thermo sweep grid.txt -o runs/fig3 --jobs 2
          thermo sweep --grid 'radius = 0.001…0.1 log 4' -o r -- --loss pla --smooth 2
          thermo sweep grid.txt -o runs/fig3 --slurm --submit --time 04:00:00 --mem 4G
          thermo sweep --summary runs/fig3 --format csv
          thermo plot sweep runs/fig3 -o fig3.pdf

        """)

    @Argument(help: ArgumentHelp("A grid file; with --cell, the sweep folder; alone, a sweep folder to continue.", valueName: "GRID"))
    var input: String?
    @Option(name: .customLong("grid"), help: ArgumentHelp("One setting, e.g. 'radius = 0.01 | 0.1' (repeatable).", valueName: "SETTING"))
    var gridSettings: [String] = []
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The sweep folder.", valueName: "DIR"))
    var output: String?
    @Option(parsing: .unconditional, help: "Cells run at once (default: cores ÷ threads; with --slurm: at most this many array tasks at once).")
    var jobs: Int?
    @Option(parsing: .unconditional, help: "BLAS threads per cell (default 1; jobs × threads ≤ cores).")
    var threads: Int?
    @Flag(help: "Replace a different sweep in DIR (cells both grids share keep their results; the others move to DIR/discarded/).")
    var force = false
    @Flag(help: "Print the cells and their thermo train flags; run and write nothing.")
    var dryRun = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Run cell I of the sweep folder GRID in this process (what each Slurm task and local job does).", valueName: "I"))
    var cell: Int?

    @Option(name: .customLong("summary"), help: ArgumentHelp("Print the results of the sweep in DIR: best and final test accuracy, mean ± sd over seeds.", valueName: "DIR"))
    var summaryFolder: String?
    @Option(help: "Summary format: table, csv or json.")
    var format: SummaryFormat = .table
    @Flag(name: .customLong("cells"), help: "With --summary: one row per cell instead of per group of seeds.")
    var perCell = false

    @Flag(help: "Write DIR/sweep.sbatch, a Slurm job array with one task per cell to run, instead of running locally.")
    var slurm = false
    @Flag(help: "With --slurm: submit the script with sbatch.")
    var submit = false
    @Option(help: "With --slurm: the partition.")
    var partition: String?
    @Option(help: "With --slurm: each task's time limit (e.g. 04:00:00).")
    var time: String?
    @Option(parsing: .unconditional, help: "With --slurm: CPUs of each task, used as its BLAS threads (default 1).")
    var cpusPerTask: Int?
    @Option(help: "With --slurm: memory of each task (e.g. 4G).")
    var mem: String?
    @Option(help: "With --slurm: the account to charge.")
    var account: String?
    @Option(help: "With --slurm: the job's name (default thermo-sweep-FOLDER).")
    var jobName: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("thermo train flags shared by every cell (after --).", valueName: "TRAIN-FLAGS"))
    var trainFlags: [String] = []

    /// The summary formats.
    enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    var slurmFlagsGiven: [String] {
        [("--partition", partition != nil), ("--time", time != nil), ("--cpus-per-task", cpusPerTask != nil), ("--mem", mem != nil),
         ("--account", account != nil), ("--job-name", jobName != nil), ("--submit", submit)].filter(\.1).map(\.0)
    }

    func validate() throws {
        if let summaryFolder {
            guard cell == nil, output == nil, input == nil, gridSettings.isEmpty, trainFlags.isEmpty, !slurm, slurmFlagsGiven.isEmpty, !dryRun else {
                throw ValidationError("--summary DIR takes only --format and --cells (e.g. thermo sweep --summary \(summaryFolder) --format csv)")
            }
        } else if format != .table || perCell {
            throw ValidationError("--format and --cells go with --summary DIR")
        }
        if let cell {
            guard input != nil else { throw ValidationError("--cell \(cell) needs the sweep folder: thermo sweep --cell \(cell) DIR") }
            guard output == nil, gridSettings.isEmpty, trainFlags.isEmpty, !slurm, slurmFlagsGiven.isEmpty, jobs == nil, !dryRun, !force else {
                throw ValidationError("--cell I DIR takes only --threads")
            }
        }
        if !slurm, let first = slurmFlagsGiven.first {
            throw ValidationError("\(first) goes with --slurm")
        }
        if slurm && threads != nil {
            throw ValidationError("with --slurm, each task's BLAS threads are its --cpus-per-task; drop --threads")
        }
    }

    func run() throws {
        do {
            if let summaryFolder { return try printSummary(SweepFolder(path: summaryFolder)) }
            if let cell, let input { return try runCell(cell, folder: SweepFolder(path: input)) }
            try runGrid()
        } catch let error as SweepError where error.isUsageError {
            throw ValidationError(error.description)
        } catch let error as SweepError {
            throw CommandError(error.description)
        } catch let error as GridError {
            throw ValidationError(error.description)
        }
    }

    // MARK: A grid, locally or on Slurm

    func runGrid() throws {
        var gridInput = input
        var outputPath = output
        // `thermo sweep DIR` (or `thermo sweep DIR -o DIR`): continue the sweep in DIR.
        var isFolder: ObjCBool = false
        if let input, FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue {
            let holdsSweep = SweepFolder(path: input).hasManifest
            let sameAsOutput = output.map {
                SweepFolder(path: $0).root.resolvingSymlinksInPath() == SweepFolder(path: input).root.resolvingSymlinksInPath()
            } ?? true
            if sameAsOutput {
                // A sweep folder holds its grid and flags: a grid or train flags given with it would make another sweep.
                if holdsSweep && (!gridSettings.isEmpty || !trainFlags.isEmpty) {
                    throw ValidationError("thermo sweep \(input) continues the sweep in \(input), whose grid and flags are in its manifest.json; drop "
                        + (gridSettings.isEmpty ? "the flags after --" : "--grid") + " to continue it, or write a new grid to another folder (-o), "
                        + "or over this one with -o \(input) --force (cells both grids share keep their results)")
                }
                outputPath = input
                gridInput = nil
            } else if holdsSweep, let output {
                throw ValidationError("\(input) is a sweep folder, not a grid file; give a grid file with -o \(output), or continue the sweep in \(input) with 'thermo sweep \(input)'")
            }
            // Otherwise readGrid says that the folder holds no sweep and is no grid file.
        }
        guard let outputPath else {
            if let input, !FileManager.default.fileExists(atPath: input) {
                throw CommandError("\(input) does not exist: give a grid file and the sweep folder to create "
                                      + "(thermo sweep grid.txt -o runs/sweep), or the folder of a sweep to continue it")
            }
            throw ValidationError("give the sweep folder with -o DIR (e.g. thermo sweep grid.txt -o runs/sweep)")
        }
        let folder = SweepFolder(path: outputPath)
        // Checked before anything is written.
        let parallelism = try Parallelism(jobs: slurm ? nil : jobs, threads: threads, cores: ProcessInfo.processInfo.activeProcessorCount)
        let slurmOptions = SlurmOptions(partition: partition, time: time, cpusPerTask: cpusPerTask ?? 1, memory: mem,
                                        account: account, jobName: jobName, maxRunning: jobs)
        if slurm { try slurmOptions.validate() }
        let hasGrid = gridInput != nil || !gridSettings.isEmpty || !trainFlags.isEmpty

        let manifest: Manifest
        if hasGrid {
            let grid = try readGrid(file: gridInput)
            let cells = try grid.cells()
            try checkTrainFlags(cells, trace: grid.trace)
            if dryRun {
                // Say now what the real command would refuse (another sweep in DIR), or replace.
                if let difference = try folder.differenceFromSweep(cells: cells, trace: grid.trace) {
                    guard force else { throw SweepError.conflict(folder.anotherSweepMessage(difference)) }
                    printError("sweep: --dry-run: \(folder.root.path) holds another sweep (\(difference)); without --dry-run, --force replaces it")
                }
                return printCells(cells, grid: grid)
            }
            let (prepared, preparation) = try folder.prepare(grid: grid, cells: cells,
                                                             workingDirectory: FileManager.default.currentDirectoryPath,
                                                             thermoVersion: thermoVersion, force: force)
            manifest = prepared
            switch preparation {
            case .created: break
            case .continued: printError("sweep: \(folder.root.path) holds this sweep already; continuing it")
            case let .replaced(kept, discarded, discardedFolder):
                printError("sweep: replaced the sweep in \(folder.root.path): \(kept) cell\(kept == 1 ? "" : "s") kept their results"
                           + (discarded > 0 ? ", \(discarded) moved to \(discardedFolder ?? "discarded/")" : ""))
            }
        } else {
            guard folder.hasManifest else {
                throw ValidationError("give a grid (a file, --grid SETTING, or thermo train flags after --); \(folder.root.path) holds no sweep to continue")
            }
            if force { throw ValidationError("--force replaces a sweep by another grid; give the grid") }
            manifest = try folder.readManifest()
            if dryRun { return printCells(manifest.cells, grid: manifest.grid) }
            if !slurm { try checkPendingCells(folder.refreshed(manifest)) }
        }

        if slurm {
            try writeSlurm(folder: folder, manifest: manifest, options: slurmOptions)
        } else {
            try runLocally(folder: folder, manifest: manifest, parallelism: parallelism)
        }
    }

    /// The grid from the file, the --grid flags and the flags after --.
    func readGrid(file: String?) throws -> Grid {
        var parser = GridParser()
        if let file {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else {
                throw CommandError("the grid file \(file) does not exist; give a file with one setting per line (see thermo sweep --help)")
            }
            if isFolder.boolValue {
                throw ValidationError("\(file) is a folder that holds no sweep, not a grid file; give a grid file, "
                                      + "or a sweep folder (with its manifest.json) to continue")
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read the grid file \(file) (no read permission?); give a readable file with one setting per line")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("the grid file \(file) is not UTF-8 text")
            }
            try parser.addFile(text, name: file)
            let read = parser.grid()
            if read.settings.isEmpty && read.fixed.isEmpty && !read.trace {
                throw ValidationError("the grid file \(file) holds no setting (only blank lines or comments); "
                                      + "write one per line, e.g. 'radius = 0.001 … 0.1 log 4' or 'fixed = --epochs 20'")
            }
        }
        for (i, setting) in gridSettings.enumerated() { try parser.addFlag(setting, index: i + 1) }
        if !trainFlags.isEmpty { try parser.addFixed(trainFlags) }
        return parser.grid()
    }

    /// Parses each cell's flags as thermo train would, so that a bad value fails before any cell starts.
    func checkTrainFlags(_ cells: [Cell], trace: Bool) throws {
        if trace {
            do { _ = try TrainCommand.parse(["--trace", "trace.h5"]) } catch {
                throw ValidationError("trace = yes needs thermo train --trace FILE, which this thermo \(thermoVersion) does not have; drop the trace line")
            }
        }
        var located = Set<[String?]>()
        for cell in cells {
            let command: TrainCommand
            do {
                command = try TrainCommand.parse(cell.arguments)
                _ = try command.configuration(base: TrainingConfiguration())
            } catch {
                let message = TrainCommand.message(for: error).replacingOccurrences(of: "\n", with: " ")
                throw ValidationError("cell \(cell.index) (\(cell.id)): thermo train refuses its flags "
                                      + "(\(ShellWords.display(cell.arguments))): \(message)")
            }
            // Each data set the cells read must be there (cells run in this folder, so paths resolve alike);
            // otherwise every cell would start and fail with the reason in its log only.
            // Not for --dry-run (it only lists) nor --slurm (the cluster's nodes may see other folders).
            let source = [command.data.dataset, command.data.data]
            guard !dryRun, !slurm, located.insert(source).inserted else { continue }
            do { _ = try locateDataSet(named: command.data.dataset ?? "mnist", directory: command.data.data) } catch {
                throw CommandError("cell \(cell.index) (\(cell.id)): \(error)")
            }
        }
    }

    /// What a new sweep checks before its first cell, for the cells of a continued sweep that still have to run:
    /// their flags, and that the data they read are there, looked up from the sweep's working folder (where its
    /// cells run). A data set that went missing then fails once, instead of failing every cell in its log.
    func checkPendingCells(_ manifest: Manifest) throws {
        let pending = manifest.cells.filter { $0.status?.needsRun ?? true }
        guard !pending.isEmpty else { return }
        let files = FileManager.default, previous = files.currentDirectoryPath
        let moved = files.changeCurrentDirectoryPath(manifest.workingDirectory)
        defer { if moved { _ = files.changeCurrentDirectoryPath(previous) } }
        try checkTrainFlags(pending, trace: manifest.grid.trace)
    }

    func printCells(_ cells: [Cell], grid: Grid) {
        print("\(cells.count) cell\(cells.count == 1 ? "" : "s")\(grid.trace ? ", each recording a trace" : ""):")
        for c in cells { print("\(c.id)\n    thermo train \(ShellWords.display(c.arguments))") }
    }

    func runLocally(folder: SweepFolder, manifest: Manifest, parallelism: Parallelism) throws {
        let runner = LocalRunner(folder: folder, manifest: manifest, executable: currentExecutablePath(), parallelism: parallelism)
        let report = try runner.run()
        let completed = report.cells(.completed).count, diverged = report.cells(.diverged), failed = report.cells(.failed)
        let unfinished = report.states.filter { !$0.state.isFinal && $0.state != .failed }.count
        let path = ShellWords.display([folder.root.path])
        if let signal = report.stoppedBy {
            printError("error: the sweep was stopped (\(signalName(signal))): \(completed + diverged.count) of \(report.states.count) cells finished, "
                       + "\(unfinished) not; run 'thermo sweep \(path)' to continue (finished cells are skipped, interrupted ones resume from their checkpoints)")
            throw ExitCode(128 + signal)
        }
        var line = "sweep: \(counted(report.states.count, "cell")) in \(folder.root.path): \(completed) completed"
        if !diverged.isEmpty { line += ", \(diverged.count) diverged (a result: not retried)" }
        if !failed.isEmpty { line += ", \(failed.count) failed" }
        if unfinished > 0 { line += ", \(unfinished) not finished (running elsewhere)" }
        print(line + ". Results: thermo sweep --summary \(path)")
        if !failed.isEmpty {
            let list = failed.prefix(3).map { "\($0.id) (see \(folder.files($0).log.path))" }.joined(separator: ", ")
            printError("error: \(failed.count) cell\(failed.count == 1 ? "" : "s") failed: \(list)\(failed.count > 3 ? ", …" : ""); "
                       + "run 'thermo sweep \(path)' to retry \(failed.count == 1 ? "it" : "them")")
            throw ExitCode(1)
        }
    }

    func writeSlurm(folder: SweepFolder, manifest: Manifest, options: SlurmOptions) throws {
        let refreshed = folder.refreshed(manifest)
        try folder.writeManifest(refreshed)
        let indices = refreshed.cells.filter { $0.status?.needsRun ?? true }.map(\.index)
        let running = refreshed.cells.filter { $0.status == .running }.count
        guard !indices.isEmpty else {
            print("sweep: nothing to submit: the \(manifest.cells.count) cells of \(folder.root.path) are "
                  + (running > 0 ? "finished or running (\(running))" : "finished") + ". Results: thermo sweep --summary \(ShellWords.display([folder.root.path]))")
            return
        }
        let script = SlurmScript(folder: folder, manifest: refreshed, indices: indices, executable: currentExecutablePath(),
                                 options: options, thermoVersion: thermoVersion)
        try script.write(to: folder)
        print("sweep: wrote \(folder.sbatchURL.path): a job array of \(indices.count) task\(indices.count == 1 ? "" : "s") (cells \(SlurmScript.arraySpec(indices)))")
        if submit {
            let job = try SlurmScript.submit(folder)
            print("sweep: submitted job \(job); follow it with squeue -j \(job); results: thermo sweep --summary \(ShellWords.display([folder.root.path]))")
        } else {
            print("sweep: submit it with: cd \(ShellWords.display([folder.root.path])) && sbatch sweep.sbatch")
        }
    }

    // MARK: Results

    func printSummary(_ folder: SweepFolder) throws {
        let manifest = try folder.readManifest()
        let summary = SweepSummary(folder: folder, manifest: manifest)
        switch format {
        case .table: print(summary.table(perCell: perCell), terminator: "")
        case .csv: print(summary.csv(perCell: perCell), terminator: "")
        case .json: print(String(decoding: try summary.json(), as: UTF8.self))
        }
    }

    // MARK: One cell

    func runCell(_ index: Int, folder: SweepFolder) throws {
        let manifest = try folder.readManifest()
        let runner = CellRunner(folder: folder, manifest: manifest, threads: threads ?? 1)
        let cell = try runner.cell(index)
        switch try runner.run(index, train: trainInProcess) {
        case .alreadyFinished(let state):
            printError("sweep: cell \(index) (\(cell.id)) is \(state.rawValue) already; nothing to do")
        case let .busy(host, pid):
            let who = pid.map { " (pid \($0)\(host.map { " on \($0)" } ?? ""))" } ?? ""
            printError("error: cell \(index) (\(cell.id)) is being run by another process\(who); wait for it, or stop it and run this again")
            throw ExitCode(75)
        case let .ran(status, state):
            let files = folder.files(cell)
            var line = "sweep: cell \(index) (\(cell.id)): \(state.rawValue)"
            if let r = files.result(), let best = r.bestTestAccuracy, let final = r.finalTestAccuracy, state.isFinal {
                line += String(format: ", best %.2f%%, final %.2f%%", best * 100, final * 100)
            }
            if status != 0 && status != 3 { line += " (exit status \(status); see \(files.log.path))" }
            printError(line)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// Runs `thermo train ARGUMENTS` in this process and returns its exit status, printing errors as `thermo train`
/// would (its output goes wherever standard output and error go: a cell's log.txt).
func trainInProcess(_ arguments: [String]) -> Int32 {
    do {
        let command = try TrainCommand.parse(arguments)
        try command.run()
        return 0
    } catch let code as ExitCode {
        return code.rawValue
    } catch {
        let message = TrainCommand.message(for: error).replacingOccurrences(of: "\n", with: " ")
        printError("error: \(message)")
        let code = TrainCommand.exitCode(for: error).rawValue
        return error is ValidationError || code == 64 ? 64 : (code == 0 ? 1 : code)
    }
}

