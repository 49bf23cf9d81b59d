import Datasets
import Foundation
import Testing
import TestSupport

/// Where data sets are looked for: --data, then $THERMO_DATA, then the per-user folder $XDG_DATA_HOME/thermo/NAME,
/// then ./data/NAME.
struct DataSetLocationTests {
    /// A scratch tree: root/work/pkg is the current folder, with every candidate place able to hold mnist.
    struct Tree {
        let scratch = Scratch()
        var root: String { scratch.path }
        var package: String { root + "/work/pkg" }
        var flag: String { root + "/flag" }
        var env: String { root + "/env" }
        var local: String { package + "/data/mnist" }
        var user: String { root + "/xdg/thermo/mnist" }
        /// The environment without THERMO_DATA: XDG_DATA_HOME points into the tree.
        var bare: [String: String] { ["XDG_DATA_HOME": root + "/xdg"] }

        /// Puts the four file names (empty files: only their presence matters here) into `folder`.
        func fill(_ folder: String, gzip: Bool = true, except: String? = nil) throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for role in DataSetFileRole.allCases where role.fileName != except {
                _ = FileManager.default.createFile(atPath: folder + "/" + (gzip ? role.gzipFileName : role.fileName),
                                               contents: Data())
            }
        }
    }

    @Test func lookupOrderIsFlagThenEnvironmentThenUserFolderThenLocal() throws {
        let t = Tree()
        try FileManager.default.createDirectory(atPath: t.package, withIntermediateDirectories: true)
        try t.fill(t.flag)
        try t.fill(t.env + "/mnist")
        try t.fill(t.user)
        try t.fill(t.local, gzip: false)
        var env = t.bare
        env["THERMO_DATA"] = t.env

        #expect(try locateDataSet(named: "mnist", directory: t.flag, environment: env, currentDirectory: t.package) == t.flag)
        #expect(try locateDataSet(named: "mnist", directory: nil, environment: env, currentDirectory: t.package)
                == t.env + "/mnist")
        #expect(try locateDataSet(named: "mnist", directory: nil, environment: t.bare, currentDirectory: t.package) == t.user)
        try FileManager.default.removeItem(atPath: t.user)
        #expect(try locateDataSet(named: "mnist", directory: nil, environment: t.bare, currentDirectory: t.package) == t.local)
    }

    @Test func userFolderFollowsXDGWithHomeAsDefault() {
        #expect(userDataFolder(environment: ["XDG_DATA_HOME": "/x/y", "HOME": "/home/u"]) == "/x/y/thermo")
        #expect(userDataFolder(environment: ["HOME": "/home/u"]) == "/home/u/.local/share/thermo")
        // A relative XDG_DATA_HOME is invalid by the specification and ignored.
        #expect(userDataFolder(environment: ["XDG_DATA_HOME": "rel", "HOME": "/home/u"]) == "/home/u/.local/share/thermo")
        #expect(userDataFolder(environment: [:]) == nil)
    }

    @Test func flagAndEnvironmentTakeEitherForm() throws {
        let t = Tree()
        try t.fill(t.flag + "/mnist")
        try t.fill(t.env)
        // --data DIR holding mnist/, relative to the current folder.
        #expect(try locateDataSet(named: "mnist", directory: "flag", environment: [:], currentDirectory: t.root)
                == t.flag + "/mnist")
        // $THERMO_DATA naming the folder that holds the files.
        #expect(try locateDataSet(named: "mnist", directory: nil, environment: ["THERMO_DATA": t.env],
                                  currentDirectory: t.root) == t.env)
    }

    @Test func anEnvironmentFolderWithoutTheDataSetFallsThrough() throws {
        let t = Tree()
        try FileManager.default.createDirectory(atPath: t.env + "/kmnist", withIntermediateDirectories: true)
        try t.fill(t.user)
        var env = t.bare
        env["THERMO_DATA"] = t.env
        #expect(try locateDataSet(named: "mnist", directory: nil, environment: env, currentDirectory: t.package) == t.user)
    }

    @Test func aGivenFlagDoesNotFallThrough() throws {
        let t = Tree()
        try t.fill(t.local)
        #expect(throws: DataSetError.self) {
            try locateDataSet(named: "mnist", directory: t.root + "/empty", environment: [:], currentDirectory: t.package)
        }
    }

    @Test func missingDataSetListsEveryPlaceInOrderAndHowToGetIt() throws {
        let t = Tree()
        try FileManager.default.createDirectory(atPath: t.package, withIntermediateDirectories: true)
        try t.fill(t.local, except: DataSetFileRole.testLabels.fileName)
        var caught: DataSetError?
        do {
            var env = t.bare
            env["THERMO_DATA"] = t.env
            _ = try locateDataSet(named: "mnist", directory: nil, environment: env, currentDirectory: t.package)
        } catch let error as DataSetError {
            caught = error
        }
        guard case .notFound(let name, let places) = caught else { Issue.record("got \(String(describing: caught))"); return }
        #expect(name == "mnist")
        #expect(places.map(\.path) == [t.env, t.env + "/mnist", t.user, t.local])
        #expect(places.map(\.origin) == ["$THERMO_DATA", "$THERMO_DATA", "$XDG_DATA_HOME/thermo/mnist", "./data/mnist"])
        #expect(places[2].finding == "no such folder")
        #expect(places[3].finding == "missing t10k-labels-idx1-ubyte[.gz]")

        let message = caught?.description ?? ""
        #expect(!message.contains("\n"))
        let positions = places.compactMap { message.range(of: $0.path + " [")?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted(), "places listed in search order")
        for hint in ["thermo data fetch mnist", "--data DIR", "THERMO_DATA", "train-images-idx3-ubyte.gz"] {
            #expect(message.contains(hint), "message mentions \(hint)")
        }
    }

    @Test func aFileGivenAsTheFolderIsNamedAsOne() throws {
        let t = Tree()
        try FileManager.default.createDirectory(atPath: t.package, withIntermediateDirectories: true)
        let file = t.package + "/notes.txt"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: DataSetError.self) {
            try locateDataSet(named: "mnist", directory: file, environment: [:], currentDirectory: t.package)
        }
        #expect(error?.description.contains("\(file) [--data]: a file, not a folder") == true, "\(error?.description ?? "")")
    }

    @Test func unknownNameListsTheKnownOnes() {
        var caught: Error?
        do { _ = try loadDataSet(named: "cifar100", directory: nil, environment: [:], currentDirectory: "/") } catch { caught = error }
        #expect(caught as? DataSetError == .unknownName(name: "cifar100", known: ["mnist", "fashion-mnist", "kmnist", "cifar10", "stl10"]))
        #expect("\(caught.map { "\($0)" } ?? "")".contains("mnist, fashion-mnist, kmnist, cifar10, stl10"))
    }
}
