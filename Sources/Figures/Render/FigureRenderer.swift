import Foundation
import NumericCore

/// The files of one figure: its script and data, ready to be written.
public struct GnuplotDocument: Sendable {
    /// The script's file name (`<base>.gp`) and text.
    public var scriptName: String
    /// The gnuplot script's text.
    public var script: String
    /// Each data file's name (`<base>.<part>.dat`) and text.
    public var dataFiles: [(name: String, text: String)]
    /// The figure file gnuplot writes, and the companions the terminal writes beside it (cairolatex's PDF).
    public var outputName: String
    /// The companion files' names (cairolatex's PDF; empty for other terminals).
    public var companionNames: [String]

    /// Every file name the figure consists of: output, companions, script, data.
    public var allNames: [String] { [outputName] + companionNames + [scriptName] + dataFiles.map(\.name) }
}

/// What a render wrote.
public struct RenderedFigure: Sendable {
    /// The figure file.
    public var output: URL
    /// Files the terminal wrote beside it (the PDF of a cairolatex figure).
    public var companions: [URL]
    /// The gnuplot script; `gnuplot <script>` run in its folder re-renders the figure.
    public var script: URL
    /// The data files the script reads.
    public var dataFiles: [URL]
    /// With `overwrite`: the data files of the figure this one replaced that it no longer reads (removed, so that
    /// no stale `fig.run3.dat` is left beside a figure of two runs).
    public var removedDataFiles: [URL] = []
}

/// Renders figures with gnuplot. The script and data files are written beside the figure so that a user can edit
/// and re-run them with plain gnuplot (in the figure's folder: `gnuplot fig.gp`).
///
/// Nothing is half-written: all files are first written and rendered in a hidden staging folder next to the
/// output, and moved into place only when gnuplot succeeded. Existing files are never replaced unless
/// `overwrite` is set; then the data files that the replaced script (one written by thermo) read and the new one
/// does not are removed, and no other file.
public struct FigureRenderer: Sendable {
    /// How gnuplot is run.
    public var gnuplot: Gnuplot
    /// Whether existing files may be replaced (`--force`).
    public var overwrite: Bool

    /// A renderer using `gnuplot`.
    public init(gnuplot: Gnuplot = Gnuplot(), overwrite: Bool = false) {
        self.gnuplot = gnuplot
        self.overwrite = overwrite
    }

    /// The script and data of `figure` for the output `outputName` (a file name, no folder), without rendering.
    /// `provenance` lines are written as comments at the top of the script.
    public func document(_ figure: some Figure, outputName: String, options: FigureOptions = FigureOptions(),
                         provenance: [String] = []) throws(FigureError) -> GnuplotDocument
    {
        try options.validate()
        let format = try FigureFormat(path: outputName)
        let base = (outputName as NSString).deletingPathExtension
        guard !base.isEmpty, !base.hasPrefix(".") || base.count > 1 else {
            throw .invalidOutput(path: outputName, reason: "the name needs a base before the extension, e.g. figure.\(format.rawValue)")
        }
        let size = options.size ?? figure.defaultSize(options)
        var builder = FigureBuilder(format: format, options: options, size: size, baseName: base)
        try figure.build(&builder)

        var head = [commentLine("thermo figure '\(figure.name)': re-render with `gnuplot \(base).gp` in this folder; edit this script and the .dat files freely.")]
        head += provenance.map(commentLine)
        head += [
            "reset session",
            "set encoding utf8",
            format.terminal(size: size, options: options),
            "set output \(gnuplotString("./" + outputName))",
            "",
            commentLine("Common style: light grid, outward tics, no mirrored tics, keys drawn over the data."),
            "set border 3 lw 0.8",
            "set tics out scale 0.6 nomirror",
            "set grid back lc rgb '#E3E3E3' lw 0.6 dt 1",
            "set style fill transparent solid 0.25 noborder",
            "set datafile missing 'NaN'",
            builder.keyStyle,
            "",
        ]
        var tail: [String] = []
        if builder.inMultiplot { tail.append("unset multiplot") }
        tail.append("unset output")
        let script = (head + [builder.scriptBody] + tail).joined(separator: "\n") + "\n"
        let companions = format.companionExtensions.map { "\(base).\($0)" }
        let data = zip(builder.dataFileNames, builder.tables).map { (name: $0, text: $1.text) }
        return GnuplotDocument(scriptName: "\(base).gp", script: script, dataFiles: data, outputName: outputName,
                               companionNames: companions)
    }

    /// Renders `figure` to `output` (its extension picks the terminal), writing the script and data beside it.
    @discardableResult
    public func render(_ figure: some Figure, to output: URL, options: FigureOptions = FigureOptions(),
                       provenance: [String] = []) throws(FigureError) -> RenderedFigure
    {
        let name = output.lastPathComponent
        guard !name.isEmpty, !output.hasDirectoryPath else {
            throw .invalidOutput(path: output.path, reason: "it names a folder; give a file name such as figure.pdf")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidOutput(path: output.path, reason: "the name contains control characters (line breaks, tabs); choose a plain name")
        }
        if let first = name.first, "<|-".contains(first) {
            // gnuplot reads '<cmd' and '|cmd' as pipes when a file is loaded by name, and shells read '-x' as an option.
            throw .invalidOutput(path: output.path, reason: "the name starts with '\(first)', which gnuplot or a shell would read as a command or an option; choose a name that starts with a letter or digit")
        }
        let folder = output.deletingLastPathComponent()
        try checkFolder(folder)
        let document = try document(figure, outputName: name, options: options, provenance: provenance)
        let finals = document.allNames.map { folder.appendingPathComponent($0) }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output.path, isDirectory: &isFolder), isFolder.boolValue {
            throw .invalidOutput(path: output.path, reason: "a folder of that name exists")
        }
        if !overwrite {
            let existing = finals.filter { FileManager.default.fileExists(atPath: $0.path) }.map(\.path)
            if !existing.isEmpty { throw .outputExists(paths: existing) }
        }

        let staging = folder.appendingPathComponent(".\(safeFileNamePart(name)).thermo-partial-\(UUID().uuidString.prefix(8))")
        do { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw .io(path: staging.path, reason: "cannot create the staging folder: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: staging) }
        try write(document.script, to: staging.appendingPathComponent(document.scriptName),
                  shown: folder.appendingPathComponent(document.scriptName))
        for file in document.dataFiles {
            try write(file.text, to: staging.appendingPathComponent(file.name), shown: folder.appendingPathComponent(file.name))
        }
        try gnuplot.run(script: document.scriptName, in: staging)
        for produced in [document.outputName] + document.companionNames {
            let url = staging.appendingPathComponent(produced)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size, size > 0 else {
                throw .noOutputWritten(path: produced, message: "the script ran without errors but produced no \(produced)")
            }
            guard FigureRenderer.endsComplete(url) else {
                // gnuplot does not report a write that failed (a full disk, a file size limit): the file is cut short.
                throw .noOutputWritten(path: produced, message: "the file it wrote ends early (\(size) bytes, without the end its format requires): the disk is full or a file size limit was reached; free some space or write elsewhere")
            }
        }
        let base = (document.scriptName as NSString).deletingPathExtension
        let stale = overwrite ? Self.dataFilesRead(by: folder.appendingPathComponent(document.scriptName), base: base)
            .filter { !document.dataFiles.map(\.name).contains($0) } : []
        // Data and script first, the figure last: a figure in place always has its script beside it.
        let order = [document.scriptName] + document.dataFiles.map(\.name) + document.companionNames + [document.outputName]
        for name in order {
            let from = staging.appendingPathComponent(name), to = folder.appendingPathComponent(name)
            if let e = publish(from.path, over: to.path) {
                throw .io(path: to.path, reason: "cannot move the rendered file into place: \(String(cString: strerror(e)))")
            }
        }
        let removed = stale.map { folder.appendingPathComponent($0) }.filter { (try? FileManager.default.removeItem(at: $0)) != nil }
        return RenderedFigure(output: folder.appendingPathComponent(document.outputName),
                              companions: document.companionNames.map { folder.appendingPathComponent($0) },
                              script: folder.appendingPathComponent(document.scriptName),
                              dataFiles: document.dataFiles.map { folder.appendingPathComponent($0.name) },
                              removedDataFiles: removed)
    }

    /// The data files (`<base>.<part>.dat`, as `FigureBuilder.data(_:)` names them) that `script` reads, when it
    /// is a script thermo wrote (its first line is thermo's header); none otherwise.
    static func dataFilesRead(by script: URL, base: String) -> [String] {
        guard let text = try? String(contentsOf: script, encoding: .utf8), text.hasPrefix(commentLine("thermo figure '")) else { return [] }
        let prefix = "'./" + base.replacingOccurrences(of: "'", with: "''") + "."
        let part = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        var names: [String] = []
        var rest = text[...]
        while let found = rest.range(of: prefix) {
            rest = rest[found.upperBound...]
            let name = rest.prefix { part.contains($0) }
            if !name.isEmpty, rest.dropFirst(name.count).hasPrefix(".dat'"), !names.contains("\(base).\(name).dat") {
                names.append("\(base).\(name).dat")
            }
        }
        return names
    }

    /// Whether the file at `url` ends as every complete file of its format (told by its extension) does: a PNG
    /// with its IEND chunk, a PDF with %%EOF, an SVG with </svg>, cairolatex's .tex with \endgroup. Other
    /// extensions are taken as complete.
    static func endsComplete(_ url: URL) -> Bool {
        let marker: [UInt8]
        switch url.pathExtension.lowercased() {
        case "png": marker = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]  // "IEND" and its CRC
        case "pdf": marker = Array("%%EOF".utf8)
        case "svg": marker = Array("</svg>".utf8)
        case "tex": marker = Array("\\endgroup".utf8)
        default: return true
        }
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd() else { return false }
        let window = min(end, 64)
        guard (try? handle.seek(toOffset: end - window)) != nil, let tail = try? handle.readToEnd() else { return false }
        let bytes = [UInt8](tail)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { Array(bytes[$0..<($0 + marker.count)]) == marker }
    }

    private func checkFolder(_ folder: URL) throws(FigureError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw .unusableFolder(path: folder.path, reason: "does not exist; create it first")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw .unusableFolder(path: folder.path, reason: "is not writable; choose another output folder")
        }
    }

    /// Writes `text` to `url` (a file of the staging folder); a failure names `shown`, the file as it would
    /// have been placed, and the system's reason (a full disk, a file size limit).
    private func write(_ text: String, to url: URL, shown: URL) throws(FigureError) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        var failure: Int32 = fd < 0 ? errno : 0
        if fd >= 0 {
            let bytes = Array(text.utf8)
            var done = 0
            while done < bytes.count && failure == 0 {
                let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
                if n < 0 { if errno != EINTR { failure = errno } } else { done += n }
            }
            if close(fd) != 0 && failure == 0 { failure = errno }
        }
        guard failure != 0 else { return }
        let full = failure == ENOSPC || failure == EFBIG || failure == EDQUOT
        throw .io(path: shown.path, reason: "cannot write: \(String(cString: strerror(failure)))"
            + (full ? " (free some space or write elsewhere)" : "") + "; nothing was written")
    }
}
