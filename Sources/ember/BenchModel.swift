import ArgumentParser
import Ember
import Foundation

extension Bench {
    /// `ember bench MODEL`: training and evaluation steps of a workload's network on random
    /// images of its input size, timed as `torch_ref.py MODEL` (without `--epochs`) times them:
    /// one step (start-up to its end reported), three warm-up steps, then `steps` timed training
    /// steps (forward, loss, zero_grad, backward, optimizer step) and, in eval mode without
    /// gradients, three warm-up and `steps` timed forwards.
    struct Model: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time training and evaluation steps of a model (the default subcommand: `ember bench resnet18`).")
        @Argument(help: "The model: \(Workload.benchable.map(\.rawValue).joined(separator: ", ")).")
        var workload: Workload
        @OptionGroup var options: Options
        @Option(parsing: .unconditional, help: "Batch size (default: the recipe's).") var batch: Int?
        @Option(parsing: .unconditional, help: "Timed steps, for training and for evaluation.") var steps = 20

        func validate() throws {
            guard Workload.benchable.contains(workload) else {
                throw ValidationError("'\(workload.rawValue)' is trained from scratch without a module; use `ember bench linreg` "
                                      + "or one of \(Workload.benchable.map(\.rawValue).joined(separator: ", "))")
            }
            if let batch, batch <= 0 { throw ValidationError("--batch must be positive, got \(batch)") }
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        }

        func run() throws {
            options.threading.apply()
            manualSeed(0)
            let batch = batch ?? workload.defaultBatchSize, size = workload.imageSize
            let model = workload.model()
            let optimizer = workload.optimizer(model.parameters(), lr: workload.defaultLR, batchSize: batch)
            let g = Generator(seed: 0)
            let images = Tensor.rand([batch, 1, size, size], generator: g)
            let labels = Tensor.randint(0, 10, [batch], generator: g)
            func step() {
                model.train()
                let loss = workload.loss(model(images), labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                _ = loss.item()
            }
            step()
            let first = RunInfo.secondsSinceStart()
            for _ in 0..<3 { step() }
            let trainSeconds = timed(steps, step)
            model.eval()
            let evalSeconds = noGrad { () -> Double in
                for _ in 0..<3 { _ = model(images) }
                return timed(steps) { _ = model(images) }
            }
            func rate(_ seconds: Double) -> Double { (Double(steps * batch) / seconds * 10).rounded() / 10 }
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
