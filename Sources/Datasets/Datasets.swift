// TEMPORARY stand-in for the Datasets module (replaced by the real IDX reader on merge).
import Foundation
import CZlib

public struct LabeledImages: Sendable {
    public let count: Int, rows: Int, columns: Int
    public let pixels: [UInt8]
    public let labels: [UInt8]
    public var featureCount: Int { rows * columns }
    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        self.count = count; self.rows = rows; self.columns = columns; self.pixels = pixels; self.labels = labels
    }
}
public struct DataSet: Sendable {
    public let name: String
    public let directory: String
    public let classes: Int
    public let train: LabeledImages
    public let test: LabeledImages
    public init(name: String, directory: String, classes: Int, train: LabeledImages, test: LabeledImages) {
        self.name = name; self.directory = directory; self.classes = classes; self.train = train; self.test = test
    }
}
struct StubError: Error, CustomStringConvertible { let description: String }
func gunzip(_ path: String) throws -> [UInt8] {
    guard let f = gzopen(path, "rb") else { throw StubError(description: "cannot open \(path)") }
    defer { gzclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = buf.withUnsafeMutableBytes { gzread(f, $0.baseAddress, UInt32($0.count)) }
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<Int(n)])
    }
    return out
}
public func loadDataSet(named name: String, directory: String?, environment: [String: String] = ProcessInfo.processInfo.environment, currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> DataSet {
    let dir = directory ?? environment["THERMO_DATA"] ?? "../shared/data/\(name)"
    func split(_ prefix: String) throws -> LabeledImages {
        let img = try gunzip("\(dir)/\(prefix)-images-idx3-ubyte.gz")
        let lab = try gunzip("\(dir)/\(prefix)-labels-idx1-ubyte.gz")
        let n = (Int(lab[4]) << 24) | (Int(lab[5]) << 16) | (Int(lab[6]) << 8) | Int(lab[7])
        return LabeledImages(count: n, rows: 28, columns: 28, pixels: Array(img[16...]), labels: Array(lab[8...]))
    }
    return DataSet(name: name, directory: dir, classes: 10, train: try split("train"), test: try split("t10k"))
}
