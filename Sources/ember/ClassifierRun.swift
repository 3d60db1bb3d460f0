import ArgumentParser
import Ember
import Foundation

/// Training one of the Fashion-MNIST classifiers: epochs of shuffled batches, the test accuracy
/// after each, and the run's files. In a distributed run every rank trains the model wrapped in
/// `DistributedDataParallel` on its `DistributedSampler` share of each epoch (`batchSize` per
/// rank), and the leader alone evaluates, prints and writes.
struct ClassifierRun {
    let recipe: Recipe
    let data: String
    let workers: Int
    let out: String
    let resume: String?
    let stopOnNaN: Bool
    var team = TrainingTeam.alone
    /// Seeds the distributed shuffles (`seed + epoch`, as PyTorch's `DistributedSampler`).
    var seed: UInt64 = 0

    /// Trains and returns the result in torch_ref.py's keys.
    func run() throws -> [String: Any] {
        let workload = recipe.workload
        let fashion = try FashionData(root: data, size: workload.imageSize)
        let model = workload.model()
        let optimizer = workload.optimizer(model.parameters(), lr: recipe.lr, batchSize: recipe.batchSize)
        let log = { (line: String) in if team.isLeader { print(line) } }
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
            log("resumed from \(resume) after epoch \(startEpoch)")
        }
        // Every rank starts from rank 0's weights (resumed or fresh).
        let net: Module = team.isDistributed ? try DistributedDataParallel(model) : model
        let outputs = team.isLeader ? try RunOutputs(dir: out, resumingAfter: resume == nil ? nil : startEpoch) : nil
        let checkpoint = outputs?.checkpoint ?? out + "/checkpoint.safetensors"
        var firstStep: Double?, epochSeconds: [Double] = [], lastLoss = 0.0, testAccuracy = 0.0
        let (lastEpoch, overflow) = startEpoch.addingReportingOverflow(recipe.epochs)
        guard !overflow else { throw CommandError("--epochs: \(recipe.epochs) more epochs after epoch \(startEpoch) is more than can be counted") }
        let sampler = team.isDistributed ? DistributedSampler(size: fashion.train.count, seed: seed) : nil
        let loader = fashion.trainLoader(batchSize: recipe.batchSize, workers: workers, sampler: sampler)
        var watch = LossWatch(stopOnNaN: stopOnNaN, checkpoint: resume, team: team)
        // A damaged test split stops the run now, not after an epoch of training (it is read in
        // the background, and done by now on a healthy one).
        if outputs != nil { _ = try fashion.testSplit() }
        for epoch in (startEpoch + 1)...lastEpoch {
            let started = Date()
            model.train()
            sampler?.setEpoch(epoch)
            let bar = team.progressBar(total: loader.count, label: "epoch \(epoch)/\(lastEpoch)")
            var sums = [0.0, 0, 0]  // loss × samples, correct, samples: over the ranks at the end
            for (step, (images, labels)) in loader.enumerated() {
                let output = net(workload.input(images))
                let loss = workload.loss(output, labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                let n = labels.shape[0], value = loss.item() / (workload.fromScratch ? Double(n) : 1)
                let correct = accuracy(output.detach(), labels)
                bar.step(samples: n * team.size, loss: value, correct: correct * Double(team.size))  // the whole team's throughput
                sums = zip(sums, [value * Double(n), correct, Double(n)]).map(+)
                // What every rank decides at this step: a Ctrl-C or a non-finite loss on any rank.
                let flags = try team.sum([Interrupt.wasRequested ? 1 : 0, value.isFinite ? 0 : 1])
                try watch.endStep(flags[1] > 0 && value.isFinite ? .nan : value, epoch: epoch, step: step + 1, bar: bar,
                                  firstStep: &firstStep, checkpoint: checkpoint, interrupted: flags[0] > 0)
            }
            epochSeconds.append(Date().timeIntervalSince(started))
            let total = try team.sum(sums)
            lastLoss = total[0] / Swift.max(total[2], 1)
            let trainAccuracy = total[1] / Swift.max(total[2], 1)
            guard let outputs else {
                watch.checkpoint = checkpoint  // the leader is writing it now
                continue
            }
            model.eval()
            let testBatches = FashionData.batches(try fashion.testSplit(), batchSize: workload.evalBatchSize,
                                                  size: workload.imageSize)
            testAccuracy = evaluate(model: { model(workload.input($0)) }, batches: testBatches,
                                    loss: workload.meanLoss).accuracy
            bar.finish(summary: String(format: "test acc %.4f", testAccuracy)
                       + (team.isDistributed ? String(format: " (all %d ranks: loss %.4f acc %.4f)", team.size, lastLoss, trainAccuracy) : ""))
            try outputs.record(epoch: epoch, trainLoss: lastLoss, trainAccuracy: trainAccuracy,
                               testAccuracy: testAccuracy, seconds: epochSeconds.last!)
            try outputs.saveCheckpoint(model: model, optimizer: optimizer,
                                       metadata: recipe.metadata(epoch: epoch).merging(Recipe.shuffleState()) { $1 })
            watch.checkpoint = outputs.checkpoint
        }
        let median = medianSeconds(epochSeconds)
        guard let outputs else { return [:] }
        try outputs.saveModel(model, metadata: recipe.metadata(epoch: lastEpoch))
        print(String(format: "test accuracy %.4f; figure %@, weights %@", testAccuracy, outputs.figure, outputs.model))
        return [
            "workload": workload.rawValue, "epochs": recipe.epochs, "batch": recipe.batchSize, "ranks": team.size,
            "test_accuracy": testAccuracy, "final_train_loss": lastLoss, "seconds_per_epoch": median,
            "samples_per_s": (Double(fashion.train.count) / median * 10).rounded() / 10,
            "startup_to_first_step_s": ((firstStep ?? 0) * 1000).rounded() / 1000, "peak_rss_mib": RunInfo.peakRSSMiB(),
        ]
    }
}
