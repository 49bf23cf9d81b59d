import ArgumentParser
import Augmentation
import Settings

/// `--augment` and one flag per part of a recipe (`--flip 0.5`, `--crop-scale 0.3:1`, …), shared by `thermo train`
/// and `thermo plot augment`. The parts are folded into one augmentation SPEC (`paper-cifar,flip=0.5`), in its
/// canonical form: what the configuration, the checkpoint and the trace record, and what a resume compares.
///
/// The part flags take their value unconditionally, so that a negative value (`--rotation -1`) is refused by the
/// value's own check, naming the flag and its range, rather than read as another flag.
struct AugmentationOptions: ParsableArguments {
    @Option(help: .setting(.augment))
    var augment: String?
    @Option(name: .customLong("crop-scale"), parsing: .unconditional, help: ArgumentHelp("Random resized crop with its area in A…B of the image's (replaces the recipe's crop; none removes it).", valueName: "A:B"))
    var cropScale: String?
    @Option(name: .customLong("crop-ratio"), parsing: .unconditional, help: ArgumentHelp("Aspect-ratio range of the crop (default 3/4…4/3).", valueName: "A:B"))
    var cropRatio: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Probability of a horizontal flip.", valueName: "P"))
    var flip: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Probability of turning an image grey (3-channel images).", valueName: "P"))
    var grayscale: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Colour jitter strengths: one for all four, or brightness:contrast:saturation:hue (hue ≤ 0.5).", valueName: "X|B:C:S:H"))
    var jitter: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Rotation uniform in [−D, D] degrees.", valueName: "D"))
    var rotation: String?

    /// The long names of the part flags, which take their value unconditionally.
    static let partFlags = ["--crop-scale", "--crop-ratio", "--flip", "--grayscale", "--jitter", "--rotation"]

    /// A usage message when a part flag is followed by another flag (`--flip --jitter 0.1`) instead of its value,
    /// nil otherwise. The parser takes the second flag as the value and then reports a stray word, which hides the
    /// mistake; checked only after parsing failed. Words after `--` are arguments, not flags.
    static func flagMissingItsValue(in arguments: [String]) -> String? {
        for (index, word) in arguments.enumerated() {
            if word == "--" { return nil }
            guard partFlags.contains(word), index + 1 < arguments.count else { continue }
            let next = arguments[index + 1]
            if next.hasPrefix("--") && next.count > 2 && Double(next) == nil {
                return "\(word) needs a value before the next flag '\(next)': write e.g. \(word) \(word == "--rotation" ? "15" : word.hasPrefix("--crop") ? "0.3:1" : "0.5")"
            }
        }
        return nil
    }

    /// The parts given as flags, in the order of `AugmentationPart`.
    private var parts: [(AugmentationPart, String)] {
        let given: [(AugmentationPart, String?)] = [(.crop, cropScale), (.ratio, cropRatio), (.flip, flip),
                                                    (.grayscale, grayscale), (.jitter, jitter), (.rotate, rotation)]
        return given.compactMap { part, value in value.map { (part, $0) } }
    }

    /// The canonical SPEC of `--augment` and the part flags, nil when none of them is given. A part that is
    /// also in `--augment`'s SPEC, or a value out of range, is a usage error naming the flag.
    func spec() throws -> String? {
        let parts = self.parts
        guard augment != nil || !parts.isEmpty else { return nil }
        for (part, value) in parts {
            if value.contains(",") || value.contains("=") {
                throw ValidationError("\(part.flag) takes \(part.valueForm), got '\(value)'")
            }
            do { _ = try AugmentationRecipe.parse(part == .ratio ? "crop=0.5:1,ratio=\(value)" : "\(part.rawValue)=\(value)") } catch {
                throw ValidationError("\(part.flag) takes \(part.valueForm), got '\(value)'")
            }
        }
        let base = augment ?? "none"
        let written = ([base] + parts.map { "\($0.0.rawValue)=\($0.1)" }).joined(separator: ",")
        do { return try AugmentationRecipe.canonicalSpec(written) } catch {
            if let part = parts.first(where: { error.part == "\($0.0.rawValue)=\($0.1)" })?.0 {
                let message = part == .ratio && cropScale == nil ? "needs a crop: give --crop-scale A:B too (or an --augment recipe with one)" : error.message
                throw ValidationError("\(part.flag) \(message)")
            }
            throw ValidationError("\(TrainingSetting.augment.flag) \(error.description)")
        }
    }
}
