import Foundation
import Traces
import TestSupport

private let tiny = Fixtures.tinyRun

extension BadInput {
    /// `thermo train`'s outputs (issue 15): one output over another, names that cannot be written, special
    /// files, and outputs of a live run. The races themselves are in `ConcurrentOutputTests`.
    static let trainOutputs: [BadInput] = [
        .usage("train", "--trace and --checkpoint name one file", tiny + ["--trace", "run.h5", "--checkpoint", "run.h5"],
               "--trace run.h5 and --checkpoint run.h5 name the same file", setup: { try $0.data() }, absent: ["run.h5"]),
        .usage("train", "--summary ./x and --trace x name one file", tiny + ["--trace", "out.x", "--summary", "./out.x"],
               "--summary ./out.x and --trace out.x name the same file", setup: { try $0.data() }, absent: ["out.x"]),
        .usage("train", "--summary and --checkpoint name one file", tiny + ["--summary", "r.json", "--checkpoint", "r.json", "--checkpoint-every", "1"],
               "--summary r.json and --checkpoint r.json name the same file", setup: { try $0.data() }, absent: ["r.json"]),
        .usage("train", "--summary through a symbolic link to the trace (--force)", tiny + ["--trace", "old.h5", "--summary", "link.json", "--force"],
               "--summary link.json and --trace old.h5 name the same file",
               setup: { w in try w.data(); try w.trace("old.h5"); try FileManager.default.createSymbolicLink(atPath: w.url("link.json").path, withDestinationPath: "old.h5") },
               unchanged: ["old.h5"]),
        .usage("train", "--trace naming the default checkpoint", tiny + ["--trace", "thermo.ckpt"],
               "--trace thermo.ckpt and the default checkpoint thermo.ckpt name the same file", setup: { try $0.data() }, absent: ["thermo.ckpt"]),
        .usage("train", "--summary naming the --resume checkpoint", ["train", "--resume", "run.ckpt", "--data", "data", "--threads", "1", "--summary", "run.ckpt", "--force"],
               "--summary run.ckpt and --resume run.ckpt name the same file",
               setup: { w in try w.data(); try w.copy(Fixtures.shared.checkpoint, to: "run.ckpt") }, unchanged: ["run.ckpt"]),
        .usage("train", "--trace naming the --resume checkpoint beside another --checkpoint", ["train", "--resume", "run.ckpt", "--data", "data", "--threads", "1", "--checkpoint", "new.ckpt", "--trace", "run.ckpt", "--force"],
               "--trace run.ckpt is the file --resume run.ckpt reads",
               setup: { w in try w.data(); try w.copy(Fixtures.shared.checkpoint, to: "run.ckpt") }, unchanged: ["run.ckpt"]),
        .usage("train", "--trace a dangling symbolic link without --force", tiny + ["--trace", "link.h5"],
               "link.h5 already exists; pass --force",
               setup: { w in try w.data(); try FileManager.default.createSymbolicLink(atPath: w.url("link.h5").path, withDestinationPath: "nowhere.json") }),
        .usage("train", "--trace a dangling symbolic link to the summary", tiny + ["--trace", "link.h5", "--summary", "s.json", "--force"],
               "--summary s.json and --trace link.h5 name the same file",
               setup: { w in try w.data(); try FileManager.default.createSymbolicLink(atPath: w.url("link.h5").path, withDestinationPath: "s.json") },
               absent: ["s.json"]),
        .usage("train", "--trace in a missing folder", tiny + ["--trace", "missing/t.h5"],
               "--trace missing/t.h5: its folder missing does not exist; create it first", setup: { try $0.data() }),
        .usage("train", "default stop checkpoint in a working folder without write permission", tiny,
               "the default checkpoint thermo.ckpt (where a stop signal writes the run's checkpoint; choose another with --checkpoint FILE): its folder . is not writable",
               setup: { w in try w.data(); try w.chmod(".", 0o555) }, unprivileged: true),
        .usage("train", "empty --summary name", tiny + ["--summary", ""], "--summary: the file name is empty", setup: { try $0.data() }),
        .usage("train", "--trace ending in /", tiny + ["--trace", "runs/"], "ends in '/', so it names a folder",
               setup: { w in try w.data(); try w.makeFolder("runs") }),
        .usage("train", "--trace name too long with its temporary suffix", tiny + ["--trace", String(repeating: "t", count: 240) + ".h5"],
               "give a name of at most 236 bytes", setup: { try $0.data() }),
        .usage("train", "--summary in a folder whose name is too long", tiny + ["--summary", String(repeating: "d", count: 256) + "/run.json"],
               "more than the 255 a file name may have", setup: { try $0.data() }),
        .usage("train", "stop checkpoint in a folder without write permission", tiny + ["--checkpoint", "locked/run.ckpt"], "is not writable",
               setup: { try $0.data(); try $0.makeFolder("locked"); try $0.chmod("locked", 0o555) }, unprivileged: true),
        .usage("train", "--trace /dev/null (--force)", tiny + ["--trace", "/dev/null", "--force"],
               "--trace /dev/null is a character device; a trace needs a regular file", setup: { try $0.data() }),
        .usage("train", "--checkpoint a FIFO (--force)", tiny + ["--checkpoint", "pipe", "--checkpoint-every", "1", "--force"],
               "--checkpoint pipe is a FIFO; a checkpoint needs a regular file",
               setup: { w in try w.data(); guard mkfifo(w.url("pipe").path, 0o644) == 0 else { throw CatalogueError("mkfifo failed") } }),
        .usage("train", "--trace a symbolic link to a device", tiny + ["--trace", "null.h5", "--force"],
               "--trace null.h5 is a character device",
               setup: { w in try w.data(); try FileManager.default.createSymbolicLink(atPath: w.url("null.h5").path, withDestinationPath: "/dev/null") }),
        .usage("train", "--trace - (standard output)", tiny + ["--trace", "-"], "a trace cannot go to a standard stream", setup: { try $0.data() }),
        .usage("train", "--summary a file thermo would create under /dev", tiny + ["--summary", "/dev/thermo-summary.json"],
               "thermo does not create files under /dev or /proc", setup: { try $0.data() }),
        BadInput(command: "train", name: "--summary - writes the JSON to standard output", arguments: tiny + ["--summary", "-"], status: 0,
                 message: "\"status\" : \"completed\"", setup: { try $0.data() }),
        .usage("train", "--force over a trace whose writer is alive", tiny + ["--trace", "old.h5", "--force"],
               "on this host; --force never replaces the trace of a live run",
               setup: { w in
                   // The writer named in the trace is this test process (its name holds "thermo"), status running.
                   try w.trace("old.h5") { file in
                       try file.openDataset("status").write([Int64(0)])
                       try file.openDataset("writer_pid").write([Int64(getpid())])
                   }
                   try w.data()
               }, unchanged: ["old.h5"]),
        .usage("train", "--force over a summary a live run has claimed", tiny + ["--summary", "live.json", "--force"],
               "--summary live.json is being written by thermo process 4242",
               setup: { w in try w.data(); try w.write("live.json", "{\"mine\": true}"); try w.holdClaim(on: "live.json", pid: 4242) },
               unchanged: ["live.json"]),
        .usage("train", "a new trace a live run has claimed", tiny + ["--trace", "live.h5"],
               "--trace live.h5 is being written by thermo process 4343",
               setup: { w in try w.data(); try w.holdClaim(on: "live.h5", pid: 4343) }, absent: ["live.h5"]),
    ]
}

extension Workspace {
    /// Makes `name` look claimed by a live run with process id `pid`: its lock file names `pid`, and a helper
    /// process (flock, for 15 s) holds the lock while the case runs.
    func holdClaim(on name: String, pid: Int32) throws {
        let lock = "." + name + ".thermo-lock"
        try write(lock, "thermo \(pid)\n")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["flock", "-n", lock, "sleep", "15"]
        holder.currentDirectoryURL = folder
        holder.standardInput = FileHandle.nullDevice
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try launch(holder)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let fd = open(url(lock).path, O_RDONLY)
            defer { close(fd) }
            if flock(fd, LOCK_SH | LOCK_NB) != 0 { return }
            flock(fd, LOCK_UN)
            usleep(10_000)
        }
        throw CatalogueError("flock did not take the lock on \(lock)")
    }
}
