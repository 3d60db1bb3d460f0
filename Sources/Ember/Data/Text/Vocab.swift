/// How `tokenize` splits a line: into words (runs of non-whitespace) or characters.
public enum TokenKind: Sendable {
    case word, char
}

/// Each line as tokens: its words (split at whitespace) or its characters (grapheme clusters:
/// one Chinese character, one letter). The book's `d2l.tokenize(lines, token)`.
public func tokenize(_ lines: [String], _ token: TokenKind = .word) -> [[String]] {
    lines.map { line in
        switch token {
        case .word: line.split(whereSeparator: \.isWhitespace).map(String.init)
        case .char: line.map(String.init)
        }
    }
}

/// A vocabulary: tokens and their indices. Index 0 is `<unk>`, which every unknown token maps
/// to; the reserved tokens follow, then the tokens counted at least `minFreq` times, most
/// frequent first (ties in order of first appearance). The book's `d2l.Vocab`.
public struct Vocab: Sendable {
    /// The tokens by index. The book's `idx_to_token`.
    public let idxToToken: [String]
    /// The index of each token. The book's `token_to_idx`.
    public let tokenToIdx: [String: Int]
    /// Every token counted, with its count, most frequent first (ties in order of first
    /// appearance), including those below `minFreq`. The book's `token_freqs`.
    public let tokenFreqs: [(token: String, count: Int)]

    /// The index every unknown token maps to: 0.
    public var unk: Int { 0 }

    /// PyTorch's book: `Vocab(tokens, min_freq=0, reserved_tokens=None)`; `tokens` are lines of
    /// tokens, flattened.
    public init(_ tokens: [[String]], minFreq: Int = 0, reservedTokens: [String] = []) {
        var counts: [String: Int] = [:], order: [String] = []
        for line in tokens {
            for token in line {
                if counts[token] == nil { order.append(token) }
                counts[token, default: 0] += 1
            }
        }
        let firstSeen = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        tokenFreqs = order.map { ($0, counts[$0]!) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && firstSeen[$0.0]! < firstSeen[$1.0]!) }
        var tokens = ["<unk>"], index = ["<unk>": 0]
        for token in reservedTokens + tokenFreqs.filter({ $0.count >= minFreq }).map(\.token) where index[token] == nil {
            index[token] = tokens.count
            tokens.append(token)
        }
        idxToToken = tokens
        tokenToIdx = index
    }

    /// The number of tokens, `<unk>` and the reserved ones included. The book's `len(vocab)`.
    public var count: Int { idxToToken.count }

    /// The index of `token`, `unk` when it is not in the vocabulary. The book's `vocab[token]`.
    public subscript(token: String) -> Int { tokenToIdx[token] ?? unk }

    /// The indices of `tokens`. The book's `vocab[tokens]`.
    public subscript(tokens: [String]) -> [Int] { tokens.map { self[$0] } }

    /// The tokens at `indices`. The book's `vocab.to_tokens(indices)`.
    public func toTokens(_ indices: [Int]) -> [String] {
        for i in indices { check(idxToToken.indices.contains(i), "index \(i) is out of range for a vocabulary of \(count) tokens") }
        return indices.map { idxToToken[$0] }
    }
}
