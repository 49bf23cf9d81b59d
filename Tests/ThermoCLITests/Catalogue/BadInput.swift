import Foundation
import Testing

/// One row of the bad-input catalogue: a command given something wrong, and what must happen — the exit
/// status, a fragment of the message, files that must be left byte for byte as they were, and files that
/// must not exist afterwards. Besides, every case checks that thermo did not crash (no trap, no stack trace),
/// that a failure is one `error:` line (status 1) or argument-parser's `Error:` (status 64), and that a failing
/// command leaves no new file at all in its folder (no partial output, no temporary file).
///
/// A new command's cases are new rows in ``BadInput/catalogue`` (see `Catalogue.swift`); docs/errors.md is
/// generated from the same table (`THERMO_UPDATE_ERRORS_DOC=1 swift test --filter BadInputCatalogue`).
struct BadInput: Sendable, CustomTestStringConvertible {
    /// The command as docs/errors.md groups it: "train", "data verify", "plot signal", …
    var command: String
    /// What is wrong, in a few words (the row's name in the docs).
    var name: String
    /// The arguments after `thermo`, relative to the case's folder.
    var arguments: [String]
    /// The expected exit status.
    var status: Int32
    /// A fragment the message must contain (standard error; standard output for status 0).
    var message: String
    /// Makes the case's files.
    var setup: @Sendable (Workspace) throws -> Void = { _ in }
    /// Files that must be unchanged (compared byte for byte).
    var unchanged: [String] = []
    /// Files that must not exist afterwards.
    var absent: [String] = []
    /// Runs thermo with RLIMIT_FSIZE at this many KiB: a full disk, as far as writes go.
    var fileLimitKiB: Int? = nil
    /// Runs thermo as an unprivileged user when the tests run as root (who may write anywhere), so that a
    /// folder without write permission refuses writes.
    var unprivileged = false
    /// Needs a loopback HTTP server serving the case's `mirror/` folder; `MIRROR` in the arguments is its URL.
    var mirror = false

    var testDescription: String { "\(command): \(name)" }
}

/// Shorthands for the tables.
extension BadInput {
    /// A usage error (status 64), found before any work.
    static func usage(_ command: String, _ name: String, _ arguments: [String], _ message: String,
                      setup: @escaping @Sendable (Workspace) throws -> Void = { _ in }, unchanged: [String] = [],
                      absent: [String] = [], unprivileged: Bool = false) -> BadInput {
        BadInput(command: command, name: name, arguments: arguments, status: 64, message: message, setup: setup,
                 unchanged: unchanged, absent: absent, unprivileged: unprivileged)
    }

    /// An error while working (status 1).
    static func failure(_ command: String, _ name: String, _ arguments: [String], _ message: String,
                        setup: @escaping @Sendable (Workspace) throws -> Void = { _ in }, unchanged: [String] = [],
                        absent: [String] = [], fileLimitKiB: Int? = nil, unprivileged: Bool = false,
                        mirror: Bool = false) -> BadInput {
        BadInput(command: command, name: name, arguments: arguments, status: 1, message: message, setup: setup,
                 unchanged: unchanged, absent: absent, fileLimitKiB: fileLimitKiB, unprivileged: unprivileged, mirror: mirror)
    }
}
