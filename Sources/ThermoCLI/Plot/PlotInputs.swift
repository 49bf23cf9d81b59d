import Studies

/// The accepted inputs of `thermo plot signal|temperature|cooling`, for help texts.
var figureInputFormats: String { RunSeries.figureFormats.joined(separator: "; or ") }

/// Notes about values a logarithmic axis cannot show (NaN, ±∞, zero or negative), which gnuplot leaves out
/// silently: one note per run and quantity, naming the first such point and how many there are.
func undrawableValueNotes(_ runs: [RunSeries], quantities: [(name: String, values: (LayerSeries) -> [Double]?)]) -> [String] {
    var notes: [String] = []
    for run in runs {
        for quantity in quantities {
            var count = 0
            var first: (layer: String, epoch: Double, value: Double)? = nil
            for layer in run.layers {
                guard let values = quantity.values(layer) else { continue }
                for (epoch, value) in zip(layer.positions, values) where !(value.isFinite && value > 0) {
                    count += 1
                    if first == nil { first = (layer.layer, epoch, value) }
                }
            }
            if let first {
                notes.append("\(run.path): \(count) \(quantity.name) value\(count == 1 ? " is" : "s are") NaN, infinite or not positive "
                    + "(first: layer \(first.layer), epoch \(shortValue(first.epoch)), \(first.value)); the logarithmic axis leaves \(count == 1 ? "it" : "them") out")
            }
        }
    }
    return notes
}
