#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import NumericCore

/// The `thermo` command: trains networks, records gradient traces, analyses them and draws figures.
public struct ThermoCommand: ParsableCommand {
    /// The command's name, abstract, discussion, version and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "thermo",
        abstract: "Study how SGD explores weight space, layer by layer, the way a physicist studies a cooling system.",
        discussion: """
        Train a network on MNIST-like data, record per-layer gradient statistics, and analyse them.
        """,
        version: thermoVersion,
        subcommands: [TrainCommand.self, InspectCommand.self, RecoverCommand.self, TemperatureCommand.self,
                      RegimesCommand.self, FitCoolingCommand.self, CurvatureCommand.self, PlotCommand.self, SweepCommand.self,
                      DataCommand.self, BenchCommand.self]
    )

    /// The root command; it has no options of its own (ArgumentParser makes it when parsing).
    public init() {}

    /// Parses the command line and runs the subcommand. Errors found while working (bad data, unwritable files,
    /// damaged traces) are printed as one line starting with `error:` and exit with status 1; usage errors keep
    /// swift-argument-parser's message, usage line and status 64.
    public static func main() {
        // A file size limit (ulimit -f, a batch system's) then makes a write fail with EFBIG, reported like a full
        // disk (temporary files removed, existing outputs untouched), instead of killing thermo mid-write.
        signal(SIGXFSZ, SIG_IGN)
        // SIGQUIT (Ctrl-\) ends a command the standard way (the Swift runtime would report it as a crash);
        // training and sweeps catch it themselves and stop in order, as for SIGTERM.
        signal(SIGQUIT, SIG_DFL)
        // A parent may start thermo with signals blocked (the mask is inherited across exec; threads of test
        // runners and job launchers often block nearly all): a blocked SIGQUIT, SIGINT or SIGTERM would stay
        // pending and never end or stop the command. Unblock them before any thread starts, so that every thread
        // inherits the unblocked mask.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        for stop in [SIGINT, SIGTERM, SIGQUIT, SIGHUP] { sigaddset(&stopSignals, stop) }
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // A part flag that takes its value unconditionally swallowed the next flag (`--flip --jitter 0.1`): the
            // parser would only say "Unexpected argument '0.1'"; name the flag that lost its value instead.
            let arguments = Array(CommandLine.arguments.dropFirst())
            if let hint = AugmentationOptions.flagMissingItsValue(in: arguments) {
                let path = (["thermo"] + arguments.prefix { !$0.hasPrefix("-") }).joined(separator: " ")
                printError("Error: \(hint)\n  See '\(path) --help' for more information.")
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        }
        do {
            var runnable = command
            try runnable.run()
        } catch let error where error is ValidationError || error is CleanExit || error is ExitCode
                    || isParserError(error) || exitCode(for: error) == .success {
            // The last two: the parser's own errors, and `--help` / `help SUBCOMMAND`, which
            // swift-argument-parser (1.6 and later) reports from the help command's run().
            if error is ValidationError {
                // A usage error found while running: the subcommand's usage line, not the root's.
                printError("Error: \(escapingControlCharacters(String(describing: error)))\n" + command.usageHint)
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        } catch {
            // One line: a newline inside a file name is shown as \n, not obeyed.
            printError("error: \(escapingControlCharacters(String(describing: error)))")
            exit(withError: ExitCode.failure)
        }
    }
}

extension ParsableCommand {
    /// The subcommand's usage line and where to read more, as the parser prints them after a usage error.
    var usageHint: String {
        let usage = ThermoCommand.usageString(for: Self.self)
        let path = usage.split(separator: " ").prefix { !$0.hasPrefix("[") && !$0.hasPrefix("<") }.joined(separator: " ")
        return "Usage: \(usage)\n  See '\(path) --help' for more information."
    }
}

/// Whether `error` comes from swift-argument-parser itself: `thermo help X` and `thermo X --help` run its help
/// command, whose `run()` throws the parser's internal "help requested" error; the parser prints the help for it.
func isParserError(_ error: Error) -> Bool {
    String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
}
