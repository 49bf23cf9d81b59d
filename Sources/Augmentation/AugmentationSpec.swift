import Foundation

/// Why an augmentation SPEC is refused: the part as written and what is wrong with it.
public struct AugmentationSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part (`flip=2`), or nil for the SPEC as a whole.
    public let part: String?
    /// What is wrong, with the fix.
    public let message: String

    public init(part: String?, _ message: String) {
        self.part = part
        self.message = message
    }

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
        var base = AugmentationRecipe.none, baseName = "none", parts = tokens[...]
        if !first.contains("=") {
            guard let named = named(first) else {
                throw AugmentationSpecError(part: first, "is not an augmentation recipe; choose "
                                            + all.map(\.name).joined(separator: ", ") + ", or give parts such as flip=0.5")
            }
            (base, baseName, parts) = (named, first, tokens.dropFirst())
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
        let canonical = canonicalSpec(base: baseName, values: values)
        return AugmentationRecipe(name: canonical, crop: crop.map { RandomResizedCrop(scale: $0.0, ratio: $0.1) },
                                  flipProbability: flip, grayscaleProbability: grayscale, jitter: jitter,
                                  rotationDegrees: rotation)
    }

    /// The canonical form of a SPEC: the recipe's name, then the parts given, in the order of ``AugmentationPart``,
    /// their numbers written shortest (`paper-cifar,flip=0.5`); a recipe's name alone when no part is given.
    public static func canonicalSpec(_ spec: String) throws(AugmentationSpecError) -> String { try parse(spec).name }

    private static func canonicalSpec(base: String, values: [AugmentationPart: String]) -> String {
        var tokens = values.isEmpty || base != "none" ? [base] : []
        for part in AugmentationPart.allCases {
            guard let text = values[part] else { continue }
            let numbers = text == "none" ? ["none"] : text.split(separator: ":").map { Double($0).map(shortNumber) ?? String($0) }
            tokens.append("\(part.rawValue)=\(numbers.joined(separator: ":"))")
        }
        return tokens.joined(separator: ",")
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
