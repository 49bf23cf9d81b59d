import Foundation
import Testing
import TestSupport
@testable import Traces

/// docs/trace-format.md's variable tables are the schema's (``TraceSchemaTables``): a variable added, renamed or
/// redefined in ``TraceVariable`` or ``SnapshotVariable`` without the page, or the page edited by hand, fails here.
@Suite("docs/trace-format.md and the trace schema")
struct TraceFormatDocumentationTests {
    @Test("docs/trace-format.md's tables are generated from the schema (THERMO_UPDATE_TRACE_DOC=1 rewrites them)")
    func documentation() throws {
        let url = TestPaths.packageRoot.appendingPathComponent("docs/trace-format.md")
        let page = try String(contentsOf: url, encoding: .utf8)
        let updated = try #require(TraceSchemaTables.updating(page),
                                   "docs/trace-format.md lacks a table's opening or closing line (\(TraceSchemaTables.closingLine))")
        if ProcessInfo.processInfo.environment["THERMO_UPDATE_TRACE_DOC"] != nil && updated != page {
            try Data(updated.utf8).write(to: url)
        }
        let written = try String(contentsOf: url, encoding: .utf8)
        #expect(written == updated, "docs/trace-format.md is out of step with the trace schema: run THERMO_UPDATE_TRACE_DOC=1 swift test --filter TraceFormatDocumentation")
    }

    @Test("every variable of the schema has one row, and the rows say what the file's attributes say")
    func rowsNameEveryVariable() {
        for name in TraceSchemaTables.names {
            let rows = TraceSchemaTables.table(name).components(separatedBy: "\n").filter { $0.hasPrefix("| `") }
            let expected = name == "weights" ? SnapshotScale.allCases.count + SnapshotVariable.allCases.count
                : TraceVariable.all(in: TraceGroup(rawValue: name)!).count
            #expect(rows.count == expected, "\(name): \(rows.count) rows")
        }
        let epochs = TraceSchemaTables.table("epochs")
        #expect(epochs.contains("| `signal_to_noise` | record | epoch, layer | Float64 | `1` | always | layer signal-to-noise ratio | `SNR_l(e) = S_l(e) / sigma_l(e) (inf when sigma_l(e) = 0)` |"))
        #expect(epochs.contains("| `quantile` | scale | quantile | Float64 | — | always | quantile level p | — |"))
        #expect(TraceSchemaTables.table("steps").contains("`s_l(t) = (1/N_l) sum_{w in Omega_l} \\|dL/dw\\|: "))
    }

    @Test("names and paths are unique within a group, and each group's first record is its row scale")
    func schemaIsConsistent() {
        for group in TraceGroup.allCases {
            let names = TraceVariable.all(in: group).map(\.name)
            #expect(Set(names).count == names.count, "\(group): \(names)")
            let records = TraceVariable.allCases.filter { $0.group == group && $0.kind == .record }
            #expect(records.first == group.rowScale)
            #expect(records.allSatisfy { $0.entry.dimensions.first == group.rowDimension && $0.units != nil && $0.definition != nil })
        }
        #expect(TraceVariable.layerSignal.path == "epochs/layer_signal" && TraceVariable.stepLayerSignal.path == "steps/layer_signal")
        #expect(TraceVariable.allCases.filter { $0.kind == .scale }.allSatisfy { $0.definition == nil && $0.name == $0.axes[0].rawValue })
    }
}
