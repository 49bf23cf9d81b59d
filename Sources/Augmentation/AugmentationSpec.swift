import Foundation
import NumericCore

/// Why an augmentation SPEC is refused: the part as written and what is wrong with it.
public struct AugmentationSpecError: Error, Sendable, Equatable, DescribedError {
    /// The part (`flip=2`), or nil for the SPEC as a whole.
    public let part: String?
    /// What is wrong, with the fix.
    public let message: String

    /// The refusal of `part` (nil: the whole SPEC) with `message`.
    public init(part: String?, _ message: String) {
        self.part = part
        self.message = message
    }

    /// "'part' message", or the message alone for the SPEC as a whole.
    public var description: String { part.map { "'\($0)' \(message)" } ?? message }
}

/// One adjustable part of a recipe, as `key=value` in a SPEC and as its own `thermo train` flag.
public enum AugmentationPart: String, CaseIterable, Sendable {
    /// `crop=A:B`: random resized crop with area scale in [A, B] (0 < A ≤ B ≤ 1); `crop=none` removes the crop.
    case crop
    /// `ratio=A:B`: the crop's aspect-ratio range (0 < A ≤ B); needs a crop.
    case ratio
    /// `flip=P`: horizontal flip with probability P.
    case flip
    /// `grayscale=P`: grayscale with probability P (3-channel images).
    case grayscale
    /// `jitter=X` or `jitter=B:C:S:H`: colour jitter strengths (hue ≤ 0.5); 0 switches one off.
    case jitter
    /// `rotate=D`: rotation uniform in [−D, D] degrees, 0 ≤ D ≤ 180.
    case rotate

    /// The `thermo train` flag that sets this part.
    public var flag: String {
        switch self {
        case .crop: "--crop-scale"
        case .ratio: "--crop-ratio"
        case .flip: "--flip"
        case .grayscale: "--grayscale"
        case .jitter: "--jitter"
        case .rotate: "--rotation"
        }
    }

    /// The form of its value, for messages and help.
    public var valueForm: String {
        switch self {
        case .crop: "A:B (0 < A ≤ B ≤ 1) or none"
        case .ratio: "A:B (0 < A ≤ B)"
        case .flip, .grayscale: "a probability P in [0, 1]"
        case .jitter: "X or B:C:S:H (each ≥ 0, hue ≤ 0.5)"
        case .rotate: "degrees D in [0, 180]"
        }
    }
}

extension AugmentationRecipe {
    /// The recipe a SPEC describes: a recipe's name (`none`, `paper-cifar`, `paper-stl`), optionally followed by
    /// parts that replace the recipe's own, or parts alone (on top of `none`), separated by commas:
    /// `paper-cifar,flip=0.5`, `crop=0.08:1,ratio=0.75:1.333,flip=0.5,grayscale=0.1,jitter=0.5,rotate=180`.
    /// Parts are `crop`, `ratio`, `flip`, `grayscale`, `jitter` and `rotate` (``AugmentationPart``), each at most
    /// once. The recipe's `name` is the canonical SPEC (``canonicalSpec(_:)``): the same recipe written twice the
    /// same way has the same name, which is what runs and checkpoints compare.
    public static func parse(_ spec: String) throws(AugmentationSpecError) -> AugmentationRecipe {
        let tokens = spec.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        guard let first = tokens.first, !first.isEmpty else {
            throw AugmentationSpecError(part: nil, "the augmentation SPEC is empty; give none, paper-cifar, paper-stl or parts such as flip=0.5")
        }
        var base = AugmentationRecipe.none, parts = tokens[...]
        if !first.contains("=") {
            guard let named = named(first) else {
                throw AugmentationSpecError(part: first, "is not an augmentation recipe; choose "
                                            + all.map(\.name).joined(separator: ", ") + ", or give parts such as flip=0.5")
            }
            (base, parts) = (named, tokens.dropFirst())
        }
        var values: [AugmentationPart: String] = [:]
        for token in parts {
            let pieces = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 2, let part = AugmentationPart(rawValue: pieces[0]) else {
                throw AugmentationSpecError(part: token, "is not an augmentation part; parts are "
                                            + AugmentationPart.allCases.map { "\($0.rawValue)=…" }.joined(separator: ", "))
            }
            guard values[part] == nil else { throw AugmentationSpecError(part: token, "repeats the part \(part.rawValue); give it once") }
            values[part] = pieces[1]
        }
        var crop = base.crop.map { ($0.scale, $0.ratio) }
        var flip = base.flipProbability, grayscale = base.grayscaleProbability, jitter = base.jitter
        var rotation = base.rotationDegrees
        for part in AugmentationPart.allCases {
            guard let text = values[part] else { continue }
            let written = "\(part.rawValue)=\(text)"
            func refuse() -> AugmentationSpecError { AugmentationSpecError(part: written, "needs \(part.valueForm)") }
            switch part {
            case .crop:
                if text == "none" { crop = nil; continue }
                guard let range = parseRange(text), range.lowerBound > 0, range.upperBound <= 1 else { throw refuse() }
                crop = (range, crop?.1 ?? (3.0 / 4.0)...(4.0 / 3.0))
            case .ratio:
                guard let range = parseRange(text), range.lowerBound > 0, range.upperBound.isFinite else { throw refuse() }
                guard let scale = crop?.0 else {
                    throw AugmentationSpecError(part: written, "needs a crop: give crop=A:B too (or a recipe with one)")
                }
                crop = (scale, range)
            case .flip, .grayscale:
                guard let p = Double(text), (0...1).contains(p) else { throw refuse() }
                if part == .flip { flip = p } else { grayscale = p }
            case .jitter:
                let numbers = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
                guard numbers.count == 1 || numbers.count == 4, numbers.allSatisfy({ $0.map { $0 >= 0 && $0.isFinite } ?? false }) else {
                    throw refuse()
                }
                let x = numbers.map { $0! }
                let (b, c, s, h) = x.count == 1 ? (x[0], x[0], x[0], x[0]) : (x[0], x[1], x[2], x[3])
                guard h <= 0.5 else { throw AugmentationSpecError(part: written, "has a hue strength \(h) above 0.5 (torchvision's limit)") }
                jitter = b == 0 && c == 0 && s == 0 && h == 0 ? nil : ColorJitter(brightness: b, contrast: c, saturation: s, hue: h)
            case .rotate:
                guard let d = Double(text), (0...180).contains(d) else { throw refuse() }
                rotation = d
            }
        }
        let recipe = AugmentationRecipe(name: "", crop: crop.map { RandomResizedCrop(scale: $0.0, ratio: $0.1) },
                                        flipProbability: flip, grayscaleProbability: grayscale, jitter: jitter,
                                        rotationDegrees: rotation)
        return recipe.renamed(recipe.canonicalSpec)
    }

    /// The canonical form of a SPEC: what it does, written shortest — a named recipe followed by the parts in which
    /// the SPEC differs from it (parts alone when that recipe is `none`), in the order of ``AugmentationPart``, their
    /// numbers written shortest. Of the named recipes, the one leaving the fewest parts is taken (the first of
    /// ``all`` on a tie). So every SPEC of the same recipe has the same canonical form: `jitter=0.5` and
    /// `jitter=0.5:0.5:0.5:0.5`, or `crop=0.6:1` and `paper-cifar,crop=0.6:1` and `paper-cifar`.
    public static func canonicalSpec(_ spec: String) throws(AugmentationSpecError) -> String { try parse(spec).name }

    /// This recipe's canonical SPEC (``canonicalSpec(_:)``), whatever its name.
    var canonicalSpec: String {
        let spellings: [(base: String, parts: [String])] = AugmentationRecipe.all.map { ($0.name, parts(differingFrom: $0)) }
        let shortest = spellings.min { $0.parts.count < $1.parts.count }!
        let tokens = shortest.base == "none" && !shortest.parts.isEmpty ? shortest.parts : [shortest.base] + shortest.parts
        return tokens.joined(separator: ",")
    }

    /// The same recipe under another name.
    func renamed(_ name: String) -> AugmentationRecipe {
        AugmentationRecipe(name: name, crop: crop, flipProbability: flipProbability, grayscaleProbability: grayscaleProbability,
                           jitter: jitter, rotationDegrees: rotationDegrees)
    }

    /// The SPEC parts that turn `base` into this recipe, in the order of ``AugmentationPart``.
    private func parts(differingFrom base: AugmentationRecipe) -> [String] {
        let n: (Double) -> String = AugmentationRecipe.shortNumber
        var parts: [String] = []
        if crop != base.crop {
            if let crop {
                // A crop given on a base without one keeps the default ratio range (``RandomResizedCrop``).
                let baseRatio = base.crop?.ratio ?? RandomResizedCrop(scale: 1...1).ratio
                if crop.scale != base.crop?.scale { parts.append("crop=\(n(crop.scale.lowerBound)):\(n(crop.scale.upperBound))") }
                if crop.ratio != baseRatio { parts.append("ratio=\(n(crop.ratio.lowerBound)):\(n(crop.ratio.upperBound))") }
            } else {
                parts.append("crop=none")
            }
        }
        if flipProbability != base.flipProbability { parts.append("flip=\(n(flipProbability))") }
        if grayscaleProbability != base.grayscaleProbability { parts.append("grayscale=\(n(grayscaleProbability))") }
        if jitter != base.jitter {
            let j: [Double] = jitter.map { [$0.brightness, $0.contrast, $0.saturation, $0.hue] } ?? [0]
            parts.append("jitter=" + (Set(j).count == 1 ? n(j[0]) : j.map(n).joined(separator: ":")))
        }
        if rotationDegrees != base.rotationDegrees { parts.append("rotate=\(n(rotationDegrees))") }
        return parts
    }

    /// `A:B` with A ≤ B, both finite.
    private static func parseRange(_ text: String) -> ClosedRange<Double>? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, let a = Double(pieces[0]), let b = Double(pieces[1]), a.isFinite, b.isFinite, a <= b else { return nil }
        return a...b
    }

    /// 0.5 → "0.5", 1.0 → "1", 1e-3 → "0.001".
    private static func shortNumber(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
