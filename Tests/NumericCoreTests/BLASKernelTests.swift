import Testing
@testable import NumericCore

/// Which OpenBLAS kernel runs, and the one-line note when the environment forces an older one than the CPU has.
struct BLASKernelTests {
    @Test func theNewestSupportedFamilyComesFromTheCPUFlags() {
        #expect(BLASKernel.newestCore(cpuFlags: ["sse2", "avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASKernel.newestCore(cpuFlags: ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]) == "SkylakeX")
        #expect(BLASKernel.newestCore(cpuFlags: ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"])
                == "Cooperlake")
        #expect(BLASKernel.newestCore(cpuFlags: ["sse2"]) == nil)
        #expect(BLASKernel.newestCore(cpuFlags: []) == nil)
    }

    @Test func aForcedOlderKernelIsNotedWithItsCost() throws {
        let forced = BLASKernel(core: "Haswell", forcedCoreType: "Haswell", supportedCore: "Cooperlake")
        #expect(forced.isForcedOlder)
        let note = try #require(forced.note)
        #expect(note.contains("OPENBLAS_CORETYPE=Haswell") && note.contains("Cooperlake") && note.contains("run slower"))
        #expect(!note.contains("\n"))
        #expect(forced.description == "OpenBLAS kernel Haswell (forced by OPENBLAS_CORETYPE=Haswell)")
    }

    @Test func noNoteWhenNothingIsLost() {
        // Not forced; forced to what the CPU has anyway; forced to a newer one; or a CPU whose flags are unknown.
        #expect(BLASKernel(core: "Cooperlake", forcedCoreType: nil, supportedCore: "Cooperlake").note == nil)
        #expect(BLASKernel(core: "Haswell", forcedCoreType: "Haswell", supportedCore: "Haswell").note == nil)
        #expect(BLASKernel(core: "SkylakeX", forcedCoreType: "SkylakeX", supportedCore: "Haswell").note == nil)
        #expect(BLASKernel(core: "Haswell", forcedCoreType: "Haswell", supportedCore: nil).note == nil)
        #expect(BLASKernel(core: "Zen", forcedCoreType: nil, supportedCore: "Haswell").description == "OpenBLAS kernel Zen")
    }

    @Test func thisProcessNamesTheKernelOpenBLASChose() {
        let kernel = BLASKernel.current
        #expect(!kernel.core.isEmpty && kernel.core != "unknown")
        #expect(kernel.description.hasPrefix("OpenBLAS kernel \(kernel.core)"))
    }
}
