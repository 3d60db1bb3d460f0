import ArgumentParser
import Ember
import Foundation

/// `ember bench`: release-mode benchmarks printing the JSON keys of `shared/bench/torch_ref.py`.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and print (or write) its JSON result.",
        subcommands: [Linreg.self, Gemm.self])

    struct Options: ParsableArguments {
        @Option(help: "Also write the JSON result to this file.")
        var json: String?
        @Option(help: "Kernel threads.")
        var threads: Int = 2

        func emit(_ result: [String: Any]) throws {
            var r = result
            r["peak_rss_mib"] = RunInfo.peakRSSMiB()
            r["threads"] = threads
            let data = try JSONSerialization.data(withJSONObject: r, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            if let json { try writeJSON(r, to: json) }
        }
    }

    /// The textbook's from-scratch linear regression (the recipe of `torch_ref.py linreg`).
    struct Linreg: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Textbook linear regression with manual SGD.")
        @OptionGroup var options: Options
        @Option(help: "Epochs.") var epochs = 20
        @Option(help: "Batch size.") var batch = 30

        func run() throws {
            guard epochs > 0, batch > 0 else { throw ValidationError("--epochs and --batch must be positive") }
            setNumThreads(options.threads)
            manualSeed(0)
            let trueW = Tensor([1.1, -4.5, 1.4]), trueB = 1.1919810
            let x = Tensor.normal(mean: 0, std: 1, [2000, 3])
            let y = (x.matmul(trueW) + trueB + Tensor.normal(mean: 0, std: 0.01, [2000])).reshape(-1, 1)
            let w = Tensor.normal(mean: 0, std: 0.01, [3, 1], requiresGrad: true)
            let b = Tensor.zeros([1], requiresGrad: true)
            var first: Double?
            let start = Date()
            for _ in 0..<epochs {
                let order = Tensor.randperm(2000)
                for s in Swift.stride(from: 0, to: 2000, by: batch) {
                    let i = order[s..<Swift.min(s + batch, 2000)]
                    let loss = ((x[i].matmul(w) + b - y[i]) ** 2 / 2).sum()
                    loss.backward()
                    noGrad {
                        for p in [w, b] {
                            p.sub_(p.grad! * (0.008 / Double(batch)))
                            p.grad!.zero_()
                        }
                    }
                    if first == nil { first = RunInfo.secondsSinceStart() }
                }
            }
            let seconds = Date().timeIntervalSince(start)
            let finalLoss = noGrad { ((x.matmul(w) + b - y) ** 2 / 2).mean().item() }
            let wError = noGrad { (w.detach().reshape(3) - trueW).abs().max().item() }
            try options.emit([
                "workload": "linreg", "epochs": epochs, "train_seconds": (seconds * 1000).rounded() / 1000,
                "final_loss": finalLoss, "w_error": wError, "b_error": Swift.abs(b.item() - trueB),
                "startup_to_first_step_s": ((first ?? 0) * 1000).rounded() / 1000,
            ])
        }
    }

    /// Float32 matrix multiply throughput at n = 256…2048 (the recipe of `torch_ref.py gemm`).
    struct Gemm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Float32 GEMM GFLOP/s at n = 256, 512, 1024, 2048.")
        @OptionGroup var options: Options

        func run() throws {
            setNumThreads(options.threads)
            var rows: [String: Double] = [:]
            for n in [256, 512, 1024, 2048] {
                let a = Tensor.rand(n, n), b = Tensor.rand(n, n)
                _ = a.matmul(b)
                let reps = Swift.max(3, Int(4e9 / (2 * pow(Double(n), 3))))
                var times: [Double] = []
                for _ in 0..<reps {
                    let t = DispatchTime.now().uptimeNanoseconds
                    _ = a.matmul(b)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
                }
                times.sort()
                let median = times[times.count / 2]
                rows[String(n)] = (2 * pow(Double(n), 3) / median / 1e9 * 10).rounded() / 10
            }
            try options.emit(["workload": "gemm", "gflops": rows])
        }
    }
}
