// Train a small network on MNIST with a trace recorder, then fit the late common cooling of its layers.
//   swift run thermo-example-train-and-fit [DATA_FOLDER] [TRACE.h5]
import Foundation
import Thermo

let arguments = CommandLine.arguments
let dataFolder = arguments.count > 1 ? arguments[1] : nil      // nil: $THERMO_DATA, then the per-user folder
let tracePath = arguments.count > 2 ? arguments[2] : "example.h5"

// 1. A 784→64→64→10 ReLU network, 30 epochs of SGD with momentum on 5,000 training images.
var configuration = TrainingConfiguration()
configuration.architecture = Architecture(widths: [784, 64, 64, 10], activation: .relu)
configuration.optimizer.learningRate = 0.02
configuration.batchSize = 100
configuration.epochs = 30
configuration.trainSubset = 5000
let dataSet = try loadDataSet(named: "mnist", directory: dataFolder)
let trainer = try Trainer(configuration: configuration, dataSet: dataSet)

// 2. A recorder is a training observer: each step's gradients go into per-layer signal and noise statistics,
//    and each epoch is written to the HDF5 trace, complete or not at all. The trace records this thermo's version
//    and the data's checksums, as `thermo train` does.
let provenance = TraceProvenance(thermoVersion: thermoVersion, command: arguments,
                                 dataChecksums: DataChecksums.compute(dataSet),
                                 blasThreads: BLAS.threads, blas: BLAS.configuration)
let recorder = try TraceRecorder(creating: tracePath, trainer: trainer, recording: .layers, provenance: provenance,
                                 replacing: true)
trainer.observers.append(recorder)
do {
    try trainer.run()
    try recorder.finish(.completed)
} catch {
    // A run that stops early still says so in its trace, which keeps every complete epoch: diverged (with where,
    // and the loss) or failed (e.g. an HDF5Error from a full disk). Without this it would read as still running.
    let divergence = (error as? TrainingError)?.divergence
    try? recorder.finish(divergence != nil ? .diverged : .failed, divergence: divergence)
    FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
    exit(1)
}
print("trained \(trainer.completedEpochs) epochs; test accuracy \(trainer.history.last!.testAccuracy)")

// 3. Read the trace back as one run of per-layer series, and fit ln S_l(e) = a_l − α(e^β − 1)/β on epochs 10–30:
//    one decay shared by every layer, one amplitude each.
let runs = try RunSeries.load([tracePath], request: SeriesRequest())
var request = CoolingStudyRequest()
request.from = 10
let report = try coolingStudy(runs, request: request)
print(report.table())
