/// A figure: data held in a plain model, turned into a gnuplot script and data files by `build(_:)`, rendered by
/// `FigureRenderer`. Implemented by `SignalFigure`, `TemperatureFigure`, `CoolingFigure`, `KernelFigure`,
/// `SweepFigure`, `CurvesFigure` and `AugmentationFigure`.
public protocol Figure: Sendable {
    /// The figure's name, as in `thermo plot NAME` ("signal").
    var name: String { get }
    /// The size used when `FigureOptions.size` is nil.
    func defaultSize(_ options: FigureOptions) -> FigureSize
    /// Writes the figure's commands and data tables into `figure` (after the terminal and common style).
    func build(_ figure: inout FigureBuilder) throws(FigureError)
}
