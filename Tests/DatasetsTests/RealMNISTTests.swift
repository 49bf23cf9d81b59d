import Datasets
import Foundation
import Testing
import TestSupport

/// The real MNIST files beside the project (../shared/data/mnist), when they are there.
@Suite(.enabled(if: TestPaths.sharedMNIST != nil, "real MNIST not found at ../shared/data/mnist"))
struct RealMNISTTests {
    @Test func loadsWithTheDocumentedShapesAndLabelCounts() throws {
        let folder = try #require(TestPaths.sharedMNIST).path
        let clock = ContinuousClock()
        var loaded: DataSet?
        let elapsed = try clock.measure {
            loaded = try loadDataSet(named: "mnist", directory: folder, environment: [:])
        }
        let data = try #require(loaded)
        #expect(data.train.count == 60_000 && data.test.count == 10_000)
        #expect(data.train.rows == 28 && data.train.columns == 28 && data.test.featureCount == 784)
        #expect(data.train.pixels.count == 60_000 * 784 && data.test.pixels.count == 10_000 * 784)
        #expect(data.train.labelHistogram(classes: 10) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(data.test.labelHistogram(classes: 10) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(elapsed < .seconds(5), "loading took \(elapsed)")
    }

    @Test func theSmallFilesMatchTheirCanonicalChecksums() throws {
        // The label files only (hashing the image files is left to the CLI test, to keep debug runs short).
        let folder = try #require(TestPaths.sharedMNIST).path
        let mnist = try DataSetDescription.named("mnist")
        for role in [DataSetFileRole.trainLabels, .testLabels] {
            let file = try IDXFile(reading: folder + "/" + role.gzipFileName, dimensionCount: 1)
            let verdict = ChecksumVerdict.judge(checksums: mnist.checksums[role] ?? [], sha256: hexString(file.sha256()),
                                                storage: file.storage, gzipMD5: { "" })
            #expect(verdict.isMatch, "\(role.gzipFileName): \(verdict)")
        }
    }
}
