/// Images and labels of one split, as stored: pixels are the raw bytes (0…255), count×channels×rows×columns
/// (NCHW: image after image, each channel-major — all of channel 0 row-major, then channel 1, …).
///
/// The MNIST family has one channel, so its layout is count×rows×columns as in the IDX files; CIFAR-10 and
/// STL-10 have three (red, green, blue).
public struct LabeledImages: Sendable {
    /// Number of images (and labels).
    public let count: Int
    /// Colour channels per image (1 for grey, 3 for RGB).
    public let channels: Int
    /// Image height in pixels.
    public let rows: Int
    /// Image width in pixels.
    public let columns: Int
    /// The pixel bytes, `count * channels * rows * columns`, image after image, each C×H×W (channel-major,
    /// each channel row-major).
    public let pixels: [UInt8]
    /// One label per image, each below the data set's `classes`.
    public let labels: [UInt8]

    /// Bytes per image, all channels (`channels * rows * columns`): the input width of a dense network.
    public var featureCount: Int { channels * rows * columns }

    /// Bytes per channel of one image (`rows * columns`).
    public var planeSize: Int { rows * columns }

    /// The image shape, [channels, rows, columns].
    public var shape: [Int] { [channels, rows, columns] }

    /// A split from its parts; `pixels` must hold `count * channels * rows * columns` bytes (NCHW) and
    /// `labels` `count`. `channels` defaults to 1 (grey images, the MNIST family).
    public init(count: Int, channels: Int = 1, rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(count >= 0 && channels > 0 && rows > 0 && columns > 0, "a split needs positive image sizes")
        precondition(pixels.count == count * channels * rows * columns,
                     "pixels hold \(pixels.count) bytes, not \(count)×\(channels)×\(rows)×\(columns)")
        precondition(labels.count == count, "\(labels.count) labels for \(count) images")
        self.count = count
        self.channels = channels
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
    }

    /// How many labels of each class there are (`classes` entries).
    public func labelHistogram(classes: Int) -> [Int] {
        var histogram = [Int](repeating: 0, count: classes)
        labels.withUnsafeBufferPointer { buffer in
            for label in buffer where Int(label) < classes { histogram[Int(label)] += 1 }
        }
        return histogram
    }
}

/// A named data set: its train and test split and where it was read from.
public struct DataSet: Sendable {
    /// "mnist", "fashion-mnist", "kmnist", "cifar10", "stl10".
    public let name: String
    /// Folder the files were read from.
    public let directory: String
    /// Number of classes (10).
    public let classes: Int
    /// The training split (60,000 images for the MNIST family, 50,000 for CIFAR-10, 5,000 for STL-10).
    public let train: LabeledImages
    /// The test split (10,000 images for the MNIST family and CIFAR-10, 8,000 for STL-10).
    public let test: LabeledImages

    /// A data set from its parts (for tests and synthetic data).
    public init(name: String, directory: String, classes: Int, train: LabeledImages, test: LabeledImages) {
        self.name = name
        self.directory = directory
        self.classes = classes
        self.train = train
        self.test = test
    }
}
