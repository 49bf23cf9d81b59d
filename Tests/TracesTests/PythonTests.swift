import Foundation
import Testing
@testable import Traces

@Suite("Python readers")
struct PythonTests {
    @Test("h5py reads every dataset and xarray (h5netcdf) finds every coordinate",
          .enabled(if: Tools.hasPythonStack, "python3 with h5py, h5netcdf and xarray is not installed (.ci/run installs them): skipped"))
    func xarrayFindsCoordinates() throws {
        let recording = try TraceRecording(parsing: ["per-weight:every=1", "batch-variance"])
        let (trainer, _, path) = try recordedRun(recording, epochs: 2)
        let view = try pythonView(of: path)
        #expect(view.format == TraceFormat.name && view.completed_epochs == 2)
        #expect(view.warnings.isEmpty, "\(view.warnings)")

        let epochs = try #require(view.groups["epochs"])
        #expect(epochs.coords == ["bin", "epoch", "layer", "quantile"])
        #expect(epochs.sizes == ["epoch": 2, "layer": 3, "quantile": 5, "bin": 82])
        #expect(epochs.coordValues["epoch"] == [1, 2] && epochs.coordValues["layer"] == [1, 2, 3])
        #expect(epochs.coordValues["quantile"] == TemperatureDistribution.levels)
        #expect(epochs.variables["layer_signal"] == ["epoch", "layer"])
        #expect(epochs.variables["test_loss"] == ["epoch"])
        #expect(epochs.variables["weight_temperature_quantiles"] == ["epoch", "layer", "quantile"])
        #expect(epochs.variables["weight_temperature_histogram"] == ["epoch", "layer", "bin"])
        #expect(epochs.variables["bin_lower"] == ["bin"] && epochs.variables["weight_count"] == ["layer"])
        // Every variable the schema lists is there.
        for variable in TraceVariable.records(in: .epochs, recording: recording, smoothing: false).dropFirst() {
            #expect(epochs.variables[variable.name] != nil, "\(variable.name)")
        }

        let steps = try #require(view.groups["steps"])
        #expect(steps.coords == ["layer", "step"])
        #expect(steps.sizes == ["step": 2 * trainer.stepsPerEpoch, "layer": 3])
        #expect(steps.coordValues["step"] == (1...(2 * trainer.stepsPerEpoch)).map(Double.init))
        #expect(steps.variables["within_batch_variance"] == ["step", "layer"])

        let weights = try #require(view.groups["weights/layer_1"])
        #expect(weights.coords == ["column", "epoch", "row"])
        #expect(weights.sizes == ["epoch": 2, "row": 32, "column": 144])
        #expect(weights.variables["gradient_variance"] == ["epoch", "row", "column"])
        #expect(view.datasets["weights/layer_2/gradient_mean"] == [2, 16, 32])
    }
}
