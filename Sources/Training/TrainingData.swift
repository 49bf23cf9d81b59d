import Datasets
import NumericCore

/// The images a run trains and evaluates on, and how they become Float32 input rows.
///
/// Pixels stay in memory as bytes (one copy of the data set: 47 MB for MNIST's training images, not the
/// 188 MB of Float32); each mini-batch is converted while it is gathered: x = p·scale + shift, with
/// scale = 1/255 and shift = 0 (pixels in [0, 1]) or, with standardisation, x = (p/255 − m)/s for the mean m
/// and standard deviation s of all training pixels.
public struct TrainingData: Sendable {
    /// The data set, as loaded.
    public let dataSet: DataSet
    /// Indices (into `dataSet.train`) of the images trained on.
    public let trainIndices: [Int32]
    /// Indices (into `dataSet.train`) of the held-out validation images (may be empty).
    public let validationIndices: [Int32]
    /// x = p·scale + shift.
    public let scale: Float
    /// x = p·scale + shift.
    public let shift: Float

    /// Selects the subset and validation split of `configuration` with their own seeded streams
    /// (purposes `"subset"` and `"validation"`, seeded by `splitSeed`, else `seed`), so the split never depends
    /// on anything else.
    public init(_ dataSet: DataSet, configuration: TrainingConfiguration) {
        self.dataSet = dataSet
        let splitSeed = configuration.splitSeed ?? configuration.seed
        var pool = (0..<Int32(dataSet.train.count)).map { $0 }
        if let subset = configuration.trainSubset, subset < pool.count {
            var random = RandomStream(seed: splitSeed, purpose: "subset")
            let order = random.permutation(pool.count)
            pool = order.prefix(subset).map { pool[Int($0)] }.sorted()
        }
        if configuration.validation > 0 {
            var random = RandomStream(seed: splitSeed, purpose: "validation")
            let order = random.permutation(pool.count)
            let held = Set(order.prefix(configuration.validation).map { pool[Int($0)] })
            validationIndices = pool.filter { held.contains($0) }
            trainIndices = pool.filter { !held.contains($0) }
        } else {
            validationIndices = []
            trainIndices = pool
        }
        if configuration.standardize {
            // Mean and standard deviation of the pixels (in [0, 1]) of the images trained on, in Float64.
            var sum = 0.0, sumSquares = 0.0
            let d = dataSet.train.featureCount
            let rows = trainIndices
            dataSet.train.pixels.withUnsafeBufferPointer { px in
                for i in rows {
                    var s = 0, ss = 0
                    let row = px.baseAddress! + Int(i) * d
                    for j in 0..<d { let p = Int(row[j]); s += p; ss += p * p }
                    sum += Double(s); sumSquares += Double(ss)
                }
            }
            let n = Double(rows.count * d)
            let mean = sum / n / 255, variance = max(sumSquares / n / (255 * 255) - mean * mean, 1e-12)
            let std = variance.squareRoot()
            scale = Float(1 / (255 * std))
            shift = Float(-mean / std)
        } else {
            scale = 1 / 255
            shift = 0
        }
    }

    /// Writes the rows `indices` of `images` into the pass's input (converted) and labels, (B, n_0).
    public func gather(_ images: LabeledImages, _ indices: UnsafeBufferPointer<Int32>, into input: UnsafeMutablePointer<Float>,
                       labels: UnsafeMutablePointer<Int32>) {
        let d = images.featureCount
        let scale = self.scale, shift = self.shift
        images.pixels.withUnsafeBufferPointer { px in
            images.labels.withUnsafeBufferPointer { lb in
                for (r, index) in indices.enumerated() {
                    let src = px.baseAddress! + Int(index) * d
                    let dst = input + r * d
                    for j in 0..<d { dst[j] = Float(src[j]) * scale + shift }
                    labels[r] = Int32(lb[Int(index)])
                }
            }
        }
    }

    /// The order in which epoch `epoch` visits `trainIndices`: a Fisher–Yates permutation from the stream
    /// (seed, `"data"`, epoch). It depends only on the seed and the epoch, so a resumed run sees the same order.
    public func order(epoch: Int, seed: UInt64) -> [Int32] {
        var random = RandomStream(seed: seed, purpose: "data", index: UInt64(epoch))
        let p = random.permutation(trainIndices.count)
        return p.map { trainIndices[Int($0)] }
    }
}
