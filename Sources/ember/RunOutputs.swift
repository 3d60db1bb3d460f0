import Ember
import Foundation

/// The files a training run writes to its output directory: metrics.csv, TensorBoard events,
/// curves.png/svg and checkpoint.safetensors after every epoch, model.safetensors at the end.
/// Nothing is created before the first epoch is recorded, so a run that fails earlier (bad data,
/// bad checkpoint) leaves no files behind; every file is replaced whole (temp file, rename).
final class RunOutputs {
    let dir: String
    private let csv: MetricsCSV
    private var board: SummaryWriter?
    private var plot: TrainingPlot

    /// Outputs in `dir` of a classifier, or with `languageModel` of a language model (perplexity
    /// in place of the accuracies); when resuming after epoch `resumingAfter`, the rows of epochs
    /// up to it are kept from the earlier run's metrics.csv (and drawn again in the figure).
    init(dir: String, resumingAfter: Int?, languageModel: Bool = false) throws {
        self.dir = dir
        plot = TrainingPlot(perplexity: languageModel)
        let columns = ["epoch", "train_loss"] + (languageModel ? ["perplexity"] : ["train_acc", "test_acc"]) + ["seconds"]
        if let resumingAfter {
            csv = try MetricsCSV(resuming: dir + "/metrics.csv", columns: columns, through: Double(resumingAfter))
        } else {
            csv = MetricsCSV(path: dir + "/metrics.csv", columns: columns)
        }
        for row in csv.rows {
            if languageModel { plot.append(trainLoss: row[1], perplexity: row[2]) }
            else { plot.append(trainLoss: row[1], trainAccuracy: row[2], testAccuracy: row[3]) }
        }
    }

    /// The files a run writes to its directory (besides TensorBoard's event files, new each run).
    static let fileNames = ["metrics.csv", "curves.png", "curves.svg", "checkpoint.safetensors", "model.safetensors"]

    var checkpoint: String { dir + "/checkpoint.safetensors" }
    var figure: String { dir + "/curves.png" }
    var model: String { dir + "/model.safetensors" }

    /// Writes one epoch's numbers of a classifier to the CSV, TensorBoard and the figure.
    func record(epoch: Int, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double, seconds: Double) throws {
        plot.append(trainLoss: trainLoss, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy)
        try write(epoch: epoch, [trainLoss, trainAccuracy, testAccuracy], seconds: seconds,
                  tags: ["loss/train", "accuracy/train", "accuracy/test"])
    }

    /// Writes one epoch's numbers of a language model to the CSV, TensorBoard and the figure.
    func record(epoch: Int, trainLoss: Double, perplexity: Double, seconds: Double) throws {
        plot.append(trainLoss: trainLoss, perplexity: perplexity)
        try write(epoch: epoch, [trainLoss, perplexity], seconds: seconds, tags: ["loss/train", "perplexity/train"])
    }

    /// Appends the epoch's `values` to the CSV and, under `tags`, to TensorBoard, and redraws the figure.
    private func write(epoch: Int, _ values: [Double], seconds: Double, tags: [String]) throws {
        if board == nil {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            board = try SummaryWriter(logDir: dir)
        }
        try csv.append([Double(epoch)] + values + [seconds])
        for (tag, value) in zip(tags, values) { try board!.addScalar(tag: tag, value: value, step: epoch) }
        try plot.write(to: figure)
        try plot.write(to: dir + "/curves.svg")
    }

    /// Replaces the checkpoint a later run can `--resume` from.
    func saveCheckpoint(model: Module, optimizer: Optimizer, metadata: [String: String]) throws {
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, metadata: metadata, to: checkpoint)
    }

    /// Writes the final weights, with PyTorch's keys and the workload in the metadata.
    func saveModel(_ module: Module, metadata: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try TrainedModel.save(module, to: model, metadata: metadata)
    }
}
