import HDF5

/// Creates the complete structure of a version-1 trace in an empty file: every group, dataset, dimension
/// scale and attribute, with the appendable datasets at zero rows. Everything is created here because a SWMR
/// writer (HDF5 1.10) may only extend and write existing datasets afterwards.
enum TraceLayout {
    /// The chunk shape of an appendable variable: one HDF5 chunk holds many rows (written once per epoch).
    static func chunks(for variable: TraceVariable, layerCount: Int) -> [Int] {
        let perStep = variable.group == .steps
        switch variable.axes {
        case []: return [perStep ? 4096 : 512]
        case [.layer]: return [perStep ? 1024 : 128, layerCount]
        case [.layer, .quantile]: return [64, layerCount, TemperatureDistribution.levels.count]
        default: return [16, layerCount, TemperatureDistribution.binCount]
        }
    }

    /// The size of each non-first axis.
    static func size(of axis: TraceDimension, layerCount: Int) -> Int {
        switch axis {
        case .layer: layerCount
        case .quantile: TemperatureDistribution.levels.count
        case .bin: TemperatureDistribution.binCount
        case .step, .epoch: preconditionFailure("\(axis) is a group's unlimited first axis")
        }
    }

    /// The values of a scale or fixed variable in a trace of these layer widths n_0 … n_L.
    static func fixedValues(of variable: TraceVariable, matrices: [TraceLayerMatrix]) -> TraceColumn {
        let L = matrices.count
        switch variable {
        case .stepLayer, .epochLayer: return .int((1...L).map { Int64($0) })
        case .quantile: return .double(TemperatureDistribution.levels)
        case .bin: return .int((0..<TemperatureDistribution.binCount).map { Int64($0) })
        case .weightCount: return .int(matrices.map { Int64($0.rows * $0.columns) })
        case .fanIn: return .int(matrices.map { Int64($0.columns) })
        case .fanOut: return .int(matrices.map { Int64($0.rows) })
        case .binLower: return .double(TemperatureDistribution.lowerEdges)
        case .binUpper: return .double(TemperatureDistribution.upperEdges)
        default: preconditionFailure("\(variable.path) is an appendable record, not a fixed variable")
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
        let shapes = header.layerMatrices
        let recording = header.recording, smoothing = header.smoothing

        // /steps: scales step (unlimited) and layer; /epochs: scales epoch (unlimited), layer, quantile, bin, and
        // the fixed per-layer and per-bin facts.
        for group in TraceGroup.allCases {
            let created = try file.createGroup(group.rawValue)
            try created.setAttribute("long_name", group.longName)
            var scales: [TraceDimension: Dataset] = [:]
            for variable in TraceVariable.all(in: group) where variable.kind != .record {
                let values = fixedValues(of: variable, matrices: header.layerMatrices)
                if variable.kind == .scale {
                    scales[variable.axes[0]] = try fixedScale(created, variable, values)
                } else {
                    try fixedVariable(created, variable, values, scale: scales[variable.axes[0]]!)
                }
            }
            try buildVariables(in: created, TraceVariable.records(in: group, recording: recording, smoothing: smoothing),
                               layerCount: L, axisScales: scales)
        }

        // /weights/layer_<l>: scales epoch (unlimited: the snapshot epochs), row, column.
        guard recording.takesSnapshots else { return }
        let variables = SnapshotVariable.variables(for: recording)
        for l in 1...L {
            let group = try file.createGroup(TraceFormat.snapshotGroup(layer: l))
            let rows = shapes[l - 1].rows, columns = shapes[l - 1].columns
            try group.setAttribute("long_name", "per-weight snapshots of layer \(l), W_l[row, column]")
            try group.setAttribute("layer", l)
            try group.setAttribute("snapshot_every", recording.snapshotEvery)
            let epoch = try group.createAppendableDataset(SnapshotScale.epoch.rawValue, of: Int64.self, chunking: .explicit([512]))
            try epoch.makeDimensionScale()
            try epoch.setAttribute("long_name", SnapshotScale.epoch.longName)
            let row = try fixedScale(group, SnapshotScale.row.rawValue, (0..<rows).map { Int64($0) }, longName: SnapshotScale.row.longName)
            let column = try fixedScale(group, SnapshotScale.column.rawValue, (0..<columns).map { Int64($0) },
                                        longName: SnapshotScale.column.longName)
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
                try dataset.setAttribute("units", variable.units)
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

    /// A scale of ``TraceVariable`` holding `values`.
    private static func fixedScale(_ group: Group, _ variable: TraceVariable, _ values: TraceColumn) throws -> Dataset {
        switch values {
        case .int(let values): try fixedScale(group, variable.name, values, longName: variable.longName)
        case .double(let values): try fixedScale(group, variable.name, values, longName: variable.longName)
        }
    }

    /// A fixed-length variable of ``TraceVariable`` along one scale.
    private static func fixedVariable(_ group: Group, _ variable: TraceVariable, _ values: TraceColumn, scale: Dataset) throws {
        let dataset: Dataset
        switch values {
        case .int(let values):
            dataset = try group.createDataset(variable.name, of: Int64.self, shape: [values.count])
            try dataset.write(values)
        case .double(let values):
            dataset = try group.createDataset(variable.name, of: Double.self, shape: [values.count])
            try dataset.write(values)
        }
        try dataset.attachDimensionScale(scale, axis: 0)
        try dataset.setAttribute("long_name", variable.longName)
        try dataset.setAttribute("definition", variable.definition ?? "")
    }

    /// The appendable variables of one group; the first is the group's unlimited scale.
    private static func buildVariables(in group: Group, _ variables: [TraceVariable], layerCount: Int,
                                       axisScales: [TraceDimension: Dataset]) throws {
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
            try dataset.setAttribute("definition", variable.definition ?? "")
            try dataset.setAttribute("units", variable.units ?? "1")
        }
    }
}
