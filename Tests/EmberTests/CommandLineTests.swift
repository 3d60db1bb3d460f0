import Foundation
import Testing
@testable import Ember

@Suite(.serialized, .enabled(if: emberBinary != nil, "needs EMBER_BIN, the release-built ember (make test sets it)"))
struct CommandLineTests {
    @Test func softmaxRegressionReachesEightyPercentInTwoEpochs() throws {
        try withTempDir { dir in
            let out = dir + "/softmax"
            let run = try ember(["train", "softmax", "--epochs", "2", "--out", out, "--json", dir + "/result.json"])
            #expect(run.status == 0, "\(run.stderr)")
            let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/result.json")))
                as! [String: Any]
            let accuracy = try #require(result["test_accuracy"] as? Double)
            #expect(accuracy >= 0.80)
            for key in ["workload", "epochs", "final_train_loss", "seconds_per_epoch", "samples_per_s",
                        "startup_to_first_step_s", "peak_rss_mib"] {
                #expect(result[key] != nil, "missing \(key)")
            }
            let written = files(out)
            #expect(written.filter { !$0.hasPrefix("events.out.tfevents.") } ==
                    ["checkpoint.safetensors", "curves.png", "curves.svg", "metrics.csv", "model.safetensors"])
            #expect(written.contains { $0.hasPrefix("events.out.tfevents.") })
            #expect(metricsRows(out) == 2)
            #expect(try PNGFile.read(out + "/curves.png").shape == [400, 960, 3])

            let eval = try ember(["eval", out + "/model.safetensors"])
            #expect(eval.status == 0, "\(eval.stderr)")
            #expect(eval.stdout.contains(String(format: "test accuracy %.4f", accuracy)), "\(eval.stdout)")

            let image = dir + "/item.png"
            let test = try FashionMNIST(root: fashionRoot, train: false)
            let pixels = test.images[0].toInts().map(UInt8.init).flatMap { [$0, $0, $0] }
            try Data(PNGFile.encode(width: 28, height: 28, pixels)).write(to: URL(fileURLWithPath: image))
            let predict = try ember(["predict", out + "/checkpoint.safetensors", image])
            #expect(predict.status == 0, "\(predict.stderr)")
            let lines = predict.stdout.split(separator: "\n")
            #expect(lines.count == 5)
            #expect(lines.first?.hasSuffix("Ankle boot") == true, "\(predict.stdout)")
        }
    }

    @Test func interruptingKeepsTheLastCheckpointResumable() throws {
        try withTempDir { dir in
            let out = dir + "/run"
            let process = try start(["train", "softmax", "--epochs", "100", "--out", out])
            let deadline = Date().addingTimeInterval(300)
            while metricsRows(out) < 1 && process.isRunning && Date() < deadline { usleep(20_000) }
            process.interrupt()
            process.waitUntilExit()
            #expect(process.terminationStatus == 130)
            #expect(process.errors.contains("interrupted: the checkpoint of epoch"), "\(process.errors)")
            #expect(!files(out).contains { $0.hasPrefix(".") }, "temporary files left: \(files(out))")
            let saved = try Checkpoint.load(from: out + "/checkpoint.safetensors")
            let epoch = try #require(Int(saved.metadata["epoch"] ?? ""))
            #expect(epoch == metricsRows(out))

            let resumed = try ember(["train", "softmax", "--epochs", "1", "--out", out,
                                     "--resume", out + "/checkpoint.safetensors"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("resumed from \(out)/checkpoint.safetensors after epoch \(epoch)"))
            #expect(metricsRows(out) == epoch + 1)
        }
    }

    @Test func badInputIsOneLineNamingItAndLeavesNoFiles() throws {
        try withTempDir { dir in
            let broken = dir + "/broken"
            try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
            for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(fashionRoot)/\(name).gz"))
                try bytes.prefix(name.hasPrefix("train-images") ? 5000 : bytes.count)
                    .write(to: URL(fileURLWithPath: "\(broken)/\(name).gz"))
            }
            let garbage = dir + "/garbage.safetensors"
            try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: garbage))
            let cases: [(arguments: [String], names: String)] = [
                (["train", "lenet", "--data", dir + "/missing"], dir + "/missing"),
                (["train", "mlp", "--data", broken], broken + "/train-images-idx3-ubyte.gz"),
                (["train", "resnet"], "'resnet' is invalid for '<workload>'"),
                (["train", "mlp", "--epochs", "0"], "--epochs"),
                (["train", "mlp", "--batch-size", "many"], "--batch-size"),
                (["train", "mlp", "--resume", garbage], garbage),
                (["eval", garbage], garbage),
                (["predict", garbage, dir + "/none.png"], garbage),
                (["train", "mlp", "--threads", "0"], "--threads"),
                (["eval", garbage, "--threads", "-1"], "--threads"),
                (["bench", "linreg", "--threads", "0"], "--threads"),
                (["bench", "gemm", "--threads", "0"], "--threads"),
            ]
            for (k, c) in cases.enumerated() {
                let out = "\(dir)/out\(k)"
                let run = try ember(c.arguments + (c.arguments[0] == "train" ? ["--out", out] : []))
                #expect(run.status != 0, "\(c.arguments)")
                let first = run.stderr.split(separator: "\n").first.map(String.init) ?? ""
                #expect(first.hasPrefix("Error: ") && first.contains(c.names), "\(c.arguments): \(run.stderr)")
                #expect(!FileManager.default.fileExists(atPath: out), "\(c.arguments) left \(files(out))")
            }
        }
    }
}
