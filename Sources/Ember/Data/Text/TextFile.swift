/// A UTF-8 text file read whole, as its lines: the corpus of a language model. The book's
/// `read_time_machine()` / `load_data_jay_lyrics()` for any file.
public struct TextFile: Sendable {
    /// The file, as given.
    public let path: String
    /// The file's lines, without their line breaks.
    public let lines: [String]

    /// The layout of a text file.
    public enum Format: Sendable {
        /// Lines as they are.
        case plain
        /// A fortune(6) file (Debian's `fortunes`, `fortunes-zh`: `/usr/share/games/fortunes/tang300`):
        /// entries separated by lines holding only `%`, which are dropped, as are the terminal
        /// colour codes (`ESC [ … m`) that colour some titles.
        case fortune
    }

    /// Reads `path` (at most `limit` bytes) in the given format. Throws a `DatasetError` naming the file when it is
    /// missing, not a regular file, larger than `limit`, empty, or not UTF-8.
    public init(_ path: String, format: Format = .plain, limit: Int = 1 << 30) throws(DatasetError) {
        let bytes: [UInt8]
        do {
            bytes = try RegularFile(path).readAll(limit: limit)
        } catch {
            throw DatasetError(error, path: path)
        }
        guard !bytes.isEmpty else { throw DatasetError(.invalidFormat, path: path, "the file is empty") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetError(.invalidFormat, path: path, "not UTF-8 text")
        }
        self.path = path
        let all = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        switch format {
        case .plain: lines = all
        case .fortune: lines = all.filter { $0 != "%" }.map(Self.withoutColourCodes)
        }
    }

    /// `line` without its ANSI SGR sequences (`ESC [` digits and semicolons `m`).
    private static func withoutColourCodes(_ line: String) -> String {
        guard line.contains("\u{1B}") else { return line }
        var out = "", chars = Array(line), i = 0
        while i < chars.count {
            if chars[i] == "\u{1B}", i + 1 < chars.count, chars[i + 1] == "[" {
                var j = i + 2
                while j < chars.count, chars[j].isNumber || chars[j] == ";" { j += 1 }
                if j < chars.count, chars[j] == "m" { i = j + 1; continue }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    /// The whole text as tokens of `kind` (line breaks dropped) and its vocabulary: `corpus` holds
    /// each token's index. The book's `load_corpus_time_machine` (with `max_tokens` = all).
    public func corpus(_ kind: TokenKind = .char, minFreq: Int = 0, reservedTokens: [String] = []) -> (corpus: [Int], vocab: Vocab) {
        let tokens = tokenize(lines, kind)
        let vocab = Vocab(tokens, minFreq: minFreq, reservedTokens: reservedTokens)
        return (tokens.flatMap { vocab[$0] }, vocab)
    }
}
