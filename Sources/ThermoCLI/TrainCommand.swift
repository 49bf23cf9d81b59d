import ArgumentParser
import Datasets
import Foundation
import HDF5
import Networks
import NumericCore
import Settings
import Smoothing
import Traces
import Training

/// `thermo train`: trains a fully-connected (`--layers`) or convolutional (`--network`) network on an MNIST-like
/// data set with SGD and momentum.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a fully-connected or convolutional network with SGD and momentum.",
        discussion: """
        Defaults are the paper's: --lr 1e-4 --momentum 0.9 --batch-size 256 --epochs 120 on 784,784,784,10 ReLU.
        Per epoch it prints train loss/accuracy and test loss/accuracy; at the end the best and final test \
        accuracy, wall time and throughput (also as JSON with --summary FILE).

        Example (a few seconds on 2 cores, about 97.5% test accuracy):
          thermo train --layers 784,256,10 --lr 0.05 --epochs 3
        A convolutional network (the paper's §5 layout on MNIST is --network paper-mnist):
          thermo train --network conv8,pool,fc32,fc10 --lr 0.05 --batch-size 64
        """
    )

    @OptionGroup var data: DataOptions

    @OptionGroup var settings: TrainingOptions
    @OptionGroup(title: "Augmentation") var augmentation: AugmentationOptions
    @Option(parsing: .unconditional, help: "Threads (default: the number of cores): OpenBLAS's for a fully-connected network; for one with convolutions, blocks of each batch's rows run at once, one OpenBLAS thread each.")
    var threads: Int?

    @Option(help: ArgumentHelp("Write the run's summary as JSON to FILE (- for standard output; a FIFO or device is written through).", valueName: "FILE"))
    var summary: String?
    @Option(help: ArgumentHelp("Checkpoint file (default: thermo.ckpt, or the --resume file).", valueName: "FILE"))
    var checkpoint: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Write a checkpoint every N epochs (and after the last).", valueName: "N"))
    var checkpointEvery: Int?
    @Option(help: ArgumentHelp("Continue the run saved in CKPT (to --epochs, if larger).", valueName: "CKPT"))
    var resume: String?
    @Option(help: ArgumentHelp("Record gradient statistics into an HDF5 trace FILE.h5 (see docs/trace-format.md); with --resume, an existing trace of the run is continued.", valueName: "FILE.h5"))
    var trace: String?
    @Option(help: ArgumentHelp("What the trace records (repeatable or comma-separated): layers (minimal), moments (default: layers + per-weight epoch moments), per-weight[:every=K] (moments + per-weight snapshots every K epochs), batch-variance[:every=K] (within-batch variance from per-sample gradients; cross-entropy only), curvature[:every=K|log][:probes=P] (per-layer Hessian λ_max and trace every K epochs, default 20; see 'thermo curvature').", valueName: "LEVEL"))
    var record: [String] = []
    @Flag(help: "With --resume: continue although the data's checksums differ from those the run started with (the trace's sessions record the change).")
    var allowDataChange = false
    @Flag(help: "Overwrite existing output files.")
    var force = false
    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        try validateThreadCount(threads)
        if let checkpointEvery {
            do { try CheckpointWriter.checkPeriod(checkpointEvery) } catch { throw ValidationError(error.description) }
        }
        if !record.isEmpty && trace == nil { throw ValidationError("--record needs --trace FILE.h5 to record into") }
        if allowDataChange && resume == nil { throw ValidationError("--allow-data-change goes with --resume CKPT") }
        do { _ = try TraceRecording(parsing: record) } catch { throw ValidationError(error.description) }
    }

    /// The configuration the flags describe, on top of `base` (the defaults, or a resumed run's).
    func configuration(base: TrainingConfiguration) throws -> TrainingConfiguration {
        var given = settings.given
        given[.dataset] = data.dataset
        given[.augment] = try augmentation.spec()
        do { return try base.applying(given) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        // From the start, a stop signal is noted rather than fatal, so that the claims below are released.
        StopSignals.install()
        BLAS.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let threadCount = BLAS.threads  // what OpenBLAS runs (it caps the count at its build's maximum), as recorded

        // Everything that can be checked is checked before any work: flags, then outputs, then the data.
        let resumed = try resume.map { try Checkpoint(contentsOf: $0) }
        // A run killed while writing its checkpoint left CHECKPOINT.tmp-PID beside it: the resume is its continuation.
        if let resume { removeStaleTemporaries(of: resume, marker: ".tmp-") }
        let config = try runConfiguration(resumed: resumed, threadCount: threadCount)
        let checkpointPath = checkpoint ?? resume ?? "thermo.ckpt"
        // With --resume an existing trace is the run's own and is continued, not overwritten.
        let continuesTrace = resumed != nil && trace.map { FileManager.default.fileExists(atPath: $0) } == true
        // Every output is checked and claimed now, and released when the run ends (see RunOutputs).
        let outputs = try plannedOutputs(checkpointPath: checkpointPath, resumed: resumed != nil, continuesTrace: continuesTrace)
        defer { outputs.release() }
        try stopIfRequested()
        var recording: TraceRecording? = nil
        if trace != nil {
            do { recording = try TraceRecording(parsing: record) } catch { throw ValidationError(error.description) }
        }
        if let (level, reason) = recording?.refusal(for: config) { throw ValidationError("--record \(level) \(reason)") }
        let (trainer, dataSet, checksums) = try makeTrainer(config, resumed: resumed)
        try stopIfRequested()

        let (progress, recorder, snapshot) = try attachObservers(to: trainer, recording: recording, continuesTrace: continuesTrace,
                                                                 checkpointPath: checkpointPath, checksums: checksums,
                                                                 threadCount: threadCount)
        printRunHeader(config, trainer: trainer, dataSet: dataSet, threadCount: threadCount)

        var status = "completed", message: String? = nil, failure: Error? = nil
        do {
            try trainer.run()
        } catch let error as TrainingError {
            if case .diverged = error { status = "diverged" } else { status = "interrupted" }
            message = error.description
            failure = error
        } catch let error as HDF5Error where recorder != nil {
            // The trace could not be written (a full disk, a file size limit): its complete epochs are safe, and
            // an older trace it was to replace is left as it was.
            let keptOldTrace = recorder?.keepsOldFile == true
            try? recorder?.finish(.failed)
            let resumable = keptOldTrace ? nil
                : checkpointAfterWriteFailure(snapshot: snapshot, checkpointPath: checkpointPath, outputs: outputs)
            throw CommandError(traceWriteFailure(error, checkpoint: resumable, keptOldTrace: keptOldTrace,
                                                 epochs: config.epochs, threads: threadCount))
        } catch {
            try? recorder?.finish(.failed)
            throw error
        }
        progress.finish()
        let keptOldTrace = recorder?.keepsOldFile == true
        try recorder?.finish(status == "completed" ? .completed : status == "diverged" ? .diverged : .interrupted,
                             divergence: (failure as? TrainingError)?.divergence)
        var result = RunSummary(trainer, status: status, message: message, command: CommandLine.arguments,
                                thermoVersion: thermoVersion, blasThreads: threadCount, blas: BLAS.configuration)
        result.trace = trace
        if summary != nil { try outputs.writeSummary([UInt8](try result.json())) }
        if let stop = failure as? TrainingError, case let .interrupted(epoch, step) = stop, let signal = StopSignals.pending {
            try reportInterruption(signal: signal, epoch: epoch, step: step, snapshot: snapshot, keptOldTrace: keptOldTrace,
                                   checkpointPath: checkpointPath, epochs: config.epochs, threads: threadCount, outputs: outputs)
            throw ExitCode(128 + signal)
        }
        if let failure {
            printError("error: \(failure)")
            throw ExitCode(3)
        }
        if !quiet, let best = result.bestTestAccuracy, let bestEpoch = result.bestEpoch, let final = result.finalTestAccuracy {
            print(String(format: "best test accuracy %.2f%% (epoch %d), final %.2f%%; %@ in %.1f s, %.0f samples/s",
                         best * 100, bestEpoch, final * 100, counted(trainer.completedEpochs, "epoch"), result.wallSeconds,
                         result.samplesPerSecond))
        }
    }
}


extension TrainCommand {
    /// The run's configuration: the flags on top of the defaults, or on top of the resumed run's, which they may
    /// change only in `--epochs`.
    func runConfiguration(resumed: Checkpoint?, threadCount: Int) throws -> TrainingConfiguration {
        guard let resumed else { return try configuration(base: TrainingConfiguration()) }
        let saved = resumed.header.configuration
        let config = try configuration(base: saved)
        var comparable = config
        comparable.epochs = saved.epochs
        guard comparable == saved else {
            throw ValidationError("--resume: the flags change the run saved in \(resume!) (\(saved.differences(from: comparable))); "
                + "only --epochs may differ. Drop those flags to continue it.")
        }
        guard config.epochs >= resumed.header.completedEpochs else {
            throw ValidationError("--epochs \(config.epochs) is fewer than the \(counted(resumed.header.completedEpochs, "epoch")) already done in \(resume!)")
        }
        if resumed.header.blasThreads != threadCount && !quiet {
            printError("warning: the checkpoint was written with \(counted(resumed.header.blasThreads, "BLAS thread")), this run uses \(threadCount); results may differ in the last bits")
        }
        return config
    }

    /// Loads the data, builds the trainer (new, or from the checkpoint) and computes the data's checksums, which go
    /// into every checkpoint and the trace: a resume must read the data it started with.
    func makeTrainer(_ config: TrainingConfiguration, resumed: Checkpoint?) throws -> (Trainer, DataSet, [String: String]) {
        let dataSet: DataSet
        do {
            dataSet = try loadDataSet(named: config.dataset, directory: data.data)
        } catch {
            throw CommandError(String(describing: error))
        }
        let trainer: Trainer
        do {
            if let resumed {
                trainer = try Trainer(resuming: resumed, dataSet: dataSet, epochs: config.epochs)
            } else {
                trainer = try Trainer(configuration: config, dataSet: dataSet)
            }
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let checksums = DataChecksums.compute(dataSet)
        trainer.dataChecksums = checksums
        if let resumed, let saved = resumed.header.dataChecksums, saved != checksums {
            let changed = saved.keys.sorted().filter { saved[$0] != checksums[$0] }.joined(separator: ", ")
            guard allowDataChange else {
                throw ValidationError("--resume: the data in \(dataSet.directory) is not the data \(resume!) was trained on "
                    + "(\(changed) differ); point --data at the original files, or pass --allow-data-change to continue "
                    + "on these (the trace's sessions then record the change)")
            }
            if !quiet { printError("warning: continuing \(resume!) on other data (\(changed) differ), as --allow-data-change asks") }
        }
        return (trainer, dataSet, checksums)
    }

    /// Attaches, in order, the progress display, the trace recorder (before the checkpoint writer: a checkpoint
    /// never gets ahead of its trace), the checkpoint writer and the epoch snapshot that a stop signal writes; then
    /// lets the trainer poll the stop signals (installed when the command starts).
    func attachObservers(to trainer: Trainer, recording: TraceRecording?, continuesTrace: Bool, checkpointPath: String,
                         checksums: [String: String], threadCount: Int) throws -> (ProgressDisplay, TraceRecorder?, EpochSnapshot) {
        let progress = ProgressDisplay(quiet: quiet)
        trainer.observers.append(progress)
        var recorder: TraceRecorder? = nil
        if let trace, let recording {
            let provenance = TraceProvenance(thermoVersion: thermoVersion, command: CommandLine.arguments,
                                             dataChecksums: checksums, blasThreads: threadCount,
                                             blas: BLAS.configuration)
            do {
                recorder = continuesTrace
                    ? try TraceRecorder(resuming: trace, trainer: trainer, recording: record.isEmpty ? nil : recording,
                                        provenance: provenance)
                    : try TraceRecorder(creating: trace, trainer: trainer, recording: recording, provenance: provenance,
                                        replacing: force)
            } catch let error as TraceError where error.isChangedRecording {
                throw ValidationError("--record \(record.joined(separator: ",")): \(error)")
            }
            trainer.observers.append(recorder!)
        }
        if let every = checkpointEvery {
            trainer.observers.append(try CheckpointWriter(path: checkpointPath, every: every, blasThreads: threadCount,
                                                          thermoVersion: thermoVersion))
        }
        // SIGINT/SIGTERM stop at the next step boundary; the checkpoint of the last epoch boundary is then written
        // (with --checkpoint-every 1 it is already on disk, and no copy is kept in memory).
        let snapshot = EpochSnapshot(thermoVersion: thermoVersion, blasThreads: threadCount,
                                     onDisk: checkpointEvery == 1 ? checkpointPath : nil)
        trainer.observers.append(snapshot)
        trainer.stopRequested = { StopSignals.pending != nil }
        return (progress, recorder, snapshot)
    }

    /// The smoothing loss's warnings and the run's one-line description (unless `--quiet`).
    func printRunHeader(_ config: TrainingConfiguration, trainer: Trainer, dataSet: DataSet, threadCount: Int) {
        for warning in config.loss.warnings(architecture: config.architecture) where !quiet {
            printError("warning: \(warning)")
        }
        guard !quiet else { return }
        let start = trainer.completedEpochs > 0 ? ", resuming after epoch \(trainer.completedEpochs)" : ""
        print("thermo \(thermoVersion): \(config.architecture) on \(config.dataset) (\(trainer.data.trainIndices.count) training images from \(dataSet.directory)), "
              + "\(config.loss.name), lr \(config.optimizer.learningRate), momentum \(config.optimizer.momentum), "
              + (config.optimizer.weightDecay > 0 ? "weight decay \(config.optimizer.weightDecay), " : "")
              + (config.augment.map { $0 == "none" ? "" : "augment \($0), " } ?? "")
              + "batch \(config.batchSize), \(counted(config.epochs, "epoch")), seed \(config.seed), \(counted(threadCount, "BLAS thread")), "
              + "\(BLASKernel.current)\(start)")
        if let note = BLASKernel.current.note { printError("note: \(note)") }
        // Advice for a person at a terminal (scripts and tests see the same stderr on a busy or a quiet machine).
        if isatty(STDERR_FILENO) == 1, let load = BusyMachine.loadAverage(),
           let note = BusyMachine.note(load: load, cores: ProcessInfo.processInfo.activeProcessorCount, threads: threadCount) {
            printError("note: \(note)")
        }
    }

    /// After a stop signal: writes the checkpoint of the last epoch boundary (to the checkpoint path, or to a
    /// new name when that path holds something this run may not replace) and prints the command that continues.
    /// A run stopped before its new trace replaced an older one (`keptOldTrace`) has nothing worth continuing:
    /// it says so and gives the command that starts it again.
    func reportInterruption(signal: Int32, epoch: Int, step: Int, snapshot: EpochSnapshot, keptOldTrace: Bool,
                            checkpointPath: String, epochs: Int, threads: Int, outputs: RunOutputs) throws {
        if keptOldTrace, let trace {
            printError("stopped by \(StopSignals.name(signal)) at epoch \(epoch), step \(step), before the first epoch was complete; "
                + "\(trace) was left as it was (the new trace replaces it once it holds an epoch). Start again with: \(restartCommand)")
            return
        }
        let path: String
        if let onDisk = snapshot.onDisk {
            path = onDisk
        } else {
            guard let latest = snapshot.latest else { return }
            path = try outputs.stopCheckpoint(checkpointPath, mayReplace: force || checkpointEvery != nil || checkpointPath == resume)
            try latest.write(to: path)
        }
        let done = snapshot.completedEpochs
        printError("stopped by \(StopSignals.name(signal)) at epoch \(epoch), step \(step); "
            + (done > 0 ? "the checkpoint after epoch \(done) is in \(path)" : "no epoch was complete; the starting point is in \(path)")
            + ". Continue with: " + continuation(from: path, epochs: epochs, threads: threads))
    }

    /// The binary as it was invoked (`.build/release/thermo`), so that a printed command runs from the same folder.
    var program: String { CommandLine.arguments.first.flatMap { $0.contains("/") ? $0 : nil } ?? "thermo" }

    /// The command that continues this run from the checkpoint `path` and ends bit-identical to a straight run:
    /// `--resume`, the epochs and BLAS threads that ran, and the flags a checkpoint does not hold (data folder,
    /// trace, summary, checkpoint interval, …). The one continuation every message gives.
    func continuation(from path: String, epochs: Int, threads: Int) -> String {
        var command = [program, "train", "--resume", path, "--epochs", String(epochs), "--threads", String(threads)]
        if let data = data.data { command += ["--data", data] }
        if let trace { command += ["--trace", trace] }
        if let summary { command += ["--summary", summary] }
        if let checkpointEvery { command += ["--checkpoint-every", String(checkpointEvery)] }
        if allowDataChange { command.append("--allow-data-change") }
        if quiet { command.append("--quiet") }
        return command.map(shellQuoted).joined(separator: " ")
    }

    /// The command as it was typed (the binary as invoked): what starts a run again that has nothing to continue.
    var restartCommand: String {
        ([program] + CommandLine.arguments.dropFirst()).map(shellQuoted).joined(separator: " ")
    }

    /// Stops a run that a signal asked to stop before its first step (nothing to continue): one line, status
    /// 128 + the signal; the claims are released on the way out.
    func stopIfRequested() throws {
        guard let signal = StopSignals.pending else { return }
        printError("stopped by \(StopSignals.name(signal)) before the first step; nothing to continue")
        throw ExitCode(128 + signal)
    }

    /// A checkpoint that exists after a trace write failed and from which `--resume` continues the trace, with
    /// its epoch: the last epoch boundary's, written now as a stop signal's is (best: the trace holds exactly its
    /// epochs), else the one a `--checkpoint-every` writer or the resumed run left (the trace holds at least its
    /// epochs; the resume cuts the rest), else nil (the disk had no room for it either).
    func checkpointAfterWriteFailure(snapshot: EpochSnapshot, checkpointPath: String,
                                     outputs: RunOutputs) -> (path: String, epoch: Int)? {
        if let onDisk = snapshot.onDisk, FileManager.default.fileExists(atPath: onDisk) { return (onDisk, snapshot.completedEpochs) }
        if let latest = snapshot.latest,
           let path = try? outputs.stopCheckpoint(checkpointPath, mayReplace: force || checkpointEvery != nil || checkpointPath == resume),
           (try? latest.write(to: path)) != nil {
            return (path, latest.header.completedEpochs)
        }
        guard FileManager.default.fileExists(atPath: checkpointPath),
              let written = try? Checkpoint(contentsOf: checkpointPath) else { return nil }
        // Only a checkpoint of this run: the resumed one, or one its --checkpoint-every writer has written.
        let ours = checkpointPath == resume || checkpointEvery.map { snapshot.completedEpochs >= $0 } == true
        return ours ? (checkpointPath, written.header.completedEpochs) : nil
    }

    /// The message for a trace write that failed during training: what failed, and how to continue once there
    /// is room again — from `checkpoint` when one exists (the command a stop signal would give, for `epochs`
    /// on `threads`), else by training again; when the new trace had not yet replaced an older one
    /// (`keptOldTrace`), that one is left as it was and the run starts again.
    func traceWriteFailure(_ error: HDF5Error, checkpoint: (path: String, epoch: Int)?, keptOldTrace: Bool = false,
                           epochs: Int, threads: Int) -> String {
        let trace = self.trace ?? "the trace"
        let full = ["too large", "no space", "quota"].contains { error.reason.lowercased().contains($0) }
        var text = "the trace \(trace) could not be written: \(error.message)"
            + (full ? " (the disk is full or a file size limit was reached)" : "")
        if keptOldTrace {
            return text + "; no epoch was complete, and the trace it was to replace was left as it was. "
                + (full ? "Free some space, then start" : "Start") + " again with: \(restartCommand)"
        }
        text += "; its complete epochs are kept. "
        text += (full ? "Free some space, then run" : "Run") + " '\(shellQuoted(program)) recover \(shellQuoted(trace))'"
        if let checkpoint {
            text += " and continue with '\(continuation(from: checkpoint.path, epochs: epochs, threads: threads))'"
                + " (" + (checkpoint.epoch > 0 ? "the checkpoint after epoch \(checkpoint.epoch)" : "no epoch was complete; the checkpoint holds the starting point") + ")"
        } else {
            text += "; no checkpoint to continue from could be written, so train again (with --force to replace the trace)"
        }
        return text
    }

    /// Whether `path` is a summary of an interrupted run (which its own resumed run may replace).
    func isInterruptedSummary(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["status"] as? String == "interrupted"
    }
}
