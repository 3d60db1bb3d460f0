import Foundation

/// Print settings. PyTorch: `torch.set_printoptions`.
public struct PrintOptions: Sendable {
    /// Digits after the decimal point.
    public var precision = 4
    /// Element count above which a tensor is summarized with `...`.
    public var threshold = 1000
    /// Items shown at each end of a summarized dimension.
    public var edgeItems = 3
    /// Characters per line before wrapping.
    public var lineWidth = 80
    /// Creates the default options.
    public init() {}

    /// The options in use. Set once, like PyTorch's global print options.
    nonisolated(unsafe) public static var current = PrintOptions()
}

/// Formats elements as PyTorch's `_Formatter` does: integer, fixed or scientific mode chosen from the
/// nonzero finite values, padded to a common width.
private struct ElementFormatter {
    let floating: Bool, isBool: Bool
    var intMode = true, sciMode = false, maxWidth = 1
    let precision: Int

    init(values: [Double], dtype: DType, precision: Int) {
        floating = dtype.isFloatingPoint
        isBool = dtype == .bool
        self.precision = precision
        if !floating {
            for v in values { maxWidth = Swift.max(maxWidth, plain(v).count) }
            return
        }
        // As in PyTorch, only the nonzero finite values set the mode and the width.
        let finite = values.filter { $0.isFinite && $0 != 0 }
        if finite.isEmpty { return }
        let mags = finite.map { Swift.abs($0) }
        let lo = mags.min()!, hi = mags.max()!
        intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        if intMode {
            if hi / lo > 1000 || hi > 1e8 {
                sciMode = true
                for v in finite { maxWidth = Swift.max(maxWidth, String(format: "%.\(precision)e", v).count) }
            } else {
                for v in finite { maxWidth = Swift.max(maxWidth, String(format: "%.0f", v).count + 1) }
            }
        } else if hi / lo > 1000 || hi > 1e8 || lo < 1e-4 {
            sciMode = true
            for v in finite { maxWidth = Swift.max(maxWidth, String(format: "%.\(precision)e", v).count) }
        } else {
            for v in finite { maxWidth = Swift.max(maxWidth, String(format: "%.\(precision)f", v).count) }
        }
    }

    private func plain(_ v: Double) -> String {
        isBool ? (v != 0 ? "True" : "False") : String(Int64(v))
    }

    func format(_ v: Double) -> String {
        guard floating else { return plain(v) }
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if sciMode { return String(format: "%.\(precision)e", v) }
        if intMode { return String(format: "%.0f", v) + "." }
        return String(format: "%.\(precision)f", v)
    }

    func padded(_ v: Double) -> String {
        let s = format(v)
        return String(repeating: " ", count: Swift.max(0, maxWidth - s.count)) + s
    }
}

extension Tensor: CustomStringConvertible {
    /// PyTorch's `repr`: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`.
    public var description: String {
        let opts = PrintOptions.current
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        let values = detach()
        let summarize = numel > opts.threshold
        var body: String
        if numel == 0 {
            if dim != 1 { suffixes.append("size=(" + shape.map(String.init).joined(separator: ", ") + (dim == 1 ? ",)" : ")")) }
            body = "[]"
        } else {
            let shown = summarize ? values.summarized(opts.edgeItems) : values
            let formatter = ElementFormatter(values: shown.toDoubles(), dtype: dtype, precision: opts.precision)
            body = values.render(indent, summarize, formatter, opts)
        }
        // An empty tensor has no elements to show its dtype, so every non-default dtype is printed.
        if dtype != .float32 && (numel == 0 || (dtype != .int64 && dtype != .bool)) { suffixes.append("dtype=\(dtype)") }
        if let fn = gradFn {
            suffixes.append("grad_fn=<\(fn.name)>")
        } else if requiresGradFlag {
            suffixes.append("requires_grad=True")
        }
        var out = prefix + body
        // As PyTorch's `_add_suffixes` measures it (off by one on purpose, to match its wrapping).
        let lastNewline = out.lastIndex(of: "\n").map { out.distance(from: out.startIndex, to: $0) } ?? -1
        var lastLine = out.count - lastNewline + 1
        for s in suffixes {
            if lastLine + s.count + 2 > opts.lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + s
                lastLine = indent + s.count
            } else {
                out += ", " + s
                lastLine += s.count + 2
            }
        }
        return out + ")"
    }

    /// The edge items of every dim, for choosing the format of a summarized tensor.
    private func summarized(_ edge: Int) -> Tensor {
        if dim == 0 { return self }
        var t = self
        for d in 0..<dim where t.shape[d] > 2 * edge {
            t = Tensor.cat([t.narrow(d, 0, edge), t.narrow(d, t.shape[d] - edge, edge)], dim: d)
        }
        return t
    }

    private func render(_ indent: Int, _ summarize: Bool, _ f: ElementFormatter, _ opts: PrintOptions) -> String {
        if dim == 0 { return f.format(item()) }
        if dim == 1 {
            let vals = toDoubles()
            var data: [String]
            if summarize && shape[0] > 2 * opts.edgeItems {
                data = vals.prefix(opts.edgeItems).map(f.padded) + [" ..."] + vals.suffix(opts.edgeItems).map(f.padded)
            } else {
                data = vals.map(f.padded)
            }
            let perLine = Swift.max(1, (opts.lineWidth - indent) / (f.maxWidth + 2))
            let lines = Swift.stride(from: 0, to: data.count, by: perLine).map {
                data[$0..<Swift.min($0 + perLine, data.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        var slices: [String]
        if summarize && shape[0] > 2 * opts.edgeItems {
            slices = (0..<opts.edgeItems).map { select(0, $0).render(indent + 1, summarize, f, opts) } + ["..."]
                + ((shape[0] - opts.edgeItems)..<shape[0]).map { select(0, $0).render(indent + 1, summarize, f, opts) }
        } else {
            slices = (0..<shape[0]).map { select(0, $0).render(indent + 1, summarize, f, opts) }
        }
        let sep = "," + String(repeating: "\n", count: dim - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: sep) + "]"
    }
}
