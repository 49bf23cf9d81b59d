import Testing
@testable import NumericCore

struct BusyMachineTests {
    @Test("The load average is the first field of /proc/loadavg; anything else is refused")
    func loadAverageParsing() {
        #expect(BusyMachine.loadAverage(fromProcLoadavg: "2.05 1.98 1.50 3/120 4567\n") == 2.05)
        #expect(BusyMachine.loadAverage(fromProcLoadavg: "0.00 0.01 0.05 1/80 12") == 0)
        #expect(BusyMachine.loadAverage(fromProcLoadavg: "") == nil)
        #expect(BusyMachine.loadAverage(fromProcLoadavg: "busy 1 2") == nil)
        #expect(BusyMachine.loadAverage(fromProcLoadavg: "-1 0 0") == nil)
        #expect(BusyMachine.loadAverage(fromProcLoadavg: "nan 0 0") == nil)
    }

    @Test("A multi-threaded run on a busy machine gets a note naming the load and the thread count to pass; others none")
    func noteOnlyWhenOversubscribed() throws {
        // two busy processes on two cores, a 2-thread run: the case measured in docs/performance.md
        let note = try #require(BusyMachine.note(load: 2.0, cores: 2, threads: 2))
        #expect(note.contains("load average 2.0 on 2 cores") && note.contains("--threads 1"))
        // one busy core of four, a 4-thread run: pass 3
        #expect(BusyMachine.note(load: 1.1, cores: 4, threads: 4)?.contains("--threads 3") == true)
        #expect(BusyMachine.note(load: 0.1, cores: 2, threads: 2) == nil)   // a quiet machine
        #expect(BusyMachine.note(load: 0.8, cores: 2, threads: 2) == nil)   // less than a core taken
        #expect(BusyMachine.note(load: 5, cores: 2, threads: 1) == nil)     // one thread does not spin-wait
        #expect(BusyMachine.note(load: 1.0, cores: 8, threads: 4) == nil)   // enough free cores
    }
}
