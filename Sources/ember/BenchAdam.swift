import ArgumentParser
import Ember
import Foundation

extension Bench {
    /// `Adam.step()` over the parameters of `torch_ref.py`'s ResNet-18 (76 tensors, 11,178,378
    /// floats: a 1-channel 7x7 stem, four stages of two residual blocks with conv biases and 1x1
    /// shortcuts, batch-norm weights and biases, a 10-way linear head); `scripts/bench/adam_ref.py`
    /// times PyTorch on the same shapes.
    struct AdamStep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adam", abstract: "Time Adam.step() over ResNet-18's parameter shapes.")
        @OptionGroup var options: Options
        @Option(parsing: .unconditional, help: "Timed steps (after two warm-up steps).") var reps = 20

        /// The parameter shapes, in `resnet18().parameters()` order.
        static var shapes: [[Int]] {
            var shapes: [[Int]] = [[64, 1, 7, 7], [64], [64], [64]]
            for (cin, cout, first) in [(64, 64, true), (64, 128, false), (128, 256, false), (256, 512, false)] {
                for block in 0..<2 {
                    let inChannels = block == 0 ? cin : cout
                    shapes += [[cout, inChannels, 3, 3], [cout], [cout, cout, 3, 3], [cout]]
                    if block == 0 && !first { shapes += [[cout, cin, 1, 1], [cout]] }
                    shapes += [[cout], [cout], [cout], [cout]]
                }
            }
            return shapes + [[10, 512], [10]]
        }

        func run() throws {
            guard reps > 0 else { throw ValidationError("--reps must be positive") }
            options.threading.apply()
            manualSeed(0)
            let params = AdamStep.shapes.map { shape in
                let p = Tensor.uniform(-0.1, 0.1, shape, requiresGrad: true)
                p.grad = Tensor.uniform(-0.01, 0.01, shape)
                return p
            }
            let opt = Adam(params, lr: 1e-3)
            opt.step()
            opt.step()
            var times: [Double] = []
            for _ in 0..<reps {
                let t = DispatchTime.now().uptimeNanoseconds
                opt.step()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
            }
            times.sort()
            try options.emit([
                "workload": "adam_step", "tensors": params.count, "parameters": params.reduce(0) { $0 + $1.numel },
                "step_ms": (times[times.count / 2] * 1000).rounded() / 1000, "reps": reps,
            ])
        }
    }
}
