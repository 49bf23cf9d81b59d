import Testing
@testable import Traces

@Suite("Curvature schedule")
struct CurvatureScheduleTests {
    @Test("--record curvature parses its options and round-trips through the recording attribute")
    func parsing() throws {
        let r = try TraceRecording(parsing: ["moments,curvature:every=5:probes=7"])
        #expect(r.weightMoments && r.curvature == CurvatureSchedule(every: 5, probes: 7))
        #expect(try TraceRecording(parsing: r.levels) == r)
        let log = try TraceRecording(parsing: ["curvature:every=log"])
        #expect(log.curvature?.every == nil && log.curvature?.probes == 10 && !log.weightMoments)
        #expect(try TraceRecording(parsing: log.levels) == log)
        #expect(try TraceRecording(parsing: ["curvature"]).curvature == CurvatureSchedule(every: 20, probes: 10))
        for bad in ["curvature:every=0", "curvature:probes=0", "curvature:often", "curvature:every=x",
                    "curvature:every=2:every=3", "curvature:every=log:every=5", "curvature:probes=2:probes=2"] {
            #expect(throws: TraceRecordingError.self, "\(bad)") { try TraceRecording(parsing: [bad]) }
        }
        // A level given twice: the same options are one level; different ones are refused, never "last one wins".
        #expect(try TraceRecording(parsing: ["curvature:every=5", "curvature:every=5"]).curvature == CurvatureSchedule(every: 5))
        #expect(try TraceRecording(parsing: ["per-weight:every=3", "per-weight"]).snapshotEvery == 3)
        for bad in [["curvature:every=5", "curvature:every=6"], ["per-weight:every=2", "per-weight:every=3"],
                    ["batch-variance:every=2,batch-variance:every=4"]] {
            #expect(throws: TraceRecordingError.self, "\(bad)") { try TraceRecording(parsing: bad) }
        }
    }

    @Test("every=K measures after epochs e with e mod K = 0; every=log at ten epochs per decade")
    func schedule() {
        #expect((1...60).filter { CurvatureSchedule(every: 20).measures(epoch: $0) } == [20, 40, 60])
        let log = (1...130).filter { CurvatureSchedule(every: nil).measures(epoch: $0) }
        #expect(log == [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100, 126], "\(log)")
    }

    @Test("A run's last epoch is always measured, whatever the schedule")
    func lastEpoch() {
        let log = (1...120).filter { CurvatureSchedule(every: nil).measures(epoch: $0, lastEpoch: 120) }
        #expect(log.suffix(3) == [79, 100, 120], "\(log)")
        #expect((1...50).filter { CurvatureSchedule(every: 20).measures(epoch: $0, lastEpoch: 50) } == [20, 40, 50])
        #expect((1...40).filter { CurvatureSchedule(every: 20).measures(epoch: $0, lastEpoch: 40) } == [20, 40])
    }
}
