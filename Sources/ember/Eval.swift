import ArgumentParser
import Ember
import Foundation

/// `ember eval CHECKPOINT`: the test accuracy and loss of trained weights on Fashion-MNIST.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained model on the Fashion-MNIST test split.",
        discussion: "CHECKPOINT is a checkpoint.safetensors or model.safetensors written by `ember train`, "
            + "or a PyTorch state dict saved with safetensors (then pass --workload).")

    @Argument(help: "The weights to evaluate.") var checkpoint: String
    @Option(help: "The workload the weights belong to, when the file does not say.") var workload: Workload?
    @Option(help: "Fashion-MNIST directory (IDX files, gzipped or not).") var data = FashionMNIST.defaultRoot
    @Option(parsing: .unconditional, help: "Batch size (default: 1000, fewer for the 96- and 224-pixel models).") var batchSize: Int?
    @OptionGroup var threading: ThreadOptions

    func validate() throws {
        if let batchSize, batchSize <= 0 { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    }

    func run() throws {
        threading.apply()
        let trained = try TrainedModel(path: checkpoint, workload: workload)
        let w = trained.workload
        try trained.requireClassifier(for: "eval", path: checkpoint)
        let test = try FashionMNIST(root: data, train: false)
        try FashionData.requireFashionMNISTSize(test, data, "test")
        let batches = FashionData.batches(test, batchSize: batchSize ?? w.evalBatchSize, size: w.imageSize)
        let result = evaluate(model: { trained.model(w.input($0)) }, batches: batches, loss: w.meanLoss)
        let trainedFor = trained.epoch.map { " after \($0) epochs" } ?? ""
        print(String(format: "%@ (%@%@): test accuracy %.4f, test loss %.4f on %d images",
                     checkpoint, w.rawValue, trainedFor, result.accuracy, result.loss, result.count))
    }
}
