import Datasets
import Networks
import NumericCore
import Training

/// A small, learnable data set: each class c has a fixed random prototype image; samples are the prototype
/// plus noise, as bytes. 12 × 12 images, 4 classes.
public func syntheticDataSet(train: Int = 600, test: Int = 200, seed: UInt64 = 5) -> DataSet {
    let side = 12, d = side * side, classes = 4
    var random = RandomStream(seed: seed, purpose: "synthetic")
    let prototypes = (0..<classes).map { _ in (0..<d).map { _ in Float(random.nextIndex(below: 256)) } }
    func split(_ n: Int) -> LabeledImages {
        var pixels = [UInt8](repeating: 0, count: n * d)
        var labels = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            let c = random.nextIndex(below: classes)
            labels[i] = UInt8(c)
            for j in 0..<d {
                let v = prototypes[c][j] + random.nextSymmetric(100)
                pixels[i * d + j] = UInt8(max(0, min(255, v)))
            }
        }
        return LabeledImages(count: n, rows: side, columns: side, pixels: pixels, labels: labels)
    }
    return DataSet(name: "synthetic", directory: "(memory)", classes: classes, train: split(train), test: split(test))
}

/// A run of 144→32→16→4 ReLU on the synthetic data: 550 training images (50 held out), batch 32, so
/// 17 steps per epoch.
public func smallConfiguration(epochs: Int) -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.dataset = "synthetic"
    c.architecture = Architecture(widths: [144, 32, 16, 4], activation: .relu)
    c.optimizer = SGDConfiguration(learningRate: 0.05, momentum: 0.9)
    c.batchSize = 32
    c.epochs = epochs
    c.seed = 11
    c.validation = 50
    return c
}

