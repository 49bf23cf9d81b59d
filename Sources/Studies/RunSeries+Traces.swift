import Analysis
import Foundation
import LayerStatistics
import Traces

extension RunSeries {
    /// One trace's per-layer statistics, read through `TraceReader`: only the datasets the request needs, only
    /// complete epochs, the per-step record (for windows) in blocks. Errors are `.input` errors, but for a request
    /// that ``SeriesRequest/validate()`` refuses.
    public static func readTrace(_ path: String, request: SeriesRequest) throws(StudyError) -> RunSeries {
        try request.validate()
        do { return try readTraceThrowing(path, request: request) } catch let error as StudyError {
            throw error
        } catch {
            throw StudyError(.input, String(describing: error))
        }
    }

    private static func readTraceThrowing(_ path: String, request: SeriesRequest) throws -> RunSeries {
        let reader = try TraceReader(contentsOf: path)
        defer { try? reader.close() }
        let header = reader.header
        let L = header.layerCount
        let labels = traceLayerLabels(header)
        let indices = try selectedLayers(request.layers, labels: labels, layerCount: L, path: path)
        let epochCount = try reader.rowCount(.epoch)
        guard epochCount > 0 else { throw noCompleteEpoch(path, status: reader.progress.status) }
        let epochs = try reader.read(.epoch).values
        guard let first = epochs.firstIndex(where: { request.epochs.contains($0) }),
              let last = epochs.lastIndex(where: { request.epochs.contains($0) }) else {
            throw StudyError(.input, "trace \(path) has no epoch in --epochs \(request.epochs.description); it holds epochs \(formatNumber(epochs.first!)) … \(formatNumber(epochs.last!))")
        }
        let rows = first..<(last + 1)
        var run = RunSeries(label: baseName(path), path: path, kind: "trace", resolution: .epochs,
                            stepsPerEpoch: header.stepsPerEpoch, recording: header.recording.levels, layers: [])
        run.runID = header.runID
        if let window = request.window {
            run.resolution = .windows(steps: window)
            try readWindows(reader, epochRows: rows, window: window, indices: indices, labels: labels, into: &run)
            if request.perWeight {
                run.notes.append("per-weight quantities (‖μ‖, ‖√v‖, their SNR, temperature quantiles) are per-epoch records; not available for windows of steps")
            }
            return run
        }
        func columns(_ variable: TraceVariable) throws -> [[Double]] {
            let array = try reader.read(variable, rows: rows)
            return indices.map { i in array.column(i) }
        }
        let signal = try columns(.layerSignal), noise = try columns(.layerNoise)
        let steps = try reader.read(.epochSteps, rows: rows).values.map { Int($0) }
        let lastSteps = try reader.read(.lastStep, rows: rows).values.map { Int($0) }
        let positions = Array(epochs[rows])
        run.layers = indices.enumerated().map { k, i in
            LayerSeries(layer: labels[i], number: i + 1, positions: positions, lastSteps: lastSteps, stepCounts: steps,
                        signal: signal[k], noise: noise[k])
        }
        guard request.perWeight else { return run }
        guard header.recording.weightMoments else {
            run.notes.append("per-weight quantities (‖μ‖, ‖√v‖, their SNR, temperature quantiles) need the 'moments' recording level; this trace records \(header.recording.levels.joined(separator: ", "))")
            return run
        }
        let weightSNR = try columns(.weightSignalToNoise)
        let meanNorm = try columns(.meanGradientNorm)
        let stdNorm = try columns(.gradientStdNorm)
        let temperatureMean = try columns(.weightTemperatureMean)
        let levels = try reader.readFixed(.quantile)
        let q = try reader.read(.weightTemperatureQuantiles, rows: rows)  // (epoch, layer, quantile)
        for (k, i) in indices.enumerated() {
            run.layers[k].weightSignalToNoise = weightSNR[k]
            run.layers[k].meanGradientNorm = meanNorm[k]
            run.layers[k].gradientStdNorm = stdNorm[k]
            run.layers[k].weightTemperatureMean = temperatureMean[k]
            run.layers[k].quantileLevels = levels
            run.layers[k].quantiles = levels.indices.map { j in
                (0..<q.rowCount).map { r in q.values[r * q.rowSize + i * levels.count + j] }
            }
        }
        return run
    }

    /// The indices of the layers `wanted` names (by number or label), or all of them; a layer named twice (`1,1`,
    /// or `1,conv1`) is a `.request` error (`requireDistinctLayers`).
    static func selectedLayers(_ wanted: [String]?, labels: [String], layerCount L: Int, path: String) throws -> [Int] {
        guard let wanted else { return Array(0..<L) }
        let numbers = (1...L).map(String.init)
        // A fully-connected network's layers are shown by number, and are also its dense layers fc1…fcL.
        let fullyConnected = labels == numbers
        let indices = try wanted.map { label in
            let dense = fullyConnected && label.hasPrefix("fc") ? numbers.firstIndex(of: String(label.dropFirst(2))) : nil
            guard let i = numbers.firstIndex(of: label) ?? labels.firstIndex(of: label) ?? dense else {
                let names = " (" + (fullyConnected ? "fc1…fc\(L)" : labels.joined(separator: ", ")) + ")"
                throw StudyError(.input, "--layers \(label): \(path) has layers 1…\(L)\(names)")
            }
            return i
        }
        try requireDistinctLayers(wanted, numbers: indices.map { $0 + 1 }, labels: indices.map { labels[$0] })
        return indices
    }

    /// Why a trace without a complete epoch cannot be studied, and what to do, by the run's status.
    static func noCompleteEpoch(_ path: String, status: TraceStatus) -> StudyError {
        switch status {
        case .running:
            StudyError(.input, "trace \(path) has no complete epochs yet (status running); wait for the run's first epoch, or run 'thermo inspect \(path)'")
        case .diverged:
            StudyError(.input, "trace \(path) has no complete epoch: its run diverged during the first epoch, so there is nothing to analyse; 'thermo inspect \(path)' shows where, and the run needs other settings")
        default:
            StudyError(.input, "trace \(path) has no complete epoch: its run ended (\(status)) during the first epoch; continue it with 'thermo train --resume CKPT --trace \(path)' or record it again")
        }
    }

    /// The layers' labels in a trace (``studyLayerLabels(_:)`` of the names it records).
    static func traceLayerLabels(_ header: TraceHeader) -> [String] {
        studyLayerLabels(header.layerMatrices.map(\.label))
    }

    /// Rows of the per-step record read at a time: the per-step record is streamed, never read whole.
    static let stepBlockRows = 65_536

    /// Statistics over consecutive windows of `window` steps of the epochs `epochRows`, from
    /// `steps/layer_signal` read block by block (`LayerSignalStatistics`: S = mean, σ = population standard
    /// deviation of s_l(t) over the window). Windows start at the first step of the first epoch; a last window
    /// that the steps do not fill is left out (and noted). Positions are last step / M.
    static func readWindows(_ reader: TraceReader, epochRows: Range<Int>, window: Int, indices: [Int], labels: [String],
                            into run: inout RunSeries) throws {
        let path = reader.path
        let M = reader.header.stepsPerEpoch
        let totalSteps = try reader.rowCount(.step)
        guard totalSteps > 0 else {
            throw StudyError(.input, "trace \(path) has no complete steps; --window needs the per-step record")
        }
        let lastOfEpoch = try reader.read(.lastStep, rows: epochRows).values.map { Int($0) }
        let stepsOfEpoch = try reader.read(.epochSteps, rows: epochRows).values.map { Int($0) }
        let firstStepNumber = Int(try reader.read(.step, rows: 0..<1).values[0])
        let firstStep = lastOfEpoch[0] - stepsOfEpoch[0] + 1, lastStep = lastOfEpoch[lastOfEpoch.count - 1]
        let rows = (firstStep - firstStepNumber)..<min(totalSteps, lastStep - firstStepNumber + 1)
        guard rows.lowerBound >= 0, rows.count > 0 else {
            throw StudyError(.input, "trace \(path): the per-step record does not cover steps \(firstStep) … \(lastStep) of the chosen epochs; the file may be damaged ('thermo inspect \(path)')")
        }
        // The per-step record must be contiguous: check the ends of the range.
        let ends = try reader.read(.step, rows: (rows.upperBound - 1)..<rows.upperBound).values[0]
        guard Int(ends) == firstStepNumber + rows.upperBound - 1 else {
            throw StudyError(.input, "trace \(path): the per-step record is not contiguous (row \(rows.upperBound - 1) holds step \(Int(ends))); the file may be damaged")
        }
        guard rows.count >= window else {
            throw StudyError(.input, "--window \(window) is longer than the \(rows.count) steps in the chosen epochs; choose a smaller N (an epoch has \(M) steps)")
        }
        let L = reader.header.layerCount
        var carry = [[Double]](repeating: [], count: indices.count)
        var positions = [[Double]](repeating: [], count: indices.count)
        var lastSteps = [[Int]](repeating: [], count: indices.count)
        var signal = [[Double]](repeating: [], count: indices.count)
        var noise = [[Double]](repeating: [], count: indices.count)
        var start = rows.lowerBound
        var consumed = 0  // steps of the range already assigned to complete windows
        while start < rows.upperBound {
            let end = min(start + stepBlockRows, rows.upperBound)
            let block = try reader.read(.stepLayerSignal, rows: start..<end)
            for (k, i) in indices.enumerated() {
                var values = carry[k]
                values.reserveCapacity(values.count + block.rowCount)
                for r in 0..<block.rowCount { values.append(block.values[r * L + i]) }
                let complete = values.count / window
                values.withUnsafeBufferPointer { buffer in
                    for w in 0..<complete {
                        let lastStepOfWindow = firstStep + consumed + (w + 1) * window - 1
                        let statistics = LayerSignalStatistics(steps: buffer, range: (w * window)..<((w + 1) * window),
                                                               position: Double(lastStepOfWindow) / Double(M))
                        positions[k].append(statistics.position)
                        lastSteps[k].append(lastStepOfWindow)
                        signal[k].append(statistics.signal)
                        noise[k].append(statistics.noise)
                    }
                }
                carry[k] = Array(values[(complete * window)...])
                if k == indices.count - 1 { consumed += complete * window }
            }
            start = end
        }
        let leftOver = carry.first?.count ?? 0
        if leftOver > 0 {
            run.notes.append("the last \(leftOver) step\(leftOver == 1 ? " does" : "s do") not fill a window of \(window) and \(leftOver == 1 ? "is" : "are") left out")
        }
        run.layers = indices.indices.map { k in
            LayerSeries(layer: labels[indices[k]], number: indices[k] + 1, positions: positions[k], lastSteps: lastSteps[k],
                        stepCounts: Array(repeating: window, count: positions[k].count), signal: signal[k], noise: noise[k])
        }
    }
}

/// How every study labels weight layers, from their names in the network (`ParameterLayout`'s labels, as a trace
/// records them): "1", "2", … for a fully-connected network; for one with convolutions the names themselves,
/// "conv1" … "conv5", "fc1", "fc2", "fc3" (the layer number l is their order), so that tables and figure legends
/// name a layer as `--smooth` does.
public func studyLayerLabels(_ names: [String]) -> [String] {
    guard names.contains(where: { $0.hasPrefix("conv") }) else { return names.indices.map { String($0 + 1) } }
    return names
}
