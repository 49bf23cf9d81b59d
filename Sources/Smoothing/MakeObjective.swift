import Networks

/// The objective a loss configuration describes: plain cross-entropy when it is one (ce, y = 0 or R = 0, so
/// that such runs give exactly the bits of `--loss ce`), else PLA/PLEA on the chosen path.
public func makeObjective(_ configuration: LossConfiguration, architecture: Architecture, batchCapacity: Int,
                          seed: UInt64, threads: Int) -> TrainingObjective {
    if configuration.isCrossEntropy { return CrossEntropyObjective() }
    switch configuration.path {
    case .shared:
        return SmoothedObjective(configuration, architecture: architecture, batchCapacity: batchCapacity, seed: seed,
                                 threads: threads)
    case .naive:
        return NaiveSmoothedObjective(configuration, architecture: architecture, seed: seed, threads: threads)
    }
}

extension LossConfiguration {
    /// Warnings about settings that make the loss degenerate for this network (e.g. a finite sharpness
    /// whose kernel weight e^{−d} underflows for the number of smoothed weights).
    public func warnings(architecture: Architecture) -> [String] {
        guard kind != .ce, kernel == .uniform, let k = sharpness, samples > 0 else { return [] }
        let coordinates = layers.reduce(0) { $0 + architecture.layout[layer: $1].weightCount }
        return SharpnessKernel.degeneracyWarning(coordinates: coordinates, radius: radius, sharpness: k).map { [$0] } ?? []
    }
}
