import Foundation
import Testing
import HDF5
@testable import Traces

@Suite("Reader validation")
struct ReaderTests {
    @Test("A missing file, a folder and a non-HDF5 file are refused, saying so")
    func notATraceFile() throws {
        let missing = #expect(throws: TraceError.self) { try TraceReader(contentsOf: scratchFile("absent.h5")) }
        #expect(missing?.message.contains("does not exist") == true)
        let text = scratchFile("notes.h5")
        try Data("not hdf5 at all".utf8).write(to: URL(fileURLWithPath: text))
        let notHDF5 = #expect(throws: TraceError.self) { try TraceReader(contentsOf: text) }
        #expect(notHDF5?.message.contains("not an HDF5 file") == true, "\(notHDF5?.description ?? "")")
        let folder = URL(fileURLWithPath: text).deletingLastPathComponent().path
        let isFolder = #expect(throws: TraceError.self) { try TraceReader(contentsOf: folder) }
        #expect(isFolder?.message.contains("folder") == true)
    }

    @Test("An HDF5 file that is not a thermo trace is refused, saying so")
    func foreignHDF5() throws {
        let path = scratchFile("foreign.h5")
        do {
            let file = try File.create(path)
            try file.setAttribute("format", "something-else")
            try file.createDataset("x", of: Double.self, shape: [3]).write([1.0, 2, 3])
        }
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains("not a thermo trace") == true, "\(error?.description ?? "")")
    }

    @Test("A trace of a newer major version is refused with a message naming both versions")
    func newerMajorVersion() throws {
        let (_, _, path) = try recordedRun(.layers, epochs: 1)
        do {
            let file = try File.open(path, mode: .readWrite)
            try file.setAttribute("format_version_major", 2)
            try file.setAttribute("format_version_minor", 3)
        }
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: path) }
        #expect(error?.message.contains("2.3") == true && error?.message.contains("newer") == true, "\(error?.description ?? "")")
        // A newer minor version of the same major version is read.
        do {
            let file = try File.open(path, mode: .readWrite)
            try file.setAttribute("format_version_major", 1)
            try file.setAttribute("format_version_minor", 7)
        }
        let reader = try TraceReader(contentsOf: path)
        #expect(reader.header.formatMinor == 7)
        try reader.close()
    }

    @Test("A trace missing a dataset its recording implies is refused, naming it")
    func missingDataset() throws {
        let (_, _, path) = try recordedRun(.layers, epochs: 1)
        // Rebuild the root attributes of that trace in a file with nothing else.
        let header = try { let r = try TraceReader(contentsOf: path); defer { try? r.close() }; return r.header }()
        let hollow = scratchFile("hollow.h5")
        do {
            let file = try File.create(hollow)
            try header.write(to: file)
        }
        let error = #expect(throws: TraceError.self) { try TraceReader(contentsOf: hollow) }
        #expect(error?.message.contains("lacks the dataset /completed_epochs") == true, "\(error?.description ?? "")")
        // And one that lacks a root attribute.
        let bare = scratchFile("bare.h5")
        do {
            let file = try File.create(bare)
            try file.setAttribute("format", TraceFormat.name)
            try file.setAttribute("format_version_major", 1)
        }
        let attribute = #expect(throws: TraceError.self) { try TraceReader(contentsOf: bare) }
        #expect(attribute?.message.contains("lacks the root attribute") == true, "\(attribute?.description ?? "")")
    }

    @Test("Asking for a variable that was not recorded says what was")
    func unrecordedVariable() throws {
        let (_, _, path) = try recordedRun(.layers, epochs: 1)
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let error = #expect(throws: TraceError.self) { try reader.read("epochs/weight_temperature_quantiles") }
        #expect(error?.message.contains("recorded: layers") == true)
        #expect(try reader.snapshotEpochs(layer: 1) == [])
    }

    @Test("Row ranges read block by block what the whole read holds, and nothing beyond the complete rows")
    func rowRanges() throws {
        let (_, _, path) = try recordedRun(.layers, epochs: 3)
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let whole = try reader.read("steps/layer_signal")
        let L = whole.rowSize
        #expect(try reader.rowCount("steps/layer_signal") == whole.rowCount && whole.rowCount == 3 * 17)
        let part = try reader.read("steps/layer_signal", rows: 5..<12)
        #expect(part.shape == [7, L] && part.values == Array(whole.values[(5 * L)..<(12 * L)]))
        let quantiles = try reader.read("epochs/epoch", rows: 1..<3)
        #expect(quantiles.values == [2, 3])
        #expect(try reader.read("epochs/layer_noise", rows: 2..<2).values.isEmpty)
        let error = #expect(throws: TraceError.self) { try reader.read("epochs/epoch", rows: 2..<4) }
        #expect(error?.message.contains("has 3 complete rows of /epochs/epoch") == true, "\(error?.description ?? "")")
        #expect(throws: TraceError.self) { try reader.rowCount("epochs/weight_temperature_quantiles") }
    }

    @Test("Recording levels parse, combine and refuse bad values")
    func recordingLevels() throws {
        #expect(try TraceRecording(parsing: []) == .standard)
        #expect(try TraceRecording(parsing: ["layers"]) == .layers)
        let perWeight = try TraceRecording(parsing: ["per-weight:every=5"])
        #expect(perWeight.weightMoments && perWeight.snapshotMoments && perWeight.snapshotEvery == 5 && !perWeight.batchVariance)
        #expect(perWeight.isSnapshotEpoch(10) && !perWeight.isSnapshotEpoch(7))
        let batch = try TraceRecording(parsing: ["layers,batch-variance"])
        #expect(!batch.weightMoments && batch.batchVariance && !batch.takesSnapshots)
        let both = try TraceRecording(parsing: ["per-weight:every=3", "batch-variance"])
        #expect(both.snapshotBatchVariance && both.snapshotEvery == 3)
        #expect(both.levels == ["layers", "moments", "per-weight:every=3", "batch-variance:every=3"])
        #expect(try TraceRecording(parsing: both.levels) == both)
        for bad in [["per-weight:every=0"], ["everything"], ["layers:every=2"], ["per-weight:every=2", "batch-variance:every=3"]] {
            #expect(throws: TraceRecordingError.self) { try TraceRecording(parsing: bad) }
        }
    }

    @Test("inspect of a trace written by the Python package takes the run's facts from the root attributes")
    func pythonWrittenTraceSummary() throws {
        let (_, _, path) = try recordedRun(.layers, epochs: 1)
        // What python/thermo_trace writes: its own configuration JSON and version, the facts as root attributes.
        let file = try File.open(path, mode: .readWrite)
        try file.setAttribute("configuration", #"{"layers": {"fc1": [32, 144]}, "source": "thermo_trace 0.1.0 (Python)"}"#)
        try file.setAttribute("thermo_version", "thermo_trace 0.1.0 (Python)")
        try file.setAttribute("data_set", "mnist")
        try file.setAttribute("activation", "relu")
        try file.setAttribute("loss", "ce")
        try file.setAttribute("batch_size", 100)
        try file.setAttribute("seed", Int64(1))
        try file.close()
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        #expect(reader.header.configuration == nil)
        let summary = try TraceSummary(reader)
        #expect(summary.dataSet == "mnist" && summary.loss == "ce" && summary.architecture == "144→32→16→4 relu")
        #expect(summary.batchSize == 100 && summary.seed == 1 && summary.learningRate == nil && summary.momentum == nil)
        #expect(summary.text.contains("  run            144→32→16→4 relu on mnist, loss ce, batch 100, seed 1\n"), "\(summary.text)")
        #expect(summary.text.contains("written by thermo_trace 0.1.0 (Python), created"), "\(summary.text)")
        #expect(!summary.text.contains("thermo thermo_trace"))
    }

    @Test("inspect of a trace written by thermo shows its configuration and names thermo as its writer")
    func thermoWrittenTraceSummary() throws {
        let (_, _, path) = try recordedRun(.layers, epochs: 1)
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let text = try TraceSummary(reader).text
        #expect(text.contains("written by thermo \(reader.header.thermoVersion), created"), "\(text)")
        #expect(text.contains("relu on synthetic, loss ce, lr 0.05, momentum 0.9, batch 32, seed 11\n"), "\(text)")
    }
}
