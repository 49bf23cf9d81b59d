import Foundation
import NumericCore

// Numbers as the studies' messages and reports show them.

/// A number for messages: integers plainly, others with up to 6 significant digits.
public func formatNumber(_ x: Double) -> String {
    NumberText.wholeOrSignificant(x, digits: 6, symbols: true)
}

/// A value for tables: 4 significant digits, "—" for nil, "∞" for infinity.
public func formatCell(_ x: Double?) -> String {
    guard let x else { return "—" }
    return NumberText.short(x, digits: 4)
}

/// A number for CSV: the shortest representation that reads back exactly ("inf", "nan" for non-finite).
public func csvNumber(_ x: Double) -> String { NumberText.exact(x) }

/// Every line indented by two spaces.
func indent(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
}

/// A layer's name in tables, keys, titles and notes: "layer 3" for a layer numbered by its place (an MLP's
/// layers, a table's), the trace's own name ("conv3", "fc1") for a layer of a network with convolutions.
public func layerTitle(_ label: String) -> String {
    !label.isEmpty && label.allSatisfy(\.isNumber) ? "layer \(label)" : label
}
