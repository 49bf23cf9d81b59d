import Testing
import Foundation
import TestSupport

@Test func thermoPrintsItsVersion() throws {
    let run = try runThermo(["--version"])
    #expect(run.status == 0)
    #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
}
