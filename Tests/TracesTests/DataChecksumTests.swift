import Datasets
import Testing
import TestSupport
@testable import Traces

@Test("A trace's data checksums are the canonical SHA-256 of the decompressed MNIST files",
      .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
func dataChecksumsAreCanonical() throws {
    let data = try loadDataSet(named: "mnist", directory: TestPaths.sharedMNIST!.path, environment: [:])
    let sums = DataChecksums.compute(data)
    // ../shared/data/README.md
    #expect(sums["train_images"] == "sha256:ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")
    #expect(sums["train_labels"] == "sha256:65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")
    #expect(sums["test_images"] == "sha256:0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7")
    #expect(sums["test_labels"] == "sha256:ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")
}
