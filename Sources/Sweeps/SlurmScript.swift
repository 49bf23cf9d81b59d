import Foundation

/// Resources of each array task (`--partition`, `--time`, `--cpus-per-task`, `--mem`, `--account`), the job's
/// name and how many tasks may run at once. Every value that reaches an `#SBATCH` line is checked against a
/// strict pattern, since sbatch reads those lines itself, outside any shell quoting.
public struct SlurmOptions: Sendable, Equatable {
    /// The partition (queue).
    public var partition: String?
    /// The time limit of each task: `MM`, `HH:MM:SS`, `D-HH:MM`, ….
    public var time: String?
    /// CPUs of each task; also its BLAS threads.
    public var cpusPerTask: Int
    /// Memory of each task: `2G`, `500M`.
    public var memory: String?
    /// The account charged.
    public var account: String?
    /// The job's name (default `thermo-sweep-` and the folder's name, reduced to safe characters).
    public var jobName: String?
    /// At most this many tasks at once (`--array=…%N`).
    public var maxRunning: Int?

    /// Options; `cpusPerTask` defaults to 1.
    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int = 1, memory: String? = nil,
                account: String? = nil, jobName: String? = nil, maxRunning: Int? = nil) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.account = account
        self.jobName = jobName
        self.maxRunning = maxRunning
    }

    /// Checks every value; the error names the flag and the accepted form.
    public func validate() throws(SweepError) {
        func check(_ value: String?, _ flag: String, _ pattern: String, _ accepted: String) throws(SweepError) {
            guard let value else { return }
            guard value.range(of: pattern, options: .regularExpression) != nil else {
                throw .invalid("\(flag) '\(value.replacingOccurrences(of: "\n", with: "\\n"))' is not valid: \(accepted)")
            }
        }
        try check(partition, "--partition", #"^[A-Za-z0-9_.,-]+$"#, "a partition name (letters, digits, '_', '.', '-'; several separated by ',')")
        try check(account, "--account", #"^[A-Za-z0-9_.-]+$"#, "an account name (letters, digits, '_', '.', '-')")
        try check(time, "--time", #"^([0-9]+-)?[0-9]+(:[0-9]+){0,2}$"#, "a time limit like 90, 01:30:00 or 2-00:00:00")
        try check(memory, "--mem", #"^[0-9]+[KMGT]?$"#, "memory like 2G or 500M")
        try check(jobName, "--job-name", #"^[A-Za-z0-9_.+-]{1,64}$"#, "up to 64 letters, digits, '_', '.', '+', '-'")
        guard cpusPerTask >= 1 else { throw .invalid("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
        if let maxRunning, maxRunning < 1 { throw .invalid("--jobs must be at least 1, got \(maxRunning)") }
    }
}

/// The sbatch script of a sweep: a job array with one task per cell to run, each task running
/// `thermo sweep --cell $SLURM_ARRAY_TASK_ID --threads CPUS DIR`.
///
/// Paths (the thermo executable, the sweep folder) appear only inside single quotes in the script's shell part,
/// where nothing is special, so spaces, quotes, `$(…)`, backticks and newlines in them are just characters.
/// `#SBATCH` lines, which sbatch parses itself, hold only checked values (`SlurmOptions.validate()`), and the
/// `--chdir` line only when the folder's path has nothing but letters, digits and `/._+,=-`; otherwise the script
/// must be submitted from inside the sweep folder (as `--submit` does). Comments have control characters replaced.
public struct SlurmScript: Sendable {
    /// The script's text.
    public let text: String
    /// The array indices (cell indices) it runs.
    public let indices: [Int]

    /// The script for `indices` (cells of `manifest` in `folder`), run by `executable`.
    public init(folder: SweepFolder, manifest: Manifest, indices: [Int], executable: String, options: SlurmOptions,
                thermoVersion: String) {
        self.indices = indices
        let array = Self.arraySpec(indices) + (options.maxRunning.map { "%\($0)" } ?? "")
        let root = folder.root.path
        let jobName = options.jobName ?? Self.defaultJobName(folder)
        let date = ISO8601DateFormatter().string(from: Date())
        var lines = [
            "#!/bin/bash",
            "# A thermo sweep as a Slurm job array: one array task per cell, each running",
            "# 'thermo sweep --cell I DIR' (I = the array index = the cell's index in DIR/manifest.json).",
            "# Sweep folder: " + Self.comment(root),
            "# \(indices.count) of \(manifest.cells.count) cells; written by thermo \(thermoVersion) on \(date).",
            "# Submit: thermo sweep -o DIR --slurm --submit (writes this script again and submits it),",
            "# or from inside the sweep folder: sbatch sweep.sbatch",
            "# Results: thermo sweep --summary DIR (Slurm's output of each task: DIR/slurm/JOB_TASK.out,",
            "# each cell's own output: DIR/cells/ID/log.txt).",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=\(array)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(options.cpusPerTask)",
        ]
        if let t = options.time { lines.append("#SBATCH --time=\(t)") }
        if let m = options.memory { lines.append("#SBATCH --mem=\(m)") }
        if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
        if let a = options.account { lines.append("#SBATCH --account=\(a)") }
        lines.append("#SBATCH --output=slurm/%A_%a.out")
        if Self.isPlainPath(root) {
            lines.append("#SBATCH --chdir=\(root)")
        } else {
            lines.append("# (no --chdir: the folder's path has characters #SBATCH lines cannot hold; submit from inside it)")
        }
        lines += [
            "set -u",
            "thermo=" + ShellWords.quoted(executable),
            "sweep=" + ShellWords.quoted(root),
            "exec \"$thermo\" sweep --cell \"$SLURM_ARRAY_TASK_ID\" --threads \(options.cpusPerTask) \"$sweep\"",
            "",
        ]
        text = lines.joined(separator: "\n")
    }

    /// `0-3,5,7-9`: indices as Slurm array ranges.
    public static func arraySpec(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = Array(Set(indices)).sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// `thermo-sweep-` and the folder's name, with characters other than letters, digits and `_.+-` as `_`.
    public static func defaultJobName(_ folder: SweepFolder) -> String {
        let name = String(folder.root.lastPathComponent.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || "_.+-".contains(c)) ? c : "_"
        }.prefix(40))
        return "thermo-sweep" + (name.isEmpty ? "" : "-" + name)
    }

    /// Whether `path` may stand unquoted in an `#SBATCH` line.
    static func isPlainPath(_ path: String) -> Bool {
        path.allSatisfy { c in c.isASCII && (c.isLetter || c.isNumber || "/._+,=-".contains(c)) }
    }

    /// Text for a comment line: control characters (a newline would end the comment) become `?`.
    static func comment(_ text: String) -> String {
        String(text.map { c -> Character in
            c.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value != 127 } ? c : "?"
        })
    }

    /// Writes the script to `DIR/sweep.sbatch` (executable) and creates `DIR/slurm/`.
    public func write(to folder: SweepFolder) throws {
        do {
            try FileManager.default.createDirectory(at: folder.slurmOutputFolder, withIntermediateDirectories: true)
        } catch {
            throw SweepError.io("cannot create \(folder.slurmOutputFolder.path): \(error.localizedDescription)")
        }
        try writeFileAtomically(Data(text.utf8), to: folder.sbatchURL)
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.sbatchURL.path)
    }

    /// Submits `DIR/sweep.sbatch` with `sbatch --parsable`, run inside the sweep folder; returns the job id.
    public static func submit(_ folder: SweepFolder, sbatch: String = "sbatch") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [sbatch, "--parsable", folder.sbatchURL.lastPathComponent]
        process.currentDirectoryURL = folder.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw SweepError.external("cannot run sbatch (\(error.localizedDescription)); the script is \(folder.sbatchURL.path)")
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stdout = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let stderr = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 {
                throw SweepError.external("sbatch is not on PATH (is this a Slurm login node?); the script is \(folder.sbatchURL.path)")
            }
            throw SweepError.external("sbatch refused the job (exit status \(process.terminationStatus)): "
                + stderr.replacingOccurrences(of: "\n", with: " ") + "; the script is \(folder.sbatchURL.path)")
        }
        return String(stdout.split(separator: ";").first ?? "")
    }
}
