import ArgumentParser
import Figures
import Foundation
import NumericCore

/// `thermo plot FIGURE INPUTS… -o OUT`: publication figures drawn by gnuplot, each written with its script and
/// data files beside it (see docs/figures.md).
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a publication figure with gnuplot (pdf, png, svg or cairolatex).",
        discussion: """
        Every figure is written with its gnuplot script (OUT.gp) and data files (OUT.*.dat) beside it; edit them and run 'gnuplot OUT.gp' in that folder to re-render. The terminal follows OUT's extension: .pdf (pdfcairo), .png (pngcairo, at --dpi), .svg, .tex (cairolatex, with the graphics in OUT.pdf). Existing files are never overwritten without --force.

        Examples:
          thermo plot kernel -o kernel.pdf
          thermo plot sweep runs/ -o sweep.pdf
          thermo plot curves ce.json pla.json --zoom 80:120 -o curves.png
          thermo plot signal relu.csv tanh.csv --label ReLU --label tanh -o signal.pdf
        """,
        subcommands: [PlotSignalCommand.self, PlotTemperatureCommand.self, PlotCoolingCommand.self,
                      PlotKernelCommand.self, PlotSweepCommand.self, PlotCurvesCommand.self,
                      PlotCurvatureCommand.self, PlotAugmentCommand.self]
    )
}

/// The options every figure takes.
struct PlotOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")],
            help: ArgumentHelp("The figure: .pdf, .png, .svg or .tex (cairolatex); its script and data go beside it.", valueName: "OUT"))
    var output: String
    @Flag(help: "Overwrite existing files.")
    var force = false
    @Option(help: "The figure's title.")
    var title: String?
    @Option(help: ArgumentHelp("The size in cm (default: the figure's own).", valueName: "W,H"))
    var size: String?
    @Option(parsing: .unconditional, help: "Dots per inch of a PNG (default 300).")
    var dpi: Double?
    @Option(help: "Font family for pdf, png and svg (default Helvetica).")
    var font: String?
    @Option(parsing: .unconditional, help: "Font size in points (default 9).")
    var fontSize: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Range of the horizontal axis; either end may be empty or *.", valueName: "FROM:TO"))
    var xrange: String?
    @Flag(inversion: .prefixedNo, help: "Logarithmic horizontal axis (default: the figure's own).")
    var logx: Bool?
    @Flag(inversion: .prefixedNo, help: "Logarithmic vertical axis where the figure's axis is not logarithmic by nature.")
    var logy: Bool?
    @Option(name: .customLong("gnuplot"),
            help: ArgumentHelp("A raw gnuplot command run before every panel's plot, e.g. 'set key bottom left' (repeatable).", valueName: "COMMAND"))
    var gnuplotCommands: [String] = []
    @Flag(help: "Print nothing but errors.")
    var quiet = false

    /// The figure options the flags describe.
    func figureOptions() throws -> FigureOptions {
        var options = FigureOptions()
        options.title = title
        do {
            options.size = try size.map { try FigureSize(parsing: $0) }
            options.xrange = try xrange.map { try AxisRange(parsing: $0) }
        } catch let error as FigureError {
            throw ValidationError(error.description)
        }
        if let dpi { options.dpi = dpi }
        if let font { options.font = font }
        if let fontSize { options.fontSize = fontSize }
        options.logx = logx
        options.logy = logy
        options.extraCommands = gnuplotCommands
        do { try options.validate() } catch { throw ValidationError(error.description) }
        return options
    }

    /// Checks the output before any input is read: its name, its folder, and (without --force) that neither
    /// it nor its script exists yet (the renderer checks every file again, data files included).
    func checkOutput() throws {
        do { _ = try FigureFormat(path: output) } catch { throw ValidationError(error.description) }
        let url = URL(fileURLWithPath: output)
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError(FigureError.unusableFolder(path: folder.path, reason: "does not exist; create it first").description)
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw ValidationError(FigureError.unusableFolder(path: folder.path, reason: "is not writable; choose another output folder").description)
        }
        if !force {
            let script = url.deletingPathExtension().appendingPathExtension("gp")
            let existing = [url, script].map(\.path).filter { FileManager.default.fileExists(atPath: $0) }
            if !existing.isEmpty { throw ValidationError(FigureError.outputExists(paths: existing).description) }
        }
    }

    /// Renders `figure` to the output; prints what was written unless quiet. Figure errors become one line on
    /// standard error and exit status 1 (bad options and existing outputs: a usage error).
    func render(_ figure: some Figure, inputs: [String]) throws {
        let options = try figureOptions()
        let provenance = [
            "thermo \(thermoVersion): " + CommandLine.arguments.map(shellQuoted).joined(separator: " "),
            "in \(FileManager.default.currentDirectoryPath)",
        ] + (inputs.isEmpty ? [] : ["inputs: " + inputs.joined(separator: ", ")])
        do {
            let rendered = try FigureRenderer(overwrite: force).render(figure, to: URL(fileURLWithPath: output),
                                                                      options: options, provenance: provenance)
            if !quiet {
                let extras = rendered.companions.map(\.lastPathComponent)
                print("wrote \(output)" + (extras.isEmpty ? "" : " and \(extras.joined(separator: ", "))")
                      + "; script \(rendered.script.lastPathComponent) and \(counted(rendered.dataFiles.count, "data file")) beside it"
                      + (rendered.removedDataFiles.isEmpty ? "" : "; removed the replaced figure's \(rendered.removedDataFiles.map(\.lastPathComponent).joined(separator: ", "))"))
            }
        } catch {
            switch error {
            case .invalidOption, .unsupportedFormat, .invalidOutput, .outputExists, .unusableFolder:
                throw ValidationError(error.description)
            default:
                printError("error: \(error.description)")
                throw ExitCode(1)
            }
        }
    }

    /// Prints a note to standard error unless quiet.
    func note(_ line: String) {
        if !quiet { printError("note: \(line)") }
    }
}

