import HDF5

/// Creates the complete structure of a version-1 trace in an empty file: every group, dataset, dimension
/// scale and attribute, with the appendable datasets at zero rows. Everything is created here because a SWMR
/// writer (HDF5 1.10) may only extend and write existing datasets afterwards.
enum TraceLayout {
    /// The chunk shape of an appendable variable: one HDF5 chunk holds many rows (written once per epoch).
    static func chunks(for variable: TraceVariable, layerCount: Int) -> [Int] {
        let perStep = variable.group == TraceFormat.stepsGroup
        switch variable.axes {
        case []: return [perStep ? 4096 : 512]
        case ["layer"]: return [perStep ? 1024 : 128, layerCount]
        case ["layer", "quantile"]: return [64, layerCount, TemperatureDistribution.levels.count]
        default: return [16, layerCount, TemperatureDistribution.binCount]
        }
    }

    /// The size of each non-first axis.
    static func size(of axis: String, layerCount: Int) -> Int {
        switch axis {
        case "layer": layerCount
        case "quantile": TemperatureDistribution.levels.count
        default: TemperatureDistribution.binCount
        }
    }

    /// Compression of the per-step and per-epoch variables (h5py's gzip 4 with shuffle).
    static let rowCompression = Compression.standard
    /// Compression of the per-weight snapshots: deflate level 1 with shuffle, nearly the ratio of level 4 on
    /// Float32 gradients at a third of the time.
    static let snapshotCompression = Compression.deflate(level: Int(TraceWriter.snapshotLevel), shuffle: true)

    /// Builds the layout of `header`'s trace in `file`.
    static func build(in file: File, header: TraceHeader, plannedEpochs: Int) throws {
        try header.write(to: file)
        try buildMarkers(in: file, plannedEpochs: plannedEpochs)
        let L = header.layerCount
        let layers = (1...L).map { Int64($0) }
        let recording = header.recording, smoothing = header.smoothing

        // /steps: scales step (unlimited) and layer.
        let steps = try file.createGroup(TraceFormat.stepsGroup)
        try steps.setAttribute("long_name", "per-step record")
        let stepLayer = try fixedScale(steps, "layer", layers, longName: "weight layer l (1 = first, L = output)")
        try buildVariables(in: steps, TraceVariable.variables(in: TraceFormat.stepsGroup, recording: recording, smoothing: smoothing),
                           layerCount: L, axisScales: ["layer": stepLayer])

        // /epochs: scales epoch (unlimited), layer, quantile, bin, and the fixed per-layer and per-bin facts.
        let epochs = try file.createGroup(TraceFormat.epochsGroup)
        try epochs.setAttribute("long_name", "per-epoch record")
        let epochLayer = try fixedScale(epochs, "layer", layers, longName: "weight layer l (1 = first, L = output)")
        let quantile = try fixedScale(epochs, "quantile", TemperatureDistribution.levels, longName: "quantile level p")
        let bin = try fixedScale(epochs, "bin", (0..<TemperatureDistribution.binCount).map { Int64($0) },
                                 longName: "histogram bin of per-weight temperatures")
        let shapes = header.widths
        try fixedVariable(epochs, "weight_count", (1...L).map { Int64(shapes[$0] * shapes[$0 - 1]) }, scale: epochLayer,
                          longName: "weights in the layer", definition: "N_l = n_l * n_{l-1}, the size of Omega_l (biases excluded)")
        try fixedVariable(epochs, "fan_in", (1...L).map { Int64(shapes[$0 - 1]) }, scale: epochLayer,
                          longName: "inputs of the layer", definition: "n_{l-1}")
        try fixedVariable(epochs, "fan_out", (1...L).map { Int64(shapes[$0]) }, scale: epochLayer,
                          longName: "outputs of the layer", definition: "n_l")
        try fixedVariable(epochs, "bin_lower", TemperatureDistribution.lowerEdges, scale: bin,
                          longName: "lower edge of the bin", definition: "0 for bin 0, else 10^((bin-1)/4 - 20); a bin holds v with bin_lower <= v < bin_upper")
        try fixedVariable(epochs, "bin_upper", TemperatureDistribution.upperEdges, scale: bin,
                          longName: "upper edge of the bin", definition: "10^(bin/4 - 20), inf for the last bin")
        try buildVariables(in: epochs, TraceVariable.variables(in: TraceFormat.epochsGroup, recording: recording, smoothing: smoothing),
                           layerCount: L, axisScales: ["layer": epochLayer, "quantile": quantile, "bin": bin])

        // /weights/layer_<l>: scales epoch (unlimited: the snapshot epochs), row, column.
        guard recording.takesSnapshots else { return }
        let variables = SnapshotVariable.variables(for: recording)
        for l in 1...L {
            let group = try file.createGroup(TraceFormat.snapshotGroup(layer: l))
            let rows = shapes[l], columns = shapes[l - 1]
            try group.setAttribute("long_name", "per-weight snapshots of layer \(l), W_l[row, column]")
            try group.setAttribute("layer", l)
            try group.setAttribute("snapshot_every", recording.snapshotEvery)
            let epoch = try group.createAppendableDataset("epoch", of: Int64.self, chunking: .explicit([512]))
            try epoch.makeDimensionScale()
            try epoch.setAttribute("long_name", "epoch of the snapshot (epochs e with e mod snapshot_every = 0)")
            let row = try fixedScale(group, "row", (0..<rows).map { Int64($0) }, longName: "output unit i of W_l[i, j] (from 0)")
            let column = try fixedScale(group, "column", (0..<columns).map { Int64($0) }, longName: "input unit j of W_l[i, j] (from 0)")
            let chunkRows = max(1, min(rows, 65536 / max(1, columns)))
            for variable in variables {
                let dataset = try group.createDataset(variable.name, of: Float.self, shape: [0, rows, columns],
                                                      maxShape: [nil, rows, columns],
                                                      chunking: .explicit([1, chunkRows, columns]),
                                                      compression: snapshotCompression)
                try dataset.attachDimensionScale(epoch, axis: 0)
                try dataset.attachDimensionScale(row, axis: 1)
                try dataset.attachDimensionScale(column, axis: 2)
                try dataset.setAttribute("long_name", variable.longName)
                try dataset.setAttribute("definition", variable.definition)
                try dataset.setAttribute("units", "1")
            }
        }
    }

    /// The root scalar datasets of ``TraceMarker``.
    private static func buildMarkers(in file: File, plannedEpochs: Int) throws {
        for marker in TraceMarker.allCases {
            let dataset: Dataset
            switch marker {
            case .lastUpdate:
                dataset = try file.createDataset(marker.rawValue, of: Double.self, shape: [])
                try dataset.write([0.0])
                try dataset.setAttribute("units", "seconds since 1970-01-01 00:00:00 UTC")
            default:
                dataset = try file.createDataset(marker.rawValue, of: Int64.self, shape: [])
                try dataset.write([marker == .plannedEpochs ? Int64(plannedEpochs) : 0])
            }
            try dataset.setAttribute("long_name", markerDescription(marker))
        }
        let status = try file.openDataset(TraceMarker.status.rawValue)
        try status.setAttribute("flag_values", TraceStatus.allCases.map(\.rawValue))
        try status.setAttribute("flag_meanings", TraceStatus.allCases.map(\.description).joined(separator: " "))
    }

    private static func markerDescription(_ marker: TraceMarker) -> String {
        switch marker {
        case .completedEpochs: "number of complete rows of /epochs (readers ignore rows beyond it)"
        case .completedSteps: "number of complete rows of /steps (readers ignore rows beyond it)"
        case .completedSnapshots: "number of complete snapshots in each /weights/layer_<l> (readers ignore the rest)"
        case .status: "state of the run (see flag_values and flag_meanings)"
        case .plannedEpochs: "number of epochs the run was asked for"
        case .writerProcess: "process id of the last writer"
        case .lastUpdate: "time of the last write"
        }
    }

    /// A fixed-length one-dimensional dimension scale named `name` holding `values`.
    private static func fixedScale<T: HDF5Element>(_ group: Group, _ name: String, _ values: [T], longName: String) throws -> Dataset {
        let dataset = try group.createDataset(name, of: T.self, shape: [values.count])
        try dataset.write(values)
        try dataset.makeDimensionScale()
        try dataset.setAttribute("long_name", longName)
        return dataset
    }

    /// A fixed-length variable along one scale.
    private static func fixedVariable<T: HDF5Element>(_ group: Group, _ name: String, _ values: [T], scale: Dataset,
                                                     longName: String, definition: String) throws {
        let dataset = try group.createDataset(name, of: T.self, shape: [values.count])
        try dataset.write(values)
        try dataset.attachDimensionScale(scale, axis: 0)
        try dataset.setAttribute("long_name", longName)
        try dataset.setAttribute("definition", definition)
    }

    /// The appendable variables of one group; the first is the group's unlimited scale.
    private static func buildVariables(in group: Group, _ variables: [TraceVariable], layerCount: Int,
                                       axisScales: [String: Dataset]) throws {
        var first: Dataset? = nil
        for variable in variables {
            let rowShape = variable.axes.map { size(of: $0, layerCount: layerCount) }
            let chunking = Chunking.explicit(chunks(for: variable, layerCount: layerCount))
            let dataset: Dataset
            switch variable.element {
            case .float64: dataset = try group.createAppendableDataset(variable.name, of: Double.self, rowShape: rowShape,
                                                                       chunking: chunking, compression: rowCompression)
            case .int64: dataset = try group.createAppendableDataset(variable.name, of: Int64.self, rowShape: rowShape,
                                                                     chunking: chunking, compression: rowCompression)
            case .float32: dataset = try group.createAppendableDataset(variable.name, of: Float.self, rowShape: rowShape,
                                                                       chunking: chunking, compression: rowCompression)
            }
            if let first {
                try dataset.attachDimensionScale(first, axis: 0)
                for (axis, name) in variable.axes.enumerated() {
                    guard let scale = axisScales[name] else { preconditionFailure("no scale for axis \(name)") }
                    try dataset.attachDimensionScale(scale, axis: axis + 1)
                }
            } else {
                try dataset.makeDimensionScale()
                first = dataset
            }
            try dataset.setAttribute("long_name", variable.longName)
            try dataset.setAttribute("definition", variable.definition)
            try dataset.setAttribute("units", variable.units)
        }
    }
}
