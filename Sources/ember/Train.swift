import ArgumentParser
import Ember
import Foundation

/// `ember train WORKLOAD`: the textbook's Fashion-MNIST experiments with their recipes, a
/// progress bar, and metrics, figure and checkpoint written to `--out`.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a textbook model on Fashion-MNIST.",
        discussion: "Workloads: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")

    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case mlp, lenet

        /// The model, as the textbook (and shared/bench/torch_ref.py) builds it.
        func model() -> Sequential {
            switch self {
            case .mlp:
                Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
            case .lenet:
                Sequential(Conv2d(1, 6, 5), ReLU(), AvgPool2d(2, stride: 2), Conv2d(6, 16, 5), ReLU(),
                           AvgPool2d(2, stride: 2), Flatten(), Linear(400, 120), ReLU(), Linear(120, 84), ReLU(),
                           Linear(84, 10))
            }
        }

        /// Input side: LeNet takes the images resized to 32×32, as the textbook does.
        var size: Int { self == .lenet ? 32 : 28 }

        func optimizer(_ params: [Tensor], lr: Double) -> Optimizer {
            self == .mlp ? AdamW(params, lr: lr) : Adam(params, lr: lr)
        }
    }

    @Argument(help: "What to train.") var workload: Workload
    @Option(help: "Epochs.") var epochs = 10
    @Option(help: "Batch size.") var batchSize = 256
    @Option(help: "Learning rate.") var lr = 1e-3
    @Option(help: "Fashion-MNIST directory (IDX files, gzipped or not).") var data = FashionMNIST.defaultRoot
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Kernel threads.") var threads = 2
    @Option(help: "Output directory: metrics.csv, TensorBoard events, curves.png/svg, model.safetensors.") var out = "runs"
    @Option(help: "Resume from a checkpoint written by an earlier run.") var resume: String?
    @Option(help: "Also write the final result as JSON (the keys of shared/bench/torch_ref.py).") var json: String?

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard lr > 0 else { throw ValidationError("--lr must be positive, got \(lr)") }
        guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    func run() throws {
        setNumThreads(threads)
        manualSeed(seed)
        let (xTrain, yTrain) = try load(train: true), (xTest, yTest) = try load(train: false)
        let model = workload.model()
        let optimizer = workload.optimizer(model.parameters(), lr: lr)
        var startEpoch = 0
        if let resume {
            let meta = try TrainingCheckpoint.load(from: resume, model: model, optimizer: optimizer)
            startEpoch = Int(meta["epoch"] ?? "0") ?? 0
            print("resumed from \(resume) after epoch \(startEpoch)")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let csv = MetricsCSV(path: out + "/metrics.csv", columns: ["epoch", "train_loss", "train_acc", "test_acc", "seconds"])
        let board = try SummaryWriter(logDir: out)
        var plot = TrainingPlot()
        let generator = Generator(seed: seed)
        var firstStep: Double?, epochSeconds: [Double] = [], lastLoss = 0.0, testAccuracy = 0.0
        let n = yTrain.shape[0], batches = (n + batchSize - 1) / batchSize
        for epoch in (startEpoch + 1)...(startEpoch + epochs) {
            let started = Date()
            model.train()
            let bar = ProgressBar(total: batches, label: "epoch \(epoch)/\(startEpoch + epochs)")
            let order = Tensor.randperm(n, generator: generator)
            for b in 0..<batches {
                let idx = order[(b * batchSize)..<Swift.min((b + 1) * batchSize, n)]
                let x = xTrain[idx], y = yTrain[idx]
                let logits = model(x)
                let loss = F.crossEntropy(logits, y)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                bar.step(samples: idx.shape[0], loss: loss.item(), correct: accuracy(logits.detach(), y))
                if firstStep == nil { firstStep = RunInfo.secondsSinceStart() }
            }
            epochSeconds.append(Date().timeIntervalSince(started))
            model.eval()
            testAccuracy = noGrad {
                var correct = 0.0
                for s in Swift.stride(from: 0, to: yTest.shape[0], by: 1000) {
                    let e = Swift.min(s + 1000, yTest.shape[0])
                    correct += accuracy(model(xTest[s..<e]), yTest[s..<e])
                }
                return correct / Double(yTest.shape[0])
            }
            lastLoss = bar.loss
            bar.finish(summary: String(format: "test acc %.4f", testAccuracy))
            try csv.append([Double(epoch), bar.loss, bar.accuracy, testAccuracy, epochSeconds.last!])
            try board.addScalar(tag: "loss/train", value: bar.loss, step: epoch)
            try board.addScalar(tag: "accuracy/train", value: bar.accuracy, step: epoch)
            try board.addScalar(tag: "accuracy/test", value: testAccuracy, step: epoch)
            plot.append(trainLoss: bar.loss, trainAccuracy: bar.accuracy, testAccuracy: testAccuracy)
            try plot.writePNG(to: out + "/curves.png")
            try plot.writeSVG(to: out + "/curves.svg")
            try TrainingCheckpoint.save(model: model, optimizer: optimizer, metadata: ["epoch": String(epoch)],
                                        to: out + "/checkpoint.safetensors")
        }
        try model.save(to: out + "/model.safetensors")
        let median = epochSeconds.sorted()[epochSeconds.count / 2]
        let result: [String: Any] = [
            "workload": workload.rawValue, "epochs": epochs, "batch": batchSize, "test_accuracy": testAccuracy,
            "final_train_loss": lastLoss, "seconds_per_epoch": (median * 1000).rounded() / 1000,
            "samples_per_s": (Double(n) / median * 10).rounded() / 10,
            "startup_to_first_step_s": ((firstStep ?? 0) * 1000).rounded() / 1000, "peak_rss_mib": RunInfo.peakRSSMiB(),
        ]
        print(String(format: "test accuracy %.4f; figure %@/curves.png, weights %@/model.safetensors", testAccuracy, out, out))
        if let json { try writeJSON(result, to: json) }
    }

    /// The split as float images `[N, 1, size, size]` in [0, 1] and int64 labels.
    private func load(train: Bool) throws -> (Tensor, Tensor) {
        let split = try FashionMNIST(root: data, train: train)
        var images = split.floatImages()
        if workload.size != 28 {
            images = Tensor.cat(images.split(4096).map { F.interpolate($0, size: [workload.size, workload.size], mode: "bilinear") })
        }
        return (images, split.labels)
    }
}
