import Foundation

extension BadInput {
    /// `thermo curvature`: its options and its checkpoint.
    static let curvature: [BadInput] = {
        let base = ["curvature", "--checkpoint", "run.ckpt", "--data", "data"]
        let setup: @Sendable (Workspace) throws -> Void = { try $0.data(); try $0.copy(Fixtures.shared.checkpoint, to: "run.ckpt") }
        return [
            .usage("curvature", "--probes 0", base + ["--probes", "0"], "--probes must be at least 1, not 0", setup: setup),
            .usage("curvature", "--lanczos-steps 0", base + ["--lanczos-steps", "0"], "--lanczos-steps must be at least 1", setup: setup),
            .usage("curvature", "--top above --lanczos-steps", base + ["--top", "5", "--lanczos-steps", "3"],
                   "--top must be between 1 and --lanczos-steps (3), not 5", setup: setup),
            .usage("curvature", "--radius 0", base + ["--radius", "0"], "--radius must be a positive number", setup: setup),
            .usage("curvature", "--layers outside the network", base + ["--layers", "3"],
                   "--layers takes weight-layer numbers between 1 and 2", setup: setup),
            .usage("curvature", "--layers naming a layer twice", base + ["--layers", "2,2"],
                   "--layers 2,2 names layer 2 (fc2) more than once (2 twice); give each layer once", setup: setup),
            .usage("curvature", "--exact on a layer too big", base + ["--exact", "--exact-max-weights", "100"],
                   "--exact: layer 1 has 3136 weights, more than --exact-max-weights 100", setup: setup),
            .usage("train", "--record curvature:every=0", ["train", "--trace", "x.h5", "--record", "curvature:every=0"],
                   "curvature takes every=K (K ≥ 1), every=log and probes=P (P ≥ 1)", absent: ["x.h5"]),
            .usage("train", "--record curvature:probes=0", ["train", "--trace", "x.h5", "--record", "curvature:probes=0"],
                   "curvature takes every=K (K ≥ 1), every=log and probes=P (P ≥ 1)", absent: ["x.h5"]),
            .usage("curvature", "neither a trace nor --checkpoint", ["curvature"], "give either a TRACE recorded with --record curvature or --checkpoint CKPT"),
            .usage("curvature", "a checkpoint's measurement flags with a trace", ["curvature", "run.h5", "--probes", "3", "--threads", "1"],
                   "--probes, --threads set a measurement from --checkpoint CKPT; a TRACE holds the measurements taken while it was recorded",
                   setup: { try $0.copy(Fixtures.shared.trace, to: "run.h5") }),
            .usage("curvature", "--dataset other than the checkpoint's run", base + ["--dataset", "fashion-mnist"],
                   "--dataset fashion-mnist: the run in run.ckpt trained on mnist, and its curvature is measured on its own training data",
                   setup: setup),
            .failure("curvature", "a missing checkpoint", ["curvature", "--checkpoint", "gone.ckpt", "--data", "data"], "does not exist",
                     setup: { try $0.data() }),
            .failure("curvature", "a truncated checkpoint", ["curvature", "--checkpoint", "cut.ckpt", "--data", "data"], "checksum mismatch",
                     setup: { w in try w.data(); let b = try Data(contentsOf: Fixtures.shared.checkpoint); try b.prefix(b.count - 100).write(to: w.url("cut.ckpt")) },
                     unchanged: ["cut.ckpt"]),
        ]
    }()
}
