import Dispatch
import Foundation
import Testing
import HDF5

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test func parallelWritersAndReadersAreSerialised() throws {
        let paths = (0..<6).map { _ in Scratch.file() }
        let failures = Failures()
        // Six threads at once create, fill, reopen and read their own files; failing calls are mixed in so
        // that error-stack capture also runs concurrently.
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            do {
                do {
                    let file = try File.create(paths[index])
                    let rows = try file.createAppendableDataset("rows", of: Int64.self, rowShape: [2],
                                                                compression: .standard)
                    for step in 0..<20 { try rows.append([Int64(index), Int64(step)]) }
                    try file.setAttribute("index", index)
                    _ = try? file.openDataset("missing")
                }
                let file = try File.open(paths[index])
                let values = try file.openDataset("rows").read(as: Int64.self)
                let wrongType = try? file.openDataset("rows").read(as: Float.self)
                let attribute = try file.attribute("index", as: Int.self)
                if values.count != 40 || values[38] != Int64(index) || values[39] != 19 || wrongType != nil
                    || attribute != index {
                    failures.add("thread \(index) read back \(values.prefix(4))…")
                }
            } catch {
                failures.add("thread \(index): \(error)")
            }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages)")
        #expect(!Library.printsErrorsAutomatically)
    }
}

/// Messages collected from several threads.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ message: String) { lock.withLock { list.append(message) } }
    var messages: [String] { lock.withLock { list } }
}
