import Augmentation
import Datasets
import NumericCore

/// The images a run trains and evaluates on, and how they become Float32 input rows.
///
/// Pixels stay in memory as bytes (one copy of the data set: 47 MB for MNIST's training images, not the
/// 188 MB of Float32); each mini-batch is converted while it is gathered: x = p·scale + shift, with
/// scale = 1/255 and shift = 0 (pixels in [0, 1]) or, with standardisation, x = (p/255 − m_c)/s_c for the mean
/// m_c and standard deviation s_c of channel c's pixels over the images trained on (one channel, hence one m and
/// s over all pixels, for the MNIST family; per colour channel for CIFAR-10 and STL-10). Images are C×H×W (NCHW).
public struct TrainingData: Sendable {
    /// The data set, as loaded.
    public let dataSet: DataSet
    /// Indices (into `dataSet.train`) of the images trained on.
    public let trainIndices: [Int32]
    /// Indices (into `dataSet.train`) of the held-out validation images (may be empty).
    public let validationIndices: [Int32]
    /// x = p·scale + shift, for channel 0 (the only one of the MNIST family): `channelScales[0]`.
    public let scale: Float
    /// x = p·scale + shift, for channel 0: `channelShifts[0]`.
    public let shift: Float
    /// Per channel c, x = p·channelScales[c] + channelShifts[c] (one entry per channel of the images).
    public let channelScales: [Float]
    /// Per channel c, x = p·channelScales[c] + channelShifts[c].
    public let channelShifts: [Float]
    /// The augmentation applied to training images as `gatherTraining` gathers them (nil: none).
    public let augmenter: Augmenter?

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
            let (scales, shifts) = TrainingData.standardization(dataSet.train, rows: trainIndices)
            channelScales = scales
            channelShifts = shifts
        } else {
            channelScales = [Float](repeating: 1 / 255, count: dataSet.train.channels)
            channelShifts = [Float](repeating: 0, count: dataSet.train.channels)
        }
        scale = channelScales[0]
        shift = channelShifts[0]
        let train = dataSet.train
        augmenter = ((try? configuration.augmentationRecipe()) ?? nil).flatMap { recipe in
            recipe.isIdentity ? nil : Augmenter(recipe: recipe, shape: ImageShape(channels: train.channels, rows: train.rows,
                                                                                  columns: train.columns))
        }
    }

    /// Per channel c, the mean m_c and standard deviation s_c of the pixels (in [0, 1]) of channel c of the images
    /// `rows`, in Float64 (integer sums per image, exact), as x = p·scale_c + shift_c with scale_c = 1/(255·s_c) and
    /// shift_c = −m_c/s_c; the variance is floored at 1e-12 (a constant channel). With one channel this is the
    /// standardisation over all pixels.
    static func standardization(_ images: LabeledImages, rows: [Int32]) -> (scales: [Float], shifts: [Float]) {
        let channels = images.channels, plane = images.planeSize, d = images.featureCount
        var sum = [Double](repeating: 0, count: channels), sumSquares = sum
        images.pixels.withUnsafeBufferPointer { px in
            for i in rows {
                for c in 0..<channels {
                    var s = 0, ss = 0
                    let row = px.baseAddress! + Int(i) * d + c * plane
                    for j in 0..<plane { let p = Int(row[j]); s += p; ss += p * p }
                    sum[c] += Double(s); sumSquares[c] += Double(ss)
                }
            }
        }
        let n = Double(rows.count * plane)
        var scales: [Float] = [], shifts: [Float] = []
        for c in 0..<channels {
            let mean = sum[c] / n / 255, variance = max(sumSquares[c] / n / (255 * 255) - mean * mean, 1e-12)
            let std = variance.squareRoot()
            scales.append(Float(1 / (255 * std)))
            shifts.append(Float(-mean / std))
        }
        return (scales, shifts)
    }

    /// Writes the rows `indices` of `images` into the pass's input (converted, channel by channel) and labels,
    /// (B, n_0) with n_0 = C·H·W.
    public func gather(_ images: LabeledImages, _ indices: UnsafeBufferPointer<Int32>, into input: UnsafeMutablePointer<Float>,
                       labels: UnsafeMutablePointer<Int32>) {
        let d = images.featureCount, plane = images.planeSize
        channelScales.withUnsafeBufferPointer { scales in
            channelShifts.withUnsafeBufferPointer { shifts in
                images.pixels.withUnsafeBufferPointer { px in
                    images.labels.withUnsafeBufferPointer { lb in
                        for (r, index) in indices.enumerated() {
                            for c in 0..<images.channels {
                                let src = px.baseAddress! + Int(index) * d + c * plane
                                let dst = input + r * d + c * plane
                                let scale = scales[c], shift = shifts[c]
                                for j in 0..<plane { dst[j] = Float(src[j]) * scale + shift }
                            }
                            labels[r] = Int32(lb[Int(index)])
                        }
                    }
                }
            }
        }
    }

    /// Writes the training rows `indices` of epoch `epoch` into the pass's input and labels, augmented when the run
    /// augments: each image is converted to v = p/255, augmented in place from its own stream (seed, "augment",
    /// epoch, image index: see `Augmenter`), then standardised, x = 255·v·scale_c + shift_c. Without augmentation this
    /// is `gather` exactly. A batch of 32 images or more is split over `BLAS.threads` threads (the images are
    /// independent and each has its own stream, so the result does not depend on the split); each part's scratch
    /// image lives on its stack: nothing is allocated per step.
    public func gatherTraining(_ indices: UnsafeBufferPointer<Int32>, epoch: Int, seed: UInt64,
                               into input: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let images = dataSet.train
        guard let augmenter else { return gather(images, indices, into: input, labels: labels) }
        let parts = indices.count >= 32 ? max(1, BLAS.threads) : 1
        ConcurrentWork.forEachRange(count: indices.count, parts: parts) { lower, upper in
            augmentRows(indices, lower..<upper, augmenter: augmenter, epoch: epoch, seed: seed, into: input, labels: labels)
        }
    }

    /// `gatherTraining` for the batch rows `rows`.
    private func augmentRows(_ indices: UnsafeBufferPointer<Int32>, _ rows: Range<Int>, augmenter: Augmenter, epoch: Int,
                             seed: UInt64, into input: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let images = dataSet.train
        let d = images.featureCount, plane = images.planeSize, channels = images.channels
        let unit: Float = 1 / 255
        withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { scratch in
            images.pixels.withUnsafeBufferPointer { px in
                for r in rows {
                    let index = Int(indices[r])
                    let src = px.baseAddress! + index * d
                    let dst = input + r * d
                    for j in 0..<d { dst[j] = Float(src[j]) * unit }
                    augmenter.augment(dst, scratch: scratch.baseAddress!, seed: seed, epoch: epoch, index: index)
                    for c in 0..<channels {
                        let scale = 255 * channelScales[c], shift = channelShifts[c], values = dst + c * plane
                        for j in 0..<plane { values[j] = values[j] * scale + shift }
                    }
                    labels[r] = Int32(images.labels[index])
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
