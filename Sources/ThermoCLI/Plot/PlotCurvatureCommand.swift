import ArgumentParser
import Figures
import Studies

/// `thermo plot curvature TRACE`: each layer's λ_max(H_ll) and tr H_ll against the epoch beside T_l, and for a
/// PLA/PLEA run the predicted against the measured loss rise of its displacements.
struct PlotCurvatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curvature",
        abstract: "Per-layer Hessian λ_max and trace against the epoch, beside the layer temperature (a trace recorded with --record curvature).",
        discussion: """
        Panels: λ_max(H_ll) per layer with the full H's λ_max dashed; tr H_ll with its standard error; T_l at the \
        measured epochs. For a PLA or PLEA run, a fourth panel draws Σ_{l∈U} ½·E[ΔW²]·tr H_ll (E[ΔW²] = R²/3 for \
        the uniform kernel) beside the run's measured (1/y) Σ_a L_a − L_0. Definitions: docs/definitions.md, \
        "Curvature of a layer".

        Example:
          thermo train --trace run.h5 --record moments,curvature:every=5 …
          thermo plot curvature run.h5 -o curvature.pdf
        """)

    @OptionGroup var plot: PlotOptions
    @Argument(help: ArgumentHelp("A trace recorded with --record curvature.", valueName: "TRACE"))
    var input: String

    func run() throws {
        try plot.checkOutput()
        let study = try studied { () throws(StudyError) in try CurvatureStudy.load(input) }
        try plot.render(CurvatureFigure(study), inputs: [input])
    }
}
