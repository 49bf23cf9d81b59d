import Crypto


/// Checksums of the data a run trains and evaluates on, for the trace's `data_checksums` attribute.
///
/// Each is the SHA-256 of the decompressed IDX file as the data set distributes it (header and payload),
/// rebuilt from the bytes thermo holds in memory: the same checksum `thermo data verify` prints (and checks
/// against the canonical MNIST values), and that `sha256sum` gives on the gunzipped file. In Python,
/// `hashlib.sha256(gzip.open("train-images-idx3-ubyte.gz").read()).hexdigest()`. Written as "sha256:" and
/// 64 lower-case hexadecimal digits.
public enum DataChecksums {
    /// `train_images`, `train_labels`, `test_images`, `test_labels` of `dataSet`.
    public static func compute(_ dataSet: DataSet) -> [String: String] {
        [
            "train_images": images(dataSet.train),
            "train_labels": labels(dataSet.train),
            "test_images": images(dataSet.test),
            "test_labels": labels(dataSet.test),
        ]
    }

    /// The checksum of an images file (idx3: count × rows × columns; for images of several channels, the idx4
    /// file count × channels × rows × columns that would hold the same NCHW bytes).
    public static func images(_ split: LabeledImages) -> String {
        let dimensions = split.channels == 1 ? [split.count, split.rows, split.columns]
            : [split.count, split.channels, split.rows, split.columns]
        return sha256(header: IDXFile.encodeHeader(dimensions: dimensions), payload: split.pixels)
    }

    /// The checksum of a labels file (idx1: count).
    public static func labels(_ split: LabeledImages) -> String {
        sha256(header: IDXFile.encodeHeader(dimensions: [split.count]), payload: split.labels)
    }

    static func sha256(header: [UInt8], payload: [UInt8]) -> String {
        var hash = SHA256()
        header.withUnsafeBytes { hash.update(bufferPointer: $0) }
        payload.withUnsafeBytes { hash.update(bufferPointer: $0) }
        return "sha256:" + hexString(hash.finalize())
    }
}
