import Foundation
import Sweeps
import Testing

@Suite struct CellTests {
    @Test("Cells are the Cartesian product, the first setting slowest, the last fastest")
    func order() throws {
        let grid = try parseGrid("smooth = 1 | 2\nradius = 0.01 | 0.1\nseed = 1…2", fixed: ["--loss", "pla", "--epochs", "2"])
        let cells = try grid.cells()
        #expect(cells.count == 8)
        #expect(cells.map(\.index) == Array(0..<8))
        #expect(cells.map { $0.value("smooth")! } == ["1", "1", "1", "1", "2", "2", "2", "2"])
        #expect(cells.map { $0.value("radius")! } == ["0.01", "0.01", "0.1", "0.1", "0.01", "0.01", "0.1", "0.1"])
        #expect(cells.map { $0.value("seed")! } == ["1", "2", "1", "2", "1", "2", "1", "2"])
        #expect(cells[5].arguments == ["--smooth", "2", "--radius", "0.01", "--seed", "2", "--loss", "pla", "--epochs", "2"])
        #expect(cells[5].folder == "cells/" + cells[5].id)
    }

    @Test("Ids name the index and the varied settings, and are the same every time")
    func stableIDs() throws {
        let text = "loss = pla\nsmooth = 1,2 | 2\nradius = 0.001 … 0.1 log 5\nsamples = 4\nseed = 1…3"
        let a = try parseGrid(text).cells(), b = try parseGrid(text).cells()
        #expect(a.map(\.id) == b.map(\.id))
        #expect(a == b)
        #expect(a[7].id == "cell-0007-smooth=1,2,radius=0.01,seed=2")
        #expect(Set(a.map(\.id)).count == a.count)
    }

    @Test("Cross-entropy cells drop the smoothing settings and appear once")
    func crossEntropyCells() throws {
        let cells = try parseGrid("loss = ce | pla\nsmooth = 1 | 2\nradius = 0.01 | 0.1\nseed = 1…2").cells()
        #expect(cells.count == 2 + 2 * 2 * 2)
        #expect(cells[0].id == "cell-0000-loss=ce,seed=1")
        #expect(cells[0].arguments == ["--loss", "ce", "--seed", "1"])
        #expect(cells[1].arguments == ["--loss", "ce", "--seed", "2"])
        #expect(cells[2].id == "cell-0002-loss=pla,smooth=1,radius=0.01,seed=1")
        // …and the smoothing flags among the fixed ones.
        let fixed = try parseGrid("loss = ce | plea", fixed: ["--samples", "8", "--epochs", "3", "--sharpness=20", "--smooth", "2", "--lr", "0.1"])
            .cells()
        #expect(fixed[0].arguments == ["--loss", "ce", "--epochs", "3", "--lr", "0.1"])
        #expect(fixed[1].arguments == ["--loss", "plea", "--samples", "8", "--epochs", "3", "--sharpness=20", "--smooth", "2", "--lr", "0.1"])
    }

    @Test("Each kernel keeps its own spread: uniform cells drop gamma, Gaussian cells drop radius and sharpness")
    func kernelCells() throws {
        let cells = try parseGrid("kernel = uniform | gaussian\nradius = 0.01 | 0.1\ngamma = 10 | 100", fixed: ["--loss", "pla", "--smooth", "1"]).cells()
        #expect(cells.count == 2 + 2)
        #expect(cells[0].arguments == ["--kernel", "uniform", "--radius", "0.01", "--loss", "pla", "--smooth", "1"])
        #expect(cells[1].arguments == ["--kernel", "uniform", "--radius", "0.1", "--loss", "pla", "--smooth", "1"])
        #expect(cells[2].arguments == ["--kernel", "gaussian", "--gamma", "10", "--loss", "pla", "--smooth", "1"])
        #expect(cells[3].id == "cell-0003-kernel=gaussian,gamma=100")
        // Fixed spreads go with their kernel too.
        let both = try parseGrid("kernel = uniform | gaussian", fixed: ["--loss", "pla", "--radius", "0.1", "--gamma=10"]).cells()
        #expect(both.map(\.arguments) == [["--kernel", "uniform", "--loss", "pla", "--radius", "0.1"], ["--kernel", "gaussian", "--loss", "pla", "--gamma=10"]])
        // A fixed --kernel gaussian makes every cell Gaussian.
        let fixed = try parseGrid("gamma = 10 | 100\nradius = 0.1", fixed: ["--loss", "pla", "--kernel=gaussian"]).cells()
        #expect(fixed.map(\.arguments) == [["--gamma", "10", "--loss", "pla", "--kernel=gaussian"], ["--gamma", "100", "--loss", "pla", "--kernel=gaussian"]])
    }

    @Test("Ids are safe file names; very long ones are cut and end in a hash")
    func sanitisedIDs() throws {
        let id = Grid.cellID(index: 3, settings: [CellSetting(name: "data", value: "/data/my mnist/$(x)")])
        #expect(id == "cell-0003-data=_data_my_mnist___x_")
        let long = (0..<40).map { CellSetting(name: "k\($0)", value: "value\($0)") }
        let a = Grid.cellID(index: 1, settings: long)
        var other = long
        other[39].value = "different"
        let b = Grid.cellID(index: 1, settings: other)
        #expect(a.count <= 127 && b.count <= 127)
        #expect(a != b)
        #expect(a.hasPrefix("cell-0001-k0=value0,"))
        // An index wider than four digits widens every id.
        #expect(Grid.cellID(index: 12, settings: [], width: 5) == "cell-00012")
    }

    @Test("Jobs × threads never exceed the cores")
    func parallelism() throws {
        let d = try Parallelism(jobs: nil, threads: nil, cores: 8)
        #expect(d.jobs == 8 && d.threads == 1)
        let t = try Parallelism(jobs: nil, threads: 2, cores: 8)
        #expect(t.jobs == 4 && t.threads == 2)
        let j = try Parallelism(jobs: 3, threads: nil, cores: 8)
        #expect(j.jobs == 3 && j.threads == 1)
        #expect(throws: SweepError.self) { try Parallelism(jobs: nil, threads: 4, cores: 2) }
        #expect(throws: SweepError.self) { try Parallelism(jobs: 3, threads: 1, cores: 2) }
        #expect(throws: SweepError.self) { try Parallelism(jobs: 0, threads: nil, cores: 2) }
    }
}
