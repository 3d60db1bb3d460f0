import ArgumentParser
import Ember
import Foundation

/// The RNN chapter's character-level language models: the book's `RNNModel` on a recurrent layer.
enum CharModelKind: String, CaseIterable, ExpressibleByArgument {
    case charRNN = "char-rnn", charGRU = "char-gru", charLSTM = "char-lstm"

    /// Adam's learning rate when `--lr` is not given. The book's is 1e-3 for 250 epochs; 1e-2
    /// takes the gated layers to a training perplexity near 1 on the Tang poems in 30 (LSTM 1.23,
    /// GRU 1.05) but stalls the plain RNN near 1050 (PyTorch's too: 1044 after 5 epochs against
    /// Ember's 1057), which learns at 1e-3 (222 after 10 epochs).
    var defaultLR: Double { self == .charRNN ? 1e-3 : 1e-2 }

    /// Gates per hidden unit: the rows of `W_ih` and `W_hh` are this many times the hidden size.
    var gates: Int {
        switch self {
        case .charRNN: 1
        case .charGRU: 3
        case .charLSTM: 4
        }
    }

    /// The model's parameter count over `vocabSize` characters with `hidden` units, nil when it
    /// cannot be counted: both weights and biases of the layer, then the head.
    func parameterCount(vocabSize v: Int, hidden h: Int) -> Int? {
        func times(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            let (r, o) = a.multipliedReportingOverflow(by: b)
            return o ? nil : r
        }
        func plus(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            let (r, o) = a.addingReportingOverflow(b)
            return o ? nil : r
        }
        // gates·h rows of v + h weights and two biases; the head's v rows of h weights and a bias.
        return plus(times(times(gates, h), plus(plus(v, h), 2)), times(v, plus(h, 1)))
    }

    /// The most parameters a model may have (8 GiB of float32 weights, as much again for each of
    /// Adam's two moments and the gradient).
    static let parameterLimit = 1 << 31

    /// The model over `vocabSize` characters with `hidden` units (PyTorch's initialization).
    func model(vocabSize: Int, hidden: Int) -> RNNModel {
        let layer: RNNBase = switch self {
        case .charRNN: RNN(vocabSize, hidden)
        case .charGRU: GRU(vocabSize, hidden)
        case .charLSTM: LSTM(vocabSize, hidden)
        }
        return RNNModel(layer, vocabSize: vocabSize)
    }
}

/// A language model's corpus: a file's characters, its lines joined by spaces as the book joins
/// its lyrics (`corpus_chars.replace('\n', ' ')`), and their vocabulary.
struct CharCorpus {
    let path: String
    let tokens: [Int]
    let vocab: [String]

    /// The corpora the bootstrap installs from Debian, by name.
    static let named = ["tang300": "/usr/share/games/fortunes/tang300", "song100": "/usr/share/games/fortunes/song100",
                        "fortunes": "/usr/share/games/fortunes/fortunes"]

    /// Reads `name` (one of `named`, read as fortune files, or the path of any UTF-8 file).
    init(_ name: String) throws {
        let file = try TextFile(Self.named[name] ?? name, format: Self.named[name] == nil ? .plain : .fortune)
        let chars = tokenize([file.lines.filter { !$0.isEmpty }.joined(separator: " ")], .char)
        let vocab = Vocab(chars)
        path = file.path
        tokens = vocab[chars[0]]
        self.vocab = vocab.idxToToken
    }
}

/// Training settings of a language model.
struct LanguageRecipe {
    let kind: CharModelKind
    let corpus: String
    let epochs: Int, batchSize: Int, lr: Double
    let hidden: Int, numSteps: Int, clip: Double
    let randomSampling: Bool
    /// Epochs between samples of generated text, the prefixes they start from and their length.
    let predictEvery: Int, prefixes: [String], predictLength: Int

    /// The metadata each checkpoint and the final weights record: enough to rebuild the model
    /// (`ember generate`) and to check that a resumed run trains the same one.
    func metadata(epoch: Int, vocab: [String]) -> [String: String] {
        [TrainedModel.workloadKey: kind.rawValue, "epoch": String(epoch), "batch_size": String(batchSize), "lr": String(lr),
         "hidden": String(hidden), "num_steps": String(numSteps), "clip": String(clip), "corpus": corpus,
         "vocab": String(decoding: try! JSONEncoder().encode(vocab), as: UTF8.self)]
    }
}

/// Training a character language model: epochs of sequential (or random) batches with the
/// hidden state carried (and detached) between sequential batches, gradient clipping by norm,
/// perplexity per epoch, and text sampled from the prefixes every few epochs.
struct LanguageModelRun {
    let recipe: LanguageRecipe
    let out: String
    let resume: String?
    let stopOnNaN: Bool

    func run() throws -> [String: Any] {
        let corpus = try CharCorpus(recipe.corpus)
        // Random batches cut sequences of numSteps + 1 tokens that overlap by one; sequential ones
        // need batchSize rows of numSteps + 1.
        let (perRow, o1) = recipe.numSteps.addingReportingOverflow(recipe.randomSampling ? 0 : 1)
        let (rows, o2) = recipe.batchSize.multipliedReportingOverflow(by: perRow)
        let (needed, o3) = rows.addingReportingOverflow(recipe.randomSampling ? 1 : 0)
        guard !o1, !o2, !o3, corpus.tokens.count >= needed else {
            if o1 || o2 || o3 {
                throw CommandError("--corpus: one batch of \(recipe.batchSize) sequences of \(recipe.numSteps) steps is more than '\(corpus.path)' can hold")
            }
            throw CommandError("--corpus: '\(corpus.path)' has \(corpus.tokens.count) characters, fewer than one batch of "
                               + "\(recipe.batchSize) sequences of \(recipe.numSteps) steps needs (\(needed))")
        }
        let parameters = recipe.kind.parameterCount(vocabSize: corpus.vocab.count, hidden: recipe.hidden)
        guard let parameters, parameters <= CharModelKind.parameterLimit else {
            throw CommandError("--hidden: \(recipe.hidden) units over \(corpus.vocab.count) characters make a model of "
                               + (parameters.map { "\($0)" } ?? "uncountably many") + " parameters, more than \(CharModelKind.parameterLimit)")
        }
        let model = recipe.kind.model(vocabSize: corpus.vocab.count, hidden: recipe.hidden)
        let optimizer = Adam(model.parameters(), lr: recipe.lr)
        var startEpoch = 0
        if let resume {
            let meta = try Checkpoint.load(from: resume).metadata
            guard meta[TrainedModel.workloadKey] == recipe.kind.rawValue, meta["vocab"] == recipe.metadata(epoch: 0, vocab: corpus.vocab)["vocab"],
                  meta["hidden"] == String(recipe.hidden) else {
                throw CommandError("--resume: '\(resume)' is not a checkpoint of \(recipe.kind.rawValue) with \(recipe.hidden) hidden units on this corpus")
            }
            let restored = try TrainingCheckpoint.load(from: resume, model: model, optimizer: optimizer)
            guard let epoch = restored["epoch"].flatMap({ Int($0) }), epoch >= 0 else {
                throw CommandError("--resume: '\(resume)' has a damaged 'epoch' in its metadata")
            }
            startEpoch = epoch
            try Recipe.restoreShuffleState(restored, from: resume)
            say("resumed from \(resume) after epoch \(startEpoch)")
        }
        let (lastEpoch, overflow) = startEpoch.addingReportingOverflow(recipe.epochs)
        guard !overflow else { throw CommandError("--epochs: \(recipe.epochs) more epochs after epoch \(startEpoch) is more than can be counted") }
        let outputs = try RunOutputs(dir: out, resumingAfter: resume == nil ? nil : startEpoch, languageModel: true)
        let index = Dictionary(corpus.vocab.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // Without prefixes, the text goes on from the corpus's first two characters.
        let prefixes = recipe.prefixes.isEmpty ? [Array(corpus.tokens.prefix(2))]
            : recipe.prefixes.map { tokenize([$0], .char)[0].map { index[$0] ?? 0 } }.filter { !$0.isEmpty }
        var watch = LossWatch(stopOnNaN: stopOnNaN, checkpoint: resume)
        var firstStep: Double?, epochSeconds: [Double] = [], tokensPerSecond: [Double] = [], loss = 0.0
        say("\(recipe.kind.rawValue): \(corpus.tokens.count) characters of '\(corpus.path)', vocabulary \(corpus.vocab.count)")
        for epoch in (startEpoch + 1)...lastEpoch {
            let started = Date()
            let batches = recipe.randomSampling
                ? SequenceBatches.random(corpus.tokens, batchSize: recipe.batchSize, numSteps: recipe.numSteps)
                : SequenceBatches.sequential(corpus.tokens, batchSize: recipe.batchSize, numSteps: recipe.numSteps)
            let bar = ProgressBar(total: batches.count, label: "epoch \(epoch)/\(lastEpoch)", unit: "tokens", metric: .perplexity)
            var state: RNNModel.State?
            for (step, (x, y)) in batches.enumerated() {
                // Random batches start from zeros; sequential ones go on from the last state,
                // outside the graph of the batch before.
                let (logits, next) = model(x, recipe.randomSampling ? nil : state?.detach())
                state = next
                let batchLoss = F.crossEntropy(logits, y.t().reshape(-1))
                optimizer.zeroGrad()
                batchLoss.backward()
                clipGradNorm_(model.parameters(), maxNorm: recipe.clip)
                optimizer.step()
                let value = batchLoss.item()
                bar.step(samples: y.numel, loss: value, correct: 0)
                try watch.endStep(value, epoch: epoch, step: step + 1, bar: bar, firstStep: &firstStep, checkpoint: outputs.checkpoint)
            }
            epochSeconds.append(Date().timeIntervalSince(started))
            tokensPerSecond.append(bar.rate)
            loss = bar.loss
            bar.finish()
            if epoch % recipe.predictEvery == 0 || epoch == lastEpoch {
                for prefix in prefixes {
                    let text = model.predict(prefix: prefix, count: recipe.predictLength).map { corpus.vocab[$0] }.joined()
                    say(" - " + text)
                }
            }
            try outputs.record(epoch: epoch, trainLoss: loss, perplexity: bar.perplexity, seconds: epochSeconds.last!)
            try outputs.saveCheckpoint(model: model, optimizer: optimizer,
                                       metadata: recipe.metadata(epoch: epoch, vocab: corpus.vocab).merging(Recipe.shuffleState()) { $1 })
            watch.checkpoint = outputs.checkpoint
        }
        try outputs.saveModel(model, metadata: recipe.metadata(epoch: lastEpoch, vocab: corpus.vocab))
        say(String(format: "perplexity %.2f; figure %@, weights %@", Foundation.exp(loss), outputs.figure, outputs.model))
        return [
            "workload": recipe.kind.rawValue, "epochs": recipe.epochs, "batch": recipe.batchSize, "final_train_loss": loss,
            "perplexity": Foundation.exp(loss), "seconds_per_epoch": medianSeconds(epochSeconds),
            "train_tokens_per_s": (tokensPerSecond.sorted()[tokensPerSecond.count / 2] * 10).rounded() / 10,
            "startup_to_first_step_s": ((firstStep ?? 0) * 1000).rounded() / 1000, "peak_rss_mib": RunInfo.peakRSSMiB(),
        ]
    }
}

/// Prints `line` at once, in order with the progress bar's unbuffered output.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
