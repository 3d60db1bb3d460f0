import Foundation
import Testing
@testable import Ember

/// Writes the first `count` images and labels of each Fashion-MNIST split to `dir` as plain IDX
/// files: a dataset of one batch, for a training run of one step.
func writeSmallFashionMNIST(to dir: String, count: Int) throws {
    for (train, prefix) in [(true, "train"), (false, "t10k")] {
        let split = try FashionMNIST(root: fashionRoot, train: train)
        let images = split.images[0..<count].contiguous().toInts().map(UInt8.init)
        let labels = split.labels[0..<count].toInts().map(UInt8.init)
        func bigEndian(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        let imageFile = [0, 0, 8, 3] + bigEndian(count) + bigEndian(28) + bigEndian(28) + images
        let labelFile = [0, 0, 8, 1] + bigEndian(count) + labels
        try Data(imageFile).write(to: URL(fileURLWithPath: "\(dir)/\(prefix)-images-idx3-ubyte"))
        try Data(labelFile).write(to: URL(fileURLWithPath: "\(dir)/\(prefix)-labels-idx1-ubyte"))
    }
}

@Suite(.serialized, .enabled(if: emberBinary != nil, "needs EMBER_BIN, the release-built ember (make test sets it)"))
struct ZooCommandLineTests {
    @Test func summaryPrintsTheTableAndWritesJSON() throws {
        try withTempDir { dir in
            let run = try ember(["summary", "lenet", "--json", dir + "/lenet.json"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == LeNetSummary.expected + "\n")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/lenet.json"))) as! [String: Any]
            #expect(json["total_params"] as? Int == 61_706)
            #expect(json["trainable_params"] as? Int == 61_706)
            #expect(json["mult_adds"] as? Int == 423_038)
            #expect((json["layers"] as? [Any])?.count == 13)

            let folded = try ember(["summary", "resnet18", "--depth", "1", "--batch", "2"])
            #expect(folded.status == 0, "\(folded.stderr)")
            #expect(folded.stdout.contains("Total params: 11,178,378"))
            #expect(folded.stdout.contains("4 (Sequential)") && !folded.stdout.contains("4.0 (Residual)"))
        }
    }

    @Test func anInputTooSmallNamesTheLayerAndTheSizeNeeded() throws {
        let run = try ember(["summary", "alexnet", "--input", "1,28,28"])
        #expect(run.status != 0)
        #expect(run.stderr == "Error: --input: 28×28 images do not fit alexnet: at layer '5' (MaxPool2d) its 2×2 input would give a 0×0 output; alexnet takes images of at least 195×195\n")
        let unknown = try ember(["summary", "resnet19"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("resnet18") && unknown.stderr.contains("mobilenet-v2"), "\(unknown.stderr)")
    }

    @Test func benchReportsTorchRefsKeys() throws {
        try withTempDir { dir in
            let run = try ember(["bench", "lenet", "--steps", "1", "--batch", "8", "--json", dir + "/bench.json"])
            #expect(run.status == 0, "\(run.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/bench.json"))) as! [String: Any]
            for key in ["train_samples_per_s", "eval_samples_per_s", "startup_to_first_step_s", "peak_rss_mib", "batch", "steps"] {
                #expect(json[key] != nil, "missing \(key)")
            }
            #expect(json["workload"] as? String == "lenet")
        }
    }

    /// One training step of a 96-pixel network (a dataset of one batch), its files, and `ember
    /// eval` of the weights it wrote.
    @Test func oneStepOfMobileNetV2TrainsAndEvaluates() throws {
        try withTempDir { dir in
            try writeSmallFashionMNIST(to: dir, count: 64)
            let out = dir + "/run"
            let run = try ember(["train", "mobilenet-v2", "--epochs", "1", "--data", dir, "--out", out])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(metricsRows(out) == 1)
            #expect(files(out).contains("model.safetensors"))
            let eval = try ember(["eval", out + "/model.safetensors", "--data", dir])
            #expect(eval.status == 0, "\(eval.stderr)")
            #expect(eval.stdout.contains("(mobilenet-v2 after 1 epochs): test accuracy"), "\(eval.stdout)")
        }
    }
}
