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
    private var plot = TrainingPlot()

    /// Outputs in `dir`; when resuming after epoch `resumingAfter`, the rows of epochs up to it
    /// are kept from the earlier run's metrics.csv (and drawn again in the figure).
    init(dir: String, resumingAfter: Int?) throws {
        self.dir = dir
        let columns = ["epoch", "train_loss", "train_acc", "test_acc", "seconds"]
        if let resumingAfter {
            csv = try MetricsCSV(resuming: dir + "/metrics.csv", columns: columns, through: Double(resumingAfter))
        } else {
            csv = MetricsCSV(path: dir + "/metrics.csv", columns: columns)
        }
        for row in csv.rows { plot.append(trainLoss: row[1], trainAccuracy: row[2], testAccuracy: row[3]) }
    }

    var checkpoint: String { dir + "/checkpoint.safetensors" }
    var figure: String { dir + "/curves.png" }
    var model: String { dir + "/model.safetensors" }

    /// Writes one epoch's numbers to the CSV, TensorBoard and the figure.
    func record(epoch: Int, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double, seconds: Double) throws {
        if board == nil {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            board = try SummaryWriter(logDir: dir)
        }
        try csv.append([Double(epoch), trainLoss, trainAccuracy, testAccuracy, seconds])
        try board!.addScalar(tag: "loss/train", value: trainLoss, step: epoch)
        try board!.addScalar(tag: "accuracy/train", value: trainAccuracy, step: epoch)
        try board!.addScalar(tag: "accuracy/test", value: testAccuracy, step: epoch)
        plot.append(trainLoss: trainLoss, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy)
        try plot.writePNG(to: figure)
        try plot.writeSVG(to: dir + "/curves.svg")
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
