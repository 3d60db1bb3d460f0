/// A UTF-8 text file read whole, as its lines: the corpus of a language model. The book's
/// `read_time_machine()` / `load_data_jay_lyrics()` for any file.
public struct TextFile: Sendable {
    /// The file, as given.
    public let path: String
    /// The file's lines, without their line breaks.
    public let lines: [String]

    /// Reads `path` (at most `limit` bytes). Throws a `DatasetError` naming the file when it is
    /// missing, not a regular file, larger than `limit`, empty, or not UTF-8.
    public init(_ path: String, limit: Int = 1 << 30) throws(DatasetError) {
        let bytes: [UInt8]
        do {
            bytes = try RegularFile(path).readAll(limit: limit)
        } catch {
            if case .missing(let reason) = error { throw DatasetError(.missing, path: path, reason) }
            throw DatasetError(.cannotRead, path: path, error.reason)
        }
        guard !bytes.isEmpty else { throw DatasetError(.invalidFormat, path: path, "the file is empty") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetError(.invalidFormat, path: path, "not UTF-8 text")
        }
        self.path = path
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    }

    /// The whole text as tokens of `kind` (line breaks dropped) and its vocabulary: `corpus` holds
    /// each token's index. The book's `load_corpus_time_machine` (with `max_tokens` = all).
    public func corpus(_ kind: TokenKind = .char, minFreq: Int = 0, reservedTokens: [String] = []) -> (corpus: [Int], vocab: Vocab) {
        let tokens = tokenize(lines, kind)
        let vocab = Vocab(tokens, minFreq: minFreq, reservedTokens: reservedTokens)
        return (tokens.flatMap { vocab[$0] }, vocab)
    }
}
