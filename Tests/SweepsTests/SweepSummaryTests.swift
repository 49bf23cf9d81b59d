import Foundation
import Sweeps
import Testing

@Suite struct SweepSummaryTests {
    @Test("Groups over seeds: mean ± sample sd of completed cells; diverged, failed and pending counted")
    func groups() throws {
        let s = try SweepFixture("smooth = 1 | 2\nradius = 0.01\nseed = 1…3\nfixed = --loss pla")
        defer { s.cleanUp() }
        try s.writeSummary(0, status: "completed", best: 0.90, final: 0.80)
        try s.writeSummary(1, status: "completed", best: 0.92, final: 0.84)
        try s.writeSummary(2, status: "diverged", best: 0.5, final: 0.4)
        try s.writeSummary(3, status: "completed", best: 0.70, final: 0.70)
        try s.writeAttempt(4, exitStatus: 1)
        let summary = SweepSummary(folder: s.folder, manifest: s.manifest)
        #expect(summary.columns == ["smooth"])
        #expect(summary.groups.count == 2)
        let g = summary.groups[0]
        #expect(g.settings == [CellSetting(name: "smooth", value: "1"), CellSetting(name: "radius", value: "0.01")])
        #expect(g.cells == 3 && g.completed == 2 && g.diverged == 1 && g.failed == 0 && g.other == 0)
        #expect(abs(g.best!.mean - 0.91) < 1e-12)
        #expect(abs(g.best!.deviation! - (0.0002).squareRoot()) < 1e-12)
        #expect(abs(g.final!.mean - 0.82) < 1e-12)
        let h = summary.groups[1]
        #expect(h.completed == 1 && h.failed == 1 && h.other == 1)
        #expect(h.best!.deviation == nil && h.best!.count == 1)

        let table = summary.table()
        #expect(table.contains("91.00 ± 1.41"), "\(table)")
        #expect(table.contains("70.00"))
        #expect(table.contains("6 cells: 3 completed, 1 diverged, 1 failed, 1 pending"))
        let csv = summary.csv().split(separator: "\n")
        #expect(csv[0] == "smooth,cells,completed,diverged,failed,other,best_mean,best_sd,final_mean,final_sd")
        #expect(csv[1] == "1,3,2,1,0,0,0.91,0.0141421,0.82,0.0282843")
        // One completed seed: no sample sd (empty in CSV, absent in JSON), never 0.
        #expect(csv[2] == "2,3,1,0,1,1,0.7,,0.7,")
        #expect(!String(decoding: try summary.json(), as: UTF8.self).contains("\"deviation\" : 0,"))
        // Columns with numbers and "—" stay right-aligned: every data row ends at the same column.
        try s.writeSummary(4, status: "diverged", best: 0.1, final: 0.1)
        try s.writeSummary(3, status: "diverged", best: 0.1, final: 0.1)
        let withDash = SweepSummary(folder: s.folder, manifest: s.manifest).table()
        let rows = withDash.split(separator: "\n").prefix(4)
        #expect(rows.contains { $0.hasSuffix("—") }, "\(withDash)")
        #expect(Set(rows.map(\.count)).count == 1, "\(withDash)")
        let perCell = summary.csv(perCell: true).split(separator: "\n")
        #expect(perCell[0] == "cell,id,smooth,seed,state,best,final,epochs")
        #expect(perCell[3] == #"2,"cell-0002-smooth=1,seed=3",1,3,diverged,0.5,0.4,2"#)
        let decoded = try JSONDecoder().decode(SweepSummary.self, from: summary.json())
        #expect(decoded == summary)
    }
}
