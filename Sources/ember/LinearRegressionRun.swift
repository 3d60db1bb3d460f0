import Ember
import Foundation

/// The textbook's linear regression from scratch: 2,000 synthetic samples `y = Xw + b + noise`
/// with w = [1.1, -4.5, 1.4], b = 1.191981, minibatch SGD on the squared loss, as torch_ref.py
/// runs it. Writes metrics.csv, TensorBoard events and model.safetensors after training (the
/// whole run takes milliseconds, so there is no per-epoch checkpoint to resume from).
struct LinearRegressionRun {
    let recipe: Recipe
    let out: String
    /// Stop at the first non-finite loss (the classifier runs' `--stop-on-nan`); without it,
    /// warn once and train on.
    var stopOnNaN = false

    static let trueW: [Float] = [1.1, -4.5, 1.4]
    static let trueB = 1.1919810

    func run() throws -> [String: Any] {
        let trueW = Tensor(Self.trueW)
        let X = Tensor.normal(mean: 0, std: 1, [2000, 3])
        let y = (X.matmul(trueW) + Self.trueB + Tensor.normal(mean: 0, std: 0.01, [2000])).reshape(-1, 1)
        let net = recipe.workload.model() as! ScratchNet
        let optimizer = recipe.workload.optimizer(net.parameters(), lr: recipe.lr, batchSize: recipe.batchSize)
        var firstStep: Double?, losses: [Double] = []
        // The run writes its files at the end only: a stopped run leaves none.
        var watch = LossWatch(stopOnNaN: stopOnNaN, checkpoint: nil)
        let started = Date()
        for epoch in 1...recipe.epochs {
            let order = Tensor.randperm(2000)
            for (step, start) in Swift.stride(from: 0, to: 2000, by: recipe.batchSize).enumerated() {
                let i = order[start..<Swift.min(start + recipe.batchSize, 2000)]
                let l = ((net(X[i]) - y[i]).pow(2) / 2).sum()
                l.backward()
                optimizer.step()
                optimizer.zeroGrad()
                try watch.check(l.item() / Double(i.shape[0]), epoch: epoch, step: step + 1)
                if firstStep == nil { firstStep = RunInfo.secondsSinceStart() }
                if Interrupt.wasRequested { throw stopForInterrupt(lastEpoch: 0, checkpoint: "") }
            }
            losses.append(noGrad { ((net(X) - y).pow(2) / 2).mean().item() })
            print(String(format: "epoch %d, loss %f", epoch, losses.last!))
        }
        let seconds = Date().timeIntervalSince(started)
        let w = net.params[0].detach().reshape(3), b = net.params[1].item()
        let wError = (w - trueW).abs().max().item(), bError = abs(b - Self.trueB)
        print(String(format: "error in w: %.6f, error in b: %.6f", wError, bError))
        try writeOutputs(net, losses)
        return [
            "workload": "linreg", "epochs": recipe.epochs, "batch": recipe.batchSize,
            "train_seconds": (seconds * 1000).rounded() / 1000, "final_loss": losses.last!,
            "samples_per_s": (Double(2000 * recipe.epochs) / seconds).rounded(),
            "w_error": wError, "b_error": bError,
            "startup_to_first_step_s": ((firstStep ?? 0) * 1000).rounded() / 1000, "peak_rss_mib": RunInfo.peakRSSMiB(),
        ]
    }

    private func writeOutputs(_ net: ScratchNet, _ losses: [Double]) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let csv = MetricsCSV(path: out + "/metrics.csv", columns: ["epoch", "loss"])
        let board = try SummaryWriter(logDir: out)
        for (k, loss) in losses.enumerated() {
            try csv.append([Double(k + 1), loss])
            try board.addScalar(tag: "loss/train", value: loss, step: k + 1)
        }
        try TrainedModel.save(net, to: out + "/model.safetensors", metadata: recipe.metadata(epoch: recipe.epochs))
    }
}
