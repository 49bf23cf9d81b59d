import Foundation
import NumericCore

/// `DIR/manifest.json`: the grid, the fixed flags and every cell (index, id, folder, arguments, last known state).
/// A re-run of the same sweep reads it to know the cells; `thermo sweep --cell I DIR` reads cell I from it.
public struct Manifest: Codable, Sendable, Equatable {
    /// `thermo-sweep`.
    public var format: String
    /// The manifest's layout version (1).
    public var version: Int
    /// The thermo that wrote it.
    public var thermoVersion: String
    /// When the sweep was first written, and when the manifest was last written (ISO 8601).
    public var created: String
    /// When the manifest was last written.
    public var updated: String
    /// The folder cells run in (relative paths among the fixed flags, such as `--data`, are relative to it).
    public var workingDirectory: String
    /// The grid.
    public var grid: Grid
    /// Every cell, in order; `cells[i].index == i`.
    public var cells: [Cell]

    /// The format name written in every manifest.
    public static let formatName = "thermo-sweep"

    /// A new manifest.
    public init(grid: Grid, cells: [Cell], workingDirectory: String, thermoVersion: String) {
        format = Self.formatName
        version = 1
        self.thermoVersion = thermoVersion
        let now = ISO8601DateFormatter().string(from: Date())
        created = now
        updated = now
        self.workingDirectory = workingDirectory
        self.grid = grid
        self.cells = cells
    }

    /// Why `cells` (with `trace`) is not this manifest's sweep, or nil when it is the same sweep: the same cells
    /// with the same ids and arguments, in the same order.
    public func difference(from cells: [Cell], trace: Bool) -> String? {
        if trace != grid.trace { return "trace = \(grid.trace ? "yes" : "no") there, \(trace ? "yes" : "no") here" }
        if cells.count != self.cells.count { return "\(NumberText.counted(self.cells.count, "cell")) there, \(cells.count) here" }
        for (old, new) in zip(self.cells, cells) where old.id != new.id || old.arguments != new.arguments {
            return "cell \(old.index) is \(old.id) (\(ShellWords.display(old.arguments))) there, "
                + "\(new.id) (\(ShellWords.display(new.arguments))) here"
        }
        return nil
    }

    /// The manifest as pretty-printed JSON with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
