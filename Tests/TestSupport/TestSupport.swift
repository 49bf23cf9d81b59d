import Foundation

/// Helpers shared by the test targets: paths to the real data and to the built binary, temporary folders.
public enum TestPaths {
    /// The package's root folder (the one holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The real MNIST folder shared beside the project (`../shared/data/mnist`), if present.
    public static var sharedMNIST: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/mnist")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("train-images-idx3-ubyte.gz").path) ? url : nil
    }

    /// A new empty temporary folder, unique to the caller.
    public static func temporaryFolder(_ label: String = "thermo-test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
