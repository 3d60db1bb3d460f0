import Foundation

/// A model's layers with their output shapes, parameter counts and multiply-adds for one input
/// shape, and the totals, in the spirit of torchinfo's `summary`. Made by `Module.summary`.
public struct ModelSummary: CustomStringConvertible, Sendable {
    /// One module of the model, or a subtree folded into its root at the summary's depth.
    public struct Row: Sendable {
        /// The qualified name (`4.0.conv1`; the model itself is `""`).
        public let name: String
        /// The class name (`Conv2d`).
        public let type: String
        /// 0 for the model, 1 for its children, ….
        public let depth: Int
        /// The output shape of the module's last call, or nil when the input never reached it.
        public let outputShape: [Int]?
        /// Parameters of the module's own, or of its whole subtree when it is folded or a leaf.
        public let params: Int
        /// Multiply-adds of the module's own parameters over its calls, or of its subtree when folded.
        public let multAdds: Int
        /// Whether the row stands for its whole subtree (a leaf, or folded at the depth).
        public let isFolded: Bool
    }

    /// The rows, depth first in declaration order, down to the summary's depth.
    public let rows: [Row]
    /// The input shape the model was run on.
    public let inputShape: [Int]
    /// All parameters, each shared tensor once; those that require grad.
    public let totalParams: Int, trainableParams: Int
    /// Multiply-adds of one forward pass over the input's batch (torchinfo's count: a
    /// convolution's parameters times its output positions, any other layer's parameters times
    /// the batch).
    public let multAdds: Int
    /// Bytes of the input, of the leaves' outputs kept for backward and their gradients (twice
    /// the outputs, as torchinfo estimates the forward/backward pass), and of the parameters.
    public let inputBytes: Int, activationBytes: Int, paramBytes: Int

    public var description: String {
        let columns = [44, 22, 14, 16]
        let rule = String(repeating: "=", count: columns.reduce(0, +))
        func line(_ cells: [String]) -> String {
            zip(cells, columns).enumerated().map { i, pair in
                i == 0 ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: Swift.max(1, pair.1 - pair.0.count)) + pair.0
            }.joined()
        }
        var lines = [rule, line(["Layer (type)", "Output Shape", "Param #", "Mult-Adds"]), rule]
        for row in rows {
            let label = String(repeating: "  ", count: Swift.max(0, row.depth - 1)) + (row.depth == 0 ? "" : row.name + " ") + "(\(row.type))"
            let shape = row.outputShape.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "--"
            let shown = row.isFolded || row.params > 0
            lines.append(line([label, shape, shown ? Self.grouped(row.params) : "--", shown ? Self.grouped(row.multAdds) : "--"]))
        }
        func mb(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1e6) }
        lines += [
            rule,
            "Total params: \(Self.grouped(totalParams))",
            "Trainable params: \(Self.grouped(trainableParams))",
            "Non-trainable params: \(Self.grouped(totalParams - trainableParams))",
            "Total mult-adds (M): " + String(format: "%.2f", Double(multAdds) / 1e6),
            rule,
            "Input size (MB): \(mb(inputBytes))",
            "Forward/backward pass size (MB): \(mb(activationBytes))",
            "Params size (MB): \(mb(paramBytes))",
            "Estimated total size (MB): \(mb(inputBytes + activationBytes + paramBytes))",
            rule,
        ]
        return lines.joined(separator: "\n")
    }

    /// The summary as JSON-ready values: `total_params`, `trainable_params`, `mult_adds`, the
    /// sizes, and a row per layer (`name`, `type`, `depth`, `output_shape`, `params`, `mult_adds`).
    public var jsonObject: [String: Any] {
        [
            "input_shape": inputShape, "total_params": totalParams, "trainable_params": trainableParams,
            "mult_adds": multAdds, "input_bytes": inputBytes, "activation_bytes": activationBytes,
            "param_bytes": paramBytes,
            "layers": rows.map { row -> [String: Any] in
                ["name": row.name, "type": row.type, "depth": row.depth, "output_shape": row.outputShape ?? NSNull(),
                 "params": row.params, "mult_adds": row.multAdds]
            },
        ]
    }

    /// `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }
}

extension Module {
    /// Runs the model once on zeros of `inputShape` (batch first) in eval mode without
    /// gradients, then restores its mode, and returns each module's output shape, parameters and
    /// multiply-adds down to `depth` (deeper modules folded into their ancestor at `depth`).
    /// Nothing is drawn from a generator and no running statistic moves. torchinfo:
    /// `summary(model, input_size=..., depth=...)`.
    public func summary(inputShape: [Int], depth: Int = 3, dtype: DType = .float32) -> ModelSummary {
        let modules = namedModules()
        var shapes: [ObjectIdentifier: [Int]] = [:], calls: [ObjectIdentifier: Int] = [:]
        let handles = modules.map { _, m in
            m.registerForwardHook { module, _, output in
                shapes[ObjectIdentifier(module)] = output.shape
                calls[ObjectIdentifier(module), default: 0] += 1
                return nil
            }
        }
        let modes = modules.map(\.1.training)
        eval()
        let input = Tensor.zeros(inputShape, dtype: dtype)
        _ = noGrad { self(input) }
        for ((_, m), mode) in zip(modules, modes) { m.training = mode }
        handles.forEach { $0.remove() }

        // Own parameters and multiply-adds of each module.
        var own: [ObjectIdentifier: (params: Int, multAdds: Int)] = [:]
        for (_, m) in modules {
            let id = ObjectIdentifier(m)
            let params = m.namedParameters(recurse: false)
            let count = params.reduce(0) { $0 + $1.1.numel }
            var multAdds = 0
            if let out = shapes[id], !out.isEmpty {
                let isConv = m.typeName.contains("Conv")
                for (name, p) in params {
                    if name == "weight" || name == "bias" {
                        multAdds += p.numel * (isConv ? out[0] * out.dropFirst(2).reduce(1, *) : out[0])
                    } else if name.contains("weight") || name.contains("bias") {
                        multAdds += p.numel * out.prefix(2).reduce(1, *)
                    }
                }
                multAdds *= calls[id] ?? 1
            }
            own[id] = (count, multAdds)
        }
        var rows: [ModelSummary.Row] = []
        var activationBytes = 0
        for (index, (name, m)) in modules.enumerated() {
            let level = name.isEmpty ? 0 : name.split(separator: ".").count
            let isLeaf = m.namedChildren().isEmpty
            if isLeaf, let out = shapes[ObjectIdentifier(m)] {
                activationBytes += 2 * out.reduce(1, *) * dtype.itemSize * (calls[ObjectIdentifier(m)] ?? 1)
            }
            guard level <= depth else { continue }
            let folded = isLeaf || level == depth
            // The subtree is this module and the ones after it whose names extend its own.
            let subtree = folded ? modules[index...].prefix { $0.0 == name || name.isEmpty || $0.0.hasPrefix(name + ".") } : [(name, m)]
            let sums = subtree.reduce((0, 0)) { acc, entry in
                let o = own[ObjectIdentifier(entry.1)]!
                return (acc.0 + o.params, acc.1 + o.multAdds)
            }
            rows.append(.init(name: name, type: m.typeName, depth: level, outputShape: shapes[ObjectIdentifier(m)],
                              params: sums.0, multAdds: sums.1, isFolded: folded))
        }
        let parameters = self.parameters()
        let total = parameters.reduce(0) { $0 + $1.numel }
        return ModelSummary(
            rows: rows, inputShape: inputShape, totalParams: total,
            trainableParams: parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.numel },
            multAdds: own.values.reduce(0) { $0 + $1.multAdds },
            inputBytes: inputShape.reduce(1, *) * dtype.itemSize, activationBytes: activationBytes,
            paramBytes: parameters.reduce(0) { $0 + $1.numel * $1.dtype.itemSize })
    }
}
