import Foundation
import Training

/// A sweep's output folder:
///
///     DIR/manifest.json           the grid, fixed flags and cells (ids, folders, arguments, states)
///     DIR/cells/ID/summary.json   the run's summary (thermo train --summary)
///     DIR/cells/ID/checkpoint.ckpt, log.txt, attempt.json, (trace.h5)
///     DIR/sweep.sbatch, DIR/slurm/ with --slurm
///     DIR/discarded/TIME/ID/      cells of an earlier grid replaced with --force
public struct SweepFolder: Sendable {
    /// The folder, absolute.
    public let root: URL

    /// The sweep folder at `path` (relative paths are taken from the current directory).
    public init(path: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        root = URL(fileURLWithPath: absolute).standardizedFileURL
    }

    /// `DIR/manifest.json`.
    public var manifestURL: URL { root.appendingPathComponent("manifest.json") }
    /// `DIR/sweep.sbatch`.
    public var sbatchURL: URL { root.appendingPathComponent("sweep.sbatch") }
    /// `DIR/slurm`, where Slurm writes each array task's output.
    public var slurmOutputFolder: URL { root.appendingPathComponent("slurm") }
    /// `DIR/cells`.
    public var cellsFolder: URL { root.appendingPathComponent("cells") }

    /// The files of `cell`.
    public func files(_ cell: Cell) -> CellFiles {
        CellFiles(folder: root.appendingPathComponent(cell.folder))
    }

    /// Whether the folder holds a manifest.
    public var hasManifest: Bool { FileManager.default.fileExists(atPath: manifestURL.path) }

    /// Reads the manifest.
    public func readManifest() throws(SweepError) -> Manifest {
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder) {
                throw .notASweep("\(root.path) does not exist; give the folder a sweep wrote (thermo sweep GRID -o DIR)")
            }
            throw .notASweep("\(root.path) is not a sweep folder: it has no manifest.json (thermo sweep GRID -o DIR writes one)")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw .notASweep("\(manifestURL.path) is damaged or not a thermo sweep manifest (\(Self.reason(error))); "
                             + "write the sweep again with thermo sweep GRID -o \(root.path) --force (the old cells move to discarded/)")
        }
        guard manifest.format == Manifest.formatName, manifest.version == 1 else {
            throw .notASweep("\(manifestURL.path) is a \(manifest.format) manifest of version \(manifest.version); this thermo reads thermo-sweep version 1")
        }
        guard manifest.cells.enumerated().allSatisfy({ $0.offset == $0.element.index }) else {
            throw .notASweep("\(manifestURL.path): its cells are out of order; write the sweep again with --force")
        }
        return manifest
    }

    /// Why JSON could not be decoded, in a few words.
    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted: "not valid JSON"
        case DecodingError.keyNotFound(let key, _): "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "a wrong value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: "\(error)"
        }
    }

    /// Writes the manifest atomically, with `updated` set to now; a manifest that says nothing new (the file already
    /// holds it, but for `updated`) is left as it is, so that rerunning a finished sweep changes no file.
    public func writeManifest(_ manifest: Manifest) throws {
        var m = manifest
        if let data = try? Data(contentsOf: manifestURL), var written = try? JSONDecoder().decode(Manifest.self, from: data) {
            written.updated = m.updated
            if written == m { return }
        }
        m.updated = ISO8601DateFormatter().string(from: Date())
        try writeFileAtomically(try m.json(), to: manifestURL)
    }

    /// The manifest with every cell's state read from its files.
    public func refreshed(_ manifest: Manifest) -> Manifest {
        var m = manifest
        for i in m.cells.indices { m.cells[i].status = files(m.cells[i]).state() }
        return m
    }

    /// What `prepare` did.
    public enum Preparation: Equatable, Sendable {
        /// A new sweep folder.
        case created
        /// The folder holds the same sweep: its finished cells are kept.
        case continued
        /// The folder held another grid and `force` replaced it: `kept` cells that the two grids share kept their
        /// results (renamed to their new ids), `discarded` others were moved to `discarded`.
        case replaced(kept: Int, discarded: Int, discardedFolder: String?)
    }

    /// Makes the folder hold the sweep of `grid` and `cells`: creates it, continues it when it holds the same
    /// sweep, or, with `force`, replaces another grid's manifest, keeping the results of the cells both grids
    /// share (matched by their `thermo train` arguments) and moving the others to `DIR/discarded/TIME/`. Without
    /// `force` a different grid, or a non-empty folder that is not a sweep, is refused.
    ///
    /// Two sweeps started together on one folder never both go ahead: the manifest is read, compared and
    /// written under an exclusive lock on it (an ``OutputClaim`` on `DIR/manifest.json`, waited for), so the
    /// second one finds the first one's manifest and continues it (same grid) or is refused (another grid).
    public func prepare(grid: Grid, cells: [Cell], workingDirectory: String, thermoVersion: String,
                        force: Bool) throws -> (Manifest, Preparation) {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: root.path, isDirectory: &isFolder) && !isFolder.boolValue {
            throw SweepError.conflict("\(root.path) is a file; give -o a folder for the sweep")
        }
        // mkdir(2) says atomically whether this process made the folder: only then may a failure remove it
        // (another sweep started at the same moment may have made it, and be writing its manifest there).
        let madeRoot: Bool
        do {
            try fm.createDirectory(at: root.deletingLastPathComponent(), withIntermediateDirectories: true)
            if mkdir(root.path, 0o777) == 0 { madeRoot = true } else if errno == EEXIST { madeRoot = false } else {
                // Foundation's error, for its wording ("You don't have permission").
                try fm.createDirectory(at: root, withIntermediateDirectories: false)
                madeRoot = true
            }
        } catch {
            throw SweepError.io("cannot create \(root.path): \(error.localizedDescription.trimmingCharacters(in: CharacterSet(charactersIn: ".")))"
                                + "; choose a folder you can write with -o")
        }
        let lock: OutputClaim
        do { lock = try OutputClaim(manifestURL.path, waiting: true) } catch {
            if madeRoot && !hasManifest { try? fm.removeItem(at: root) }
            throw SweepError.io("\(error)")
        }
        defer { lock.release() }
        do {
            return try prepareHoldingLock(grid: grid, cells: cells, workingDirectory: workingDirectory,
                                          thermoVersion: thermoVersion, force: force, madeRoot: madeRoot)
        } catch {
            // Leave nothing behind: the folder this call made holds nothing yet — unless another sweep, started at
            // the same moment, took the lock first and wrote its manifest into it (then this one is refused, and
            // the folder is that sweep's).
            if madeRoot && !hasManifest { try? fm.removeItem(at: root) }
            throw error
        }
    }

    /// ``prepare(grid:cells:workingDirectory:thermoVersion:force:)`` once the folder exists and is locked;
    /// `madeRoot` says whether that call made it.
    private func prepareHoldingLock(grid: Grid, cells: [Cell], workingDirectory: String, thermoVersion: String,
                                    force: Bool, madeRoot: Bool) throws -> (Manifest, Preparation) {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        _ = fm.fileExists(atPath: root.path, isDirectory: &isFolder)
        let fresh = Manifest(grid: grid, cells: cells, workingDirectory: workingDirectory, thermoVersion: thermoVersion)
        if hasManifest {
            // A Result rather than `catch .notASweep`: that typed-throws pattern crashes Swift 6.3.1's SIL verifier.
            let read: Result<Manifest, SweepError> = Result { () throws(SweepError) -> Manifest in try readManifest() }
            if case .failure(let error) = read, case .notASweep = error, force {
                // The manifest cannot be read: with --force, move the old sweep aside whole.
                let moved = try discardCells(manifestSuffix: ".damaged")
                try writeManifest(fresh)
                return (fresh, .replaced(kept: 0, discarded: moved.cells, discardedFolder: moved.folder))
            }
            let old = try read.get()
            guard let difference = old.difference(from: cells, trace: grid.trace) else { return (old, .continued) }
            guard force else { throw SweepError.conflict(anotherSweepMessage(difference)) }
            let outcome = try replace(old, with: cells, trace: grid.trace)
            try writeManifest(fresh)
            return (fresh, outcome)
        }
        if isFolder.boolValue {
            let entries = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }
            if !entries.isEmpty && !force {
                throw SweepError.conflict("\(root.path) exists and is not a sweep folder (it has no manifest.json but holds "
                    + "\(entries.count) entr\(entries.count == 1 ? "y" : "ies")); choose another -o folder, or pass --force to add the sweep to it")
            }
        }
        // --force over a folder without a manifest: cell folders already in DIR/cells belong to a sweep nobody
        // can identify any more (its manifest was deleted); kept, they would be taken as this grid's results.
        var discardedUnknown: (cells: Int, folder: String)? = nil
        if force, !((try? fm.contentsOfDirectory(atPath: cellsFolder.path)) ?? []).filter({ !$0.hasPrefix(".") }).isEmpty {
            discardedUnknown = try discardCells(manifestSuffix: nil)
        }
        let madeCells = !fm.fileExists(atPath: cellsFolder.path)
        do {
            try fm.createDirectory(at: cellsFolder, withIntermediateDirectories: true)
        } catch {
            throw SweepError.io("cannot create \(cellsFolder.path): \(error.localizedDescription.trimmingCharacters(in: CharacterSet(charactersIn: ".")))"
                                + "; choose a folder you can write with -o")
        }
        do {
            try writeManifest(fresh)
        } catch {
            // Leave nothing behind: the folders this call made hold nothing yet.
            if madeRoot { try? fm.removeItem(at: root) } else if madeCells { try? fm.removeItem(at: cellsFolder) }
            throw error
        }
        if let moved = discardedUnknown { return (fresh, .replaced(kept: 0, discarded: moved.cells, discardedFolder: moved.folder)) }
        return (fresh, .created)
    }

    /// The refusal of a grid whose cells differ from the sweep the folder holds (`difference` says how).
    public func anotherSweepMessage(_ difference: String) -> String {
        "\(root.path) holds another sweep (\(difference)); pass --force to replace it "
            + "(cells both grids share keep their results, the others move to \(root.path)/discarded/), or choose another -o folder"
    }

    /// How `cells` (with `trace`) differ from the sweep the folder holds, without writing anything: nil when the
    /// folder holds no manifest or the same sweep. A manifest that cannot be read is reported as such.
    public func differenceFromSweep(cells: [Cell], trace: Bool) throws(SweepError) -> String? {
        guard hasManifest else { return nil }
        let read: Result<Manifest, SweepError> = Result { () throws(SweepError) -> Manifest in try readManifest() }
        switch read {
        case .success(let old): return old.difference(from: cells, trace: trace)
        case .failure: return "its manifest.json cannot be read"
        }
    }

    /// `DIR/discarded/TIME/` for cells moved aside now (not created): TIME to the second, with `-2`, `-3`, … when
    /// a folder of that second exists already (two replacements within one second).
    private func newDiscardFolder() -> URL {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
        let discarded = root.appendingPathComponent("discarded")
        var folder = discarded.appendingPathComponent(stamp)
        var n = 2
        while FileManager.default.fileExists(atPath: folder.path) {
            folder = discarded.appendingPathComponent("\(stamp)-\(n)")
            n += 1
        }
        return folder
    }

    /// With `--force` over a damaged or missing manifest: moves the manifest (renamed `manifest.json` +
    /// `manifestSuffix`; nil: there is none) and every cell folder to `DIR/discarded/TIME/` (nothing is deleted;
    /// which grid they belonged to cannot be read any more). Refused while a cell runs.
    private func discardCells(manifestSuffix: String?) throws -> (cells: Int, folder: String) {
        let fm = FileManager.default
        let cellFolders = ((try? fm.contentsOfDirectory(atPath: cellsFolder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for name in cellFolders where CellLock.isHeld(at: cellsFolder.appendingPathComponent(name).appendingPathComponent(".lock")) {
            throw SweepError.conflict("cell \(name) of the sweep in \(root.path) is running; wait for it to end (or stop it) before replacing the sweep")
        }
        let discardFolder = newDiscardFolder()
        do {
            try fm.createDirectory(at: discardFolder, withIntermediateDirectories: true)
            if let manifestSuffix {
                try fm.moveItem(at: manifestURL, to: discardFolder.appendingPathComponent("manifest.json" + manifestSuffix))
            }
            for name in cellFolders {
                try fm.moveItem(at: cellsFolder.appendingPathComponent(name), to: discardFolder.appendingPathComponent(name))
            }
            try fm.createDirectory(at: cellsFolder, withIntermediateDirectories: true)
        } catch {
            throw SweepError.io("cannot move the \(manifestSuffix == nil ? "earlier" : "damaged") sweep in \(root.path) aside: \(error.localizedDescription)")
        }
        return (cellFolders.count, discardFolder.path)
    }

    /// Renames the folders of cells both grids share to their new ids; moves the other old cell folders away.
    /// With `trace` (the new grid records traces) an old cell is shared only when it holds its trace.
    private func replace(_ old: Manifest, with cells: [Cell], trace: Bool) throws -> Preparation {
        let fm = FileManager.default
        if let running = old.cells.first(where: { CellLock.isHeld(at: files($0).lock) }) {
            throw SweepError.conflict("cell \(running.id) of the sweep in \(root.path) is running; wait for it to end (or stop it) before replacing the sweep")
        }
        var byArguments: [[String]: Cell] = [:]
        for cell in old.cells where fm.fileExists(atPath: files(cell).folder.path)
            && (!trace || fm.fileExists(atPath: files(cell).trace.path)) {
            if byArguments[cell.arguments] == nil { byArguments[cell.arguments] = cell }
        }
        var moves: [(from: URL, to: URL)] = []
        var kept = Set<String>()
        for cell in cells {
            if let match = byArguments[cell.arguments], !kept.contains(match.id) {
                kept.insert(match.id)
                moves.append((files(match).folder, files(cell).folder))
            }
        }
        let discardFolder = newDiscardFolder()
        var discarded = 0
        do {
            // Two steps, so that a cell may take a name an old cell had.
            var staged: [(URL, URL)] = []
            for (n, move) in moves.enumerated() {
                let temporary = cellsFolder.appendingPathComponent(".renaming-\(n)")
                try fm.moveItem(at: move.from, to: temporary)
                staged.append((temporary, move.to))
            }
            for cell in old.cells where !kept.contains(cell.id) {
                let folder = files(cell).folder
                guard fm.fileExists(atPath: folder.path) else { continue }
                try fm.createDirectory(at: discardFolder, withIntermediateDirectories: true)
                try fm.moveItem(at: folder, to: discardFolder.appendingPathComponent(cell.id))
                discarded += 1
            }
            try fm.createDirectory(at: cellsFolder, withIntermediateDirectories: true)
            for (from, to) in staged { try fm.moveItem(at: from, to: to) }
        } catch {
            throw SweepError.io("cannot rearrange the cells of \(root.path): \(error.localizedDescription)")
        }
        return .replaced(kept: kept.count, discarded: discarded, discardedFolder: discarded > 0 ? discardFolder.path : nil)
    }
}
