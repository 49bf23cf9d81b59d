import ArgumentParser
import Figures

/// `thermo plot kernel`: the paper's Figure 2, d_{R,k} and K_{R,k} along one coordinate.
struct PlotKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "The finite-sharpness distance d_{R,k} and kernel K_{R,k} along one coordinate (Figure 2).",
        discussion: "No input: the curves are computed from eqs. (5)–(6). Default R = 1 and k = 4, 8, 16, 32.")

    @OptionGroup var plot: PlotOptions
    @Option(parsing: .unconditional, help: "R, the half-edge of the hypercube.")
    var radius: Double = 1
    @Option(help: ArgumentHelp("Sharpnesses k, comma-separated.", valueName: "k1,k2,…"))
    var sharpness: String = "4,8,16,32"

    func run() throws {
        try plot.checkOutput()
        guard radius > 0, radius.isFinite else { throw ValidationError("--radius must be a positive number, got \(radius)") }
        let ks = try sharpness.split(separator: ",").map { part -> Double in
            guard let k = Double(part.trimmingCharacters(in: .whitespaces)), k > 0, k.isFinite else {
                throw ValidationError("--sharpness takes positive numbers like 4,8,16,32; '\(part)' is not one")
            }
            return k
        }
        guard !ks.isEmpty else { throw ValidationError("--sharpness needs at least one value, e.g. 4,8,16,32") }
        try plot.render(KernelFigure(radius: radius, sharpnesses: ks), inputs: [])
    }
}
