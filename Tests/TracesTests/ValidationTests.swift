import Foundation
import HDF5
import Testing
import TestSupport
@testable import Traces

/// Damaged traces are refused with a message, never read into a trap (regressions of issue 8's catalogue and of
/// the trace fuzz harness), and a trace cut short by a full disk is restored by recovery.
@Suite("Trace validation", .serialized)
struct ValidationTests {
    /// A recorded trace with `edit` applied.
    func damaged(_ edit: (File) throws -> Void) throws -> String {
        let (_, _, path) = try recordedRun(.standard, epochs: 2)
        let file = try File.open(path, mode: .readWrite)
        try edit(file)
        try file.close()
        return path
    }

    @Test("Impossible header numbers, markers and shapes are refused, naming what is wrong",
          arguments: [
            ("widths [144]", "impossible layer widths [144]"),
            ("widths with 0", "impossible layer widths [144, 0, 16, 4]"),
            ("huge widths", "impossible layer widths"),
            ("steps_per_epoch 0", "steps_per_epoch = 0"),
            ("first_epoch -1", "first_epoch = -1"),
            ("completed_epochs -3", "impossible marker /completed_epochs = -3"),
            ("completed_epochs 2^62", "impossible marker /completed_epochs"),
            ("completed_epochs 9", "counts 9 complete epochs of 2 planned"),
            ("a fourth layer in the header", "has /steps/layer_signal of shape 34 × 3 where its header implies rows × 4"),
          ])
    func refused(_ damage: String, _ message: String) throws {
        let path = try damaged { file in
            switch damage {
            case "widths [144]": try file.setAttribute("widths", [144])
            case "widths with 0": try file.setAttribute("widths", [144, 0, 16, 4])
            case "huge widths": try file.setAttribute("widths", [1 << 40, 1 << 40, 16, 4])
            case "steps_per_epoch 0": try file.setAttribute("steps_per_epoch", 0)
            case "first_epoch -1": try file.setAttribute("first_epoch", -1)
            case "completed_epochs -3": try file.openDataset("completed_epochs").write([Int64(-3)])
            case "completed_epochs 2^62": try file.openDataset("completed_epochs").write([Int64(1) << 62])
            case "completed_epochs 9": try file.openDataset("completed_epochs").write([Int64(9)])
            default:  // the variables hold 3 layers
                try file.setAttribute("widths", [144, 32, 16, 4, 4])
                try file.setAttribute("layer_count", 4)
            }
        }
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.message.contains("damaged") == true, "\(error?.description ?? "")")
    }

    @Test("An epoch number that is no integer is refused at open, not converted into a trap")
    func epochNumberOutOfRange() throws {
        let path = try damaged { try $0.openDataset("epochs/epoch").write([Int64.max], start: [1], count: [1]) }
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains("at row 1 of /epochs/epoch, which is no epoch or step number") == true, "\(error?.description ?? "")")
    }

    @Test("A variable shorter than the markers is refused at open, naming it (fuzz: trace, crash-5b712ea2, used to trap)",
          arguments: ["epochs/layer_signal", "epochs/layer_noise", "epochs/test_loss"])
    func variableShorterThanTheMarkers(_ variable: String) throws {
        // The reproducer: 07 03 00 (resize epochs/layer_signal to 0 rows), then an edit that changes nothing read.
        let path = try damaged { file in
            let dataset = try file.openDataset(variable)
            var shape = try dataset.shape
            shape[0] = 0
            try dataset.resize(to: shape)
        }
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains("has 0 rows of /\(variable) where /completed_epochs counts 2 complete epochs") == true,
                "\(error?.description ?? "")")
    }

    @Test("A writer process id beyond pid_t names no live writer (fuzz: trace, crash-bcc1fa39)", arguments: [Int64(1) << 40, Int64.max])
    func impossibleWriterProcess(_ pid: Int64) throws {
        // The reproducer set status to running and writer_pid to 2^40; the liveness check converted it to
        // pid_t and trapped ("Not enough bits to represent the passed value").
        let path = try damaged { file in
            try file.openDataset("status").write([TraceStatus.running.rawValue])
            try file.openDataset("writer_pid").write([pid])
        }
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        #expect(!TraceMaintenance.writerMayBeAlive(reader))
        let summary = try TraceSummary(reader)
        #expect(summary.writerGone == true)
    }

    @Test("NaN and ∞ in metrics are read and shown, not refused")
    func nonFiniteMetrics() throws {
        let path = try damaged { try $0.openDataset("epochs/train_loss").write([Double.nan], start: [1], count: [1]) }
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let summary = try TraceSummary(reader)
        #expect(summary.lastEpoch?.trainLoss.isNaN == true)
        #expect(summary.text.contains("train loss nan"))
    }

    @Test("A trace cut short by a failed write is refused with advice; recovery extends it and keeps every complete epoch")
    func cutShortByAFullDisk() throws {
        let (_, _, path) = try recordedRun(.standard, epochs: 2)
        // What a full disk leaves: HDF5 recorded the file's length in the superblock, the tail — the writes of an
        // epoch never marked complete — never reached the disk. Data written after the last complete epoch stands
        // in for that tail. (The superblock and the metadata it points to come first.)
        let file = try File.open(path, mode: .readWrite)
        try file.createDataset("unfinished", of: Double.self, shape: [2048]).write([Double](repeating: 1, count: 2048))
        try file.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let kept = full.count - 4096
        try full.prefix(kept).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains("\(TraceReader.shortFile) (\(kept) of \(full.count) bytes)") == true, "\(error?.description ?? "")")
        #expect(error?.message.contains("thermo recover") == true)
        let report = try TraceRecovery.recover(path)
        #expect(report.extendedFile && report.epochs == 2)
        let reader = try TraceReader(contentsOf: path)
        #expect(try reader.epochs() == [1, 2])
        try reader.close()
    }

    @Test("A completed trace cut into its data keeps the epochs whose every row reads back, and reads in full after")
    func cutIntoCompleteEpochs() throws {
        let (trainer, _, path) = try recordedRun(.standard, epochs: 40)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        // The last chunk a completed trace writes is that of /epochs/weight_temperature_histogram's epochs 33…40
        // (chunks of 16 epochs): cutting into it loses those epochs, and only those.
        try full.prefix(full.count - 300).write(to: URL(fileURLWithPath: path))
        let report = try TraceRecovery.recover(path)
        #expect(report.extendedFile && report.epochs == 32 && report.unreadableEpochs == 8, "\(report)")
        #expect(report.steps == 32 * trainer.stepsPerEpoch)
        #expect(report.firstUnreadable?.dataset == "/epochs/weight_temperature_histogram" && report.firstUnreadable?.row == 32,
                "\(report.firstUnreadable?.description ?? "nil")")
        #expect(report.statusBefore == .completed && report.statusAfter == .recovered)
        // Every row of every variable now reads back.
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        #expect(try reader.epochs() == Array(1...32))
        #expect(TraceReadability.extent(of: reader) == ReadableExtent(epochs: 32, steps: report.steps, snapshots: 0))
        for group in [TraceGroup.epochs, .steps] {
            for variable in TraceVariable.records(in: group, recording: .standard, smoothing: false) {
                #expect(try reader.read(variable).rowCount == (group == .epochs ? 32 : report.steps), "\(variable.path)")
            }
        }
        #expect(try TraceSummary(reader).lastEpoch?.epoch == 32)
    }

    @Test("A trace none of whose epochs reads back is refused and left as it was; readers say to recover it")
    func noEpochReadsBack() throws {
        let (_, _, path) = try recordedRun(.standard, epochs: 2)
        let url = URL(fileURLWithPath: path)
        let full = try Data(contentsOf: url)
        // 4 KB off a completed two-epoch trace cuts chunks that hold both epochs.
        let cut = full.prefix(full.count - 4096)
        try cut.write(to: url)
        let error = #expect(throws: TraceError.self) { try TraceRecovery.recover(path) }
        #expect(error?.message.hasPrefix("has no complete epoch whose data reads back (/epochs/") == true, "\(error?.description ?? "")")
        #expect(error?.message.contains("left as it was") == true)
        #expect(try Data(contentsOf: url) == cut)
        // The same file extended with zeros (as a recovery before this check left it): opens, but its data does not read.
        var padded = cut
        padded.append(Data(count: full.count - cut.count))
        try padded.write(to: url)
        let read = #expect(throws: TraceError.self) {
            let reader = try TraceReader(contentsOf: path)
            defer { try? reader.close() }
            _ = try TraceSummary(reader)
        }
        #expect(read?.message.hasPrefix(TraceReader.unreadableData + " (read dataset \"/epochs/") == true, "\(read?.description ?? "")")
        #expect(read?.message.contains("run 'thermo recover \(path)'") == true)
        let refused = #expect(throws: TraceError.self) { try TraceRecovery.recover(path) }
        #expect(refused?.message.hasPrefix("has no complete epoch whose data reads back") == true, "\(refused?.description ?? "")")
        #expect(try Data(contentsOf: url) == padded)
    }

    @Test("A copy cut early (its metadata gone) is not 'recovered': it is left exactly as it was")
    func truncatedCopyLeftAlone() throws {
        let (_, _, path) = try recordedRun(.standard, epochs: 2)
        let cut = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20_000)
        try cut.write(to: URL(fileURLWithPath: path))
        let started = Date()
        let error = #expect(throws: TraceError.self) { try TraceRecovery.recover(path) }
        #expect(error?.message.contains("left as it was") == true, "\(error?.description ?? "")")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == cut)
        // A SWMR reader gives up on a bad checksum after a bounded number of attempts (it used to retry for ever).
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
