import HDF5

/// The one validation of a trace, which ``TraceReader`` runs whenever it opens a file or reads its markers again,
/// and so every reader of traces gets (`inspect`, `recover`, `train --resume`, the analyses, the plots): the
/// rules of docs/trace-format.md, "Validation". A trace that breaks one is refused with a ``TraceError`` that
/// names the variable, what is wrong and what to do.
///
/// The rules, in order:
/// 1. the format: the root attribute `format` = "thermo-trace", a major version this thermo reads;
/// 2. the header: at least two widths, each from 1 to 2^24, `layer_count` = widths − 1, steps per epoch and
///    first epoch from 1, image counts from 0;
/// 3. every dataset the recording implies exists, with the rank and sizes after the first axis that the header
///    implies; the `layer` coordinates are 1…L;
/// 4. the markers are scalars, from 0 to 2^40, with no more complete epochs than planned;
/// 5. the complete rows agree with each other and with the header: every variable holds at least the rows its
///    marker counts; `completed_steps` ≥ M × `completed_epochs`; the epoch coordinate counts up by one from
///    `first_epoch`; every complete epoch has `steps` = M; the step coordinate counts up by one; the M step rows
///    of each complete epoch say that epoch in `epoch_of_step`, and its `last_step` is the last of them;
///    snapshot epochs increase.
///
/// The complete steps are the steps of the complete epochs (M × `completed_epochs`): while a writer advances
/// the markers, `completed_steps` may already count the steps of the epoch whose row is not yet marked.
enum TraceValidation {
    /// The widest layer a trace may declare: far beyond any network thermo trains, small enough that products
    /// of two widths (weights per layer) cannot overflow.
    static let maximumWidth = 1 << 24
    /// The largest count a marker or header number may hold (2^40 epochs or steps is beyond any run).
    static let maximumCount = 1 << 40
    /// Rows of the per-step record read at a time.
    static let blockRows = 65_536
    /// What the messages about inconsistent rows end with: nothing recovers rows that disagree.
    static let damaged = "the file is damaged; use an intact copy of it or record the run again"

    /// A number read from a trace, for messages: integers without a fraction.
    static func shown(_ x: Double) -> String {
        if let n = Int(exactly: x) { return String(n) }
        return "\(x)"
    }

    /// Validates the open trace at `path`; `known` is its header when it was validated before (a header is never
    /// rewritten while a reader has the file open under SWMR), so that only the markers and rows are read again.
    static func validate(_ file: File, path: String, header known: TraceHeader? = nil) throws -> (header: TraceHeader, progress: TraceProgress) {
        let header: TraceHeader
        if let known {
            header = known
        } else {
            try checkFormat(file, path: path)
            header = try TraceHeader.read(from: file, path: path)
            try checkHeader(header, file: file, path: path)
            try checkDatasets(file, header: header, path: path)
            try checkShapes(file, header: header, path: path)
            try checkLayerMatrices(header, path: path)
        }
        var progress = try readProgress(file, path: path)
        try TraceRowValidation(file: file, header: header, path: path).check(&progress)
        return (header, progress)
    }

    /// Refuses files that are not thermo traces, or of a newer major version.
    private static func checkFormat(_ file: File, path: String) throws {
        guard try file.hasAttribute("format"),
              let format = try? file.attribute("format", as: String.self), format == TraceFormat.name else {
            throw TraceError(path: path, "is an HDF5 file but not a thermo trace (its root lacks the attribute format = \"\(TraceFormat.name)\"); thermo reads traces written by 'thermo train --trace'")
        }
        guard let major = try? file.attribute("format_version_major", as: Int.self) else {
            throw TraceError(path: path, "is a thermo trace without a readable 'format_version_major' attribute; the file is damaged")
        }
        let minor = (try? file.attribute("format_version_minor", as: Int.self)) ?? 0
        guard major <= TraceFormat.majorVersion else {
            throw TraceError(path: path, "is a thermo trace of format version \(major).\(minor), newer than the version \(TraceFormat.majorVersion) this thermo reads; update thermo to read it")
        }
        guard major >= 1 else {
            throw TraceError(path: path, "claims format version \(major).\(minor), which never existed; the file is damaged")
        }
    }

    /// The header's numbers must describe a run that can exist: at least two widths, each from 1 to
    /// ``maximumWidth``, as many layers in `layer_count`; at least one step per epoch; a first epoch from 1 on.
    private static func checkHeader(_ header: TraceHeader, file: File, path: String) throws {
        guard header.widths.count >= 2, header.widths.allSatisfy({ (1...maximumWidth).contains($0) }) else {
            throw TraceError(path: path, "declares impossible layer widths \(header.widths) in its 'widths' attribute (at least two, each from 1 to \(maximumWidth)); the file is damaged")
        }
        let layerCount: Int
        do { layerCount = try file.attribute("layer_count", as: Int.self) } catch {
            throw TraceError(path: path, "lacks a readable root attribute 'layer_count' that every version-1 trace has; \(damaged)")
        }
        guard layerCount == header.layerCount else {
            throw TraceError(path: path, "declares layer_count = \(layerCount) in its root attributes, but its widths \(header.widths) describe \(header.layerCount) layers; \(damaged)")
        }
        for (name, value) in [("steps_per_epoch", header.stepsPerEpoch), ("first_epoch", header.firstEpoch)]
            where !(1...maximumCount).contains(value) {
            throw TraceError(path: path, "declares \(name) = \(value) in its root attributes, which no run has (it is at least 1); the file is damaged")
        }
        for (name, value) in [("train_images", header.trainImages), ("validation_images", header.validationImages),
                              ("test_images", header.testImages)] where !(0...maximumCount).contains(value) {
            throw TraceError(path: path, "declares \(name) = \(value) in its root attributes, which no run has; the file is damaged")
        }
    }

    /// The layer matrices, when stored, describe as many layers as the header, each of a possible size.
    private static func checkLayerMatrices(_ header: TraceHeader, path: String) throws {
        if let matrices = header.storedLayerMatrices {
            guard matrices.count == header.layerCount,
                  matrices.allSatisfy({ (1...maximumWidth).contains($0.rows) && (1...maximumWidth).contains($0.columns) }) else {
                throw TraceError(path: path, "declares \(matrices.count) layer matrices in layer_rows/layer_columns for \(header.layerCount) layers, or a size outside 1…\(maximumWidth); \(damaged)")
            }
        }
    }

    /// Every dataset that the header's recording implies must exist.
    private static func checkDatasets(_ file: File, header: TraceHeader, path: String) throws {
        var required = TraceMarker.allCases.map(\.rawValue)
        for group in TraceGroup.allCases {
            required += TraceVariable.records(in: group, recording: header.recording, smoothing: header.smoothing).map(\.path)
            required.append(group.layerScale.path)
        }
        required += [TraceVariable.quantile.path, TraceVariable.bin.path]
        if header.recording.takesSnapshots {
            for l in 1...header.layerCount {
                required.append(SnapshotScale.epoch.path(layer: l))
                required += SnapshotVariable.variables(for: header.recording).map { $0.path(layer: l) }
            }
        }
        for name in required where try file.kind(of: name) != .dataset {
            throw TraceError(path: path, "lacks the dataset /\(name) that a version-1 trace recording \(header.recording) has; the file is damaged or incomplete")
        }
    }

    /// Every variable has the rank and the sizes along its axes after the first that the header implies
    /// (L layers, the quantile levels, the histogram bins; a snapshot is n_l × n_{l−1}), so that no read can
    /// index outside what it reads; the `layer` coordinates hold 1…L.
    private static func checkShapes(_ file: File, header: TraceHeader, path: String) throws {
        func shape(_ name: String) throws -> [Int] { try file.openDataset(name).shape }
        let quantiles = try shape(TraceVariable.quantile.path), bins = try shape(TraceVariable.bin.path)
        for (scale, s) in [(TraceVariable.quantile, quantiles), (.bin, bins)] where s.count != 1 {
            throw TraceError(path: path, "has a /\(scale.path) coordinate of shape \(s), not a list; the file is damaged")
        }
        if header.recording.weightMoments && quantiles[0] != TemperatureDistribution.levels.count {
            throw TraceError(path: path, "has \(quantiles[0]) quantile levels where a version-1 trace has \(TemperatureDistribution.levels.count); the file is damaged")
        }
        let L = header.layerCount
        func expect(_ name: String, _ sizes: [Int]) throws {
            let actual = try shape(name)
            guard actual.count == sizes.count + 1, Array(actual.dropFirst()) == sizes else {
                let wanted = (["rows"] + sizes.map(String.init)).joined(separator: " × ")
                throw TraceError(path: path, "has /\(name) of shape \(actual.map(String.init).joined(separator: " × ")) where its header implies \(wanted); the file is damaged")
            }
        }
        for group in TraceGroup.allCases {
            for variable in TraceVariable.records(in: group, recording: header.recording, smoothing: header.smoothing) {
                try expect(variable.path, variable.axes.map { $0 == .layer ? L : $0 == .quantile ? quantiles[0] : bins[0] })
            }
        }
        for group in TraceGroup.allCases {
            let name = group.layerScale.path
            let dataset = try file.openDataset(name)
            guard try dataset.shape == [L] else {
                throw TraceError(path: path, "has a /\(name) coordinate of shape \(try dataset.shape) where its header (layer_count = \(L)) implies [\(L)]; \(damaged)")
            }
            let layers = try dataset.doubles(rows: 0..<L)
            if let row = layers.indices.first(where: { layers[$0] != Double($0 + 1) }) {
                throw TraceError(path: path, "holds \(shown(layers[row])) at row \(row) of /\(name), where the layer coordinate numbers the layers 1…\(L) in order; \(damaged)")
            }
        }
        if header.recording.takesSnapshots {
            try checkLayerMatrices(header, path: path)  // before they are indexed below
            for l in 1...L {
                try expect(SnapshotScale.epoch.path(layer: l), [])
                for variable in SnapshotVariable.variables(for: header.recording) {
                    let matrix = header.layerMatrices[l - 1]
                    try expect(variable.path(layer: l), [matrix.rows, matrix.columns])
                }
            }
        }
    }

    /// Reads the markers, each a scalar: `completed_epochs` first and `completed_steps` last, the reverse of the
    /// order in which a writer advances them, so that the steps read always cover the epochs read.
    private static func readProgress(_ file: File, path: String) throws -> TraceProgress {
        func dataset(_ marker: TraceMarker) throws -> Dataset {
            let dataset = try file.openDataset(marker.rawValue)
            try dataset.refresh()
            let shape = try dataset.shape
            guard shape.isEmpty else {
                throw TraceError(path: path, "has the marker /\(marker.rawValue) of shape \(shape), where a marker is a scalar (one number); \(damaged)")
            }
            return dataset
        }
        func int(_ marker: TraceMarker) throws -> Int {
            Int(try dataset(marker).read(as: Int64.self).first ?? 0)
        }
        let completedEpochs = try int(.completedEpochs), completedSnapshots = try int(.completedSnapshots)
        let completedSteps = try int(.completedSteps)
        let code = try int(.status), planned = try int(.plannedEpochs), writer = try int(.writerProcess)
        let lastUpdate = try dataset(.lastUpdate).read(as: Double.self).first ?? 0
        guard let status = TraceStatus(rawValue: Int64(code)) else {
            throw TraceError(path: path, "has an unknown status code \(code); it may come from a newer thermo")
        }
        for (marker, value) in [(TraceMarker.completedEpochs, completedEpochs), (.completedSteps, completedSteps),
                                (.completedSnapshots, completedSnapshots), (.plannedEpochs, planned)] {
            guard (0...maximumCount).contains(value) else {
                throw TraceError(path: path, "has the impossible marker /\(marker.rawValue) = \(value); the file is damaged (a marker counts complete rows, from 0)")
            }
        }
        guard completedEpochs <= planned else {
            throw TraceError(path: path, "counts \(completedEpochs) complete epochs of \(planned) planned in its markers; the file is damaged")
        }
        return TraceProgress(completedEpochs: completedEpochs, completedSteps: completedSteps, completedSnapshots: completedSnapshots,
                             status: status, plannedEpochs: planned, writerProcess: writer, lastUpdate: lastUpdate)
    }
}
