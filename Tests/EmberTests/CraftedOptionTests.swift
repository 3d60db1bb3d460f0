import Foundation
import Testing
@testable import Ember

// The `ember` command against crafted options and output paths (the audit after issue 16): each
// must end with a non-zero status and one `Error:` line naming the option or file (the argument
// parser adds its usage lines after a bad option), never a crash report or a hang, before any
// work, leaving nothing behind; or, where the input is fine after all (a diverging run, an option
// value starting with '-'), it must work. FIFOs stand for every file that is not a regular one:
// the tests run as root and never write near /dev/null or /dev/full.

/// A run of the softmax workload for one epoch (its `checkpoint.safetensors` and
/// `model.safetensors`), made once per test run.
private let softmaxRun: String? = {
    guard emberBinary != nil else { return nil }
    let out = NSTemporaryDirectory() + "ember-options-" + UUID().uuidString
    guard let run = try? ember(["train", "softmax", "--epochs", "1", "--out", out]), run.status == 0 else { return nil }
    return out
}()

/// A small corpus for the character models, with a '-' among its characters: about 2,100 in all.
private let rhyme = String(repeating: "twinkle-twinkle little star\nhow i wonder what you are\n", count: 40)

/// The file type of `path` (`lstat`), `S_IFIFO` and so on; 0 when nothing is there.
private func fileType(_ path: String) -> mode_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
}

@Suite(.serialized, .enabled(if: emberBinary != nil, "needs EMBER_BIN, the release-built ember (make test sets it)"))
struct CraftedOptionTests {
    /// Runs each case and checks the status, the first stderr line (and that the error is one
    /// line), the time and that nothing was written to `out` or left as a temporary in `dir`.
    private func expectRefused(_ cases: [(arguments: [String], names: String)], in dir: String, timeout: Double = 30,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (k, c) in cases.enumerated() {
            let out = "\(dir)/out\(k)"
            let arguments = c.arguments + (c.arguments[0] == "train" && !c.arguments.contains("--out") ? ["--out", out] : [])
            guard let run = try ember(arguments, timeout: timeout) else {
                Issue.record("\(c.arguments) hung or ran past \(timeout) s", sourceLocation: sourceLocation)
                continue
            }
            #expect(run.status != 0 && run.status < 128, "\(c.arguments): status \(run.status)", sourceLocation: sourceLocation)
            let lines = run.stderr.split(separator: "\n").map(String.init)
            let first = lines.first ?? ""
            #expect(first.hasPrefix("Error: ") && first.contains(c.names) && !run.stderr.contains("Backtrac"),
                    "\(c.arguments): \(run.stderr)", sourceLocation: sourceLocation)
            // Only the argument parser's usage lines may follow the error.
            #expect(lines.count == 1 || lines.dropFirst().contains { $0.hasPrefix("Usage:") || $0.hasPrefix("  See") },
                    "\(c.arguments): more than one line: \(run.stderr)", sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: out), "\(c.arguments) left \(files(out))", sourceLocation: sourceLocation)
        }
        #expect(!files(dir).contains { $0.hasPrefix(".") }, "temporary files left: \(files(dir))", sourceLocation: sourceLocation)
    }

    /// 1. An infinite learning rate is refused like NaN; a checkpoint whose optimizer holds one
    /// is a thrown error naming the file (JSON cannot hold it), not a trap.
    @Test func nonFiniteLearningRatesAreRefused() throws {
        try withTempDir { dir in
            try expectRefused([
                (["train", "softmax", "--lr", "inf"], "--lr must be positive and finite, got inf"),
                (["train", "softmax", "--lr", "1e400"], "--lr must be positive and finite, got inf"),
                (["train", "mlp", "--lr", "nan"], "--lr must be positive and finite, got nan"),
            ], in: dir)
            let model = Linear(2, 1), path = dir + "/checkpoint.safetensors"
            let error = #expect(throws: SafeTensorsError.self) {
                try TrainingCheckpoint.save(model: model, optimizer: SGD(model.parameters(), lr: .infinity), to: path)
            }
            #expect(error?.description.contains(path) == true && error?.description.contains("'lr' is inf") == true,
                    "\(String(describing: error))")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    /// 2. `--workers` is bounded (a huge count overflowed the loader's prefetch count).
    @Test func hugeWorkerCountsAreRefused() throws {
        try withTempDir { dir in
            try expectRefused([
                (["train", "softmax", "--workers", "\(Int.max)"], "--workers must be at most 256"),
                (["train", "mlp", "--workers", "257"], "--workers must be at most 256"),
            ], in: dir)
        }
    }

    /// 3. A batch that cannot be addressed, or whose input and activations would not fit in
    /// memory, is refused before the model runs; an ordinary large one still works.
    @Test func batchesBeyondMemoryAreRefused() throws {
        try withTempDir { dir in
            try expectRefused([
                (["summary", "lenet", "--batch", "\(Int.max)"], "--batch: an input of \(Int.max) × 1 × 32 × 32 floats is more than can be addressed"),
                (["summary", "lenet", "--batch", "100000000"], "--batch: an input of 100000000 × 1 × 32 × 32 floats and its activations need about"),
                (["bench", "model", "lenet", "--batch", "\(Int.max)"], "--batch: an input of"),
                (["bench", "model", "lenet", "--batch", "100000000"], "more than this machine's"),
                (["bench", "lenet", "--batch", "100000000", "--json", dir + "/bench.json"], "--batch"),
                (["summary", "resnet18", "--input", "1,16384,16384"], "--input: an input of 1 × 1 × 16384 × 16384 floats and its activations"),
            ], in: dir)
            let fits = try #require(try ember(["summary", "lenet", "--batch", "1000"], timeout: 60))
            #expect(fits.status == 0 && fits.stdout.contains("1000"), "\(fits.stderr)")
        }
    }

    /// 4. The workloads whose model takes flattened images (softmax, mlp-scratch) or features
    /// (linreg) export, as do the others; an input size their first layer cannot take is one line.
    @Test func fromScratchWorkloadsExport() throws {
        try withTempDir { dir in
            let softmax = try #require(softmaxRun) + "/model.safetensors"
            let trained = try #require(try ember(["export", softmax, "--onnx", dir + "/softmax.onnx"], timeout: 60))
            #expect(trained.status == 0 && trained.stdout.contains("input (batch, 784)"), "\(trained.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/softmax.onnx"))

            func scratch(_ sizes: [Int]) -> [(String, Tensor)] {
                zip(sizes, sizes.dropFirst()).enumerated().flatMap { k, io in
                    [("params.\(2 * k)", Tensor.normal(mean: 0, std: 0.01, [io.0, io.1])), ("params.\(2 * k + 1)", Tensor.zeros([io.1]))]
                }
            }
            try SafeTensors.save(scratch([784, 256, 128, 10]), to: dir + "/mlp-scratch.safetensors", metadata: ["workload": "mlp-scratch"])
            try SafeTensors.save(scratch([3, 1]), to: dir + "/linreg.safetensors", metadata: ["workload": "linreg"])
            let mlp = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
            try SafeTensors.save(mlp.stateDict().items.map { ($0.key, $0.value) }, to: dir + "/mlp.safetensors")
            for (name, extra, shape) in [("mlp-scratch", [String](), "784"), ("linreg", [], "3"), ("mlp", ["--workload", "mlp"], "1, 28, 28")] {
                let run = try #require(try ember(["export", "\(dir)/\(name).safetensors", "--onnx", "\(dir)/\(name).onnx"] + extra, timeout: 60))
                #expect(run.status == 0 && run.stdout.contains("input (batch, \(shape))"), "\(name): \(run.stdout) \(run.stderr)")
            }
            try expectRefused([
                (["export", softmax, "--onnx", dir + "/x.onnx", "--input", "1,32,32"], "--input: softmax's first layer takes 28 × 28 images"),
                (["export", dir + "/linreg.safetensors", "--onnx", dir + "/x.onnx", "--input", "1,28,28"], "--input: linreg's first layer takes 3 features"),
                (["export", dir + "/mlp.safetensors", "--workload", "mlp", "--onnx", dir + "/x.onnx", "--input", "3,28,28"], "--input: mlp takes 1 channel"),
            ], in: dir)
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.onnx"))
        }
    }

    /// 5. A diverging run's `--json` holds `null` where a number is not finite, for the
    /// classifiers, linreg and the character models.
    @Test func nonFiniteResultsAreWrittenAsJSONNull() throws {
        try withTempDir { dir in
            try rhyme.write(toFile: dir + "/rhyme.txt", atomically: true, encoding: .utf8)
            let runs: [(String, [String], String)] = [
                ("softmax", ["train", "softmax", "--epochs", "1", "--lr", "1e30"], "final_train_loss"),
                ("linreg", ["train", "linreg", "--epochs", "2", "--lr", "1e30"], "final_loss"),
                ("char-rnn", ["train", "char-rnn", "--epochs", "1", "--lr", "1e30", "--corpus", dir + "/rhyme.txt", "--batch-size", "4",
                              "--steps", "10", "--hidden", "16"], "perplexity"),
            ]
            for (name, arguments, key) in runs {
                let json = "\(dir)/\(name).json"
                let run = try #require(try ember(arguments + ["--out", "\(dir)/\(name)", "--json", json], timeout: 120))
                #expect(run.status == 0, "\(name): \(run.stderr)")
                let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
                #expect(object?[key] is NSNull, "\(name): \(String(describing: object))")
                #expect(object?["epochs"] as? Int != nil, "\(name): whole numbers stay numbers: \(String(describing: object))")
            }
        }
    }

    /// 6. linreg watches its loss as the classifiers do: a warning, or with `--stop-on-nan` a
    /// stop with status 1 and nothing written.
    @Test func linregWarnsOrStopsOnNaN() throws {
        try withTempDir { dir in
            let run = try #require(try ember(["train", "linreg", "--epochs", "2", "--lr", "1e30", "--out", dir + "/on"], timeout: 60))
            #expect(run.status == 0, "\(run.stderr)")
            let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: the loss became") }
            #expect(warnings.count == 1 && warnings[0].contains("at epoch 1, step"), "\(run.stderr)")
            #expect(metricsRows(dir + "/on") == 2)

            let stopped = try #require(try ember(["train", "linreg", "--epochs", "2", "--lr", "1e30", "--stop-on-nan", "--out", dir + "/stop"],
                                                 timeout: 60))
            #expect(stopped.status == 1, "\(stopped.stderr)")
            #expect(stopped.stderr.contains("Error: stopped: the loss became") && stopped.stderr.contains("no checkpoint was written"),
                    "\(stopped.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/stop"))
        }
    }

    /// 7. A FIFO or a directory where an output goes is refused, up front by the commands and by
    /// `AtomicFile` itself, and left as it was.
    @Test func outputsThatAreNotRegularFilesAreRefused() throws {
        try withTempDir { dir in
            let fifo = dir + "/fifo"
            mkfifo(fifo, 0o600)
            let out = dir + "/run"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            mkfifo(out + "/metrics.csv", 0o600)
            let model = try #require(softmaxRun) + "/model.safetensors"
            try expectRefused([
                (["train", "softmax", "--json", fifo], "--json: '\(fifo)' is a FIFO (named pipe), not a regular file"),
                (["train", "softmax", "--out", out], "--out: '\(out)/metrics.csv' is a FIFO"),
                (["summary", "lenet", "--json", fifo], "--json: '\(fifo)' is a FIFO"),
                (["bench", "lenet", "--steps", "1", "--json", fifo], "--json: '\(fifo)' is a FIFO"),
                (["export", model, "--onnx", fifo], "--onnx: '\(fifo)' is a FIFO"),
                (["convert", model, fifo], "OUT: '\(fifo)' is a FIFO"),
            ], in: dir)
            #expect(fileType(fifo) == S_IFIFO && fileType(out + "/metrics.csv") == S_IFIFO)
            #expect(files(out) == ["metrics.csv"])

            for target in [fifo, dir] {
                let error = #expect(throws: TrainingOutputError.self) { try TrainingOutputError.writeAtomically(Array("{}".utf8), to: target) }
                #expect(error?.path == target && error?.reason.contains("not a regular file") == true, "\(String(describing: error))")
            }
            #expect(fileType(fifo) == S_IFIFO && fileType(dir) == S_IFDIR)
            // A symbolic link is replaced (the link, never what it points to).
            let victim = dir + "/victim", link = dir + "/link.json"
            try Data("keep".utf8).write(to: URL(fileURLWithPath: victim))
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
            try TrainingOutputError.writeAtomically(Array("{}".utf8), to: link)
            let kept = try String(contentsOfFile: victim, encoding: .utf8)
            #expect(fileType(link) == S_IFREG && kept == "keep")
            #expect(!files(dir).contains { $0.hasPrefix(".") }, "temporary files left: \(files(dir))")
        }
    }

    /// 8. The benchmarks check `--json` before running; a failed write names the target, not a
    /// temporary file.
    @Test func benchmarksCheckTheirJSONPathFirst() throws {
        try withTempDir { dir in
            let missing = dir + "/nodir/x.json"
            try expectRefused([
                (["bench", "model", "lenet", "--json", missing], "--json: directory '\(dir)/nodir' does not exist"),
                (["bench", "gemm", "--json", missing], "--json: directory"),
                (["bench", "lstm", "--json", dir], "--json: '\(dir)' is a directory"),
            ], in: dir, timeout: 10)
            let error = #expect(throws: TrainingOutputError.self) { try TrainingOutputError.writeAtomically([1], to: missing) }
            #expect(error?.description.hasPrefix("cannot write '\(missing)'") == true && error?.description.contains(".tmp") == false,
                    "\(String(describing: error))")
        }
    }

    /// 9. Option values starting with '-' reach validation (a negative size is named) or are
    /// used (a prefix such as "-x").
    @Test func optionValuesMayStartWithADash() throws {
        try withTempDir { dir in
            let model = try #require(softmaxRun) + "/model.safetensors"
            try expectRefused([
                (["summary", "lenet", "--input", "-1,28,28"], "--input: C must be positive, got -1 in '-1,28,28'"),
                (["summary", "lenet", "--input", "1,-28,28"], "--input: H must be positive"),
                (["export", model, "--onnx", dir + "/x.onnx", "--input", "-1,28,28"], "--input: C must be positive"),
                (["generate", model, "--prefix", "-x"], "is not a char-rnn, char-gru or char-lstm model"),
            ], in: dir)
            try rhyme.write(toFile: dir + "/rhyme.txt", atomically: true, encoding: .utf8)
            let run = try #require(try ember(["train", "char-rnn", "--corpus", dir + "/rhyme.txt", "--epochs", "1", "--batch-size", "4",
                                              "--steps", "10", "--hidden", "16", "--prefix", "-t", "--out", dir + "/char"], timeout: 60))
            #expect(run.status == 0 && run.stdout.contains(" - -t"), "\(run.stdout) \(run.stderr)")
            let text = try #require(try ember(["generate", dir + "/char/model.safetensors", "--prefix", "-w", "--length", "5"], timeout: 60))
            #expect(text.status == 0 && text.stdout.hasPrefix("-w"), "\(text.stdout) \(text.stderr)")
        }
    }

    /// 10. A data "directory" that is a FIFO says what it is; weights that do not fit the model
    /// are one line (the first problem and a count of the rest), from eval and from --resume.
    @Test func notADirectoryAndMismatchedWeightsAreOneLine() throws {
        try withTempDir { dir in
            let fifo = dir + "/fifo"
            mkfifo(fifo, 0o600)
            let run = try #require(softmaxRun)
            var checkpoint = try Checkpoint.load(from: run + "/checkpoint.safetensors")
            checkpoint.groups["model"] = checkpoint.groups["model"]!.map { ($0.0, Tensor.zeros([$0.1.shape[0] + 1] + $0.1.shape.dropFirst())) }
            try checkpoint.save(to: dir + "/wrong.safetensors")
            try expectRefused([
                (["train", "softmax", "--data", fifo], "dataset file '\(fifo)': is a FIFO (named pipe), not a data directory"),
                (["eval", run + "/model.safetensors", "--data", fifo], "not a data directory"),
                (["eval", run + "/model.safetensors", "--workload", "lenet"], "does not hold lenet weights: missing key"),
                (["train", "softmax", "--resume", dir + "/wrong.safetensors"],
                 "size mismatch for 'params.0': [785, 10] in the file, [784, 10] in the model (and 1 more: 1 size mismatch)"),
            ], in: dir)
        }
    }
}
