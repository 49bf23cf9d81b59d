import Augmentation
import Foundation
import NumericCore
import Testing

/// An image as an array, with helpers to call the pointer-based operations.
struct TestImage: Equatable {
    var shape: ImageShape
    var values: [Float]

    /// Values from `f(c, y, x)`.
    init(_ shape: ImageShape, _ f: (Int, Int, Int) -> Float) {
        self.shape = shape
        values = (0..<shape.channels).flatMap { c in (0..<shape.rows).flatMap { y in (0..<shape.columns).map { x in f(c, y, x) } } }
    }

    /// Random values in [0, 1) from `seed`.
    static func random(_ shape: ImageShape, seed: UInt64) -> TestImage {
        var r = RandomStream(seed: seed, purpose: "test image")
        return TestImage(shape) { _, _, _ in r.nextUnitFloat() }
    }

    subscript(c: Int, y: Int, x: Int) -> Float { values[c * shape.plane + y * shape.columns + x] }

    /// The image after an in-place operation.
    func applying(_ op: (UnsafeMutablePointer<Float>, ImageShape) -> Void) -> TestImage {
        var copy = self
        copy.values.withUnsafeMutableBufferPointer { op($0.baseAddress!, shape) }
        return copy
    }

    /// The image after an operation writing into a second buffer.
    func resampled(_ op: (UnsafePointer<Float>, ImageShape, UnsafeMutablePointer<Float>) -> Void) -> TestImage {
        var out = self
        values.withUnsafeBufferPointer { src in out.values.withUnsafeMutableBufferPointer { op(src.baseAddress!, shape, $0.baseAddress!) } }
        return out
    }
}

/// The deterministic operations against their definitions.
struct ImageOperationTests {
    let rgb = ImageShape(channels: 3, rows: 5, columns: 7)

    @Test func aFlipIsAFlip() {
        let image = TestImage.random(rgb, seed: 1)
        let flipped = image.applying { ImageOperations.flipHorizontally($0, shape: $1) }
        for c in 0..<3 { for y in 0..<5 { for x in 0..<7 { #expect(flipped[c, y, x] == image[c, y, 6 - x]) } } }
        #expect(flipped.applying { ImageOperations.flipHorizontally($0, shape: $1) } == image)
    }

    @Test(arguments: [5, 6])
    func rotationByNinetyDegreesIsTransposeThenFlip(side: Int) {
        let shape = ImageShape(channels: 3, rows: side, columns: side)
        let image = TestImage.random(shape, seed: UInt64(side))
        let transposed = TestImage(shape) { c, y, x in image[c, x, y] }
        // Counter-clockwise: the transpose with its rows reversed; clockwise: with its columns reversed.
        let counter = TestImage(shape) { c, y, x in transposed[c, side - 1 - y, x] }
        let clockwise = TestImage(shape) { c, y, x in transposed[c, y, side - 1 - x] }
        #expect(image.resampled { ImageOperations.rotate($0, shape: $1, degrees: 90, into: $2) } == counter)
        #expect(image.resampled { ImageOperations.rotate($0, shape: $1, degrees: -90, into: $2) } == clockwise)
        #expect(image.resampled { ImageOperations.rotate($0, shape: $1, degrees: 0, into: $2) } == image)
        let half = TestImage(shape) { c, y, x in image[c, side - 1 - y, side - 1 - x] }
        #expect(image.resampled { ImageOperations.rotate($0, shape: $1, degrees: 180, into: $2) } == half)
    }

    @Test func rotationFillsWithZeroOutsideTheImage() {
        let shape = ImageShape(channels: 1, rows: 9, columns: 9)
        let ones = TestImage(shape) { _, _, _ in 1 }
        let turned = ones.resampled { ImageOperations.rotate($0, shape: $1, degrees: 45, into: $2) }
        #expect(turned[0, 0, 0] == 0 && turned[0, 8, 8] == 0 && turned[0, 4, 4] == 1 && turned[0, 0, 4] == 1)
    }

    @Test func grayscaleUsesTheLumaWeights() {
        let shape = ImageShape(channels: 3, rows: 1, columns: 3)
        // Pixel 0 pure red, 1 pure green, 2 pure blue.
        let image = TestImage(shape) { c, _, x in c == x ? 1 : 0 }
        let grey = image.applying { ImageOperations.grayscale($0, shape: $1) }
        for c in 0..<3 { #expect(grey[c, 0, 0] == 0.299 && grey[c, 0, 1] == 0.587 && grey[c, 0, 2] == 0.114) }
    }

    @Test func brightnessContrastSaturationAreBlends() {
        let image = TestImage.random(rgb, seed: 3)
        let darker = image.applying { ImageOperations.adjustBrightness($0, shape: $1, factor: 0.5) }
        #expect(darker.values == image.values.map { 0.5 * $0 })
        let flat = image.applying { ImageOperations.adjustContrast($0, shape: $1, factor: 0) }
        let n = rgb.plane
        let meanLuma = (0..<n).map { j in Double(0.299 * image.values[j] + 0.587 * image.values[n + j] + 0.114 * image.values[2 * n + j]) }
            .reduce(0, +) / Double(n)
        #expect(flat.values.allSatisfy { abs(Double($0) - meanLuma) < 1e-6 })
        let unsaturated = image.applying { ImageOperations.adjustSaturation($0, shape: $1, factor: 0) }
        let grey = image.applying { ImageOperations.grayscale($0, shape: $1) }
        #expect(zip(unsaturated.values, grey.values).allSatisfy { abs($0 - $1) < 1e-6 })
        let same = image.applying { ImageOperations.adjustContrast($0, shape: $1, factor: 1) }
        #expect(zip(same.values, image.values).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func hueTurnsTheColourWheel() {
        let shape = ImageShape(channels: 3, rows: 1, columns: 1)
        let red = TestImage(shape) { c, _, _ in c == 0 ? 1 : 0 }
        let green = red.applying { ImageOperations.adjustHue($0, shape: $1, shift: 1.0 / 3) }
        #expect(abs(green[0, 0, 0]) < 1e-6 && abs(green[1, 0, 0] - 1) < 1e-6 && abs(green[2, 0, 0]) < 1e-6)
        let image = TestImage.random(rgb, seed: 4)
        let unturned = image.applying { ImageOperations.adjustHue($0, shape: $1, shift: 0) }
        #expect(zip(unturned.values, image.values).allSatisfy { abs($0 - $1) < 1e-5 })
        let around = image.applying { ImageOperations.adjustHue($0, shape: $1, shift: 0.25) }
            .applying { ImageOperations.adjustHue($0, shape: $1, shift: -0.25) }
        #expect(zip(around.values, image.values).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func resizedCropIsBilinearWithHalfPixelCentres() {
        let shape = ImageShape(channels: 1, rows: 32, columns: 32)
        let ramp = TestImage(shape) { _, y, x in Float(x + 100 * y) }
        let whole = ramp.resampled { ImageOperations.resizedCrop($0, shape: $1, box: CropBox(top: 0, left: 0, height: 32, width: 32), into: $2) }
        #expect(whole == ramp)
        let box = CropBox(top: 4, left: 8, height: 16, width: 16)
        let zoomed = ramp.resampled { ImageOperations.resizedCrop($0, shape: $1, box: box, into: $2) }
        for y in 0..<32 {
            for x in 0..<32 {
                let sx = min(max((Double(x) + 0.5) / 2 - 0.5, 0), 15), sy = min(max((Double(y) + 0.5) / 2 - 0.5, 0), 15)
                #expect(abs(Double(zoomed[0, y, x]) - (8 + sx + 100 * (4 + sy))) < 1e-3, "(\(y), \(x))")
            }
        }
    }
}

/// The random parts: ranges, fallbacks, the recipes, determinism.
struct RandomAugmentationTests {
    @Test(arguments: [(32, 32, 0.6...1.0), (96, 96, 0.08...1.0), (20, 50, 0.08...1.0)])
    func cropBoxesAreInsideWithTheRequestedScaleAndRatio(rows: Int, columns: Int, scale: ClosedRange<Double>) {
        let crop = RandomResizedCrop(scale: scale)
        var random = RandomStream(seed: 5, purpose: "crop test")
        var tops = Set<Int>()
        let area = Double(rows * columns)
        for _ in 0..<5_000 {
            let b = crop.box(rows: rows, columns: columns, random: &random)
            #expect(b.top >= 0 && b.left >= 0 && b.height > 0 && b.width > 0
                    && b.top + b.height <= rows && b.left + b.width <= columns)
            // w and h are rounded from the drawn √(A·r) and √(A/r): each is off by at most ½.
            let slack = (0.5 * Double(b.width + b.height + 1) + 0.25) / area
            let fraction = Double(b.width * b.height) / area
            #expect(fraction >= scale.lowerBound - slack && fraction <= scale.upperBound + slack, "\(b)")
            let epsilon = 1 / (Double(min(b.width, b.height)) - 0.5)
            let logRatio = log(Double(b.width) / Double(b.height))
            #expect(logRatio >= log(3.0 / 4) - epsilon && logRatio <= log(4.0 / 3) + epsilon, "\(b)")
            tops.insert(b.top)
        }
        #expect(tops.count > 1, "boxes are placed at random")
    }

    @Test func cropFallsBackToTheCentreCropAfterTenTries() {
        // A strip 4 high and 100 wide: no box of 90 % of its area with a ratio in [3/4, 4/3] fits.
        var random = RandomStream(seed: 6, purpose: "crop test")
        let box = RandomResizedCrop(scale: 0.9...1).box(rows: 4, columns: 100, random: &random)
        #expect(box == CropBox(top: 0, left: 47, height: 4, width: 5))
        let tall = RandomResizedCrop(scale: 0.9...1).box(rows: 100, columns: 4, random: &random)
        #expect(tall == CropBox(top: 47, left: 0, height: 5, width: 4))
    }

    @Test func jitterFactorsAreInRangeAndEveryOrderOccurs() {
        let jitter = ColorJitter(brightness: 0.5, contrast: 1.5, saturation: 0.25, hue: 0.5)
        var random = RandomStream(seed: 7, purpose: "jitter test")
        var orders = Set<[Int]>()
        var lowest: Float = 10, highest: Float = -10
        for _ in 0..<5_000 {
            let d = jitter.draw(&random)
            #expect((0.5...1.5).contains(d.brightness) && (0...2.5).contains(d.contrast) && (0.75...1.25).contains(d.saturation))
            #expect((-0.5...0.5).contains(d.hue))
            orders.insert([d.order[0], d.order[1], d.order[2], d.order[3]])
            lowest = min(lowest, d.hue); highest = max(highest, d.hue)
        }
        #expect(orders.count == 24 && orders.allSatisfy { Set($0) == [0, 1, 2, 3] })
        #expect(lowest < -0.45 && highest > 0.45, "the hue shift spans its range")
    }

    @Test func theSameImageEpochAndSeedGiveTheSameAugmentation() {
        let shape = ImageShape(channels: 3, rows: 96, columns: 96)
        let image = TestImage.random(shape, seed: 8)
        func augmented(seed: UInt64, epoch: Int, index: Int) -> [Float] {
            Augmenter(recipe: .paperSTL, shape: shape).augmented(image.values, seed: seed, epoch: epoch, index: index)
        }
        let once = augmented(seed: 1, epoch: 3, index: 17)
        #expect(once == augmented(seed: 1, epoch: 3, index: 17))
        #expect(once != image.values)
        #expect(once != augmented(seed: 1, epoch: 4, index: 17) && once != augmented(seed: 1, epoch: 3, index: 18)
                && once != augmented(seed: 2, epoch: 3, index: 17))
        #expect(once.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func noneChangesNothingAndRecipesKnowWhatTheyNeed() {
        let shape = ImageShape(channels: 1, rows: 28, columns: 28)
        let image = TestImage.random(shape, seed: 9)
        let values = Augmenter(recipe: .none, shape: shape).augmented(image.values, seed: 1, epoch: 0, index: 0)
        #expect(values == image.values && AugmentationRecipe.none.isIdentity)
        #expect(AugmentationRecipe.paperCIFAR.refusal(for: shape, dataSet: "mnist") == nil)
        let refusal = AugmentationRecipe.paperSTL.refusal(for: shape, dataSet: "mnist") ?? ""
        #expect(refusal.hasPrefix("paper-stl changes colours") && refusal.contains("mnist has 1-channel images"))
        #expect(AugmentationRecipe.named("paper-cifar") == .paperCIFAR && AugmentationRecipe.named("cifar") == nil)
    }

    @Test func aSpecIsARecipeWithItsPartsReplaced() throws {
        // A recipe's name alone is the recipe itself.
        for recipe in AugmentationRecipe.all { #expect(try AugmentationRecipe.parse(recipe.name) == recipe) }
        // Parts replace the recipe's own and leave the rest.
        let cifar = try AugmentationRecipe.parse("paper-cifar, flip=0.50")
        #expect(cifar.name == "paper-cifar,flip=0.5" && cifar.flipProbability == 0.5 && cifar.crop == AugmentationRecipe.paperCIFAR.crop)
        let stl = try AugmentationRecipe.parse("paper-stl,rotate=0,jitter=0.1:0.2:0.3:0.4,crop=0.5:1")
        #expect(stl.rotationDegrees == 0 && stl.jitter == ColorJitter(brightness: 0.1, contrast: 0.2, saturation: 0.3, hue: 0.4))
        #expect(stl.crop == RandomResizedCrop(scale: 0.5...1) && stl.flipProbability == 0.5 && stl.grayscaleProbability == 0.1)
        // The canonical SPEC orders the parts as AugmentationPart does, so the same recipe has the same name.
        #expect(stl.name == "paper-stl,crop=0.5:1,jitter=0.1:0.2:0.3:0.4,rotate=0")
        #expect(try AugmentationRecipe.canonicalSpec("rotate=10,flip=1.0,crop=0.25:1,ratio=0.5:2") == "crop=0.25:1,ratio=0.5:2,flip=1,rotate=10")
        // Parts alone stand on top of none; the paper's STL-10 recipe written out part by part is paper-stl.
        let written = try AugmentationRecipe.parse("crop=0.08:1,flip=0.5,grayscale=0.1,jitter=0.5,rotate=180")
        #expect(written.crop == AugmentationRecipe.paperSTL.crop && written.jitter == AugmentationRecipe.paperSTL.jitter
                && written.flipProbability == 0.5 && written.grayscaleProbability == 0.1 && written.rotationDegrees == 180)
        #expect(try AugmentationRecipe.parse("paper-cifar,crop=none").isIdentity)
        #expect(try AugmentationRecipe.parse("paper-stl,jitter=0").jitter == nil)
    }

    @Test("Every spelling of the same recipe has the same canonical SPEC, and the canonical SPEC is that recipe")
    func theCanonicalSpecIsWhatTheRecipeDoes() throws {
        let spellings: [([String], String)] = [
            (["jitter=0.5", "jitter=0.5:0.5:0.5:0.5", "none,jitter=0.50"], "jitter=0.5"),
            (["paper-cifar", "crop=0.6:1", "paper-cifar,crop=0.6:1", "crop=0.6:1,ratio=0.75:1.3333333333333333"], "paper-cifar"),
            (["crop=0.08:1,flip=0.5,grayscale=0.1,jitter=0.5,rotate=180", "paper-stl,flip=0.5"], "paper-stl"),
            (["paper-cifar,crop=none", "none", "paper-stl,crop=none,flip=0,grayscale=0,jitter=0,rotate=0"], "none"),
            (["paper-cifar,flip=0.5", "crop=0.6:1,flip=0.5"], "paper-cifar,flip=0.5"),
            (["paper-stl,crop=0.6:1,flip=0,grayscale=0,jitter=0,rotate=0,ratio=0.5:2"], "paper-cifar,ratio=0.5:2"),
            (["paper-stl,jitter=0.5:0.5:0.5:0.25"], "paper-stl,jitter=0.5:0.5:0.5:0.25"),
        ]
        for (specs, canonical) in spellings {
            for spec in specs {
                let recipe = try AugmentationRecipe.parse(spec)
                #expect(recipe.name == canonical, "\(spec)")
                // The canonical SPEC parses back to the same recipe (same parts, same name).
                #expect(try AugmentationRecipe.parse(recipe.name) == recipe, "\(spec)")
            }
        }
    }

    @Test(arguments: [
        ("", nil, "is empty"), ("cifar", "cifar", "is not an augmentation recipe"), ("flop=1", "flop=1", "is not an augmentation part"),
        ("flip=2", "flip=2", "a probability P in [0, 1]"), ("flip=0.5,flip=0.2", "flip=0.2", "repeats the part flip"),
        ("crop=0:1", "crop=0:1", "0 < A ≤ B ≤ 1"), ("crop=0.9:0.5", "crop=0.9:0.5", "0 < A ≤ B ≤ 1"),
        ("ratio=0.5:2", "ratio=0.5:2", "needs a crop"), ("jitter=0.1:0.2", "jitter=0.1:0.2", "B:C:S:H"),
        ("jitter=0.6", "jitter=0.6", "hue strength 0.6 above 0.5"), ("rotate=270", "rotate=270", "[0, 180]"),
        ("paper-cifar,flip", "flip", "is not an augmentation part"), ("flip=nan", "flip=nan", "a probability"),
    ] as [(String, String?, String)])
    func aBadSpecNamesItsPart(spec: String, part: String?, message: String) {
        #expect(throws: AugmentationSpecError.self) { try AugmentationRecipe.parse(spec) }
        do { _ = try AugmentationRecipe.parse(spec) } catch {
            #expect(error.part == part && error.description.contains(message), "\(error)")
        }
    }
}
