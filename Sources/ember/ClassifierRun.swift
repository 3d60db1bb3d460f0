import ArgumentParser
import Ember
import Foundation

/// Training one of the Fashion-MNIST classifiers: epochs of shuffled batches, the test accuracy
/// after each, and the run's files.
struct ClassifierRun {
    let recipe: Recipe
    let data: String
    let workers: Int
    let out: String
    let resume: String?
    let stopOnNaN: Bool

    /// Trains and returns the result in torch_ref.py's keys.
    func run() throws -> [String: Any] {
        let workload = recipe.workload
        let fashion = try FashionData(root: data, size: workload.imageSize)
        let model = workload.model()
        let optimizer = workload.optimizer(model.parameters(), lr: recipe.lr, batchSize: recipe.batchSize)
        var startEpoch = 0
        if let resume {
            let written = try Checkpoint.load(from: resume).metadata[TrainedModel.workloadKey]
            guard written == workload.rawValue else {
                throw CommandError("--resume: '\(resume)' is a checkpoint of \(written ?? "another program"), not of \(workload.rawValue)")
            }
            let meta = try TrainingCheckpoint.load(from: resume, model: model, optimizer: optimizer)
            guard let epoch = meta["epoch"].flatMap({ Int($0) }), epoch >= 0 else {
                throw CommandError("--resume: '\(resume)' has a damaged 'epoch' in its metadata (\(meta["epoch"].map { "'\($0)'" } ?? "none")); expected a count of finished epochs")
            }
            startEpoch = epoch
            try Recipe.restoreShuffleState(meta, from: resume)
            print("resumed from \(resume) after epoch \(startEpoch)")
        }
        let outputs = try RunOutputs(dir: out, resumingAfter: resume == nil ? nil : startEpoch)
        var firstStep: Double?, epochSeconds: [Double] = [], lastLoss = 0.0, testAccuracy = 0.0
        let (lastEpoch, overflow) = startEpoch.addingReportingOverflow(recipe.epochs)
        guard !overflow else { throw CommandError("--epochs: \(recipe.epochs) more epochs after epoch \(startEpoch) is more than can be counted") }
        let loader = fashion.trainLoader(batchSize: recipe.batchSize, workers: workers)
        var watch = LossWatch(stopOnNaN: stopOnNaN, checkpoint: resume)
        for epoch in (startEpoch + 1)...lastEpoch {
            let started = Date()
            model.train()
            let bar = ProgressBar(total: loader.count, label: "epoch \(epoch)/\(lastEpoch)")
            for (step, (images, labels)) in loader.enumerated() {
                let output = model(workload.input(images))
                let loss = workload.loss(output, labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                let n = labels.shape[0], value = loss.item() / (workload.fromScratch ? Double(n) : 1)
                bar.step(samples: n, loss: value, correct: accuracy(output.detach(), labels))
                try watch.endStep(value, epoch: epoch, step: step + 1, bar: bar, firstStep: &firstStep, checkpoint: outputs.checkpoint)
            }
            epochSeconds.append(Date().timeIntervalSince(started))
            model.eval()
            let testBatches = FashionData.batches(try fashion.testSplit(), batchSize: workload.evalBatchSize,
                                                  size: workload.imageSize)
            testAccuracy = evaluate(model: { model(workload.input($0)) }, batches: testBatches,
                                    loss: workload.meanLoss).accuracy
            lastLoss = bar.loss
            bar.finish(summary: String(format: "test acc %.4f", testAccuracy))
            try outputs.record(epoch: epoch, trainLoss: bar.loss, trainAccuracy: bar.accuracy,
                               testAccuracy: testAccuracy, seconds: epochSeconds.last!)
            try outputs.saveCheckpoint(model: model, optimizer: optimizer,
                                       metadata: recipe.metadata(epoch: epoch).merging(Recipe.shuffleState()) { $1 })
            watch.checkpoint = outputs.checkpoint
        }
        try outputs.saveModel(model, metadata: recipe.metadata(epoch: lastEpoch))
        print(String(format: "test accuracy %.4f; figure %@, weights %@", testAccuracy, outputs.figure, outputs.model))
        let median = medianSeconds(epochSeconds)
        return [
            "workload": workload.rawValue, "epochs": recipe.epochs, "batch": recipe.batchSize,
            "test_accuracy": testAccuracy, "final_train_loss": lastLoss, "seconds_per_epoch": median,
            "samples_per_s": (Double(fashion.train.count) / median * 10).rounded() / 10,
            "startup_to_first_step_s": ((firstStep ?? 0) * 1000).rounded() / 1000, "peak_rss_mib": RunInfo.peakRSSMiB(),
        ]
    }
}
