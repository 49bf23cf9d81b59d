import Testing
import Datasets
import NumericCore
import TestSupport
@testable import Training

/// `Trainer.trainStep(on:epoch:step:)` is public: rows it cannot take are refused with a `TrainingError`, before
/// anything is read (an index past the images would read memory beyond the pixels) or changed.
@Suite struct TrainStepRowsTests {
    let data = syntheticDataSet()

    /// The message of the error `rows` meet, and whether the trainer took no step (nil: the step was taken).
    func refusal(_ rows: [Int32], trainer: Trainer) -> String? {
        let before = trainer.network.parameters.array
        do {
            try rows.withUnsafeBufferPointer { _ = try trainer.trainStep(on: $0, epoch: 1, step: 1) }
            return nil
        } catch let error as TrainingError {
            guard case .invalidRows = error else { return "not invalidRows: \(error)" }
            #expect(trainer.globalStep == 0 && trainer.network.parameters.array == before, "the refused step changed the run")
            return error.description
        } catch {
            return "not a TrainingError: \(error)"
        }
    }

    @Test("An empty step, one beyond the batch size, and rows outside the training split are refused")
    func badRowsAreRefused() throws {
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 1), dataSet: data)
        let count = Int32(data.train.count), batch = trainer.stepCapacity
        #expect(batch == 32)
        let empty = refusal([], trainer: trainer)
        #expect(empty?.contains("at least 1 row") == true, "\(empty ?? "taken")")
        let tooMany = refusal((0..<Int32(batch + 1)).map { $0 }, trainer: trainer)
        #expect(tooMany?.contains("at most 32 rows") == true && tooMany?.contains("given 33") == true, "\(tooMany ?? "taken")")
        // Rows the pass could hold (its capacity is 1000 for an MLP) but the objective and observers cannot.
        let passSized = refusal((0..<1000).map { $0 }, trainer: trainer)
        #expect(passSized?.contains("at most 32 rows") == true, "\(passSized ?? "taken")")
        let past = refusal([0, 1, count - 1, count, count + 4], trainer: trainer)
        #expect(past?.contains("row \(count) (position 3") == true && past?.contains("0…\(count - 1)") == true, "\(past ?? "taken")")
        let negative = refusal([-1], trainer: trainer)
        #expect(negative?.contains("row -1 ") == true, "\(negative ?? "taken")")
    }

    @Test("Rows of the training split, up to the batch size, take one step")
    func goodRowsStep() throws {
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 1), dataSet: data)
        let last = Int32(data.train.count - 1)
        #expect(refusal([last], trainer: trainer) == nil)
        #expect(refusal((0..<Int32(trainer.stepCapacity)).map { last - $0 }, trainer: trainer) == nil)
        #expect(trainer.globalStep == 2)
    }
}
