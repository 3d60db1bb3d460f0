import Foundation
import Testing
@testable import Ember

/// A small corpus a character model learns in a few epochs: a rhyme of 21 distinct characters,
/// 20 times over (about 2,100 once its lines are joined).
private let rhyme = String(repeating: """
    twinkle twinkle little star
    how i wonder what you are
    up above the world so high
    like a diamond in the sky

    """, count: 20)

@Suite(.serialized, .enabled(if: emberBinary != nil, "needs EMBER_BIN, the release-built ember (make test sets it)"))
struct LanguageModelCommandLineTests {
    /// `ember train char-gru` on the rhyme: the perplexity falls below 3 (about 21 at chance) in
    /// 12 epochs, every output is written, a resumed run goes on, and `ember generate`
    /// continues a prefix from the weights.
    @Test func trainsResumesAndGenerates() throws {
        try withTempDir { dir in
            try rhyme.write(toFile: dir + "/rhyme.txt", atomically: true, encoding: .utf8)
            let common = ["--corpus", dir + "/rhyme.txt", "--batch-size", "8", "--steps", "20", "--hidden", "64", "--lr", "0.01",
                          "--prefix", "twinkle", "--predict-every", "6", "--out", dir + "/run"]
            let run = try ember(["train", "char-gru", "--epochs", "12", "--json", dir + "/result.json"] + common)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/result.json"))) as! [String: Any]
            let perplexity = try #require(json["perplexity"] as? Double)
            #expect(perplexity < 3, "perplexity \(perplexity)")
            #expect(run.stdout.contains(" - twinkle"), "\(run.stdout)")
            #expect(files(dir + "/run").contains("curves.png") && files(dir + "/run").contains("model.safetensors"))
            #expect(metricsRows(dir + "/run") == 12)
            let header = try String(contentsOfFile: dir + "/run/metrics.csv", encoding: .utf8).split(separator: "\n")[0]
            #expect(header == "epoch,train_loss,perplexity,seconds")

            let resumed = try ember(["train", "char-gru", "--epochs", "1", "--resume", dir + "/run/checkpoint.safetensors"] + common)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("resumed from") && resumed.stdout.contains("epoch 13/13"))
            #expect(metricsRows(dir + "/run") == 13)

            let text = try ember(["generate", dir + "/run/model.safetensors", "--prefix", "how i", "--length", "20"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.hasPrefix("how i") && text.stdout.count == 26, "\(text.stdout)")

            // The classifiers' commands name what the file holds instead of asking for a workload.
            let export = try ember(["export", dir + "/run/model.safetensors", "--onnx", dir + "/m.onnx"])
            #expect(export.status != 0 && export.stderr.contains("holds a char-gru language model") && !files(dir).contains("m.onnx"),
                    "\(export.stderr)")
        }
    }

    /// A corpus that is missing or too short for one batch, and a language option given to a
    /// classifier: one line each, naming what is wrong.
    @Test func badCorporaAndOptionsAreOneLine() throws {
        try withTempDir { dir in
            try "too short".write(toFile: dir + "/short.txt", atomically: true, encoding: .utf8)
            let short = try ember(["train", "char-lstm", "--corpus", dir + "/short.txt", "--out", dir + "/run"])
            #expect(short.status != 0)
            #expect(short.stderr == "Error: --corpus: '\(dir)/short.txt' has 9 characters, fewer than one batch of 32 sequences of 35 steps needs (1152)\n")
            let missing = try ember(["train", "char-rnn", "--corpus", dir + "/none.txt", "--out", dir + "/run"])
            #expect(missing.status != 0 && missing.stderr.contains("\(dir)/none.txt") && missing.stderr.split(separator: "\n").count == 1,
                    "\(missing.stderr)")
            let wrong = try ember(["train", "lenet", "--corpus", "tang300"])
            #expect(wrong.status != 0 && wrong.stderr.contains("--corpus applies to the language models"), "\(wrong.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/run"))
            let notText = try ember(["generate", dir + "/short.txt", "--prefix", "a"])
            #expect(notText.status != 0 && notText.stderr.split(separator: "\n").count == 1, "\(notText.stderr)")
        }
    }

    /// Sizes from outside that cannot be counted or held: huge options (an error, with the usage
    /// after it for a refused option), and a crafted file whose metadata claims a million hidden
    /// units (one line). Nothing is allocated for them and nothing crashes.
    @Test func hugeSizesAreOneLine() throws {
        try withTempDir { dir in
            try rhyme.write(toFile: dir + "/rhyme.txt", atomically: true, encoding: .utf8)
            let huge = "4611686018427387904"
            for options in [["--batch-size", huge], ["--steps", "9223372036854775807"], ["--hidden", huge], ["--hidden", "100000000"],
                            ["--predict-length", "9223372036854775807"]] {
                let run = try ember(["train", "char-gru", "--corpus", dir + "/rhyme.txt", "--out", dir + "/run"] + options, timeout: 60)
                #expect(run != nil && run!.status != 0 && run!.status < 128, "\(options): \(run?.stderr ?? "hung")")
                #expect(run?.stderr.hasPrefix("Error: ") == true, "\(options): \(run?.stderr ?? "")")
            }
            try SafeTensors.save([("rnn.weight_ih_l0", Tensor.zeros([0, 1]))], to: dir + "/crafted.safetensors",
                                 metadata: ["workload": "char-gru", "hidden": "1000000", "vocab": "[\"a\"]"])
            let crafted = try ember(["generate", dir + "/crafted.safetensors", "--prefix", "a", "--length", "9223372036854775807"])
            #expect(crafted.status != 0 && crafted.stderr.hasPrefix("Error: --length must be from 0 to 1000000"), "\(crafted.stderr)")
            let run = try ember(["generate", dir + "/crafted.safetensors", "--prefix", "a"])
            #expect(run.status == 1 && run.stderr.contains("does not hold a char-gru model of 1000000 hidden units"), "\(run.stderr)")
        }
    }
}
