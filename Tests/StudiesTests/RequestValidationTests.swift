import Analysis
import Studies
import Testing

/// Values of a study's request that the studies cannot use are `.request` errors naming the flag, as the commands
/// refuse them, before anything is read (they used to divide by zero or stop in a precondition).
@Suite("Request validation")
struct RequestValidationTests {
    @Test("SeriesRequest.window below 1 is refused by load, readTrace and readTable", arguments: [0, -5])
    func windowBelowOne(_ window: Int) throws {
        var request = SeriesRequest()
        request.window = window
        let refusal = StudyError(.request, "--window takes a positive number of steps")
        #expect(throws: refusal) { try RunSeries.load([Fixtures.cooling], request: request) }
        #expect(throws: refusal) { try RunSeries.readTrace(Fixtures.cooling, request: request) }
        #expect(throws: refusal) { try RunSeries.readTable(Fixtures.write("epoch,layer,signal\n1,1,2\n", "w.csv"), request: request) }
        #expect(throws: refusal) { try request.validate() }
        request.window = 1
        #expect(try RunSeries.readTrace(Fixtures.cooling, request: request).resolution == .windows(steps: 1))
    }

    @Test("CoolingStudyRequest.level outside (0, 1) is refused by coolingStudy", arguments: [95, 1.5, 1, 0, -0.5, .nan])
    func levelOutsideTheUnitInterval(_ level: Double) throws {
        let runs = try RunSeries.load([Fixtures.cooling], request: SeriesRequest())
        var study = CoolingStudyRequest()
        study.from = 8
        study.level = level
        #expect(throws: StudyError(.request, "--level takes a confidence level in (0, 1), e.g. 0.95")) { try coolingStudy(runs, request: study) }
        study.level = 0.9
        #expect(try coolingStudy(runs, request: study).analysis.fit.parameters.count == CoolingModel.nested.parameterCount)
    }
}
