import Datasets
import Networks
import NumericCore
import Training

/// The fixed batch on which curvature is measured: B training images drawn once from the stream
/// (seed, "curvature-batch"), so that measurements at different epochs (or checkpoints) of a run see the same
/// images and differ only through the weights.
public struct ProbeBatch: @unchecked Sendable {
    /// The images as input rows, (B, n_0), scaled as the run scales them.
    public let input: FloatBuffer
    /// Their labels.
    public let labels: [Int32]
    /// Indices (into the training split) of the images, in batch order.
    public let indices: [Int32]

    /// B = min(`size`, the training images) images of `data`'s training set; a `size` below 1 is refused
    /// (``checkSize(_:)``).
    public init(_ data: TrainingData, size: Int, seed: UInt64) throws(CurvatureError) {
        try ProbeBatch.checkSize(size)
        var random = RandomStream(seed: seed, purpose: "curvature-batch")
        let order = random.permutation(data.trainIndices.count)
        indices = order.prefix(size).map { data.trainIndices[Int($0)] }
        let input = FloatBuffer(count: indices.count * data.dataSet.train.featureCount)
        var labels = [Int32](repeating: 0, count: indices.count)
        indices.withUnsafeBufferPointer { rows in
            labels.withUnsafeMutableBufferPointer { data.gather(data.dataSet.train, rows, into: input.pointer, labels: $0.baseAddress!) }
        }
        self.input = input
        self.labels = labels
    }

    /// B.
    public var count: Int { indices.count }

    /// Refuses a probe batch of fewer than 1 image, as `--probe-batch` does.
    public static func checkSize(_ size: Int) throws(CurvatureError) {
        guard size >= 1 else { throw CurvatureError("--probe-batch must be at least 1, not \(size)") }
    }

    /// The probe batch's size when none is given: 256 images for a fully-connected network; 64 for a network with
    /// convolutions, whose stage outputs are large (a measurement keeps about four copies of them; for `paper-mnist`
    /// that is 118,000 floats per image, so about 120 MB at 64 images, by this count, not measured).
    public static func defaultSize(for architecture: Architecture) -> Int { architecture.isFullyConnected ? 256 : 64 }
}
