import Analysis
import ArgumentParser
import Foundation
import Studies

/// `thermo temperature TRACE`: per layer and epoch (or window of steps) the signal, noise, temperature, both
/// signal-to-noise ratios and the spread of the per-weight temperatures.
struct TemperatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "temperature",
        abstract: "Per layer and epoch: signal S, noise σ, temperature T = σ², both SNRs and the spread of per-weight temperatures.",
        discussion: """
        S_l = mean_t s_l(t), σ_l = the population standard deviation of s_l(t) over the epoch's M steps, T_l = σ_l², \
        SNR = S_l/σ_l (the layer-mean SNR); with the 'moments' recording also the per-weight SNR ‖μ_l‖/‖√v_l‖, the \
        norms ‖μ_l‖ and ‖√v_l‖, the mean of the per-weight temperatures v_ω, their quantiles q5 … q95 and their \
        spread log10(q95/q5) in decades (docs/analysis.md).

        --window N forms S, σ, T and SNR over consecutive windows of N optimizer steps from the per-step record \
        instead of epochs (the per-weight quantities exist per epoch only); a window's position is the epoch at \
        its last step, t/M. The per-step record is read in blocks, never whole.

        --format csv writes a long table (epoch, layer, signal, noise, …) that 'thermo fit-cooling', \
        'thermo regimes' and 'thermo plot' read back.

        Examples:
          thermo temperature run.h5
          thermo temperature run.h5 --layers 1,3 --epochs 40: --format csv > late.csv
          thermo temperature run.h5 --window 50 --epochs :3
        """)

    @Argument(help: ArgumentHelp("The trace (or a CSV/TSV long table with epoch, layer, signal, noise).", valueName: "TRACE"))
    var input: String
    @OptionGroup var selection: SeriesSelection
    @Option(help: "Output format.")
    var format: AnalysisOutputFormat = .table

    func run() throws {
        let request = try selection.request()
        let runs = try studied { () throws(StudyError) in try RunSeries.load([input], request: request) }
        for run in runs { for note in run.notes { printError("note: \(note)") } }
        let report = temperatureStudy(runs)
        switch format {
        case .table: print(report.table(), terminator: "")
        case .csv: print(report.csv(), terminator: "")
        case .json: try printJSON(report)
        }
    }
}

/// `--format` of the analysis commands that write a long table (`temperature`, `curvature`).
enum AnalysisOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `--format` of the analyses whose report is no long table (`regimes`, `fit-cooling`): only what they write,
/// so that the help lists exactly the accepted values.
enum ReportOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
