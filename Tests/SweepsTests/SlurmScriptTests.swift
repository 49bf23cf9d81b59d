import Foundation
import Sweeps
import Testing
import TestSupport

/// Runs `bash ARGS` in `folder` with `environment` added; returns the exit status and standard error.
func bash(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = arguments
    p.currentDirectoryURL = folder
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite struct SlurmScriptTests {
    /// A folder name that would run commands if it were pasted into a script unquoted.
    static let hostile = "it's a \"sweep\" $(touch pwned1) `touch pwned2`; touch pwned3\nthen touch pwned4 & \\ $HOME"

    @Test("Array specs are compact ranges")
    func arraySpecs() {
        #expect(SlurmScript.arraySpec([0, 1, 2, 3]) == "0-3")
        #expect(SlurmScript.arraySpec([5, 0, 1, 3, 7, 8, 9]) == "0-1,3,5,7-9")
        #expect(SlurmScript.arraySpec([4]) == "4")
    }

    @Test("Resources reaching #SBATCH lines are checked", arguments: [
        SlurmOptions(partition: "debug\n#SBATCH --wrap=x"), SlurmOptions(partition: "a b"), SlurmOptions(time: "1h"),
        SlurmOptions(time: "01:00:00; rm"), SlurmOptions(cpusPerTask: 0), SlurmOptions(memory: "4 GB"),
        SlurmOptions(account: "$(id)"), SlurmOptions(jobName: "my job"), SlurmOptions(maxRunning: 0),
    ])
    func badOptions(_ options: SlurmOptions) {
        #expect(throws: SweepError.self) { try options.validate() }
    }

    @Test("Good resources pass and appear in the script")
    func goodOptions() throws {
        let s = try SweepFixture("seed = 1…3")
        defer { s.cleanUp() }
        let options = SlurmOptions(partition: "gpu,debug", time: "2-00:00:00", cpusPerTask: 4, memory: "16G",
                                   account: "proj_1", jobName: "fig3", maxRunning: 2)
        try options.validate()
        let script = SlurmScript(folder: s.folder, manifest: s.manifest, indices: [0, 2], executable: "/usr/bin/thermo",
                                 options: options, thermoVersion: "t")
        for line in ["#SBATCH --array=0,2%2", "#SBATCH --cpus-per-task=4", "#SBATCH --time=2-00:00:00", "#SBATCH --mem=16G",
                     "#SBATCH --partition=gpu,debug", "#SBATCH --account=proj_1", "#SBATCH --job-name=fig3",
                     "#SBATCH --output=slurm/%A_%a.out", "#SBATCH --chdir=\(s.folder.root.path)",
                     "exec \"$thermo\" sweep --cell \"$SLURM_ARRAY_TASK_ID\" --threads 4 \"$sweep\""] {
            #expect(script.text.contains(line + "\n"), "missing \(line)")
        }
        // Every #SBATCH line comes before the first command, as sbatch requires.
        let lines = script.text.split(separator: "\n")
        let lastDirective = lines.lastIndex { $0.hasPrefix("#SBATCH") }!
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
        #expect(lastDirective < firstCommand)
    }

    @Test("Hostile folder and executable names are quoted: bash -n passes, running the script runs exactly the cell and nothing else")
    func hostilePaths() throws {
        let s = try SweepFixture("seed = 1 | 2", name: Self.hostile)
        defer { s.cleanUp() }
        // A fake `thermo` under a hostile name records the arguments it gets, one per line (NUL-separated).
        let binFolder = s.base.appendingPathComponent("bin $(touch pwned5) 'q'")
        try FileManager.default.createDirectory(at: binFolder, withIntermediateDirectories: true)
        let fake = binFolder.appendingPathComponent("thermo `touch pwned6`")
        let record = s.base.appendingPathComponent("arguments")
        try Data("#!/bin/bash\nprintf '%s\\0' \"$@\" > \(ShellWords.quoted(record.path))\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)

        let script = SlurmScript(folder: s.folder, manifest: s.manifest, indices: [0, 1], executable: fake.path,
                                 options: SlurmOptions(jobName: nil), thermoVersion: "t")
        try script.write(to: s.folder)
        #expect(!script.text.contains("#SBATCH --chdir"), "a hostile path must not reach an #SBATCH line")
        #expect(script.text.contains("#SBATCH --job-name=thermo-sweep-it_s_a__sweep"))
        let (syntax, syntaxErrors) = try bash(["-n", s.folder.sbatchURL.path], in: s.base)
        #expect(syntax == 0, "bash -n: \(syntaxErrors)")

        let (status, errors) = try bash([s.folder.sbatchURL.path], in: s.folder.root, environment: ["SLURM_ARRAY_TASK_ID": "1"])
        #expect(status == 0, "\(errors)")
        let received = try String(decoding: Data(contentsOf: record), as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(received == ["sweep", "--cell", "1", "--threads", "1", s.folder.root.path])
        for folder in [s.base, s.folder.root, binFolder] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(!names.contains { $0.hasPrefix("pwned") }, "a command ran: \(names)")
        }
    }

    @Test("Comments cannot be broken by a newline in a path")
    func comments() throws {
        let s = try SweepFixture("seed = 1 | 2", name: "a\n#SBATCH --wrap=evil\nb")
        defer { s.cleanUp() }
        let script = SlurmScript(folder: s.folder, manifest: s.manifest, indices: [0, 1], executable: "/x",
                                 options: SlurmOptions(), thermoVersion: "t")
        // sbatch reads #SBATCH lines up to the first command; the path's newline only shows inside the quoted
        // word after that, where sbatch no longer looks and bash sees a character.
        let header = script.text.split(separator: "\n").prefix { $0.hasPrefix("#") }
        #expect(!header.contains { $0.hasPrefix("#SBATCH --wrap") })
        #expect(header.contains { $0.hasPrefix("# Sweep folder: ") && $0.contains("a?#SBATCH --wrap=evil?b") })
    }
}
