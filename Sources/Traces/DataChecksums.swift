import CZlib
import Datasets

/// Checksums of the data a run trains and evaluates on, for the trace's `data_checksums` attribute.
///
/// Each is the CRC-32 (zlib's, the one of `zlib.crc32` in Python) of the decoded IDX payload as thermo holds
/// it in memory: the pixel bytes (images row-major, without the IDX header) or the label bytes. In Python,
/// `zlib.crc32(gzip.open("train-images-idx3-ubyte.gz").read()[16:])` gives `train_images` (labels: `[8:]`).
/// Written as "crc32:" and eight lower-case hexadecimal digits.
public enum DataChecksums {
    /// `train_images`, `train_labels`, `test_images`, `test_labels` of `dataSet`.
    public static func compute(_ dataSet: DataSet) -> [String: String] {
        [
            "train_images": crc32(dataSet.train.pixels),
            "train_labels": crc32(dataSet.train.labels),
            "test_images": crc32(dataSet.test.pixels),
            "test_labels": crc32(dataSet.test.labels),
        ]
    }

    /// "crc32:xxxxxxxx" of `bytes`, fed to zlib in pieces of at most 1 GiB.
    public static func crc32(_ bytes: [UInt8]) -> String {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = min(buffer.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buffer.baseAddress! + offset, uInt(n))
                offset += n
            }
        }
        let hex = String(crc, radix: 16)
        return "crc32:" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}
