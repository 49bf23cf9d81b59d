// libFuzzer harness: the STL-10 binary reader. Each input is read as a header (the expected image count, the
// label file's and the image file's length modes) followed by bytes that fill the label file and, cycled, the
// image file; the split is read through the reader's own size check and split reader at that small expected
// count (the published counts, 5,000 and 8,000 images of 27 KB, would make each run read 360 MB), and the
// same files are then given to the public `readSTL10(folder:)`, which must refuse them (their counts are not
// STL-10's). A crash, a trap, or an accepted split whose labels are not the bytes minus one or whose pixels are
// not the column-major bytes transposed is a bug; a BinaryDataError or IDXError is the expected outcome.
#if canImport(Glibc)
import Glibc
#endif
@testable import Datasets

nonisolated(unsafe) private var folder = "/tmp/thermo-fuzz-stl-\(getpid())"

/// Writes `bytes` to `path` (replacing it).
private func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(path)")
    var done = 0
    while done < bytes.count {
        let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        precondition(n > 0, "cannot write \(path)")
        done += n
    }
    close(fd)
}

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 4 else { return 0 }
    let imageBytes = STL10Format.imageBytes
    let expected = 1 + Int(data[0]) % 3
    // Label file: the expected count, one more or fewer, or empty; image file: whole images, or a few bytes off.
    let labelCount = [expected, expected + 1, max(0, expected - 1), 0][Int(data[1]) % 4]
    let imageCount = [expected, expected + 1, max(0, expected - 1), labelCount][Int(data[2]) % 4]
    let imageLength = max(0, imageCount * imageBytes + [0, 0, 1, -1, 13, -imageBytes / 2][Int(data[3]) % 6])
    let body = UnsafeBufferPointer(start: data + 4, count: size - 4)
    let labels = (0..<labelCount).map { body.isEmpty ? UInt8(1) : body[$0 % body.count] }
    let images = (0..<imageLength).map { body.isEmpty ? UInt8(truncatingIfNeeded: $0) : body[($0 * 7 + $0 / 251) % body.count] &+ UInt8(truncatingIfNeeded: $0) }
    mkdir(folder, 0o700)
    let labelPath = folder + "/" + STL10Format.trainLabels, imagePath = folder + "/" + STL10Format.trainImages
    writeFile(labelPath, labels)
    writeFile(imagePath, images)
    for name in [STL10Format.testImages, STL10Format.testLabels] { writeFile(folder + "/" + name, []) }

    if let labelFile = try? InputFile(path: labelPath), let imageFile = try? InputFile(path: imagePath),
       (try? BinaryDataSetReader.checkSTL10Sizes(images: imageFile, labels: labelFile, expected: expected)) != nil,
       let split = try? BinaryDataSetReader.readSTL10Split(images: imageFile, labels: labelFile) {
        precondition(imageLength == expected * imageBytes && labelCount == expected, "wrong-sized files were accepted")
        precondition(split.count == expected && split.labels.count == expected && split.pixels.count == expected * imageBytes)
        let rows = STL10Format.rows, columns = STL10Format.columns, plane = rows * columns
        for i in 0..<expected {
            precondition(split.labels[i] == labels[i] - 1, "label \(i) is \(split.labels[i]), written \(labels[i])")
            for probe in [0, 1, 95, 96, 97, 9215, 9216, 12_345, 27_647] {
                let c = probe / plane, y = (probe % plane) / columns, x = probe % columns
                let read = split.pixels[i * imageBytes + probe]
                let written = images[i * imageBytes + c * plane + x * rows + y]
                precondition(read == written, "pixel (c \(c), y \(y), x \(x)) of image \(i) is not the file's column-major byte")
            }
        }
    }
    // The public reader on the same folder: the counts are not STL-10's, so it must throw.
    precondition((try? BinaryDataSetReader.readSTL10(folder: folder)) == nil, "a folder of the wrong counts was accepted")
    return 0
}
