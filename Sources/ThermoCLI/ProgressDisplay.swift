#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Training

/// Shows a run's progress: on a terminal, a line on standard error rewritten a few times a second with the
/// step, samples/s, loss and ETA; one result line per epoch on standard output; nothing with `--quiet`.
/// When standard error is not a terminal only the per-epoch lines are written.
final class ProgressDisplay: TrainingObserver {
    let quiet: Bool
    let live: Bool
    let clock = ContinuousClock()
    var epochStart: ContinuousClock.Instant
    var lastDraw: ContinuousClock.Instant
    var runStart: ContinuousClock.Instant
    var samplesThisEpoch = 0
    var lossSum = 0.0
    var totalEpochs = 0
    var firstEpoch = 1
    var drewLine = false

    init(quiet: Bool) {
        self.quiet = quiet
        self.live = !quiet && isatty(STDERR_FILENO) == 1
        epochStart = clock.now
        lastDraw = clock.now
        runStart = clock.now
    }

    func trainingWillStart(_ trainer: Trainer, startEpoch: Int) throws {
        totalEpochs = trainer.configuration.epochs
        firstEpoch = startEpoch
        runStart = clock.now
        epochStart = clock.now
    }

    func stepDidComputeGradients(_ event: StepEvent) throws {
        if event.step == 1 { epochStart = clock.now; samplesThisEpoch = 0; lossSum = 0 }
        samplesThisEpoch += event.batchSize
        lossSum += event.loss
        guard live else { return }
        let now = clock.now
        guard lastDraw.duration(to: now) > .milliseconds(250) || event.step == event.stepsPerEpoch else { return }
        lastDraw = now
        let elapsed = max(1e-9, secondsOf(epochStart.duration(to: now)))
        let rate = Double(samplesThisEpoch) / elapsed
        let runElapsed = secondsOf(runStart.duration(to: now))
        let doneEpochs = Double(event.epoch - firstEpoch) + Double(event.step) / Double(event.stepsPerEpoch)
        let remaining = Double(totalEpochs - firstEpoch + 1) - doneEpochs
        let eta = doneEpochs > 0 ? runElapsed / doneEpochs * remaining : 0
        let line = String(format: "epoch %d/%d  step %d/%d  %.0f samples/s  loss %.4f  ETA %@",
                          event.epoch, totalEpochs, event.step, event.stepsPerEpoch, rate,
                          lossSum / Double(event.step), formatDuration(eta))
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        drewLine = true
    }

    func epochDidFinish(_ metrics: EpochMetrics, trainer: Trainer) throws {
        guard !quiet else { return }
        clearLine()
        var line = String(format: "epoch %*d/%d  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%",
                          String(totalEpochs).count, metrics.epoch, totalEpochs, positiveNaN(metrics.trainLoss),
                          metrics.trainAccuracy * 100, positiveNaN(metrics.testLoss), metrics.testAccuracy * 100)
        if let vl = metrics.validationLoss, let va = metrics.validationAccuracy {
            line += String(format: "  val loss %.4f acc %.2f%%", positiveNaN(vl), va * 100)
        }
        if metrics.trainObjective != metrics.trainLoss { line += String(format: "  objective %.4f", positiveNaN(metrics.trainObjective)) }
        let rate = Double(trainer.samplesPerEpoch) / max(metrics.trainingSeconds, 1e-9)
        line += String(format: "  %.1f s  %.0f samples/s", metrics.seconds, rate)
        print(line)
        fflush(nil)  // line by line even when standard output is a pipe
    }

    /// Clears the live line (call before printing anything else to the terminal).
    func finish() { clearLine() }

    private func clearLine() {
        if drewLine { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)); drewLine = false }
    }
}

func secondsOf(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

/// "1:02:03", "4:05" or "12 s".
/// `x` with a NaN's sign bit cleared, so that C's `%f` writes "nan", never "-nan".
func positiveNaN(_ x: Double) -> Double { x.isNaN ? .nan : x }

func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s) s" }
    if s < 3600 { return String(format: "%d:%02d", s / 60, s % 60) }
    return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
}
