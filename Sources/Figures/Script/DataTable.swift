/// A data file for gnuplot: whitespace-separated numbers under a commented header, in blocks separated by two
/// blank lines (gnuplot's `index`). Every block has the same columns.
struct DataTable: Sendable {
    /// One block: a title (written as a comment) and its rows.
    struct Block: Sendable {
        var title: String
        var rows: [[Double]]
    }

    /// The part of the file name after the figure's base name: `<base>.<part>.dat`. Letters, digits, `-` and `_`
    /// only (others are replaced), so the name is always safe in a script.
    var part: String
    /// What the file holds, one comment line each.
    var description: [String]
    /// The column names (single words).
    var columns: [String]
    var blocks: [Block] = []

    init(part: String, description: [String], columns: [String]) {
        self.part = safeFileNamePart(part)
        self.description = description
        self.columns = columns
    }

    /// Appends a block; every row has one value per column.
    mutating func append(_ title: String, rows: [[Double]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "DataTable \(part): rows must have \(columns.count) values")
        blocks.append(Block(title: title, rows: rows))
    }

    /// The file's text.
    var text: String {
        var lines = description.map(commentLine)
        lines.append(commentLine("columns: " + columns.joined(separator: " ")))
        if blocks.count > 1 { lines.append(commentLine("\(blocks.count) blocks separated by two blank lines (gnuplot: index 0, 1, …)")) }
        for (i, block) in blocks.enumerated() {
            if i > 0 { lines.append(""); lines.append("") }
            lines.append(commentLine("index \(i): \(block.title)"))
            for row in block.rows { lines.append(row.map(dataNumber).joined(separator: " ")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `text` reduced to letters, digits, `-` and `_` (others become `-`), for use inside file names.
func safeFileNamePart(_ text: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    let mapped = String(text.map { allowed.contains($0) ? $0 : "-" })
    return mapped.isEmpty ? "data" : mapped
}
