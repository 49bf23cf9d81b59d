import Analysis
import NumericCore

/// Why a study could not be made: one line saying what is wrong and what to do.
///
/// `kind` tells a command line how to report it: a `.request` error is a usage error (the flags or the chosen
/// inputs ask for something the inputs cannot give), an `.input` error is a problem found in the data.
public struct StudyError: Error, DescribedError, Sendable, Equatable {
    /// Who must act: the caller's request, or the input data.
    public enum Kind: Sendable, Equatable {
        /// The request cannot be met by these inputs (reported as a usage error).
        case request
        /// The inputs are missing, damaged or hold too little (reported as an error of the work).
        case input
    }
    /// Who must act.
    public var kind: Kind
    /// The message, one line.
    public var description: String
    /// The fit's own error when a fit, scan or effective exponent failed (its message without advice).
    public var fitError: CoolingFitError?

    /// An error of `kind` with `description`.
    public init(_ kind: Kind, _ description: String, fitError: CoolingFitError? = nil) {
        self.kind = kind
        self.description = description
        self.fitError = fitError
    }

    /// The same message as another kind.
    func reported(as kind: Kind) -> StudyError { StudyError(kind, description, fitError: fitError) }
}
