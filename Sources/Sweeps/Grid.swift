import NumericCore

/// One varied setting of a grid: a key and its values, in the order written (ranges already expanded).
public struct GridSetting: Codable, Sendable, Equatable {
    /// The key (`radius`, `smooth`, …), canonical (`weight-decay`, not `weight_decay`).
    public var name: String
    /// The values as they are passed to `thermo train`: `0.001`, `1,2`, `yes`.
    public var values: [String]
    /// Where it was written, for messages: `grid.txt line 3` or `--grid 2`.
    public var source: String

    /// A setting.
    public init(name: String, values: [String], source: String) {
        self.name = name
        self.values = values
        self.source = source
    }
}

/// A sweep's grid: the settings that vary, the `thermo train` flags every cell shares, and whether cells record
/// a trace. Its cells are the Cartesian product of the settings' values (see `cells()`).
public struct Grid: Codable, Sendable, Equatable {
    /// The varied settings, in the order written.
    public var settings: [GridSetting]
    /// `thermo train` flags given to every cell (`fixed = …` lines and flags after `--`).
    public var fixed: [String]
    /// Whether each cell records a gradient trace (`trace = yes`: `--trace DIR/cells/ID/trace.h5`).
    public var trace: Bool

    /// A grid.
    public init(settings: [GridSetting] = [], fixed: [String] = [], trace: Bool = false) {
        self.settings = settings
        self.fixed = fixed
        self.trace = trace
    }

    /// The setting named `name`, if the grid varies it.
    public func setting(_ name: String) -> GridSetting? {
        settings.first { $0.name == name }
    }

    /// The names of the settings with more than one value: these name the cells and the summary's columns.
    public var variedNames: [String] {
        settings.filter { $0.values.count > 1 }.map(\.name)
    }
}

/// A grid that cannot be read: where (file or flag, line, column) and what is wrong.
public struct GridError: Error, DescribedError, Equatable {
    /// `grid.txt line 3` or `--grid 2`.
    public let source: String
    /// 1-based column (in characters) of the offending text; nil when the error concerns the whole line.
    public let column: Int?
    /// What is wrong and what is accepted.
    public let message: String

    /// An error at `source`, `column`.
    public init(source: String, column: Int?, _ message: String) {
        self.source = source
        self.column = column
        self.message = message
    }

    /// `grid.txt line 3, column 12: what is wrong`.
    public var description: String {
        "\(source)\(column.map { ", column \($0)" } ?? ""): \(message)"
    }
}
