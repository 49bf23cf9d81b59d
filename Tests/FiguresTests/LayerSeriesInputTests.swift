import Foundation
@testable import Figures
import Studies
import Testing

/// The signal and temperature figures draw the Studies module's `LayerSeries` as they are handed.
struct LayerSeriesInputTests {
    @Test("temperature: quantile levels pair symmetrically into bands, q50 is the median, a lone level is noted")
    func quantilePairing() throws {
        var layer = LayerSeries(layer: "1", positions: [1, 2], signal: [1, 1], noise: [0.5, 0.25])
        layer.quantileLevels = [0.05, 0.25, 0.5, 0.95]
        layer.quantiles = [[1, 2], [3, 4], [5, 6], [7, 8]]
        let drawn = TemperatureSeries(pairing: layer)
        #expect(drawn.temperature == [0.25, 0.0625])
        #expect(drawn.bands == [QuantileBand(lower: 0.05, upper: 0.95, lowerValues: [1, 2], upperValues: [7, 8])])
        #expect(drawn.median == [5, 6])
        #expect(TemperatureFigure.unpairedQuantileNotes([layer, layer]) == ["quantile q25 has no symmetric partner q75; left out"])
    }

    @Test("a layer without one value per epoch is refused with its name, not a crash")
    func missingValues() throws {
        let noSignal = LayerSeries(layer: "3", positions: [1, 2], signal: nil, noise: [1, 1])
        do {
            _ = try FigureRenderer().document(SignalFigure(panels: [SignalPanel(title: "r", layers: [noSignal])]), outputName: "s.png", options: FigureOptions())
            Issue.record("a layer without signal was drawn")
        } catch {
            #expect(error.description.contains("layer 3 of run r needs one signal"), "\(error)")
        }
        var shortQuantile = LayerSeries(layer: "2", positions: [1, 2], signal: [1, 1], noise: [1, 1])
        shortQuantile.quantileLevels = [0.5]
        shortQuantile.quantiles = [[1]]
        do {
            _ = try FigureRenderer().document(TemperatureFigure(layers: [shortQuantile]), outputName: "t.png", options: FigureOptions())
            Issue.record("a layer with a short quantile was drawn")
        } catch {
            #expect(error.description.contains("layer 2 needs one temperature (and quantile) value per epoch"), "\(error)")
        }
    }
}
