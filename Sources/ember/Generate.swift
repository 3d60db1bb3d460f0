import ArgumentParser
import Ember
import Foundation

/// `ember generate CHECKPOINT --prefix TEXT`: text from a character language model that
/// `ember train char-*` wrote (its checkpoint or final weights), continued from a prefix.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text with a character language model trained by `ember train char-rnn|char-gru|char-lstm`.")

    @Argument(help: "The model.safetensors or checkpoint.safetensors of a char-* run.") var checkpoint: String
    @Option(parsing: .unconditional, help: "The text to start from (it may start with '-').") var prefix: String
    @Option(parsing: .unconditional, help: "Characters to generate after the prefix (at most \(Generate.maxLength)).") var length = 50
    @Option(parsing: .unconditional, help: "0 takes the most likely character each time (the book's choice); above 0 draws from the softmax of the logits divided by it.")
    var temperature = 0.0
    @Option(parsing: .unconditional, help: "Random seed of the draws.") var seed: UInt64 = 0

    func validate() throws {
        guard !prefix.isEmpty else { throw ValidationError("--prefix must not be empty") }
        guard (0...Self.maxLength).contains(length) else { throw ValidationError("--length must be from 0 to \(Self.maxLength), got \(length)") }
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be 0 or more, got \(temperature)") }
    }

    func run() throws {
        let (model, vocab) = try Self.load(checkpoint)
        let index = Dictionary(vocab.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let unknown = Set(tokenize([prefix], .char)[0].filter { index[$0] == nil })
        if !unknown.isEmpty {
            FileHandle.standardError.write(Data("warning: not in the vocabulary, read as <unk>: \(unknown.sorted().joined(separator: " "))\n".utf8))
        }
        let tokens = tokenize([prefix], .char)[0].map { index[$0] ?? 0 }
        let out = model.predict(prefix: tokens, count: length, temperature: temperature, generator: Generator(seed: seed))
        print(out.map { vocab[$0] }.joined())
    }

    /// The most characters one run generates.
    static let maxLength = 1_000_000

    /// The model and vocabulary a char-* run saved at `path`.
    static func load(_ path: String) throws -> (RNNModel, [String]) {
        let (weights, meta) = try TrainedModel.weights(at: path)
        guard let kind = meta[TrainedModel.workloadKey].flatMap(CharModelKind.init(rawValue:)) else {
            throw CommandError("'\(path)' is not a char-rnn, char-gru or char-lstm model (its metadata names \(meta[TrainedModel.workloadKey].map { "'\($0)'" } ?? "no workload"))")
        }
        guard let hidden = meta["hidden"].flatMap({ Int($0) }), hidden > 0,
              let vocab = meta["vocab"].flatMap({ try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }), !vocab.isEmpty else {
            throw CommandError("'\(path)' has a damaged 'hidden' or 'vocab' in its metadata")
        }
        // The metadata's sizes are checked against the tensors the file holds (whose sizes the
        // reader checked against the file's) before a model is built from them.
        let shapes = Dictionary(weights.map { ($0.0, $0.1.shape) }, uniquingKeysWith: { a, _ in a })
        let (rows, overflow) = kind.gates.multipliedReportingOverflow(by: hidden)
        guard !overflow, shapes["rnn.weight_ih_l0"] == [rows, vocab.count], shapes["rnn.weight_hh_l0"] == [rows, hidden] else {
            throw CommandError("'\(path)' does not hold a \(kind.rawValue) model of \(hidden) hidden units over \(vocab.count) characters")
        }
        let model = kind.model(vocabSize: vocab.count, hidden: hidden)
        do {
            try model.loadStateDict(StateDict(weights))
        } catch {
            throw CommandError("'\(path)' does not hold \(kind.rawValue) weights: \(error.summary)")
        }
        model.eval()
        return (model, vocab)
    }
}
