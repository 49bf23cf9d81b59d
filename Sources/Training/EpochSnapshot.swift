/// Keeps, in memory, the checkpoint of the last epoch boundary (or of the start of the run), so that a run
/// stopped mid-epoch by a signal can still write a consistent checkpoint: the parameters and momentum as they
/// were after the last completed epoch. Resuming from it repeats the interrupted epoch from its first step,
/// exactly as an uninterrupted run would have trained it (the data order and the displacements depend only on
/// the seed, the epoch and the step).
public final class EpochSnapshot: TrainingObserver {
    /// The latest snapshot; nil before training starts.
    public private(set) var latest: Checkpoint?
    let thermoVersion: String
    let blasThreads: Int

    public init(thermoVersion: String, blasThreads: Int) {
        self.thermoVersion = thermoVersion
        self.blasThreads = blasThreads
    }

    public func trainingWillStart(_ trainer: Trainer, startEpoch: Int) throws {
        latest = Checkpoint(trainer, thermoVersion: thermoVersion, blasThreads: blasThreads)
    }

    public func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws {
        guard latest != nil else {
            latest = Checkpoint(trainer, thermoVersion: thermoVersion, blasThreads: blasThreads)
            return
        }
        latest!.update(from: trainer, thermoVersion: thermoVersion, blasThreads: blasThreads)
    }
}
