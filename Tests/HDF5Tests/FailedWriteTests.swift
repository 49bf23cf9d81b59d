import Foundation
import Testing
import TestSupport
@testable import HDF5

/// Writes that fail (a full disk, a file size limit) and what follows from them.
@Suite("Failed writes")
struct FailedWriteTests {
    @Test("HDF5's description of a failed write is cut to the system's reason")
    func tidiedWriteFailure() {
        let raw = "file write failed: time = Sun Nov 29 04:38:35 2026 , filename = 't.h5.partial-21148', file descriptor = 3, errno = 27, error message = 'File too large', buf = 0x563ec8237c90, total write size = 4096, bytes this sub-write = 4096, bytes actually written = 18446744073709551615, offset = 0"
        #expect(HDF5Error.tidy(raw) == "file write failed: file too large")
    }

    @Test("A process whose file close failed under a file size limit exits with its error, without crashing in HDF5's cleanup",
          .enabled(if: FileManager.default.isExecutableFile(atPath: TestPaths.thermoBinary.path), "the thermo binary is not built"),
          .disabled(if: TestBuild.threadSanitizer, "ThreadSanitizer's runtime cannot run under a file size limit"))
    func exitAfterFailedClose() throws {
        // Before the fix, HDF5's exit handler walked the structures of the file whose close had failed and
        // crashed (SIGSEGV, status 139) after thermo had printed its error.
        let folder = TestPaths.temporaryFolder("thermo-hdf5-limit")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for (prefix, count) in [("train", 20), ("t10k", 10)] {
            let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 28, 0, 0, 0, 28] + [UInt8](repeating: 7, count: count * 784)
            let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, UInt8(count)] + (0..<count).map { UInt8($0 % 10) }
            try Data(images).write(to: data.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(labels).write(to: data.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -f 8 && exec \"$0\" train --data \"$1\" --layers 784,4,10 --epochs 1 --batch-size 10 --threads 1 --quiet --trace \"$1/../x.h5\"",
                             TestPaths.thermoBinary.path, data.path]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try launch(process)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(message)")
        #expect(message.contains("file too large") && !message.contains("crashed"), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["data"])
    }
}
