import Foundation

/// When a trace records layer curvature (`--record curvature[:every=K|log][:probes=P]`), and with how many
/// Hutchinson probes. Measurements are made after an epoch's last update, on the run's fixed probe batch
/// (docs/definitions.md, "Curvature of a layer"), with 20 Lanczos steps per λ_max.
///
/// Every count is at least 1: ``validate()`` refuses others, and `TraceRecorder` calls it (through
/// `TraceRecording.validate()`) when it creates a trace, before any training.
public struct CurvatureSchedule: Codable, Sendable, Equatable, CustomStringConvertible {
    /// K ≥ 1: measure after epochs e with e mod K = 0; nil: the logarithmic schedule ``isLogarithmic(_:)``. The
    /// run's last epoch is always measured too (``measures(epoch:lastEpoch:)``).
    public var every: Int?
    /// P ≥ 1, Hutchinson probes per layer trace.
    public var probes: Int
    /// m ≥ 1, Lanczos steps per λ_max.
    public var lanczosSteps: Int = 20
    /// B ≥ 1, the probe batch's size (nil: ``ProbeBatch/defaultSize(for:)``, 256 images, or 64 with convolutions).
    public var probeBatch: Int? = nil

    /// A schedule every K epochs (nil: logarithmic) with P probes; ``validate()`` checks the values.
    public init(every: Int? = 20, probes: Int = 10) {
        self.every = every
        self.probes = probes
    }

    /// Parses `curvature`, `curvature:every=K`, `curvature:every=log`, `curvature:probes=P` and their
    /// combinations (`curvature:every=5:probes=20`).
    public init(parsing item: String) throws(TraceRecordingError) {
        self.init()
        var seen: Set<String> = []
        for option in item.split(separator: ":").dropFirst().map(String.init) {
            let key = String(option.prefix { $0 != "=" })
            guard seen.insert(key).inserted else {
                throw TraceRecordingError("'\(item)': \(key)= is given twice; give it once")
            }
            if option == "every=log" {
                every = nil
            } else if option.hasPrefix("every="), let k = Int(option.dropFirst(6)), k >= 1 {
                every = k
            } else if option.hasPrefix("probes="), let p = Int(option.dropFirst(7)), p >= 1 {
                probes = p
            } else {
                throw CurvatureSchedule.optionsError(item)
            }
        }
    }

    /// The error of a curvature level `item` with options it does not take.
    private static func optionsError(_ item: String) -> TraceRecordingError {
        TraceRecordingError("'\(item)': curvature takes every=K (K ≥ 1), every=log and probes=P (P ≥ 1), e.g. curvature:every=20:probes=10")
    }

    /// Refuses counts below 1: the period K, the probes P (as `--record` refuses them), the Lanczos steps m and the
    /// probe batch's size B (as `thermo curvature`'s `--lanczos-steps` and `--probe-batch` refuse them).
    public func validate() throws(TraceRecordingError) {
        if let every, every < 1 { throw CurvatureSchedule.optionsError(description) }
        guard probes >= 1 else { throw CurvatureSchedule.optionsError(description) }
        guard lanczosSteps >= 1 else {
            throw TraceRecordingError("\(description): lanczosSteps must be at least 1 (20 by default), not \(lanczosSteps)")
        }
        if let probeBatch, probeBatch < 1 {
            throw TraceRecordingError("\(description): probeBatch must be at least 1 image (nil for the default), not \(probeBatch)")
        }
    }

    /// Whether epoch `epoch` (from 1) ends with a measurement: the schedule's epochs and, when the run's last
    /// epoch `lastEpoch` is given, that one too (so that a run always ends measured, whatever its length).
    public func measures(epoch: Int, lastEpoch: Int? = nil) -> Bool {
        if let lastEpoch, epoch == lastEpoch { return true }
        guard let every else { return CurvatureSchedule.isLogarithmic(epoch) }
        return epoch % every == 0
    }

    /// The logarithmic schedule: the epochs round(10^(k/10)) for k = 0, 1, 2, … (ten per decade, each once):
    /// 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100, 126, ….
    public static func isLogarithmic(_ epoch: Int) -> Bool {
        guard epoch >= 1 else { return false }
        var k = 0
        while true {
            let e = Int(pow(10, Double(k) / 10).rounded())
            if e == epoch { return true }
            if e > epoch { return false }
            k += 1
        }
    }

    /// `curvature:every=K:probes=P` or `curvature:every=log:probes=P`, as `--record` and the trace's
    /// `recording` attribute write it.
    public var description: String { "curvature:every=\(every.map(String.init) ?? "log"):probes=\(probes)" }
}
