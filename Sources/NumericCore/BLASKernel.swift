import CBLAS
import Foundation

/// Which of OpenBLAS's CPU kernels runs, and whether the environment forces one older than the CPU supports.
///
/// OpenBLAS picks a kernel family for the CPU at start-up (`openblas_get_corename`), unless the environment
/// variable `OPENBLAS_CORETYPE` names one. Some machines set it on purpose — older OpenBLAS builds compute
/// wrong results or crash with the kernels they would pick on recent AMD processors — and it then costs speed:
/// on a 2-core AMD EPYC (family 26, AVX-512) with OpenBLAS 0.3.21, `Haswell` (AVX2) reaches 198 GFLOP/s on
/// SGEMM 2048³ where `Cooperlake` (AVX-512 BF16), which OpenBLAS picks there by itself, reaches 390, and the
/// 784→784→784→784→10 step at batch 256 takes 16.3 ms against 8.0 ms (`thermo bench --reps 3`, once with the
/// variable and once without; figures reported in the project's issue tracker). The project's own 2-core VMs
/// of December 2026 gave Cooperlake no such advantage (SGEMM 2048³ at 196–222 GFLOP/s with either kernel,
/// docs/performance.md). On a CPU without AVX-512 (e.g. AMD family 25 with AVX2 only) `Haswell` is already the
/// newest family, and nothing is lost.
public struct BLASKernel: Sendable, Equatable, CustomStringConvertible {
    /// The kernel family OpenBLAS runs, as it names it (e.g. `Haswell`, `SkylakeX`, `Cooperlake`).
    public let core: String
    /// `OPENBLAS_CORETYPE` when set (it forces the kernel family).
    public let forcedCoreType: String?
    /// The newest of the x86-64 kernel families thermo knows that this CPU's instruction set supports, from the
    /// CPU flags (nil where they cannot be read, or off x86-64).
    public let supportedCore: String?

    /// The kernel of this process: OpenBLAS's choice, the environment, and the CPU's flags.
    public static var current: BLASKernel {
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
        return BLASKernel(core: core, forcedCoreType: forced, supportedCore: newestCore(cpuFlags: cpuFlags()))
    }

    /// A kernel report from its parts (for tests and for reports read back).
    public init(core: String, forcedCoreType: String?, supportedCore: String?) {
        self.core = core
        self.forcedCoreType = forcedCoreType
        self.supportedCore = supportedCore
    }

    /// x86-64 kernel families, oldest first, with the CPU flags each needs (a subset of /proc/cpuinfo's names).
    static let families: [(name: String, flags: Set<String>)] = [
        ("Sandybridge", ["avx"]),
        ("Haswell", ["avx2", "fma"]),
        ("SkylakeX", ["avx512f", "avx512bw", "avx512dq", "avx512vl"]),
        ("Cooperlake", ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"]),
    ]

    /// The newest family in `families` whose flags `cpuFlags` all has; nil for none or no flags.
    public static func newestCore(cpuFlags: Set<String>) -> String? {
        families.last { $0.flags.isSubset(of: cpuFlags) }?.name
    }

    /// The position of `core` among `families` (case-insensitive), nil for a family thermo does not rank.
    static func rank(_ core: String) -> Int? {
        families.firstIndex { $0.name.lowercased() == core.lowercased() }
    }

    /// The flags of the first processor in /proc/cpuinfo (empty where there is no such file).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Whether the environment forces a kernel family older than the newest one the CPU supports.
    public var isForcedOlder: Bool {
        guard let forcedCoreType, let supportedCore, let have = BLASKernel.rank(core) ?? BLASKernel.rank(forcedCoreType),
              let could = BLASKernel.rank(supportedCore) else { return false }
        return have < could
    }

    /// One line for run headers and benchmarks: `OpenBLAS kernel Haswell (forced by OPENBLAS_CORETYPE=Haswell)`.
    public var description: String {
        "OpenBLAS kernel \(core)" + (forcedCoreType.map { " (forced by OPENBLAS_CORETYPE=\($0))" } ?? "")
    }

    /// When the environment forces an older kernel: one line saying so and what it costs; nil otherwise.
    public var note: String? {
        guard isForcedOlder, let forcedCoreType, let supportedCore else { return nil }
        return "OPENBLAS_CORETYPE=\(forcedCoreType) makes OpenBLAS run its \(core) kernels, although this CPU supports "
            + "\(supportedCore), which OpenBLAS would otherwise pick: matrix products run slower (compare "
            + "'thermo bench' with and without the variable). The variable is set on "
            + "purpose where an older OpenBLAS computes wrong results with the newer kernels; unset it (and "
            + "OPENBLAS_L2_SIZE) only if your OpenBLAS is known to be correct on this CPU."
    }
}
