import ArgumentParser
import Ember
import Foundation

/// `ember train WORKLOAD`: the textbook's experiments with their recipes, a progress bar, and
/// metrics, figure and checkpoints written to `--out`.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a textbook model (Fashion-MNIST, or synthetic data for linreg).",
        discussion: """
            Workloads: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")). Each epoch writes \
            metrics.csv, TensorBoard events, curves.png/svg and checkpoint.safetensors to --out; the end \
            writes model.safetensors. Ctrl-C stops after the current step and keeps the last checkpoint.
            """)

    @Argument(help: "What to train: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workload: Workload
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
    @Option(help: "Also write the final result as JSON (the keys of shared/bench/torch_ref.py).") var json: String?
    @Flag(help: "Stop when the loss becomes NaN or infinite (exit status 1; the last good checkpoint stays).")
    var stopOnNan = false

    func validate() throws {
        for (name, value) in [("--epochs", epochs), ("--batch-size", batchSize)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive, got \(lr)") }
        guard workers >= 0 else { throw ValidationError("--workers must not be negative, got \(workers)") }
        try OutputPaths.checkDirectory(outDir, option: out == nil ? "the output directory" : "--out")
        if let json { try OutputPaths.checkFile(json, option: "--json") }
    }

    var recipe: Recipe {
        Recipe(workload: workload, epochs: epochs ?? workload.defaultEpochs,
               batchSize: batchSize ?? workload.defaultBatchSize, lr: lr ?? workload.defaultLR)
    }

    var outDir: String { out ?? "runs/" + workload.rawValue }

    func run() throws {
        threading.apply()
        manualSeed(seed)
        Interrupt.install()
        let result = try workload == .linreg ? LinearRegressionRun(recipe: recipe, out: outDir).run()
            : ClassifierRun(recipe: recipe, data: data, workers: workers, out: outDir, resume: resume, stopOnNaN: stopOnNan).run()
        if let json { try writeJSON(result, to: json) }
    }
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
func stopForInterrupt(lastEpoch: Int, checkpoint: String) -> ExitCode {
    let kept = lastEpoch > 0 ? "the checkpoint of epoch \(lastEpoch) is '\(checkpoint)'; continue with --resume \(checkpoint)"
        : "no epoch finished, no checkpoint written"
    FileHandle.standardError.write(Data("\ninterrupted: \(kept)\n".utf8))
    return ExitCode(130)
}

/// Median seconds of the epochs, rounded as torch_ref.py rounds them.
func medianSeconds(_ seconds: [Double]) -> Double {
    (seconds.sorted()[seconds.count / 2] * 1000).rounded() / 1000
}
