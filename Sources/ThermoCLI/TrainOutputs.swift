extension TrainCommand {
    /// The outputs this run may write, checked and claimed before any work (see ``RunOutputs``): the summary,
    /// the trace, and the checkpoint — also when only a stop signal would write it (then it is checked now and
    /// claimed when written).
    func plannedOutputs(checkpointPath: String, resumed: Bool, continuesTrace: Bool) throws -> RunOutputs {
        var planned: [RunOutputs.Planned] = []
        if let summary {
            // A resumed run may replace the summary its own interrupted session wrote.
            planned.append(.init(file: OutputFile(flag: "--summary", path: summary, kind: .summary),
                                 isOwn: resumed && isInterruptedSummary(summary)))
        }
        if let trace {
            planned.append(.init(file: OutputFile(flag: "--trace", path: trace, kind: .trace), isOwn: continuesTrace))
        }
        let flag = checkpoint != nil ? "--checkpoint" : resume != nil ? "--resume" : "the default checkpoint"
        planned.append(.init(file: OutputFile(flag: flag, path: checkpointPath, kind: .checkpoint),
                             isOwn: checkpointPath == resume,
                             onlyOnStop: checkpointEvery == nil && checkpointPath != resume))
        return try RunOutputs(planned, inputs: resume.map { [("--resume", $0)] } ?? [], force: force)
    }
}
