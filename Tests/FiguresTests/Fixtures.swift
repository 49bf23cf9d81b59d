import Analysis
import Foundation
@testable import Figures
import Studies
import Testing
import TestSupport

/// Small synthetic data for every figure, and the checks every rendered PNG must pass.
enum Fixtures {
    /// 10 × 7 cm at 100 dpi: 394 × 276 pixels.
    static var smallOptions: FigureOptions {
        var options = FigureOptions()
        options.size = FigureSize(width: 10, height: 7)
        options.dpi = 100
        return options
    }
    static let smallPixels = (width: 394, height: 276)

    /// A deterministic wiggle in [−1, 1].
    static func wiggle(_ i: Int, _ seed: Int) -> Double { sin(Double(i * 7919 + seed * 104729) * 0.618) }

    /// Three layers rising to a peak at epoch 4, then decaying as e^−0.8, with noise above the signal.
    static func signalLayers(epochs: Int = 60, shift: Double = 0) -> [LayerSeries] {
        (1...3).map { l in
            let e = (1...epochs).map(Double.init)
            let a = exp(-4 + 0.4 * Double(l) + shift)
            let s = e.enumerated().map { i, x in
                (x <= 4 ? a * (0.4 + 0.15 * x) : a * pow(x / 4, -0.8)) * exp(0.03 * wiggle(i, l))
            }
            let n = s.enumerated().map { i, v in v * (i < 3 ? 0.5 : 1.5) * exp(0.04 * wiggle(i, l + 7)) }
            return LayerSeries(layer: "\(l)", positions: e, signal: s, noise: n)
        }
    }

    static var signal: SignalFigure {
        SignalFigure(panels: [
            SignalPanel(title: "ReLU", layers: signalLayers(), boundaries: [RegimeBoundary(epoch: 4, label: "S peak"), RegimeBoundary(epoch: 8, label: "e* = 8")]),
            SignalPanel(title: "tanh", layers: signalLayers(shift: 0.3)),
        ])
    }

    static var temperature: TemperatureFigure {
        TemperatureFigure(layers: signalLayers().map { layer in
            var l = layer
            let t = layer.temperature!
            l.quantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95]
            l.quantiles = [2, 10, 30, 80, 400].map { k in t.map { $0 * k } }
            return l
        })
    }

    static func coolingCurves() -> [CoolingCurve] {
        signalLayers(epochs: 120).map { CoolingCurve(layer: $0.layer, kind: .signal, epochs: $0.positions, values: $0.signal!) }
    }

    static var cooling: CoolingFigure {
        get throws {
            // The results the figure draws, made as the cooling study makes them for `thermo plot cooling`.
            let curves = coolingCurves()
            let fit = try coolingFit(curves, model: .nested, window: EpochWindow(from: 8, to: nil))
            let scan = try windowScan(curves, model: .power)
            let exponents = try effectiveExponents(curves)
            return CoolingFigure(curves: curves, fit: fit, scan: scan, effectiveExponents: exponents)
        }
    }

    static var sweep: SweepFigure {
        var points: [SweepPoint] = []
        for seed in 1...2 {
            points.append(SweepPoint(loss: "ce", layers: [], radius: 0, samples: 4, seed: UInt64(seed), best: 0.975 + 0.001 * Double(seed), final: 0.972))
            for (s, set) in [[1], [2], [3], [1, 2], [1, 3], [2, 3], [1, 2, 3]].enumerated() {
                for (k, r) in [0.001, 0.003, 0.01, 0.03, 0.1].enumerated() {
                    let gain = 0.002 * Double(k) * (set.count == 1 ? 1 : -1) + 0.001 * Double(s)
                    points.append(SweepPoint(loss: "pla", layers: set, radius: r, samples: 4, seed: UInt64(seed),
                                             best: 0.976 + gain + 0.0005 * Double(seed), final: 0.973 + gain))
                }
            }
        }
        return SweepFigure(points: points)
    }

    static var curves: CurvesFigure {
        let runs = ["no smoothing", "PLA I", "PLA II"].enumerated().map { r, label in
            let e = (1...50).map(Double.init)
            return CurvesRun(label: label, epochs: e,
                             trainLoss: e.map { 0.05 + 0.6 * exp(-$0 / (8 + 2 * Double(r))) },
                             testAccuracy: e.enumerated().map { i, x in 0.8 + 0.02 * Double(r) + 0.1 * (1 - exp(-x / 10)) + 0.004 * wiggle(i, r) },
                             trainAccuracy: e.map { 0.82 + 0.12 * (1 - exp(-$0 / 10)) })
        }
        return CurvesFigure(runs: runs, zoom: AxisRange(lower: 30, upper: 50))
    }

    /// Renders `figure` to `name` in `folder`.
    @discardableResult
    static func render(_ figure: some Figure, to name: String = "figure.png", in folder: URL,
                       options: FigureOptions = smallOptions) throws -> RenderedFigure {
        try FigureRenderer().render(figure, to: folder.appendingPathComponent(name), options: options)
    }

    /// The checks of a rendered PNG: a PNG signature, the requested size in its IHDR, and a drawing (enough pixels
    /// that are not background, and enough coloured ones when `colours` is set).
    static func checkPNG(_ url: URL, width: Int = smallPixels.width, height: Int = smallPixels.height, colours: Bool = true) throws {
        let data = try Data(contentsOf: url)
        if let keep = ProcessInfo.processInfo.environment["THERMO_KEEP_TEST_FIGURES"] {
            // For looking at the figures: THERMO_KEEP_TEST_FIGURES=/some/folder swift test --filter FiguresTests
            try? data.write(to: URL(fileURLWithPath: keep).appendingPathComponent("\(url.deletingLastPathComponent().lastPathComponent)-\(url.lastPathComponent)"))
        }
        #expect(Array(data.prefix(8)) == PNGImage.signature, "\(url.lastPathComponent) is not a PNG")
        let size = PNGImage.size(of: data)
        #expect(size?.width == width && size?.height == height, "\(url.lastPathComponent) is \(String(describing: size)), expected \(width)×\(height)")
        let image = try PNGImage(data: data)
        let total = image.width * image.height
        #expect(image.nonBackgroundPixels > total / 50, "\(url.lastPathComponent): only \(image.nonBackgroundPixels) of \(total) pixels are drawn")
        if colours {
            #expect(image.colouredPixels() > total / 500, "\(url.lastPathComponent): only \(image.colouredPixels()) coloured pixels")
        }
    }

    /// Removes the figure and re-runs its saved script with plain gnuplot; the figure must come back, same size.
    static func checkScriptReRenders(_ rendered: RenderedFigure, width: Int = smallPixels.width, height: Int = smallPixels.height) throws {
        try FileManager.default.removeItem(at: rendered.output)
        let folder = rendered.script.deletingLastPathComponent()
        let run = try GnuplotSupport.run(script: rendered.script.lastPathComponent, in: folder)
        #expect(run.status == 0, "plain gnuplot failed: \(run.stderr)")
        let data = try Data(contentsOf: rendered.output)
        let size = PNGImage.size(of: data)
        #expect(size?.width == width && size?.height == height)
    }
}
