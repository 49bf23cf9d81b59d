/// Shell-style words: splitting a `fixed = …` line into flags, and quoting text for a POSIX shell script.
public enum ShellWords {
    /// Splits `text` at unquoted whitespace. Single quotes keep everything literally; double quotes keep
    /// everything but `\"` and `\\`; a backslash outside quotes keeps the next character. Returns the words and
    /// the 1-based column where each starts; throws (with the column of the opening quote) on an unclosed quote.
    public static func split(_ text: String) throws(ShellWordsError) -> [(word: String, column: Int)] {
        var words: [(String, Int)] = []
        var current = "", start: Int? = nil
        var quote: Character? = nil, quoteColumn = 0
        var escaped = false
        for (offset, c) in text.enumerated() {
            let column = offset + 1
            if escaped {
                current.append(c)
                escaped = false
                continue
            }
            switch quote {
            case "'":
                if c == "'" { quote = nil } else { current.append(c) }
            case "\"":
                if c == "\\" { escaped = true } else if c == "\"" { quote = nil } else { current.append(c) }
            default:
                if c == " " || c == "\t" {
                    if let s = start { words.append((current, s)); current = ""; start = nil }
                } else {
                    if start == nil { start = column }
                    if c == "'" || c == "\"" { quote = c; quoteColumn = column } else if c == "\\" { escaped = true } else { current.append(c) }
                }
            }
        }
        if quote != nil { throw ShellWordsError(column: quoteColumn, message: "this quote is never closed") }
        if escaped { throw ShellWordsError(column: text.count, message: "a backslash ends the line; escape it as \\\\ or drop it") }
        if let s = start { words.append((current, s)) }
        return words
    }

    /// `text` as one word for bash or sh: in single quotes, each `'` written as `'\''`. Nothing inside single
    /// quotes is special to the shell (no `$`, backticks, globbing or word splitting, and a newline is just a
    /// character), so the word stays exactly `text` whatever it holds.
    public static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Words joined for display, each quoted only when it needs to be.
    public static func display(_ words: [String]) -> String {
        words.map { word in
            let plain = !word.isEmpty && word.allSatisfy { c in c.isASCII && (c.isLetter || c.isNumber || "-_./,=:+@%".contains(c)) }
            return plain ? word : quoted(word)
        }.joined(separator: " ")
    }
}

/// A line of shell words that cannot be split.
public struct ShellWordsError: Error, Equatable {
    /// 1-based column of the problem.
    public let column: Int
    /// What is wrong.
    public let message: String
}
