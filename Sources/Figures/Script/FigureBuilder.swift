import Foundation

/// The script and data tables of one figure under construction. `FigureRenderer` makes one, writes the terminal
/// and the common style, and hands it to `Figure.build(_:)`; the figure adds panels, axes, data and plot commands
/// through its (module-internal) methods, which quote every piece of text.
public struct FigureBuilder: Sendable {
    /// The output format, which fixes the terminal and the text markup.
    public let format: FigureFormat
    /// The options the figure is drawn with.
    public let options: FigureOptions
    /// The figure's size in cm.
    public let size: FigureSize
    /// The output's name without its extension; data files are `<baseName>.<part>.dat`.
    public let baseName: String

    /// The script's lines so far.
    private(set) var lines: [String] = []
    /// The data tables, in order of `data(_:)` calls.
    private(set) var tables: [DataTable] = []
    /// Whether a multiplot is open (closed by the renderer).
    private(set) var inMultiplot = false
    /// The fraction of the height reserved at the top for a multiplot title.
    private var titleFraction = 0.0
    /// The fraction of the height reserved at the bottom for a shared key (`keyStrip`).
    private var keyFraction = 0.0
    /// The columns of the shared key, and the width of one in cm.
    private var keyColumns = 1
    private var keyColumnWidth = 4.2

    init(format: FigureFormat, options: FigureOptions, size: FigureSize, baseName: String) {
        self.format = format
        self.options = options
        self.size = size
        self.baseName = baseName
    }

    var mode: TextMode { format.textMode }

    /// The data file names, in order.
    var dataFileNames: [String] { tables.map { "\(baseName).\($0.part).dat" } }

    // MARK: Text

    /// `text` as a quoted gnuplot string in this terminal's markup.
    func quoted(_ text: FigureText) -> String { gnuplotString(text.rendered(mode)) }

    /// A user's or the data's text as a quoted gnuplot string, shown literally.
    func quoted(literal text: String) -> String { quoted(.literal(text)) }

    /// Appends a command written by thermo (never containing unquoted user text).
    mutating func add(_ command: String) { lines.append(command) }

    /// Appends a comment line.
    mutating func comment(_ text: String) { lines.append(commentLine(text)) }

    /// Appends an empty line.
    mutating func blank() { lines.append("") }

    // MARK: Data

    /// Registers `table` and returns its file name as a quoted, explicitly relative gnuplot string
    /// (`'./fig.part.dat'`): the `./` keeps gnuplot from reading a name that starts with `<` as a command pipe or
    /// `-`/`+` as a special file.
    mutating func data(_ table: DataTable) -> String {
        var table = table
        let used = Set(tables.map(\.part))
        if used.contains(table.part) {
            var k = 2
            while used.contains("\(table.part)-\(k)") { k += 1 }
            table.part = "\(table.part)-\(k)"
        }
        tables.append(table)
        return gnuplotString("./\(baseName).\(table.part).dat")
    }

    // MARK: Layout

    /// The figure's overall title: the user's `--title`, else `fallback`.
    func title(fallback: FigureText?) -> FigureText? {
        options.title.map { .literal($0) } ?? fallback
    }

    /// Opens a multiplot whose panels are placed with `panel(row:column:rows:columns:)`, with an overall title.
    mutating func beginMultiplot(title: FigureText?) {
        if let title {
            add("set multiplot title \(quoted(title)) font \(gnuplotString(",\(gnuplotNumber(options.fontSize + 1))"))")
            titleFraction = min(0.2, (options.fontSize + 1) * 1.7 / 72 * 2.54 / size.height)
        } else {
            add("set multiplot")
        }
        inMultiplot = true
    }

    /// Places the next panel in cell (row, column) of a rows × columns grid (row 0 at the top), spanning
    /// `rowSpan` × `columnSpan` cells, below the overall title. `heights` gives relative row heights.
    mutating func panel(row: Int, column: Int, rows: Int, columns: Int, rowSpan: Int = 1, columnSpan: Int = 1,
                        heights: [Double]? = nil) {
        let weights = heights ?? Array(repeating: 1, count: rows)
        let total = weights.reduce(0, +)
        let available = 1 - titleFraction - keyFraction
        let top = weights[0..<row].reduce(0, +) / total
        let span = weights[row..<(row + rowSpan)].reduce(0, +) / total
        let width = Double(columnSpan) / Double(columns)
        let x = Double(column) / Double(columns)
        let height = span * available
        let y = keyFraction + available - (top * available) - height
        blank()
        add("set origin \(gnuplotNumber(x, digits: 5)),\(gnuplotNumber(y, digits: 5))")
        add("set size \(gnuplotNumber(width, digits: 5)),\(gnuplotNumber(height, digits: 5))")
    }

    /// Reserves a strip at the bottom of the figure for a key shared by all panels, with `entries` entries laid
    /// out in as many columns of `columnWidth` cm as fit the width. Call before placing panels; draw it with
    /// `keyStrip(_:)`.
    mutating func reserveKeyStrip(entries: Int, columnWidth: Double = 4.2) {
        keyColumns = max(1, min(entries, Int(size.width / columnWidth)))
        keyColumnWidth = columnWidth
        let rows = (entries + keyColumns - 1) / keyColumns
        let lineHeight = options.fontSize * 1.45 / 72 * 2.54
        keyFraction = min(0.4, (Double(rows) * lineHeight + 0.25) / size.height)
    }

    /// Draws the shared key reserved by `reserveKeyStrip(entries:)`: `clauses` plot nothing (`NaN with … title …`)
    /// and only their key entries show, read row by row, in columns of the reserved width centred under the
    /// panels (spread over the whole width, two entries sat under different panels as if they belonged to them).
    /// Each column of the key is its own (empty) plot with its key at a fixed position, so that the layout does not
    /// depend on a terminal's estimate of text widths.
    mutating func keyStrip(_ clauses: [String]) {
        blank()
        comment("The key shared by all panels: one empty, invisible full-size plot per key column (full size, so that")
        comment("gnuplot never wraps a column for lack of height).")
        add("set origin 0,0")
        add("set size 1,1")
        resetPanel()
        add("unset border; unset tics; unset grid; set xrange [0:1]; set yrange [0:1]")
        let columnWidth = min(keyColumnWidth / size.width, 0.92 / Double(keyColumns))
        let margin = (1 - columnWidth * Double(keyColumns)) / 2
        let top = keyFraction - 0.1 / size.height
        for column in 0..<keyColumns {
            let entries = stride(from: column, to: clauses.count, by: keyColumns).map { clauses[$0] }
            guard !entries.isEmpty else { continue }
            let x = margin + Double(column) * columnWidth
            add("set key at screen \(gnuplotNumber(x, digits: 5)), screen \(gnuplotNumber(top, digits: 5)) left top vertical maxrows \(entries.count) noopaque reverse Left samplen 3 spacing 1.1")
            add("plot " + entries.joined(separator: ", \\\n     "))
        }
        add("set border 3; set tics; set grid")
    }

    /// Clears the per-panel settings a previous panel made (labels, arrows, objects, ranges, log axes, titles).
    mutating func resetPanel() {
        add("unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label")
        add("set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default")
        add(keyStyle)
        add("set ytics nomirror; set xtics nomirror")
    }

    /// The common key style.
    var keyStyle: String {
        "set key opaque samplen 4 spacing 1.1 font \(gnuplotString(",\(gnuplotNumber(options.fontSize - 1))"))"
    }

    // MARK: Axes

    /// Sets an axis: its label, logarithmic scale, range and tick format. A logarithmic axis whose data spans
    /// `span` (min, max) over two decades or more has its ticks labelled as powers of ten (10⁻⁵), and so has one
    /// whose ticks %g would write as 1e-05 (below 10⁻⁴ or from 10⁵ on) when its ticks fall on powers of ten: an
    /// autoscaled vertical axis (gnuplot widens it to whole decades) or a span of a decade or more.
    mutating func axis(_ axis: String, label: FigureText?, log: Bool, range: AxisRange? = nil,
                       span: (Double, Double)? = nil) {
        if let label { add("set \(axis)label \(quoted(label))") }
        if log {
            add("set logscale \(axis) 10")
            if let (lo, hi) = span, lo > 0, hi > 0,
               hi / lo >= 100 || ((lo < 1e-4 || hi >= 1e5) && (hi / lo >= 10 || (range == nil && axis != "x"))) {
                add("set format \(axis) \(gnuplotString(mode == .enhanced ? "10^{%T}" : "$10^{%T}$"))")
            } else {
                add("set format \(axis) \(gnuplotString(mode == .enhanced ? "%g" : "$%g$"))")
            }
        } else {
            add("set format \(axis) \(gnuplotString(mode == .enhanced ? "% h" : "$%h$"))")
        }
        if let range { add("set \(axis)range \(range.gnuplot)") }
    }

    /// Checks that a logarithmic axis's range has positive ends.
    func checkLogRange(_ range: AxisRange?, option: String = "--xrange") throws(FigureError) {
        if let range, (range.lower.map { $0 <= 0 } ?? false) || (range.upper.map { $0 <= 0 } ?? false) {
            throw .invalidOption(option: option, reason: "must have positive ends on a logarithmic axis, got \(range.gnuplot)")
        }
    }

    /// Checks that `range` (of `option`) holds at least one of the x values `data` (`what`: "epochs", "radii"):
    /// a range beside the data leaves gnuplot nothing to draw ("all points y value undefined"). With `lines`
    /// (a figure drawn as lines alone, without points) some one line of `lines` (each line's x values) must hold
    /// two distinct values: a line through one point draws nothing, and two lines of one point each draw nothing
    /// either.
    func checkRangeMeetsData(_ range: AxisRange?, option: String = "--xrange", data: [Double], what: String,
                             lines: [[Double]]? = nil) throws(FigureError) {
        let finite = data.filter(\.isFinite)
        guard let range, let low = finite.min(), let high = finite.max() else { return }
        let written = "\(range.lower.map(shortNumber) ?? "*"):\(range.upper.map(shortNumber) ?? "*")"
        func inRange(_ x: Double) -> Bool {
            x.isFinite && !((range.lower.map { x < $0 } ?? false) || (range.upper.map { x > $0 } ?? false))
        }
        let inside = Set(finite.filter(inRange))
        if inside.isEmpty {
            throw .invalidOption(option: option, reason: "\(written) holds none of the data's \(what) (\(shortNumber(low))–\(shortNumber(high))); give a range that overlaps them")
        }
        guard let lines, !lines.contains(where: { Set($0.filter(inRange)).count >= 2 }) else { return }
        if inside.count == 1 {
            throw .invalidOption(option: option, reason: "\(written) holds 1 of the data's \(what) (\(shortNumber(inside.first!))); a line needs two: widen the range to hold at least two of them (\(shortNumber(low))–\(shortNumber(high)))")
        }
        throw .invalidOption(option: option, reason: "\(written) holds at most 1 of the \(what) of each line (\(inside.sorted().map(shortNumber).joined(separator: ", ")) in all), and a line needs two: widen the range to hold at least two of one line's \(what) (\(shortNumber(low))–\(shortNumber(high)))")
    }

    /// A vertical reference line at x = `at` (first axis coordinates), with an optional label at its top.
    mutating func verticalLine(at x: Double, label: FigureText?, colour: String = Palette.grey, dash: String = "3",
                               labelHeight: Double = 0.97) {
        add("set arrow from first \(gnuplotNumber(x)), graph 0 to first \(gnuplotNumber(x)), graph 1 nohead back lc rgb '\(colour)' lw 1 dt \(dash)")
        if let label {
            add("set label \(quoted(label)) at first \(gnuplotNumber(x)), graph \(gnuplotNumber(labelHeight, digits: 4)) offset character 0.4,0 left front textcolor rgb '\(colour)' font \(gnuplotString(",\(gnuplotNumber(options.fontSize - 1))"))")
        }
    }

    // MARK: Plotting

    /// Writes the user's extra commands, then `plot` with `clauses` (one per line).
    mutating func plot(_ clauses: [String]) {
        precondition(!clauses.isEmpty, "plot needs at least one clause")
        for command in options.extraCommands { add(command) }
        add("plot " + clauses.joined(separator: ", \\\n     "))
    }

    /// The whole script text (the renderer adds the preamble and closes the multiplot).
    var scriptBody: String { lines.joined(separator: "\n") }
}
