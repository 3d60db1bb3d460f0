import ArgumentParser
import Ember
import Foundation

extension Bench {
    /// `ember bench MODEL`: training and evaluation steps of a workload's network on random
    /// images of its input size, timed as `torch_ref.py MODEL` (without `--epochs`) times them:
    /// one step (start-up to its end reported), three warm-up steps, then `steps` timed training
    /// steps (forward, loss, zero_grad, backward, optimizer step) and, in eval mode without
    /// gradients, three warm-up and `steps` timed forwards. With `--distributed` (under
    /// `mpirun`) every rank trains the model in `DistributedDataParallel` on its own batch, and
    /// the step time is split into the time before the reductions' wait (compute, with the
    /// communication backward hid) and the wait (communication not hidden).
    struct Model: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time training and evaluation steps of a model (the default subcommand: `ember bench resnet18`).")
        @Argument(help: "The model: \(Workload.benchable.map(\.rawValue).joined(separator: ", ")).")
        var workload: Workload
        @OptionGroup var options: Options
        @Option(parsing: .unconditional, help: "Batch size (default: the recipe's).") var batch: Int?
        @Option(parsing: .unconditional, help: "Timed steps, for training and for evaluation.") var steps = 20
        @Flag(help: "Time data-parallel training steps on every process mpirun started (--batch per process).")
        var distributed = false

        func validate() throws {
            guard Workload.benchable.contains(workload) else {
                throw ValidationError("'\(workload.rawValue)' is trained from scratch without a module; use `ember bench linreg` "
                                      + "or one of \(Workload.benchable.map(\.rawValue).joined(separator: ", "))")
            }
            if let batch, batch <= 0 { throw ValidationError("--batch must be positive, got \(batch)") }
            guard (1...Self.maxSteps).contains(steps) else { throw ValidationError("--steps must be from 1 to \(Self.maxSteps), got \(steps)") }
        }

        /// The most timed steps (a million LeNet steps already take hours).
        static let maxSteps = 1_000_000

        func run() throws {
            let team = distributed ? try TrainingTeam.join() : .alone
            defer { team.leave() }
            options.threading.apply(ranksOnThisMachine: team.isDistributed ? Distributed.localWorldSize : 1)
            manualSeed(0)
            let batch = batch ?? workload.defaultBatchSize, size = workload.imageSize
            let model = workload.model()
            // A batch whose images or activations cannot be held is refused before anything runs.
            try InputSizeCheck(model: model, workload: workload)
                .checkMemory(batch: batch, channels: 1, height: size, width: size, training: true, option: "--batch")
            let ddp = team.isDistributed ? try DistributedDataParallel(model) : nil
            let net: Ember.Module = ddp ?? model
            let optimizer = workload.optimizer(model.parameters(), lr: workload.defaultLR, batchSize: batch)
            let g = Generator(seed: 0)
            let images = Tensor.rand([batch, 1, size, size], generator: g)
            let labels = Tensor.randint(0, 10, [batch], generator: g)
            var exposed = 0.0, communication = 0.0
            func step() {
                model.train()
                let loss = workload.loss(net(images), labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                _ = loss.item()
                exposed += ddp?.lastStepTimes.exposedCommunication ?? 0
                communication += ddp?.lastStepTimes.communication ?? 0
            }
            step()
            let first = RunInfo.secondsSinceStart()
            for _ in 0..<3 { step() }
            (exposed, communication) = (0, 0)
            let trainSeconds = timed(steps, step)
            if let ddp {
                let stepMs = trainSeconds / Double(steps) * 1000, waitMs = exposed / Double(steps) * 1000
                guard team.isLeader else { return }
                try options.emit([
                    "workload": workload.rawValue, "batch": batch, "steps": steps, "ranks": team.size,
                    "train_samples_per_s": (Double(steps) * Double(batch) * Double(team.size) / trainSeconds * 10).rounded() / 10,
                    "step_ms": (stepMs * 100).rounded() / 100, "compute_ms": ((stepMs - waitMs) * 100).rounded() / 100,
                    "exposed_communication_ms": (waitMs * 100).rounded() / 100,
                    "communication_ms": (communication / Double(steps) * 1e5).rounded() / 100,
                    "gradient_bytes": ddp.bucketSizes.reduce(0, +), "buckets": ddp.bucketSizes.count,
                ])
                return
            }
            model.eval()
            let evalSeconds = noGrad { () -> Double in
                for _ in 0..<3 { _ = model(images) }
                return timed(steps) { _ = model(images) }
            }
            func rate(_ seconds: Double) -> Double { (Double(steps) * Double(batch) / seconds * 10).rounded() / 10 }
            try options.emit([
                "workload": workload.rawValue, "batch": batch, "steps": steps,
                "train_samples_per_s": rate(trainSeconds), "eval_samples_per_s": rate(evalSeconds),
                "startup_to_first_step_s": (first * 1000).rounded() / 1000,
            ])
        }

        /// Seconds for `count` calls of `body`.
        private func timed(_ count: Int, _ body: () -> Void) -> Double {
            let t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count { body() }
            return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
        }
    }
}

extension Workload {
    /// The workloads whose network is a module `ember bench MODEL` can time.
    static var benchable: [Workload] { allCases.filter { !$0.fromScratch } }
}
