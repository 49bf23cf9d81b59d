/// Images and labels of one split, as stored: pixels are the raw bytes (0…255), row-major count×rows×columns.
public struct LabeledImages: Sendable {
    /// Number of images (and labels).
    public let count: Int
    /// Image height in pixels.
    public let rows: Int
    /// Image width in pixels.
    public let columns: Int
    /// The pixel bytes, `count * rows * columns`, image after image, row-major.
    public let pixels: [UInt8]
    /// One label per image, each below the data set's `classes`.
    public let labels: [UInt8]

    /// Pixels per image.
    public var featureCount: Int { rows * columns }

    /// A split from its parts; `pixels` must hold `count * rows * columns` bytes and `labels` `count`.
    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(count >= 0 && rows > 0 && columns > 0, "a split needs positive image sizes")
        precondition(pixels.count == count * rows * columns, "pixels hold \(pixels.count) bytes, not \(count)×\(rows)×\(columns)")
        precondition(labels.count == count, "\(labels.count) labels for \(count) images")
        self.count = count
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
    /// "mnist", "fashion-mnist", "kmnist".
    public let name: String
    /// Folder the files were read from.
    public let directory: String
    /// Number of classes (10).
    public let classes: Int
    /// The training split (60,000 images for the MNIST family).
    public let train: LabeledImages
    /// The test split (10,000 images for the MNIST family).
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
