import Foundation
import Testing
import TestSupport
import Networks
import NumericCore
import Training
@testable import Traces

/// A CNN run on the synthetic 1×12×12 images: conv4 → pool → conv6 → fc16 → fc4, batch 32, 17 steps per epoch.
func convolutionalConfiguration(epochs: Int) throws -> TrainingConfiguration {
    var c = smallConfiguration(epochs: epochs)
    c.architecture = try NetworkSpec.architecture("conv4,pool,conv6,fc16,fc4", input: TensorShape(channels: 1, height: 12, width: 12),
                                                  classes: 4)
    return c
}

@Suite(.serialized) struct ConvolutionalTraceTests {
    @Test("A CNN trace: per-layer statistics over the kernel entries, layer matrices and labels, snapshots of C_out × C_in·k·k")
    func convolutionalTrace() throws {
        let path = scratchFile()
        let recording = try TraceRecording(parsing: ["per-weight:every=1"])
        let trainer = try Trainer(configuration: convolutionalConfiguration(epochs: 2), dataSet: syntheticDataSet())
        let recorder = try TraceRecorder(creating: path, trainer: trainer, recording: recording, provenance: testProvenance, threads: 2)
        let copier = GradientCopier(perSample: false)
        trainer.observers = [recorder, copier]
        try trainer.run()
        try recorder.finish(.completed)

        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let matrices = reader.header.layerMatrices
        #expect(matrices == [TraceLayerMatrix(rows: 4, columns: 9, label: "conv1"), TraceLayerMatrix(rows: 6, columns: 36, label: "conv2"),
                             TraceLayerMatrix(rows: 16, columns: 54, label: "fc1"), TraceLayerMatrix(rows: 4, columns: 16, label: "fc2")])
        #expect(try reader.readFixed("epochs/weight_count") == [36, 216, 864, 64])
        #expect(try reader.readFixed("epochs/fan_in") == [9, 36, 54, 16])
        #expect(try reader.readFixed("epochs/fan_out") == [4, 6, 16, 4])
        // s_l(t) over Ω_l, the kernel entries, from the copied gradients.
        let s = try reader.read("steps/layer_signal")
        #expect(s.shape == [2 * 17, 4])
        for (t, step) in copier.steps.enumerated() {
            for l in 0..<4 {
                let g = step.gradients[l]
                #expect(g.count == [36, 216, 864, 64][l])
                #expect(close(s[t, l], g.reduce(0) { $0 + abs($1) } / Double(g.count), relative: 1e-6))
            }
        }
        #expect(try reader.snapshot(.gradientMean, layer: 2, index: 1).count == 6 * 36)
        #expect(try TraceSummary(reader).layers.map { $0.label } == ["conv1", "conv2", "fc1", "fc2"])
    }

    @Test("A CNN's within-batch variance: every layer, convolutions included, equals explicit per-sample gradients, in both epochs")
    func batchVariance() throws {
        let path = scratchFile()
        let recording = try TraceRecording(parsing: ["layers", "batch-variance:every=1"])
        let trainer = try Trainer(configuration: convolutionalConfiguration(epochs: 2), dataSet: syntheticDataSet())
        let recorder = try TraceRecorder(creating: path, trainer: trainer, recording: recording, provenance: testProvenance, threads: 2)
        let copier = GradientCopier(perSample: true)
        trainer.observers = [recorder, copier]
        try trainer.run()
        try recorder.finish(.completed)
        #expect(trainer.pass.errorObserver != nil, "the recorder measured inside the backward pass")
        // A further run of the trainer without the recorder (here one with nothing left to train) drops its observer.
        trainer.observers = []
        try trainer.run()
        #expect(trainer.pass.errorObserver == nil, "the finished recorder's observer is gone")

        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let wb = try reader.read("steps/within_batch_variance")
        #expect(wb.shape == [34, 4])
        for (t, step) in copier.steps.enumerated() {
            #expect(step.perSampleMeanError < 1e-5, "the explicit per-sample gradients average to the batch gradient")
            for l in 0..<4 {
                let v = step.withinBatchVariance![l]
                let explicit = v.reduce(0) { $0 + max(0, $1) } / Double(v.count)
                #expect(explicit > 0 && close(wb[t, l], explicit, relative: 2e-3), "step \(t + 1) layer \(l + 1): \(wb[t, l]) vs \(explicit)")
            }
        }
        // Each epoch's per-weight snapshot of the conv layers: the mean over its steps of max(0, v^B_ω) (the sums
        // of epoch 2 start from zero although its first step is measured before the recorder sees that step).
        for l in [1, 2] {
            for epoch in 0..<2 {
                let snapshot = try reader.snapshot("within_batch_variance", layer: l, index: epoch).map { Double($0) }
                let steps = copier.steps[(17 * epoch)..<(17 * epoch + 17)]
                let explicit = (0..<snapshot.count).map { i in steps.reduce(0) { $0 + max(0, $1.withinBatchVariance![l - 1][i]) } / 17 }
                #expect(allClose(snapshot, explicit, relative: 1e-3, floor: 1e-6), "conv\(l), epoch \(epoch + 1)")
            }
        }
    }
}
