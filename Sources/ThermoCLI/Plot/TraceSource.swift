import Foundation

/// thermo traces as inputs of `thermo plot signal|temperature|cooling`: per layer and epoch the signal S_l, the
/// noise σ_l, the temperature T_l = σ_l² and, when the trace records moments, the quantiles of the per-weight
/// temperatures v_ω (q5 … q95, drawn as bands). Read through `AnalysisInput.loadTrace`, the reader of
/// `thermo temperature`: only these datasets, only complete epochs.
enum TraceSource: LayerSeriesSource {
    static let formatDescription = "thermo traces (.h5, .hdf5, written by 'thermo train --trace')"

    static func accepts(_ path: String) -> Bool {
        ["h5", "hdf5"].contains((path as NSString).pathExtension.lowercased())
    }

    static func read(_ path: String) throws -> [LayerSeriesRun] {
        var request = SeriesRequest()
        request.perWeight = true
        request.needsNoise = true
        let run = try AnalysisInput.loadTrace(path, request: request)
        let layers = run.layers.map { s in
            LayerRecord(layer: s.layer, epochs: s.positions, signal: s.signal, noise: s.noise, temperature: s.temperature,
                        quantiles: Array(zip(s.quantileLevels, s.quantiles)).map { (level: $0.0, values: $0.1) })
        }
        return [LayerSeriesRun(label: run.label, path: path, layers: layers)]
    }
}
