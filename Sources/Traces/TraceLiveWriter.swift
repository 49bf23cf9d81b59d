extension TraceReader {
    /// The process id of a run on this host that is writing the trace at `path` right now (its status says
    /// running and that thermo process is alive), or nil: no such file, not a trace, or its writer is gone.
    /// `thermo train --force` refuses to replace such a trace, as `recover` and `--resume` refuse to touch it.
    public static func liveWriter(of path: String) -> Int? {
        guard let reader = try? TraceReader(contentsOf: path) else { return nil }
        defer { try? reader.close() }
        return TraceMaintenance.writerMayBeAlive(reader) ? reader.progress.writerProcess : nil
    }
}
