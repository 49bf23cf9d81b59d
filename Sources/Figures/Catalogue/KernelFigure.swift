import Smoothing

/// The paper's Figure 2: a one-dimensional section of the finite-sharpness distance d_{R,k} (eq. 5, left) and of
/// the kernel K_{R,k} = e^{−d_{R,k}} (eq. 6, right) for one radius and several sharpnesses, darker to lighter as k
/// grows, with the hard hypercube (k = ∞) and the edges ±R for reference. Values come from `SharpnessKernel`.
public struct KernelFigure: Figure {
    /// R, the half-edge of the hypercube.
    public var radius: Double
    /// The sharpnesses k, one line each.
    public var sharpnesses: [Double]
    /// The section is drawn for x in [−extent·R, extent·R] (unless `--xrange` says otherwise).
    public var extent: Double
    /// Points per line.
    public var samples: Int

    /// The paper's figure: R = 1, k = 4, 8, 16, 32.
    public init(radius: Double = 1, sharpnesses: [Double] = [4, 8, 16, 32], extent: Double = 2, samples: Int = 801) {
        self.radius = radius
        self.sharpnesses = sharpnesses
        self.extent = extent
        self.samples = samples
    }

    /// "kernel", as in `thermo plot kernel`.
    public var name: String { "kernel" }

    /// The size used when `--size` is not given.
    public func defaultSize(_ options: FigureOptions) -> FigureSize { FigureSize(width: 16, height: 6.5) }

    /// Writes the panels, data tables and plot commands (see the type\'s documentation).
    public func build(_ figure: inout FigureBuilder) throws(FigureError) {
        guard radius > 0, radius.isFinite else { throw .invalidData(figure: name, reason: "the radius R must be positive, got \(radius)") }
        guard !sharpnesses.isEmpty, sharpnesses.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalidData(figure: name, reason: "needs at least one positive, finite sharpness k")
        }
        guard samples >= 3, extent > 0 else { throw .invalidData(figure: name, reason: "needs at least 3 samples and a positive extent") }
        let ks = sharpnesses.sorted()
        let range = figure.options.xrange ?? AxisRange(lower: -extent * radius, upper: extent * radius)
        let lo = range.lower ?? -extent * radius, hi = range.upper ?? extent * radius
        var table = DataTable(part: "kernel", description: [
            "d_{R,k}(x) = softplus(2k(x - R)) + softplus(-2k(x + R)) and K_{R,k}(x) = exp(-d) along one coordinate (paper eqs. 5, 6)",
            "R = \(gnuplotNumber(radius)); k = " + ks.map { gnuplotNumber($0) }.joined(separator: ", "),
        ], columns: ["x"] + ks.flatMap { ["d_k\(gnuplotNumber($0))", "K_k\(gnuplotNumber($0))"] } + ["K_hard"])
        var rows: [[Double]] = []
        for i in 0..<samples {
            let x = lo + (hi - lo) * Double(i) / Double(samples - 1)
            var row = [x]
            for k in ks {
                row.append(SharpnessKernel.distance(x, radius: radius, sharpness: k))
                row.append(SharpnessKernel.kernel(x, radius: radius, sharpness: k))
            }
            row.append(abs(x) <= radius ? 1 : 0)
            rows.append(row)
        }
        table.append("x, then d and K for each k", rows: rows)
        let file = figure.data(table)
        let colours = Palette.darkToLight(ks.count)
        let dMax = 2 * ks[0] * max(abs(lo), abs(hi), radius) - radius * 2 * ks[0] + 2

        figure.beginMultiplot(title: figure.title(fallback: .markup("R = \(gnuplotNumber(radius))", latex: "$R = \(gnuplotNumber(radius))$")))
        for (panel, column) in [(0, "d"), (1, "K")] {
            figure.panel(row: 0, column: panel, rows: 1, columns: 2)
            figure.resetPanel()
            let isDistance = column == "d"
            figure.add("set title \(figure.quoted(isDistance ? .markup("distance d_{R,k}", latex: "distance $d_{R,k}$") : .markup("kernel K_{R,k} = e^{-d_{R,k}}", latex: "kernel $K_{R,k} = e^{-d_{R,k}}$")))")
            figure.axis("x", label: .markup("x = ΔW_i", latex: "$x = \\Delta W_i$"), log: false, range: AxisRange(lower: lo, upper: hi))
            figure.axis("y", label: isDistance ? .markup("d_{R,k}(x)", latex: "$d_{R,k}(x)$") : .markup("K_{R,k}(x)", latex: "$K_{R,k}(x)$"),
                        log: false, range: isDistance ? AxisRange(lower: 0, upper: max(1.5, min(dMax, 8))) : AxisRange(lower: 0, upper: 1.12))
            figure.add(isDistance ? "set key top center" : "set key right center")
            figure.verticalLine(at: -radius, label: .markup("−R", latex: "$-R$"))
            figure.verticalLine(at: radius, label: .markup("R", latex: "$R$"))
            var clauses: [String] = []
            for (i, k) in ks.enumerated() {
                let col = 2 + 2 * i + (isDistance ? 0 : 1)
                let title: FigureText = .markup("k = \(gnuplotNumber(k))", latex: "$k = \(gnuplotNumber(k))$")
                clauses.append("\(file) using 1:\(col) with lines lw 1.6 lc rgb '\(colours[i])' dt \(Palette.dash(i)) title \(figure.quoted(title))")
            }
            if !isDistance {
                let col = 2 + 2 * ks.count
                clauses.append("\(file) using 1:\(col) with lines lw 0.8 lc rgb '\(Palette.grey)' dt 3 title \(figure.quoted(.markup("k = ∞", latex: "$k = \\infty$")))")
            }
            figure.plot(clauses)
        }
    }
}
