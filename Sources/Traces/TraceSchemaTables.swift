import Foundation

/// docs/trace-format.md's variable tables, generated from ``TraceVariable``, ``SnapshotVariable`` and
/// ``SnapshotScale`` (a test in TracesTests fails when the page and these disagree; `THERMO_UPDATE_TRACE_DOC=1
/// swift test --filter TraceFormatDocumentation` rewrites the tables).
public enum TraceSchemaTables {
    /// The line that opens a generated table in docs/trace-format.md, for `/steps`, `/epochs` or `/weights`.
    public static func openingLine(_ table: String) -> String {
        "<!-- table generated from the trace schema (TraceSchemaTables): \(table) -->"
    }
    /// The line that closes a generated table.
    public static let closingLine = "<!-- end of generated table -->"

    /// The names of the generated tables, in the page's order.
    public static let names = ["steps", "epochs", "weights"]

    /// The markdown table `name` (a row per variable: name, kind, dimensions, element type, units, when recorded,
    /// long_name, definition), between its opening and closing lines.
    public static func table(_ name: String) -> String {
        var rows: [[String]]
        switch name {
        case "steps": rows = TraceVariable.all(in: .steps).map(row)
        case "epochs": rows = TraceVariable.all(in: .epochs).map(row)
        default:
            rows = SnapshotScale.allCases.map { scale in
                [code(scale.rawValue), "scale", scale == .epoch ? "epoch" : scale.rawValue, "Int64", "—",
                 "with snapshots", scale.longName, "—"]
            }
            rows += SnapshotVariable.allCases.map { variable in
                [code(variable.name), "snapshot", "epoch, row, column", "Float32", code(variable.units),
                 variable.fromMoments ? "per-weight" : "batch-variance snapshots", variable.longName, code(variable.definition)]
            }
        }
        let header = ["variable", "kind", "dims", "type", "units", "recorded", "long_name", "definition"]
        let lines = [openingLine(name), line(header), line(header.map { _ in "---" })] + rows.map(line) + [closingLine]
        return lines.joined(separator: "\n")
    }

    private static func row(_ variable: TraceVariable) -> [String] {
        [code(variable.name), variable.kind.rawValue, variable.entry.dimensions.map(\.rawValue).joined(separator: ", "),
         typeName(variable.element), variable.units.map(code) ?? "—", variable.requirement.rawValue, variable.longName,
         variable.definition.map(code) ?? "—"]
    }

    private static func typeName(_ element: TraceElement) -> String {
        switch element {
        case .float64: "Float64"
        case .int64: "Int64"
        case .float32: "Float32"
        }
    }

    /// `text` as a code span, its pipes escaped for a markdown table cell.
    private static func code(_ text: String) -> String { "`" + text.replacingOccurrences(of: "|", with: "\\|") + "`" }

    private static func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    /// `page` with every generated table replaced by the schema's; nil when the page lacks a table's opening or
    /// closing line.
    public static func updating(_ page: String) -> String? {
        var lines = page.components(separatedBy: "\n")
        for name in names {
            guard let start = lines.firstIndex(of: openingLine(name)),
                  let end = lines[start...].firstIndex(of: closingLine) else { return nil }
            lines.replaceSubrange(start...end, with: table(name).components(separatedBy: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}
