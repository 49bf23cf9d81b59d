import Datasets
import Foundation
import Testing
@testable import Training

/// Pixel standardisation: per channel for colour images, and the MNIST-family numbers unchanged.
struct StandardizationTests {
    /// `count` images of `channels`×4×5 whose channel c has its own level and spread.
    static func images(count: Int, channels: Int) -> LabeledImages {
        let plane = 20
        var pixels = [UInt8](repeating: 0, count: count * channels * plane)
        for i in 0..<count {
            for c in 0..<channels {
                for j in 0..<plane {
                    pixels[(i * channels + c) * plane + j] = UInt8((40 * c + 7 * ((i * 13 + j * 5) % (9 + 10 * c))) % 256)
                }
            }
        }
        return LabeledImages(count: count, channels: channels, rows: 4, columns: 5, pixels: pixels,
                             labels: (0..<count).map { UInt8($0 % 10) })
    }

    /// The converted training images, channel by channel.
    static func gathered(_ data: TrainingData, _ images: LabeledImages) -> [Float] {
        var input = [Float](repeating: .nan, count: images.count * images.featureCount)
        var labels = [Int32](repeating: -1, count: images.count)
        let indices = (0..<Int32(images.count)).map { $0 }
        indices.withUnsafeBufferPointer { ix in
            input.withUnsafeMutableBufferPointer { inp in
                labels.withUnsafeMutableBufferPointer { data.gather(images, ix, into: inp.baseAddress!, labels: $0.baseAddress!) }
            }
        }
        return input
    }

    @Test func eachColourChannelHasZeroMeanAndUnitVariance() {
        let images = Self.images(count: 30, channels: 3)
        let data = TrainingData(DataSet(name: "synthetic", directory: "", classes: 10, train: images, test: images),
                                configuration: TrainingConfiguration())
        #expect(data.channelScales.count == 3 && Set(data.channelScales).count == 3)
        let x = Self.gathered(data, images)
        for c in 0..<3 {
            var values: [Double] = []
            for i in 0..<30 { values += x[(i * 3 + c) * 20..<(i * 3 + c + 1) * 20].map(Double.init) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-4, "channel \(c): mean \(mean), variance \(variance)")
        }
    }

    @Test func oneChannelIsTheStandardisationOverAllPixels() {
        let images = Self.images(count: 30, channels: 1)
        let data = TrainingData(DataSet(name: "synthetic", directory: "", classes: 10, train: images, test: images),
                                configuration: TrainingConfiguration())
        // The formula thermo used before channels: one mean and deviation over every training pixel.
        var sum = 0.0, sumSquares = 0.0
        for p in images.pixels { sum += Double(p); sumSquares += Double(p) * Double(p) }
        let n = Double(images.pixels.count)
        let mean = sum / n / 255, std = max(sumSquares / n / (255 * 255) - mean * mean, 1e-12).squareRoot()
        #expect(data.scale == Float(1 / (255 * std)) && data.shift == Float(-mean / std))
        #expect(data.channelScales == [data.scale] && data.channelShifts == [data.shift])
        let x = Self.gathered(data, images)
        #expect(x == images.pixels.map { Float($0) * data.scale + data.shift })
    }

    @Test func unitScalingIsTheSameForEveryChannel() {
        let images = Self.images(count: 4, channels: 3)
        var configuration = TrainingConfiguration()
        configuration.standardize = false
        let data = TrainingData(DataSet(name: "synthetic", directory: "", classes: 10, train: images, test: images),
                                configuration: configuration)
        #expect(Self.gathered(data, images) == images.pixels.map { Float($0) * (1 / 255 as Float) })  // as before channels
    }
}
