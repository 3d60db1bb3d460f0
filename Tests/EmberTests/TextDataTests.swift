import Foundation
import Testing
@testable import Ember

/// Tokenizing, the vocabulary, the book's two samplers and text files.
@Suite struct TextDataTests {
    @Test func tokenizesWordsAndCharacters() {
        #expect(tokenize(["the time  machine", ""]) == [["the", "time", "machine"], []])
        #expect(tokenize(["床前明月光", "a b"], .char) == [["床", "前", "明", "月", "光"], ["a", " ", "b"]])
    }

    /// As the book's `Vocab`: `<unk>` first, reserved tokens, then by count, ties in order of appearance.
    @Test func vocabularyOrdersByFrequency() {
        let tokens = [["the", "time", "machine", "by"], ["the", "time", "traveller"], ["the"]]
        let vocab = Vocab(tokens)
        #expect(vocab.idxToToken == ["<unk>", "the", "time", "machine", "by", "traveller"])
        #expect(vocab.tokenFreqs.map(\.count) == [3, 2, 1, 1, 1])
        #expect(vocab["time"] == 2 && vocab["tardis"] == 0 && vocab[["the", "tardis"]] == [1, 0])
        #expect(vocab.toTokens([3, 0]) == ["machine", "<unk>"])
        let frequent = Vocab(tokens, minFreq: 2, reservedTokens: ["<pad>", "<bos>"])
        #expect(frequent.idxToToken == ["<unk>", "<pad>", "<bos>", "the", "time"] && frequent.count == 5)
    }

    /// The book's example: `my_seq = list(range(30))`, batch 2, 6 steps.
    @Test func sequentialBatchesContinueRowByRow() {
        let batches = SequenceBatches.sequential(Array(0..<30), batchSize: 2, numSteps: 6)
        #expect(batches.count == 2)
        #expect(batches[0].0.toInts() == [0, 1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20])
        #expect(batches[0].1.toInts() == [1, 2, 3, 4, 5, 6, 16, 17, 18, 19, 20, 21])
        #expect(batches[1].0.toInts() == [6, 7, 8, 9, 10, 11, 21, 22, 23, 24, 25, 26])
        #expect(batches[1].0.shape == [2, 6] && batches[1].0.dtype == .int64)
    }

    @Test func randomBatchesTakeEachSequenceOnce() {
        let batches = SequenceBatches.random(Array(0..<30), batchSize: 2, numSteps: 6, generator: Generator(seed: 3))
        #expect(batches.count == 2)
        let rows = batches.flatMap { x, y in
            zip(x.toInts().chunked(6), y.toInts().chunked(6)).map { ($0, $1) }
        }
        #expect(Set(rows.map { $0.0[0] }) == [0, 6, 12, 18])
        for (x, y) in rows {
            #expect(x == Array(x[0]..<x[0] + 6) && y == x.map { $0 + 1 })
        }
        #expect(SequenceBatches.random([1, 2, 3], batchSize: 1, numSteps: 6).isEmpty)
    }

    @Test func textFilesAreReadAsLinesOrRefusedNamingTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-text-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("poem.txt").path
        try Data("床前明月光\n疑是地上霜\n".utf8).write(to: URL(fileURLWithPath: good))
        let file = try TextFile(good)
        #expect(file.lines == ["床前明月光", "疑是地上霜", ""])
        let (corpus, vocab) = file.corpus(.char)
        #expect(corpus.count == 10 && vocab.count == 11 && vocab.toTokens(Array(corpus.prefix(2))) == ["床", "前"])

        let fortune = dir.appendingPathComponent("fortune").path
        try Data("\u{1B}[32m《静夜思》\u{1B}[m\n床前明月光\n%\nA day for firm decisions!\n%\n".utf8).write(to: URL(fileURLWithPath: fortune))
        #expect(try TextFile(fortune, format: .fortune).lines == ["《静夜思》", "床前明月光", "A day for firm decisions!", ""])

        let bad = dir.appendingPathComponent("latin1.txt").path
        try Data([0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: bad))
        let empty = dir.appendingPathComponent("empty.txt").path
        try Data().write(to: URL(fileURLWithPath: empty))
        for (path, kind, words) in [(bad, DatasetError.Kind.invalidFormat, "not UTF-8"), (empty, .invalidFormat, "empty"),
                                    (dir.appendingPathComponent("none.txt").path, .missing, "not found"),
                                    (dir.path, .cannotRead, "directory")] {
            #expect {
                _ = try TextFile(path)
            } throws: { error in
                guard let e = error as? DatasetError else { return false }
                return e.kind == kind && e.description.contains(path) && e.description.contains(words) && !e.description.contains("\n")
            }
        }
    }
}

/// Debian's 300 Tang poems (`fortunes-zh`, which the bootstrap installs), read as the notes' corpus.
@Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/games/fortunes/tang300")))
func tangPoemsReadAsACharacterCorpus() throws {
    let file = try TextFile("/usr/share/games/fortunes/tang300", format: .fortune)
    #expect(!file.lines.contains { $0.contains("\u{1B}") || $0 == "%" })
    let (corpus, vocab) = file.corpus(.char)
    #expect(corpus.count > 20_000 && vocab.count > 1_000)
    #expect(vocab.toTokens([1]) == ["，"] || vocab.toTokens([1]) == ["。"])
}

private extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
