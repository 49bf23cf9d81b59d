import ArgumentParser

/// `thermo bench`: training-step throughput against the machine's own GEMM speed.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure training-step throughput.")
}
