import Foundation
import Testing
import TestSupport
import Training
@testable import Traces

/// A new trace over an existing file (`thermo train --force`) replaces it only once it holds an epoch: a run
/// stopped or failing before that leaves the old file as it was and no temporary file behind.
@Suite struct ReplacementTests {
    /// The bytes of `path`.
    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// The files beside `path` whose names start with its name and `.partial-`.
    func partials(of path: String) -> [String] {
        let folder = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(name + ".partial-") }
    }

    /// A one-epoch trace, its bytes, and a two-epoch run with a recorder that is to replace it.
    func replacingRun() throws -> (old: String, before: Data, trainer: Trainer, recorder: TraceRecorder) {
        let old = try recordedRun(.layers, epochs: 1).path
        let before = try #require(bytes(old))
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 2), dataSet: syntheticDataSet())
        let recorder = try TraceRecorder(creating: old, trainer: trainer, recording: .layers, provenance: testProvenance,
                                         replacing: true)
        return (old, before, trainer, recorder)
    }

    @Test("A replacing trace that ends before its first epoch leaves the old file untouched and removes its temporary file")
    func stoppedBeforeTheFirstEpoch() throws {
        let (old, before, _, recorder) = try replacingRun()
        #expect(recorder.keepsOldFile && bytes(old) == before && partials(of: old).count == 1)
        try recorder.finish(.interrupted)
        #expect(bytes(old) == before)
        #expect(partials(of: old).isEmpty)
    }

    @Test("A replacing trace takes the old file's place at its first epoch and is a complete trace at the end")
    func replacedAtTheFirstEpoch() throws {
        let (old, before, trainer, recorder) = try replacingRun()
        final class AfterFirstEpoch: TrainingObserver {
            let check: () -> Void
            init(_ check: @escaping () -> Void) { self.check = check }
            func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws { if metrics.epoch == 1 { check() } }
        }
        var replacedAfterOne = false
        trainer.observers = [recorder, AfterFirstEpoch { replacedAfterOne = !recorder.keepsOldFile && self.bytes(old) != before }]
        try trainer.run()
        try recorder.finish(.completed)
        #expect(replacedAfterOne)
        #expect(partials(of: old).isEmpty)
        let reader = try TraceReader(contentsOf: old)
        defer { try? reader.close() }
        #expect(reader.progress.completedEpochs == 2 && reader.progress.status == .completed)
    }

    @Test("A diverged run's trace says where it diverged, and inspect shows it")
    func divergenceIsRecorded() throws {
        let path = scratchFile()
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 1), dataSet: syntheticDataSet())
        let recorder = try TraceRecorder(creating: path, trainer: trainer, recording: .layers, provenance: testProvenance)
        try recorder.finish(.diverged, divergence: "epoch 1, step 3 (global step 3): the loss is nan")
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        #expect(reader.header.divergence == "epoch 1, step 3 (global step 3): the loss is nan")
        #expect(try TraceSummary(reader).text.contains("status         diverged at epoch 1, step 3 (global step 3): the loss is nan"))
    }
}
