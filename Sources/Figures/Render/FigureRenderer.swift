import Foundation

/// The files of one figure: its script and data, ready to be written.
public struct GnuplotDocument: Sendable {
    /// The script's file name (`<base>.gp`) and text.
    public var scriptName: String
    public var script: String
    /// Each data file's name (`<base>.<part>.dat`) and text.
    public var dataFiles: [(name: String, text: String)]
    /// The figure file gnuplot writes, and the companions the terminal writes beside it (cairolatex's PDF).
    public var outputName: String
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
}

/// Renders figures with gnuplot. The script and data files are written beside the figure so that a user can edit
/// and re-run them with plain gnuplot (in the figure's folder: `gnuplot fig.gp`).
///
/// Nothing is half-written: all files are first written and rendered in a hidden staging folder next to the
/// output, and moved into place only when gnuplot succeeded. Existing files are never replaced unless
/// `overwrite` is set.
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
        try write(document.script, to: staging.appendingPathComponent(document.scriptName))
        for file in document.dataFiles { try write(file.text, to: staging.appendingPathComponent(file.name)) }
        try gnuplot.run(script: document.scriptName, in: staging)
        for produced in [document.outputName] + document.companionNames {
            let url = staging.appendingPathComponent(produced)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size, size > 0 else {
                throw .noOutputWritten(path: produced, message: "the script ran without errors but produced no \(produced)")
            }
        }
        // Data and script first, the figure last: a figure in place always has its script beside it.
        let order = [document.scriptName] + document.dataFiles.map(\.name) + document.companionNames + [document.outputName]
        for name in order {
            let from = staging.appendingPathComponent(name), to = folder.appendingPathComponent(name)
            guard Foundation.rename(from.path, to.path) == 0 else {
                throw .io(path: to.path, reason: "cannot move the rendered file into place: \(String(cString: strerror(errno)))")
            }
        }
        return RenderedFigure(output: folder.appendingPathComponent(document.outputName),
                              companions: document.companionNames.map { folder.appendingPathComponent($0) },
                              script: folder.appendingPathComponent(document.scriptName),
                              dataFiles: document.dataFiles.map { folder.appendingPathComponent($0.name) })
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

    private func write(_ text: String, to url: URL) throws(FigureError) {
        do { try Data(text.utf8).write(to: url) } catch {
            throw .io(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}
