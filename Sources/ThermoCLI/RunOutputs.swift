#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import Traces
import Training
import NumericCore

/// The outputs of one `thermo train`, checked and claimed before the first step and released when the run
/// ends, however it ends.
///
/// Before any work it refuses (usage errors, status 64): a name that cannot be written (``OutputFile/check()``,
/// also for the checkpoint a stop signal writes), two outputs that are one file (compared by resolved path),
/// an output that is the `--resume` checkpoint it reads, an output that another live run has claimed or, for a
/// trace, is writing, with or without `--force`, and an existing file without `--force`. Each regular-file
/// output is claimed (``OutputClaim``) before its existence is checked and kept claimed until ``release()``,
/// so that check and write are one step for every thermo process.
final class RunOutputs {
    /// One planned output.
    struct Planned {
        /// The file.
        var file: OutputFile
        /// Whether an existing file there is this run's own (a resumed run's checkpoint, continued trace or
        /// interrupted summary), which it may replace without `--force`.
        var isOwn = false
        /// Whether it is written only when a stop signal ends the run (the checkpoint without
        /// `--checkpoint-every`): checked now, claimed only then, under another name if its own is taken.
        var onlyOnStop = false
    }

    private let planned: [(Planned, OutputFile.Destination)]
    private var claims: [OutputClaim] = []
    private let force: Bool

    /// Checks and claims `outputs`; `inputs` are files the run reads (flag, path), which no output may be.
    init(_ outputs: [Planned], inputs: [(flag: String, path: String)], force: Bool) throws {
        self.force = force
        planned = try outputs.map { ($0, try $0.file.check()) }
        try RunOutputs.checkDistinct(planned, inputs: inputs)
        for (output, destination) in planned where destination == .file && !output.onlyOnStop {
            let file = output.file
            claims.append(try RunOutputs.claim(file))
            guard !output.isOwn, OutputFile.exists(file.path) else { continue }
            guard force else {
                throw ValidationError("\(file.path) already exists; pass --force to overwrite it, or choose another name")
            }
            if file.kind == .trace, let pid = TraceReader.liveWriter(of: file.path) {
                throw ValidationError("\(file.flag) \(file.path) is being written by thermo process \(pid) on this host; --force never replaces the trace of a live run: wait for that run to end (or stop it), or choose another name")
            }
        }
    }

    /// Refuses two outputs, or an output and an input, that resolve to one file.
    static func checkDistinct(_ planned: [(Planned, OutputFile.Destination)], inputs: [(flag: String, path: String)]) throws {
        let files = planned.filter { $0.1 == .file }.map(\.0.file)
        for (i, a) in files.enumerated() {
            for b in files[(i + 1)...] where OutputFile.identity(a.path) == OutputFile.identity(b.path) {
                throw ValidationError("\(a.flag) \(a.path) and \(b.flag) \(b.path) name the same file; one would destroy the other: give each output its own name")
            }
            for input in inputs where !(a.kind == .checkpoint && input.flag == "--resume")
                && OutputFile.identity(a.path) == OutputFile.identity(input.path) {
                throw ValidationError("\(a.flag) \(a.path) is the file \(input.flag) \(input.path) reads; writing it would destroy it: give the output another name")
            }
        }
    }

    /// Claims `file`, as a usage error naming the flag when a live run holds it.
    static func claim(_ file: OutputFile) throws -> OutputClaim {
        do {
            return try OutputClaim(file.path)
        } catch let held as OutputClaim.Held {
            throw ValidationError("\(file.flag) \(held) (--force never replaces the output of a live run)")
        } catch let failure as OutputClaim.Failure {
            throw ValidationError(failure.description)
        }
    }

    /// Writes the summary: atomically to a regular file, or through to standard output, a FIFO or a device.
    func writeSummary(_ bytes: [UInt8]) throws {
        guard let (output, destination) = planned.first(where: { $0.0.file.kind == .summary }) else { return }
        let path = output.file.path
        switch destination {
        case .file:
            try writeAtomically(bytes, to: path)
        case .descriptor(let fd):
            try RunOutputs.write(bytes, to: fd, path: path)
        case .stream:
            let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard fd >= 0 else { throw CommandError("cannot write the summary to \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            try RunOutputs.write(bytes, to: fd, path: path)
        }
    }

    /// Writes all of `bytes` to `fd`.
    private static func write(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CommandError("cannot write the summary to \(path): \(String(cString: strerror(errno)))")
                }
                done += n
            }
        }
    }

    /// The path to write the checkpoint of a stopped run to, claimed: its own path when this run already
    /// claimed it, or when it is free and absent (or `mayReplace`); else the first free `STEM-N.ckpt`. When no
    /// lock file can be made there, `path` unclaimed (its write then reports why it fails).
    func stopCheckpoint(_ path: String, mayReplace: Bool) throws -> String {
        if claims.contains(where: { $0.path == path }) { return path }
        let stem = (path as NSString).deletingPathExtension
        for n in 1...1000 {
            let candidate = n == 1 ? path : "\(stem)-\(n).ckpt"
            let claim: OutputClaim
            do { claim = try OutputClaim(candidate) } catch is OutputClaim.Held { continue } catch { break }
            if (n == 1 && mayReplace) || !OutputFile.exists(candidate) {
                claims.append(claim)
                return candidate
            }
            claim.release()
        }
        return path
    }

    /// Releases every claim (idempotent): the lock files go, the outputs stay.
    func release() {
        for claim in claims { claim.release() }
        claims.removeAll()
    }

    deinit { release() }
}
