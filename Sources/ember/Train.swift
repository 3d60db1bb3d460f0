import ArgumentParser
import Ember
import Foundation

/// `ember train WORKLOAD`: the textbook's experiments with their recipes, a progress bar, and
/// metrics, figure and checkpoints written to `--out`.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a textbook model (Fashion-MNIST, synthetic data for linreg, or a text corpus for char-*).",
        discussion: """
            Workloads: \(TrainTarget.allValueStrings.joined(separator: ", ")). Each epoch writes \
            metrics.csv, TensorBoard events, curves.png/svg and checkpoint.safetensors to --out; the end \
            writes model.safetensors. Ctrl-C stops after the current step and keeps the last checkpoint. \
            The char-* language models train on --corpus (tang300, song100, fortunes, or any UTF-8 file) \
            and print text generated from each --prefix every --predict-every epochs.
            """)

    @Argument(help: "What to train: \(TrainTarget.allValueStrings.joined(separator: ", ")).")
    var workload: TrainTarget
    @Option(parsing: .unconditional, help: "Epochs (default: the recipe's).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Batch size (default: the recipe's).") var batchSize: Int?
    @Option(parsing: .unconditional, help: "Learning rate (default: the recipe's).") var lr: Double?
    @Option(help: "Fashion-MNIST directory (IDX files, gzipped or not).") var data = FashionMNIST.defaultRoot
    @Option(parsing: .unconditional, help: "Background threads preparing batches.") var workers = 0
    @Option(parsing: .unconditional, help: "Random seed, as torch.manual_seed's: the same seed gives torch_ref.py's initial weights and shuffles.")
    var seed: UInt64 = 0
    @OptionGroup var threading: ThreadOptions
    @Option(help: "Output directory (default: runs/WORKLOAD).") var out: String?
    @Option(help: "Resume from a checkpoint.safetensors written by an earlier run.") var resume: String?
    @Option(help: "Also write the final result as JSON (the keys of shared/bench/torch_ref.py; a NaN or infinite number is written as null).") var json: String?
    @Flag(help: "Stop when the loss becomes NaN or infinite (exit status 1; the last good checkpoint stays).")
    var stopOnNan = false
    @Flag(help: "Train on every process mpirun started (mpirun -np N ember train ... --distributed): --batch-size per process, rank 0 prints and writes.")
    var distributed = false
    @OptionGroup(title: "Language models (char-rnn, char-gru, char-lstm)") var language: LanguageOptions

    func validate() throws {
        for (name, value) in [("--epochs", epochs), ("--batch-size", batchSize)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        // Infinity is refused like NaN: no step can use it, and the checkpoint's JSON cannot hold it.
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be positive and finite, got \(lr)") }
        if distributed, !(TrainTarget.distributable.contains { $0 == workload.name }) {
            throw ValidationError("--distributed trains the Fashion-MNIST classifiers (\(TrainTarget.distributable.joined(separator: ", "))), not \(workload.name)")
        }
        guard workers >= 0 else { throw ValidationError("--workers must not be negative, got \(workers)") }
        // Each worker is a thread holding `prefetchFactor` (2) batches in flight: past a few per
        // core they only contend, and 256 workers already hold 512 batches (26 GB of AlexNet's
        // 224-pixel images at the recipe's batch size); a huge count overflowed the loader's
        // `workers × prefetch` and trapped.
        guard workers <= Self.maxWorkers else {
            throw ValidationError("--workers must be at most \(Self.maxWorkers) (each holds batches in flight; more only contend), got \(workers)")
        }
        try OutputPaths.checkDirectory(outDir, option: out == nil ? "the output directory" : "--out", files: RunOutputs.fileNames)
        if let json { try OutputPaths.checkFile(json, option: "--json") }
        if case .classifier(let w) = workload, let option = language.given.first {
            throw ValidationError("\(option) applies to the language models (\(CharModelKind.allCases.map(\.rawValue).joined(separator: ", "))), not to \(w.rawValue)")
        }
        try language.validate()
    }

    var outDir: String { out ?? "runs/" + workload.name }

    /// The most `--workers`.
    static let maxWorkers = 256

    func run() throws {
        Interrupt.install()  // before MPI's and the kernels' threads start, which inherit its signal mask
        let team = distributed ? try TrainingTeam.join() : .alone
        threading.apply(ranksOnThisMachine: team.isDistributed ? Distributed.localWorldSize : 1)
        manualSeed(seed)
        let result: [String: Any]
        do {
            result = try train(team)
        } catch let exit as ExitCode {
            // Ctrl-C or --stop-on-nan: every rank stopped at the same step (TrainingTeam.any).
            team.leave()
            throw exit
        } catch {
            // Any other failure ends every rank, so that none waits for this one.
            guard team.isDistributed else { throw error }
            FileHandle.standardError.write(Data("rank \(team.rank): error: \(error)\n".utf8))
            Distributed.abort(exitCode: 1)
        }
        team.leave()
        if let json, team.isLeader { try writeJSON(result, to: json) }
    }

    private func train(_ team: TrainingTeam) throws -> [String: Any] {
        switch workload {
        case .language(let kind):
            return try LanguageModelRun(recipe: language.recipe(kind, epochs: epochs, batchSize: batchSize, lr: lr), out: outDir,
                                        resume: resume, stopOnNaN: stopOnNan).run()
        case .classifier(let w):
            let recipe = Recipe(workload: w, epochs: epochs ?? w.defaultEpochs, batchSize: batchSize ?? w.defaultBatchSize,
                                lr: lr ?? w.defaultLR)
            return try w == .linreg ? LinearRegressionRun(recipe: recipe, out: outDir, stopOnNaN: stopOnNan).run()
                : ClassifierRun(recipe: recipe, data: data, workers: workers, out: outDir, resume: resume, stopOnNaN: stopOnNan,
                                team: team, seed: seed).run()
        }
    }
}

/// What `ember train` trains: a textbook classifier workload or a character language model.
enum TrainTarget: ExpressibleByArgument {
    case classifier(Workload), language(CharModelKind)

    init?(argument: String) {
        if let w = Workload(rawValue: argument) { self = .classifier(w) }
        else if let k = CharModelKind(rawValue: argument) { self = .language(k) }
        else { return nil }
    }

    static var allValueStrings: [String] { Workload.allCases.map(\.rawValue) + CharModelKind.allCases.map(\.rawValue) }

    /// The workloads `--distributed` trains: the Fashion-MNIST classifiers.
    static var distributable: [String] { Workload.allCases.filter { $0 != .linreg }.map(\.rawValue) }

    var name: String {
        switch self {
        case .classifier(let w): w.rawValue
        case .language(let k): k.rawValue
        }
    }
}

/// `ember train char-*`'s options, with the book's recipe as defaults (Adam, 256 hidden units, 35
/// steps, batches of 32, clipping at norm 1, sequential batches), for 30 epochs rather than 250
/// and at a learning rate to match (`CharModelKind.defaultLR`).
struct LanguageOptions: ParsableArguments {
    @Option(help: "The text: tang300, song100, fortunes (Debian's, installed by the bootstrap) or a UTF-8 file (default: tang300).")
    var corpus: String?
    @Option(parsing: .unconditional, help: "Hidden units (default: 256).") var hidden: Int?
    @Option(parsing: .unconditional, help: "Time steps per sequence (default: 35).") var steps: Int?
    @Option(parsing: .unconditional, help: "Clip the gradient's norm to this (default: 1).") var clip: Double?
    @Flag(help: "Random batches, each from a zero state (default: sequential batches, the state carried over).")
    var randomSampling = false
    @Option(parsing: .unconditional, help: "Print generated text every this many epochs (default: 10).") var predictEvery: Int?
    @Option(parsing: .unconditionalSingleValue,
            help: "A prefix to generate from (repeatable; default: two openings for a named corpus, a file's first two characters).")
    var prefix: [String] = []
    @Option(parsing: .unconditional, help: "Characters generated after each prefix (default: 50, at most \(Generate.maxLength)).")
    var predictLength: Int?

    /// The options given on the command line, by name.
    var given: [String] {
        [("--corpus", corpus != nil), ("--hidden", hidden != nil), ("--steps", steps != nil), ("--clip", clip != nil),
         ("--random-sampling", randomSampling), ("--predict-every", predictEvery != nil), ("--prefix", !prefix.isEmpty),
         ("--predict-length", predictLength != nil)].filter(\.1).map(\.0)
    }

    func validate() throws {
        for (name, value) in [("--hidden", hidden), ("--steps", steps), ("--predict-every", predictEvery)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let predictLength, !(0...Generate.maxLength).contains(predictLength) {
            throw ValidationError("--predict-length must be from 0 to \(Generate.maxLength), got \(predictLength)")
        }
        if let clip, !(clip > 0) { throw ValidationError("--clip must be positive, got \(clip)") }
    }

    /// The recipe of `kind` with these options and the shared ones.
    func recipe(_ kind: CharModelKind, epochs: Int?, batchSize: Int?, lr: Double?) -> LanguageRecipe {
        let corpus = corpus ?? "tang300"
        let prefixes = !prefix.isEmpty ? prefix : LanguageOptions.defaultPrefixes[corpus] ?? []
        return LanguageRecipe(kind: kind, corpus: corpus, epochs: epochs ?? 30, batchSize: batchSize ?? 32, lr: lr ?? kind.defaultLR,
                              hidden: hidden ?? 256, numSteps: steps ?? 35, clip: clip ?? 1, randomSampling: randomSampling,
                              predictEvery: predictEvery ?? 10, prefixes: prefixes, predictLength: predictLength ?? 50)
    }

    /// Prefixes for the named corpora: the openings of two famous Tang lines (白日依山尽, 床前明月光),
    /// of a Song lyric (明月几时有), and of fortunes.
    static let defaultPrefixes = ["tang300": ["白日", "床前"], "song100": ["明月", "人生"], "fortunes": ["You will", "The "]]
}

/// A workload's hyperparameters for one run.
struct Recipe {
    let workload: Workload
    let epochs: Int
    let batchSize: Int
    let lr: Double

    /// The metadata each checkpoint records.
    func metadata(epoch: Int) -> [String: String] {
        [TrainedModel.workloadKey: workload.rawValue, "epoch": String(epoch), "batch_size": String(batchSize),
         "lr": String(lr)]
    }

    /// The metadata key of the default generator's state, which shuffles the epochs.
    static let rngStateKey = "rng_state"

    /// The default generator's state as checkpoint metadata (hex of `getRngState()`), so a
    /// resumed run shuffles its next epochs as an uninterrupted one.
    static func shuffleState() -> [String: String] {
        [rngStateKey: getRngState().toInts().map { String(format: "%02x", $0) }.joined()]
    }

    /// Restores the state `shuffleState` wrote into a checkpoint's metadata.
    static func restoreShuffleState(_ metadata: [String: String], from path: String) throws {
        guard let hex = metadata[rngStateKey] else { return }
        let digits = Array(hex.utf8)
        let bytes = stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            Int(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
        guard digits.count == 2 * 5056, bytes.count == 5056 else {
            throw CommandError("--resume: '\(path)' has a damaged '\(rngStateKey)' (expected 10112 hex digits)")
        }
        let state = Tensor(bytes, shape: [5056], dtype: .uint8)
        if let problem = Generator.stateProblem(state) {
            throw CommandError("--resume: '\(path)' has a damaged '\(rngStateKey)' (\(problem))")
        }
        setRngState(state)
    }
}

/// Stops a run interrupted by Ctrl-C, saying which checkpoint is the last complete one.
func stopForInterrupt(lastEpoch: Int, checkpoint: String, quiet: Bool = false) -> ExitCode {
    let kept = lastEpoch > 0 ? "the checkpoint of epoch \(lastEpoch) is '\(checkpoint)'; continue with --resume \(checkpoint)"
        : "no epoch finished, no checkpoint written"
    if !quiet { FileHandle.standardError.write(Data("\ninterrupted: \(kept)\n".utf8)) }
    return ExitCode(130)
}

/// Median seconds of the epochs, rounded as torch_ref.py rounds them.
func medianSeconds(_ seconds: [Double]) -> Double {
    (seconds.sorted()[seconds.count / 2] * 1000).rounded() / 1000
}
