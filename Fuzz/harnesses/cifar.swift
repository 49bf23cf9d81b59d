// libFuzzer harness: the CIFAR-10 binary reader (`BinaryDataSetReader.readCIFAR10`) on a folder built from each
// input, read as a program: six state bytes (one per batch file: exact size, missing, a few bytes or records too
// long or short, empty, a folder in its place), then edits of 5 bytes each (file, record, where, value) written
// into the files. The files are sparse (zeros are valid records), so a folder of exact sizes is read whole.
// A crash, a trap, or an accepted folder whose labels or pixels are not the bytes written is a bug; a
// BinaryDataError or IDXError is the expected outcome.
#if canImport(Glibc)
import Glibc
#endif
import Datasets

nonisolated(unsafe) private var folder = "/tmp/thermo-fuzz-cifar-\(getpid())"
private let names = CIFAR10Format.trainFiles + [CIFAR10Format.testFile]
private let exactSize = CIFAR10Format.recordsPerFile * CIFAR10Format.recordBytes

/// Removes whatever is at `path` (a file or an empty folder).
private func removeEntry(_ path: String) { if unlink(path) != 0 { rmdir(path) } }

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= names.count * 3 else { return 0 }
    mkdir(folder, 0o700)
    var cursor = 0
    func byte() -> Int { defer { cursor += 1 }; return Int(data[cursor]) }
    var lengths: [Int?] = []   // nil: no regular file
    for name in names {
        let path = folder + "/" + name
        removeEntry(path)
        let state = byte(), delta = 1 + byte() * 256 + byte()
        let length: Int?
        switch state % 10 {
        case 0...4: length = exactSize
        case 5: length = nil
        case 6: length = exactSize + delta
        case 7: length = max(0, exactSize - delta)
        case 8: length = max(0, exactSize - CIFAR10Format.recordBytes * (delta % 10_001))
        default: length = state < 128 ? 0 : nil
        }
        if let length {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            precondition(fd >= 0 && ftruncate(fd, off_t(length)) == 0, "cannot create \(path)")
            close(fd)
        } else if state % 10 == 9 {
            mkdir(path, 0o700)
        }
        lengths.append(length)
    }
    // Edits: (file, record hi, record lo, where, value); where 0 is the label byte, else a pixel.
    var labels: [Int: UInt8] = [:], pixels: [Int: UInt8] = [:]   // keyed by image·3073 + byte
    while cursor + 5 <= size {
        let f = byte() % names.count, record = (byte() * 256 + byte()) % CIFAR10Format.recordsPerFile
        let position = byte() == 0 ? 0 : 1 + (record * 7 + cursor) % CIFAR10Format.imageBytes
        let value = UInt8(byte())
        guard let length = lengths[f], length > 0 else { continue }
        let offset = min(record * CIFAR10Format.recordBytes + position, length - 1)
        let fd = open(folder + "/" + names[f], O_WRONLY)
        var v = value
        precondition(fd >= 0 && pwrite(fd, &v, 1, off_t(offset)) == 1, "cannot edit \(names[f])")
        close(fd)
        let key = f * exactSize + offset
        if offset % CIFAR10Format.recordBytes == 0 { labels[key] = value } else { pixels[key] = value }
    }
    if let (train, test) = try? BinaryDataSetReader.readCIFAR10(folder: folder) {
        precondition(lengths.allSatisfy { $0 == exactSize }, "a folder with a wrong-sized batch was accepted")
        precondition(train.count == 50_000 && test.count == 10_000, "wrong image counts")
        precondition(train.pixels.count == 50_000 * 3_072 && test.pixels.count == 10_000 * 3_072, "wrong pixel counts")
        precondition((train.labels + test.labels).allSatisfy { $0 <= 9 }, "a label above 9 was accepted")
        for (key, value) in labels {
            let image = key / CIFAR10Format.recordBytes
            let read = image < 50_000 ? train.labels[image] : test.labels[image - 50_000]
            precondition(read == value, "label of image \(image) is \(read), written \(value)")
        }
        for (key, value) in pixels {
            let image = key / CIFAR10Format.recordBytes, byte = key % CIFAR10Format.recordBytes - 1
            let read = image < 50_000 ? train.pixels[image * 3_072 + byte] : test.pixels[(image - 50_000) * 3_072 + byte]
            precondition(read == value, "pixel \(byte) of image \(image) is \(read), written \(value)")
        }
    }
    return 0
}
