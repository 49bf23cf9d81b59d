import Foundation
import Testing
import TestSupport
import Networks
import NumericCore
import Smoothing
@testable import Training

@Suite(.serialized) struct SmoothingTrainingTests {
    let data = syntheticDataSet()

    func run(_ loss: LossConfiguration, epochs: Int = 2) throws -> Trainer {
        var c = smallConfiguration(epochs: epochs)
        c.loss = loss
        let trainer = try Trainer(configuration: c, dataSet: data)
        try trainer.run()
        return trainer
    }

    func pla(samples: Int, radius: Double, kind: LossConfiguration.Kind = .pla) -> LossConfiguration {
        var l = LossConfiguration()
        l.kind = kind
        l.layers = [2]
        l.samples = samples
        l.radius = radius
        return l
    }

    @Test("y = 0 and R = 0 give exactly the cross-entropy run, bit for bit (eq. 4)")
    func degenerateSmoothingIsCrossEntropy() throws {
        let ce = try run(.crossEntropy)
        for loss in [pla(samples: 0, radius: 0.05), pla(samples: 4, radius: 0), pla(samples: 0, radius: 0.05, kind: .plea),
                     pla(samples: 4, radius: 0, kind: .plea)] {
            let t = try run(loss)
            #expect(t.network.parameters.bitwiseEqual(ce.network.parameters), "\(loss.name)")
            #expect(numbers(t.history) == numbers(ce.history))
        }
    }

    @Test("Switching smoothing on changes neither the initialisation nor the data order")
    func smoothingKeepsOtherStreams() throws {
        var a = smallConfiguration(epochs: 3), b = smallConfiguration(epochs: 3)
        b.loss = pla(samples: 4, radius: 0.05)
        let ta = try Trainer(configuration: a, dataSet: data), tb = try Trainer(configuration: b, dataSet: data)
        #expect(ta.network.parameters.bitwiseEqual(tb.network.parameters))
        #expect(ta.data.order(epoch: 3, seed: a.seed) == tb.data.order(epoch: 3, seed: b.seed))
        a.loss = b.loss
        _ = a
    }

    @Test("PLA and PLEA runs train, are deterministic, and resume exactly")
    func smoothedRunsTrain() throws {
        for kind in [LossConfiguration.Kind.pla, .plea] {
            let loss = pla(samples: 3, radius: 0.05, kind: kind)
            let a = try run(loss, epochs: 3), b = try run(loss, epochs: 3)
            #expect(a.history.last!.testAccuracy > 0.85)
            #expect(a.network.parameters.bitwiseEqual(b.network.parameters))
            let ce = try run(.crossEntropy, epochs: 3)
            #expect(!a.network.parameters.bitwiseEqual(ce.network.parameters))
            // Interrupted after epoch 2 and resumed: the same bits as the straight run.
            let folder = TestPaths.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("pla.ckpt").path
            var c = smallConfiguration(epochs: 2)
            c.loss = loss
            let first = try Trainer(configuration: c, dataSet: data)
            first.observers.append(try CheckpointWriter(path: path, every: 2, blasThreads: 2, thermoVersion: "test"))
            try first.run()
            let resumed = try Trainer(resuming: try Checkpoint(contentsOf: path), dataSet: data, epochs: 3)
            try resumed.run()
            #expect(resumed.network.parameters.bitwiseEqual(a.network.parameters))
        }
    }
}
