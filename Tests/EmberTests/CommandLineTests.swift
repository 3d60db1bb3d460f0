import Foundation
import Testing
@testable import Ember

/// The release-built `ember` command, run as a user runs it. `make test` builds it and passes its
/// path in `EMBER_BIN`; a bare `swift test` skips these tests.
private let emberBinary = ProcessInfo.processInfo.environment["EMBER_BIN"]
private let fashionRoot = FashionMNIST.defaultRoot

/// The output of one `ember` run.
private struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `ember arguments` to completion.
private func ember(_ arguments: [String]) throws -> Run {
    let process = try start(arguments)
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stdout: process.output, stderr: process.errors)
}

/// A running `ember` whose output goes to temporary files (a pipe nobody reads would block it).
private final class EmberProcess {
    let process = Process()
    private let outPath = NSTemporaryDirectory() + "ember-cli-out-" + UUID().uuidString
    private var errPath: String { outPath + ".err" }

    init(_ arguments: [String]) throws {
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: emberBinary!)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }

    var isRunning: Bool { process.isRunning }
    var terminationStatus: Int32 { process.terminationStatus }
    func waitUntilExit() { process.waitUntilExit() }
    func interrupt() { process.interrupt() }
    var output: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
}

private func start(_ arguments: [String]) throws -> EmberProcess { try EmberProcess(arguments) }

private func files(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

private func metricsRows(_ dir: String) -> Int {
    guard let text = try? String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8) else { return 0 }
    return text.split(separator: "\n").count - 1
}

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
            try Data(PNGEncoder.encode(width: 28, height: 28, rgb: pixels)).write(to: URL(fileURLWithPath: image))
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
