import Foundation
import Testing
import TestSupport
import Training
@testable import Traces

/// A recording whose fields a program set to values no trace can record (a period or count of 0) is refused when
/// the recorder is created, before any training and before any file is written; it used to stop the program with
/// a division by zero or a precondition at the end of the first epoch.
@Suite struct RecordingValidationTests {
    /// Recordings with one bad value each, and what their error says.
    static var bad: [(TraceRecording, String)] {
        var snapshots = TraceRecording.standard
        snapshots.snapshotMoments = true
        snapshots.snapshotEvery = 0
        func curvature(_ change: (inout CurvatureSchedule) -> Void) -> TraceRecording {
            var recording = TraceRecording.layers
            var schedule = CurvatureSchedule(every: 1, probes: 4)
            change(&schedule)
            recording.curvature = schedule
            return recording
        }
        return [
            (snapshots, "'per-weight:every=0': the option is every=K with K ≥ 1"),
            (curvature { $0.every = 0 }, "'curvature:every=0:probes=4': curvature takes every=K (K ≥ 1)"),
            (curvature { $0.probes = 0 }, "'curvature:every=1:probes=0': curvature takes every=K (K ≥ 1), every=log and probes=P (P ≥ 1)"),
            (curvature { $0.lanczosSteps = 0 }, "lanczosSteps must be at least 1 (20 by default), not 0"),
            (curvature { $0.probeBatch = 0 }, "probeBatch must be at least 1 image (nil for the default), not 0"),
        ]
    }

    @Test("TraceRecorder(creating:) refuses a zero period or count, and writes nothing")
    func refusedAtCreation() throws {
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 1), dataSet: syntheticDataSet())
        for (recording, message) in Self.bad {
            let path = scratchFile()
            let error = #expect(throws: TraceRecordingError.self, "\(recording)") {
                try TraceRecorder(creating: path, trainer: trainer, recording: recording, provenance: testProvenance)
            }
            #expect(error?.description.contains(message) == true, "\(error.map(String.init(describing:)) ?? "no error"): lacks «\(message)»")
            #expect(!FileManager.default.fileExists(atPath: path), "\(recording) left a file")
        }
    }

    @Test("A snapshot period set without snapshots, and the parsed levels, are accepted")
    func goodRecordings() throws {
        var idle = TraceRecording.layers
        idle.snapshotEvery = 0  // no snapshots are taken: the period is never used
        try idle.validate()
        for levels in [["moments"], ["per-weight:every=3"], ["curvature:every=log:probes=2"], ["batch-variance:every=2"]] {
            try TraceRecording(parsing: levels).validate()
        }
    }
}
