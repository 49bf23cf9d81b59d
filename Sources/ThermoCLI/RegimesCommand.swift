import Analysis
import ArgumentParser
import Foundation
import Studies

/// `thermo regimes TRACE…`: per layer the signal peak and the SNR = 1 crossings, and the onset e* of the late
/// common regime, each with its evidence.
struct RegimesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regimes",
        abstract: "Per layer the signal peak and SNR = 1 crossing, and the onset e* of the late common regime, with the evidence.",
        discussion: """
        Methods (docs/analysis.md): the signal peak is the first position of the largest S_l; the SNR = 1 crossing \
        is the first downward crossing SNR_{i-1} > 1 >= SNR_i, interpolated in ln SNR, on the layer-mean S/σ and, \
        when the trace records moments, on the per-weight ‖μ‖/‖√v‖; e* is the earliest window start s (about \
        --candidates starts, log-spaced from the latest signal peak) at which the shared decay of all layers on \
        [s, end] fits as well as per-layer decays: ΔAIC = AIC_shared − AIC_per-layer ≤ --threshold (2). A \
        boundary that is not there at the resolution available is reported as not found, with the reason.

        --window N works on windows of N steps from the per-step record (the per-weight SNR is per epoch only).

        INPUTS: \(RunSeries.analysisFormats). Several inputs (or a table's runs) are analysed together: every run's \
        layers are separate curves of the onset test.

        Examples:
          thermo regimes run.h5
          thermo regimes run.h5 --window 20 --epochs :10
          thermo regimes run.h5 --curves both --format json
        """)

    @Argument(help: ArgumentHelp("Traces or long tables.", valueName: "INPUT"))
    var inputs: [String] = []
    @OptionGroup var selection: SeriesSelection
    @Option(help: "Curves whose common decay defines the late regime.")
    var curves: CurveSelection = .signal
    @Option(help: "Decay model of the onset test.")
    var model: CoolingModel = .nested
    @Option(parsing: .unconditional, help: ArgumentHelp("ΔAIC threshold of the onset criterion.", valueName: "D"))
    var threshold: Double = CommonDecayCriterion.defaultThreshold
    @Option(parsing: .unconditional, help: ArgumentHelp("About how many window starts the onset test tries.", valueName: "N"))
    var candidates: Int = 20
    @Option(help: "Output format.")
    var format: ReportOutputFormat = .table

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input: \(RunSeries.analysisFormats)") }
        guard threshold.isFinite else { throw ValidationError("--threshold takes a finite ΔAIC") }
        guard candidates >= 1 else { throw ValidationError("--candidates must be at least 1") }
    }

    func run() throws {
        let request = try selection.request()
        let runs = try studied { () throws(StudyError) in try RunSeries.load(inputs, request: request) }
        var options = RegimeOptions()
        options.curves = curves
        options.model = model
        options.threshold = threshold
        options.candidateCount = candidates
        let report = try studied { () throws(StudyError) in try regimesStudy(runs, options: options) }
        for note in report.notes { printError("note: \(note)") }
        switch format {
        case .json: try printJSON(report)
        case .table: print(report.table(), terminator: "")
        }
    }
}

extension CurveSelection: ExpressibleByArgument {}
extension CoolingModel: ExpressibleByArgument {}
