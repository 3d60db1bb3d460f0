import ArgumentParser
import Ember
import Foundation

/// `ember bench`: release-mode benchmarks printing the JSON keys of `shared/bench/torch_ref.py`.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and print (or write) its JSON result.",
        subcommands: [Model.self, Linreg.self, Gemm.self, Layers.self, AdamStep.self, LSTMBench.self, GRUBench.self, RNNBench.self], defaultSubcommand: Model.self)

    struct Options: ParsableArguments {
        @Option(help: "Also write the JSON result to this file (a NaN or infinite number is written as null).")
        var json: String?
        @OptionGroup var threading: ThreadOptions

        /// A bad `--json` is reported before the benchmark runs, not after it.
        func validate() throws {
            if let json { try OutputPaths.checkFile(json, option: "--json") }
        }

        func emit(_ result: [String: Any]) throws {
            var r = result
            r["peak_rss_mib"] = RunInfo.peakRSSMiB()
            r["threads"] = getNumThreads()
            print(String(decoding: try jsonData(r, path: "standard output"), as: UTF8.self))
            if let json { try writeJSON(r, to: json) }
        }
    }

    /// The textbook's from-scratch linear regression (the recipe of `torch_ref.py linreg`).
    struct Linreg: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Textbook linear regression with manual SGD.")
        @OptionGroup var options: Options
        @Option(parsing: .unconditional, help: "Epochs.") var epochs = 20
        @Option(parsing: .unconditional, help: "Batch size.") var batch = 30

        func run() throws {
            guard epochs > 0, batch > 0 else { throw ValidationError("--epochs and --batch must be positive") }
            options.threading.apply()
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

    /// Float32 matrix multiply throughput at n = 256…2048 (the recipe of `torch_ref.py gemm`), and
    /// the same products through `dnnl_sgemm` called directly on preallocated buffers, the bar
    /// Ember's matmul is held to. The two are timed alternately, one call each in turn, so that the
    /// machine's drift (this VM's speed varies by a third within seconds) falls on both alike.
    struct Gemm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Float32 GEMM GFLOP/s at n = 256, 512, 1024, 2048.")
        @OptionGroup var options: Options
        @Option(parsing: .unconditional, help: "About how long to time each size on each side; never fewer repetitions than torch_ref.py's.")
        var seconds = 0.5

        func run() throws {
            // At most an hour: the repetitions are counted from it (an infinite or huge one trapped).
            guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be positive and at most 3600, got \(seconds)") }
            options.threading.apply()
            var ember: [String: Double] = [:], raw: [String: Double] = [:]
            for n in [256, 512, 1024, 2048] {
                let a = Tensor.rand(n, n), b = Tensor.rand(n, n)
                var c = [Float](repeating: 0, count: n * n)
                let pa = a.toFloats(), pb = b.toFloats()
                func direct() {
                    rawSgemm(n: n, pa, pb, &c)
                }
                _ = a.matmul(b)
                direct()
                let flops = 2 * pow(Double(n), 3)
                // torch_ref.py's count, or more to fill `seconds` at about 250 GFLOP/s.
                let reps = Swift.max(3, Int(4e9 / flops), Int(seconds * 2.5e11 / flops))
                var tEmber: [Double] = [], tRaw: [Double] = []
                for _ in 0..<reps {
                    tEmber.append(timed { _ = a.matmul(b) })
                    tRaw.append(timed(direct))
                }
                ember[String(n)] = gflops(flops, tEmber)
                raw[String(n)] = gflops(flops, tRaw)
            }
            try options.emit(["workload": "gemm", "gflops": ember, "raw_onednn_sgemm_gflops": raw])
        }

        /// Seconds `body` took.
        private func timed(_ body: () -> Void) -> Double {
            let t = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
        }

        /// GFLOP/s of the median time, to one decimal.
        private func gflops(_ flops: Double, _ times: [Double]) -> Double {
            (flops / times.sorted()[times.count / 2] / 1e9 * 10).rounded() / 10
        }
    }

    /// The conv layers of `torch_ref.py layers`: median milliseconds of one forward, and of forward
    /// plus backward (input, weight and bias gradients).
    struct Layers: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time the benchmark conv layers, forward and forward+backward.")
        @OptionGroup var options: Options
        @Option(parsing: .unconditional, help: "Repetitions per layer (the first two are warm-up).") var reps = 8
        @Option(help: "Time only this layer (a name from torch_ref.py's LAYERS).") var layer: String?

        /// name: (batch, in channels, size, out channels, kernel, stride, padding), as in torch_ref.py.
        static let layers: [(String, [Int])] = [
            ("lenet.conv1", [256, 1, 32, 6, 5, 1, 0]), ("lenet.conv2", [256, 6, 14, 16, 5, 1, 0]),
            ("resnet18.stem", [64, 1, 96, 64, 7, 2, 3]), ("resnet18.stage1", [64, 64, 24, 64, 3, 1, 1]),
            ("resnet18.stage2", [64, 128, 12, 128, 3, 1, 1]), ("resnet18.stage3", [64, 256, 6, 256, 3, 1, 1]),
            ("resnet18.stage4", [64, 512, 3, 512, 3, 1, 1]), ("alexnet.conv1", [32, 1, 224, 96, 11, 4, 0]),
            ("alexnet.conv2", [32, 96, 26, 256, 5, 1, 2]), ("alexnet.conv3", [32, 256, 12, 384, 3, 1, 1]),
        ]

        func run() throws {
            guard reps > 2 else { throw ValidationError("--reps must be at least 3") }
            if let layer, !Layers.layers.contains(where: { $0.0 == layer }) {
                throw ValidationError("--layer: no layer named '\(layer)'; the layers are \(Layers.layers.map(\.0).joined(separator: ", "))")
            }
            options.threading.apply()
            manualSeed(0)
            var rows: [String: Any] = [:]
            for (name, l) in Layers.layers where layer == nil || name == layer {
                let (n, cin, size, cout, k, s, p) = (l[0], l[1], l[2], l[3], l[4], l[5], l[6])
                let bound = 1 / Double(cin * k * k).squareRoot()
                let w = Tensor.uniform(-bound, bound, [cout, cin, k, k], requiresGrad: true)
                let b = Tensor.uniform(-bound, bound, [cout], requiresGrad: true)
                let x = Tensor.rand([n, cin, size, size], requiresGrad: true)
                var forward: [Double] = [], train: [Double] = []
                for _ in 0..<reps {
                    var t = DispatchTime.now().uptimeNanoseconds
                    _ = noGrad { F.conv2d(x, w, b, stride: [s], padding: .explicit([p])) }
                    forward.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
                    t = DispatchTime.now().uptimeNanoseconds
                    F.conv2d(x, w, b, stride: [s], padding: .explicit([p])).sum().backward()
                    train.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
                }
                func median(_ v: [Double]) -> Double {
                    let s = v.dropFirst(2).sorted()
                    return (s[s.count / 2] * 1000).rounded() / 1000
                }
                rows[name] = ["forward_ms": median(forward), "train_ms": median(train)]
            }
            try options.emit(["workload": "layers", "layers": rows])
        }
    }
}
