import Foundation
import NumericCore

/// torchvision's RandomResizedCrop: a box of random area and aspect ratio, then resized to the image's size.
public struct RandomResizedCrop: Sendable, Equatable {
    /// Range of the box's area as a fraction of the image's.
    public let scale: ClosedRange<Double>
    /// Range of the box's aspect ratio width/height, drawn uniformly in log space.
    public let ratio: ClosedRange<Double>

    /// A crop drawing areas in `scale` and ratios in `ratio`.
    public init(scale: ClosedRange<Double>, ratio: ClosedRange<Double> = (3.0 / 4.0)...(4.0 / 3.0)) {
        precondition(scale.lowerBound > 0 && scale.upperBound <= 1 && ratio.lowerBound > 0, "crop ranges out of bounds")
        self.scale = scale
        self.ratio = ratio
    }

    /// The box for an image of `rows`×`columns`: up to 10 tries of area A = H·W·U(scale), ratio
    /// r = exp(U(log ratio)), w = round(√(A·r)), h = round(√(A/r)) (round half to even, as Python's `round`); the
    /// first that fits (0 < w ≤ W, 0 < h ≤ H) is placed uniformly (top in 0…H − h, left in 0…W − w). If none fits,
    /// the centre crop of the whole image clipped to the ratio range: W/H below the range → w = W,
    /// h = round(W / min ratio); above → h = H, w = round(H · max ratio); else the whole image; top = ⌊(H − h)/2⌋,
    /// left = ⌊(W − w)/2⌋.
    public func box(rows: Int, columns: Int, random: inout RandomStream) -> CropBox {
        let area = Double(rows * columns)
        let logLow = log(ratio.lowerBound), logHigh = log(ratio.upperBound)
        for _ in 0..<10 {
            let target = area * (scale.lowerBound + (scale.upperBound - scale.lowerBound) * random.nextUnitDouble())
            let aspect = exp(logLow + (logHigh - logLow) * random.nextUnitDouble())
            let w = Int((target * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((target / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= columns && h > 0 && h <= rows {
                let top = random.nextIndex(below: rows - h + 1), left = random.nextIndex(below: columns - w + 1)
                return CropBox(top: top, left: left, height: h, width: w)
            }
        }
        let inRatio = Double(columns) / Double(rows)
        var w = columns, h = rows
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return CropBox(top: (rows - h) / 2, left: (columns - w) / 2, height: h, width: w)
    }
}

/// torchvision's ColorJitter: brightness, contrast and saturation factors uniform in [max(0, 1 − x), 1 + x], a hue
/// shift uniform in [−x, x] (x ≤ 0.5), applied in a random order of the four.
public struct ColorJitter: Sendable, Equatable {
    /// Strength of each adjustment (0 switches it off).
    public let brightness: Double, contrast: Double, saturation: Double, hue: Double

    /// A jitter; `hue` must be in [0, 0.5].
    public init(brightness: Double, contrast: Double, saturation: Double, hue: Double) {
        precondition(brightness >= 0 && contrast >= 0 && saturation >= 0 && (0...0.5).contains(hue), "jitter out of range")
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
    }

    /// One draw: the order (a permutation of 0 brightness, 1 contrast, 2 saturation, 3 hue), then the four factors
    /// in that fixed order of names (a switched-off one is 1, or a hue shift of 0, and draws nothing).
    public struct Draw: Sendable, Equatable {
        /// The order the four adjustments are applied in (a Fisher–Yates shuffle of 0…3, as
        /// `RandomStream.permutation(4)`, held without allocating).
        public let order: SIMD4<Int>
        /// The factors and the hue shift.
        public let brightness: Float, contrast: Float, saturation: Float, hue: Float
    }

    /// Draws an order and the factors from `random`.
    public func draw(_ random: inout RandomStream) -> Draw {
        var order = SIMD4<Int>(0, 1, 2, 3)
        for i in stride(from: 3, to: 0, by: -1) {
            let j = random.nextIndex(below: i + 1), t = order[i]
            order[i] = order[j]
            order[j] = t
        }
        func factor(_ x: Double) -> Float {
            x > 0 ? Float(max(0, 1 - x) + (1 + x - max(0, 1 - x)) * random.nextUnitDouble()) : 1
        }
        let b = factor(brightness), c = factor(contrast), s = factor(saturation)
        let h = hue > 0 ? Float(-hue + 2 * hue * random.nextUnitDouble()) : 0
        return Draw(order: order, brightness: b, contrast: c, saturation: s, hue: h)
    }

    /// Applies `draw` to one image.
    public static func apply(_ draw: Draw, to image: UnsafeMutablePointer<Float>, shape: ImageShape) {
        for k in 0..<4 {
            let step = draw.order[k]
            switch step {
            case 0: if draw.brightness != 1 { ImageOperations.adjustBrightness(image, shape: shape, factor: draw.brightness) }
            case 1: if draw.contrast != 1 { ImageOperations.adjustContrast(image, shape: shape, factor: draw.contrast) }
            case 2: if draw.saturation != 1 { ImageOperations.adjustSaturation(image, shape: shape, factor: draw.saturation) }
            default: if draw.hue != 0 { ImageOperations.adjustHue(image, shape: shape, shift: draw.hue) }
            }
        }
    }
}

/// An augmentation recipe: which random operations run, in the fixed order crop → horizontal flip → grayscale →
/// colour jitter → rotation (the order the paper lists them; torchvision applies a `Compose` in its list order).
public struct AugmentationRecipe: Sendable, Equatable {
    /// The recipe's name ("paper-cifar").
    public let name: String
    /// Random resized crop back to the image's size, if any.
    public let crop: RandomResizedCrop?
    /// Probability of a horizontal flip.
    public let flipProbability: Double
    /// Probability of turning the image grey (3 channels only).
    public let grayscaleProbability: Double
    /// Colour jitter, if any.
    public let jitter: ColorJitter?
    /// Rotation uniform in [−d, d] degrees, if d > 0.
    public let rotationDegrees: Double

    /// A recipe.
    public init(name: String, crop: RandomResizedCrop? = nil, flipProbability: Double = 0, grayscaleProbability: Double = 0,
                jitter: ColorJitter? = nil, rotationDegrees: Double = 0) {
        self.name = name
        self.crop = crop
        self.flipProbability = flipProbability
        self.grayscaleProbability = grayscaleProbability
        self.jitter = jitter
        self.rotationDegrees = rotationDegrees
    }

    /// No augmentation.
    public static let none = AugmentationRecipe(name: "none")
    /// The paper's CIFAR-10 recipe (24): random resized crop, scale [0.6, 1], ratio [3/4, 4/3].
    public static let paperCIFAR = AugmentationRecipe(name: "paper-cifar", crop: RandomResizedCrop(scale: 0.6...1))
    /// The paper's STL-10 recipe (25): crop scale [0.08, 1], ratio [3/4, 4/3]; flip 0.5; grayscale 0.1; jitter 0.5
    /// each; rotation in [−180°, 180°].
    public static let paperSTL = AugmentationRecipe(
        name: "paper-stl", crop: RandomResizedCrop(scale: 0.08...1), flipProbability: 0.5, grayscaleProbability: 0.1,
        jitter: ColorJitter(brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.5), rotationDegrees: 180)

    /// Every named recipe.
    public static let all: [AugmentationRecipe] = [.none, .paperCIFAR, .paperSTL]

    /// Whether the recipe does nothing.
    public var isIdentity: Bool {
        crop == nil && flipProbability == 0 && grayscaleProbability == 0 && jitter == nil && rotationDegrees == 0
    }

    /// Whether it uses colour operations (grayscale, saturation, hue), which need 3-channel images.
    public var needsColour: Bool {
        grayscaleProbability > 0 || (jitter.map { $0.saturation > 0 || $0.hue > 0 } ?? false)
    }

    /// The recipe called `name`, or nil.
    public static func named(_ name: String) -> AugmentationRecipe? { all.first { $0.name == name } }

    /// Why the recipe cannot be applied to images of `shape` ("paper-stl changes colours …; use …"), naming the fix,
    /// or nil when it can.
    public func refusal(for shape: ImageShape, dataSet: String) -> String? {
        if needsColour && shape.channels != 3 {
            let fix = AugmentationRecipe.named(name) != nil ? "use --augment paper-cifar or none on it"
                : "set its colour parts to 0 (--grayscale 0, --jitter B:C:0:0) on it"
            return "\(name) changes colours (grayscale, saturation, hue), but \(dataSet) has \(shape.channels)-channel "
                + "images; " + fix
        }
        return nil
    }
}

/// Applies a recipe to images one at a time, each from its own stream: `RandomStream(seed: seed, purpose: "augment",
/// index: epoch << 32 | image)`, so an image's augmentation depends only on (seed, epoch, image index) — not on the
/// batch it lands in, the thread, or what came before — and a resumed run augments exactly as the uninterrupted one.
/// The caller lends one scratch image (C·H·W floats): nothing is allocated per image.
public struct Augmenter: Sendable {
    /// The recipe.
    public let recipe: AugmentationRecipe
    /// The images' shape.
    public let shape: ImageShape

    /// An augmenter of images of `shape`.
    public init(recipe: AugmentationRecipe, shape: ImageShape) {
        self.recipe = recipe
        self.shape = shape
    }

    /// The stream image `image` of epoch `epoch` is augmented from.
    public static func stream(seed: UInt64, epoch: Int, image: Int) -> RandomStream {
        RandomStream(seed: seed, purpose: "augment", index: UInt64(epoch) << 32 | UInt64(UInt32(truncatingIfNeeded: image)))
    }

    /// Augments one image in place (values in [0, 1], C×H×W), using `scratch` (`shape.count` floats) for resampling.
    public func augment(_ image: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, seed: UInt64,
                        epoch: Int, index: Int) {
        var random = Augmenter.stream(seed: seed, epoch: epoch, image: index)
        if let crop = recipe.crop {
            let box = crop.box(rows: shape.rows, columns: shape.columns, random: &random)
            ImageOperations.resizedCrop(image, shape: shape, box: box, into: scratch)
            image.update(from: scratch, count: shape.count)
        }
        if recipe.flipProbability > 0 && random.nextUnitDouble() < recipe.flipProbability {
            ImageOperations.flipHorizontally(image, shape: shape)
        }
        if recipe.grayscaleProbability > 0 && random.nextUnitDouble() < recipe.grayscaleProbability {
            ImageOperations.grayscale(image, shape: shape)
        }
        if let jitter = recipe.jitter {
            ColorJitter.apply(jitter.draw(&random), to: image, shape: shape)
        }
        if recipe.rotationDegrees > 0 {
            let angle = -recipe.rotationDegrees + 2 * recipe.rotationDegrees * random.nextUnitDouble()
            ImageOperations.rotate(image, shape: shape, degrees: angle, into: scratch)
            image.update(from: scratch, count: shape.count)
        }
    }

    /// Augments one image held in an array (allocates its scratch: for tests and plots, not the training loop).
    public func augmented(_ image: [Float], seed: UInt64, epoch: Int, index: Int) -> [Float] {
        precondition(image.count == shape.count, "the image has \(image.count) values, not \(shape.count)")
        var values = image
        var scratch = [Float](repeating: 0, count: shape.count)
        values.withUnsafeMutableBufferPointer { v in
            scratch.withUnsafeMutableBufferPointer { augment(v.baseAddress!, scratch: $0.baseAddress!, seed: seed, epoch: epoch, index: index) }
        }
        return values
    }
}
