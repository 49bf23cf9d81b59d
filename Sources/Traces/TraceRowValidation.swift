import HDF5

/// Rule 5 of ``TraceValidation``: the complete rows of a trace agree with each other, with the markers and with
/// the header. Reads the coordinates (`epoch`, `steps`, `last_step`, `step`, `epoch_of_step`, the snapshot
/// epochs), the per-step ones block by block, and the first-axis length of every variable.
struct TraceRowValidation {
    let file: File
    let header: TraceHeader
    let path: String

    private var damaged: String { TraceValidation.damaged }

    /// Checks the rows that `progress` counts, and sets its complete steps to those of the complete epochs.
    func check(_ progress: inout TraceProgress) throws {
        let M = header.stepsPerEpoch, epochCount = progress.completedEpochs
        let (stepRows, overflow) = epochCount.multipliedReportingOverflow(by: M)
        guard !overflow, stepRows <= progress.completedSteps else {
            throw TraceError(path: path, "counts \(progress.completedSteps) complete steps in /completed_steps, fewer than its \(epochCount) complete epochs of steps_per_epoch = \(M) steps hold\(overflow ? "" : " (\(stepRows))"): the markers disagree with the header; \(damaged)")
        }
        try checkLengths(epochs: epochCount, steps: stepRows, snapshots: progress.completedSnapshots)
        let epochs = try checkEpochs(epochCount)
        try checkSteps(epochs: epochs)
        if header.recording.takesSnapshots {
            for l in 1...header.layerCount { try checkSnapshotEpochs(layer: l, count: progress.completedSnapshots) }
        }
        progress.completedSteps = stepRows
    }

    /// Every variable holds at least the rows its marker counts (rows beyond are an unfinished epoch's).
    private func checkLengths(epochs: Int, steps: Int, snapshots: Int) throws {
        func expect(_ name: String, rows: Int, counted: String) throws {
            let dataset = try file.openDataset(name)
            try dataset.refresh()
            let length = try dataset.shape.first ?? 0
            guard length >= rows else {
                throw TraceError(path: path, "has \(length) row\(length == 1 ? "" : "s") of /\(name) where \(counted): its variables disagree in length; \(damaged)")
            }
        }
        let recording = header.recording, smoothing = header.smoothing
        for variable in TraceVariable.records(in: .epochs, recording: recording, smoothing: smoothing) {
            try expect(variable.path, rows: epochs, counted: "/completed_epochs counts \(epochs) complete epochs")
        }
        for variable in TraceVariable.records(in: .steps, recording: recording, smoothing: smoothing) {
            try expect(variable.path, rows: steps, counted: "its \(epochs) complete epochs of \(header.stepsPerEpoch) steps hold \(steps) steps")
        }
        guard recording.takesSnapshots else { return }
        for l in 1...header.layerCount {
            for name in [SnapshotScale.epoch.path(layer: l)] + SnapshotVariable.variables(for: recording).map({ $0.path(layer: l) }) {
                try expect(name, rows: snapshots, counted: "/completed_snapshots counts \(snapshots) complete snapshots")
            }
        }
    }

    /// Values that number epochs or steps must be integers from 0 to 2^40.
    private func counts(_ values: [Double], _ name: String, firstRow: Int = 0) throws -> [Int] {
        try values.enumerated().map { k, value in
            guard let n = Int(exactly: value), (0...TraceValidation.maximumCount).contains(n) else {
                throw TraceError(path: path, "holds \(value) at row \(firstRow + k) of /\(name), which is no epoch or step number; the file is damaged")
            }
            return n
        }
    }

    /// Where a coordinate that must count up by one from `expected` first fails to, as a phrase, or nil.
    private func countingFault(_ values: [Int], from expected: Int, name: String, unit: String, firstRow: Int = 0) -> String? {
        for (k, value) in values.enumerated() {
            let wanted = k == 0 ? expected : values[k - 1] + 1
            guard value != wanted else { continue }
            let row = firstRow + k
            if k == 0 { return firstRow == 0 ? "starts /\(name) at \(unit) \(value) where \(unit) \(wanted) comes first" : "holds \(unit) \(value) at row \(row) of /\(name) where \(unit) \(wanted) follows the rows before" }
            let previous = values[k - 1]
            if value == previous { return "has \(unit) \(value) twice in /\(name) (rows \(row - 1) and \(row)): the \(unit) coordinate repeats" }
            if value < previous { return "has \(unit) \(value) after \(unit) \(previous) in /\(name) (row \(row)): the \(unit) coordinate runs backwards" }
            return "jumps from \(unit) \(previous) to \(unit) \(value) in /\(name) (row \(row)): \(unit)s are missing"
        }
        return nil
    }

    /// The epoch coordinate counts up by one from `first_epoch`; every complete epoch has M steps. Returns it.
    private func checkEpochs(_ count: Int) throws -> [Int] {
        let name = TraceVariable.epoch.path
        let epochs = try counts(try file.openDataset(name).doubles(rows: 0..<count), name)
        if let fault = countingFault(epochs, from: header.firstEpoch, name: name, unit: "epoch") {
            throw TraceError(path: path, "\(fault); epochs count up by one from first_epoch = \(header.firstEpoch); \(damaged)")
        }
        let stepsName = TraceVariable.epochSteps.path
        let steps = try file.openDataset(stepsName).doubles(rows: 0..<count)
        if let row = steps.indices.first(where: { steps[$0] != Double(header.stepsPerEpoch) }) {
            throw TraceError(path: path, "records \(TraceValidation.shown(steps[row])) steps for epoch \(epochs[row]) in /\(stepsName) where its steps_per_epoch attribute says \(header.stepsPerEpoch): the header disagrees with the rows; \(damaged)")
        }
        return epochs
    }

    /// The step coordinate of the complete epochs' steps counts up by one; the M rows of each complete epoch say
    /// that epoch in `epoch_of_step`, and its `last_step` is the last of them. Read block by block.
    private func checkSteps(epochs: [Int]) throws {
        let M = header.stepsPerEpoch, rows = epochs.count * M
        guard rows > 0 else { return }
        let stepName = TraceVariable.step.path, epochOfStepName = TraceVariable.epochOfStep.path
        let lastStepName = TraceVariable.lastStep.path
        let stepSet = try file.openDataset(stepName), epochOfStepSet = try file.openDataset(epochOfStepName)
        let lastSteps = try counts(try file.openDataset(lastStepName).doubles(rows: 0..<epochs.count), lastStepName)
        var previous: Int? = nil
        var start = 0
        while start < rows {
            let end = min(rows, start + TraceValidation.blockRows)
            let steps = try counts(try stepSet.doubles(rows: start..<end), stepName, firstRow: start)
            if let fault = countingFault(steps, from: previous.map { $0 + 1 } ?? steps[0], name: stepName, unit: "step", firstRow: start) {
                throw TraceError(path: path, "\(fault); steps count up by one; \(damaged)")
            }
            if previous == nil && steps[0] < 1 {
                throw TraceError(path: path, "starts /\(stepName) at step \(steps[0]), where steps are numbered from 1; \(damaged)")
            }
            let owners = try counts(try epochOfStepSet.doubles(rows: start..<end), epochOfStepName, firstRow: start)
            for (k, owner) in owners.enumerated() {
                let row = start + k, epoch = epochs[row / M]
                guard owner == epoch else {
                    throw TraceError(path: path, "puts step \(steps[k]) (row \(row) of /\(epochOfStepName)) in epoch \(owner), but rows \(row / M * M)…\(row / M * M + M - 1) are the steps_per_epoch = \(M) steps of epoch \(epoch): the step rows disagree with the epochs; \(damaged)")
                }
                if row % M == M - 1, lastSteps[row / M] != steps[k] {
                    throw TraceError(path: path, "gives epoch \(epoch) the last step \(lastSteps[row / M]) in /\(lastStepName), but its last step row (row \(row) of /\(stepName)) holds step \(steps[k]); \(damaged)")
                }
            }
            previous = steps.last
            start = end
        }
    }

    /// Layer l's snapshot epochs increase.
    private func checkSnapshotEpochs(layer l: Int, count: Int) throws {
        guard count > 1 else { return }
        let name = SnapshotScale.epoch.path(layer: l)
        let epochs = try counts(try file.openDataset(name).doubles(rows: 0..<count), name)
        for k in 1..<epochs.count where epochs[k] <= epochs[k - 1] {
            let what = epochs[k] == epochs[k - 1] ? "repeats epoch \(epochs[k])" : "runs backwards from epoch \(epochs[k - 1]) to \(epochs[k])"
            throw TraceError(path: path, "has a snapshot epoch coordinate /\(name) that \(what) (rows \(k - 1) and \(k)); snapshot epochs increase; \(damaged)")
        }
    }
}
