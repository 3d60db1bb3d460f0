import Foundation
import ArgumentParser
import Ember

/// Whether a model can take images of a given size, found before running it: a convolution or
/// pooling layer whose output would be empty stops the process inside its kernel's checks, so the
/// command first walks the sizes through the layers itself and names the layer that would fail.
///
/// The walk is recorded once at the recipe's image size (each convolution's and pooling's input
/// and output sizes, in call order) and replayed at the asked size: a layer's input is the latest
/// output that had its input's size at the recipe's size. That holds for chains, branches that
/// keep the size (Inception) and shortcuts beside strided convolutions (Residual).
struct InputSizeCheck {
    /// A layer that changes the spatial size, with its sizes at the recipe's image size.
    private struct Step {
        enum Kind {
            /// Kernel, stride, padding, dilation along height and width, and ceil mode.
            case window(kernel: [Int], stride: [Int], padding: [Int], dilation: [Int], ceil: Bool)
            /// An adaptive pooling's fixed output size.
            case fixed
            /// Flattening spatial maps into the features a fully connected layer expects.
            case flatten
        }
        let name: String
        let type: String
        let kind: Kind
        let input: [Int]  // height, width
        let output: [Int]
    }

    private let steps: [Step]
    private let workload: Workload
    /// The elements of every layer's output (the leaf modules', and the model's) for one sample
    /// at the recipe's image size: what a forward pass makes besides its input.
    private let activationsPerSample: Int

    init(model: Module, workload: Workload) {
        self.workload = workload
        let names = Dictionary(model.namedModules().map { (ObjectIdentifier($0.1), $0.0) }) { a, _ in a }
        var steps: [Step] = []
        var activations = 0
        let handles = model.modules().map { m in
            let leaf = m.children().isEmpty || m === model
            return m.registerForwardHook { module, inputs, output in
                if leaf { activations += output.numel }
                guard let x = inputs.first, x.dim == 4, let kind = Self.kind(of: module) else { return nil }
                let out = output.dim == 4 ? Array(output.shape.suffix(2)) : []
                steps.append(Step(name: names[ObjectIdentifier(module)] ?? "?", type: module.typeName, kind: kind,
                                  input: Array(x.shape.suffix(2)), output: out))
                return nil
            }
        }
        let size = workload.imageSize
        noGrad {
            model.eval()
            _ = model(workload.input(Tensor.zeros([1, 1, size, size])))
            model.train()
        }
        handles.forEach { $0.remove() }
        self.steps = steps
        activationsPerSample = activations
    }

    private static func kind(of module: Module) -> Step.Kind? {
        func two(_ v: [Int]) -> [Int] { v.count == 1 ? [v[0], v[0]] : v }
        switch module {
        case let conv as ConvLayer where conv.kernelSize.count == 2:
            guard case .explicit(let p) = conv.padding else { return nil }  // "same" and "valid" need no check
            return .window(kernel: conv.kernelSize, stride: conv.stride, padding: two(p), dilation: conv.dilation, ceil: false)
        case let pool as MaxPool2d:
            return .window(kernel: two(pool.kernelSize.values), stride: two(pool.stride.values),
                           padding: two(pool.padding.values), dilation: two(pool.dilation.values), ceil: pool.ceilMode)
        case let pool as AvgPool2d:
            return .window(kernel: two(pool.kernelSize.values), stride: two(pool.stride.values),
                           padding: two(pool.padding.values), dilation: [1, 1], ceil: pool.ceilMode)
        case is AdaptiveAvgPool2d, is AdaptiveMaxPool2d: return .fixed
        case is Flatten: return .flatten
        default: return nil
        }
    }

    /// PyTorch's output size of a window over `size` (`pooling_output_shape` with ceil mode).
    private static func windowOutput(_ size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceil: Bool) -> Int {
        let span = size + 2 * padding - dilation * (kernel - 1) - 1
        guard span >= 0 else { return 0 }
        var out = (ceil ? (span + stride - 1) / stride : span / stride) + 1
        if ceil && (out - 1) * stride >= size + padding { out -= 1 }
        return out
    }

    /// The first layer that would fail at `size` (height, width), and why.
    private func failure(_ size: [Int]) -> (step: Step, problem: String)? {
        let base = workload.imageSize
        var maps: [[Int: Int]] = [[base: size[0]], [base: size[1]]]
        for step in steps {
            let input = (0..<2).map { maps[$0][step.input[$0]] ?? step.input[$0] }
            switch step.kind {
            case .window(let k, let s, let p, let d, let ceil):
                let output = (0..<2).map {
                    Self.windowOutput(input[$0], kernel: k[$0], stride: s[$0], padding: p[$0], dilation: d[$0], ceil: ceil)
                }
                if output.contains(where: { $0 <= 0 }) {
                    return (step, "its \(input[0])×\(input[1]) input would give a \(output[0])×\(output[1]) output")
                }
                for i in 0..<2 { maps[i][step.output[i]] = output[i] }
            case .fixed:
                for i in 0..<2 { maps[i][step.output[i]] = step.output[i] }
            case .flatten:
                if input != step.input {
                    return (step, "it would flatten \(input[0])×\(input[1]) maps where the next layer expects the features of \(step.input[0])×\(step.input[1]) maps")
                }
            }
        }
        return nil
    }

    /// Throws a one-line error naming the layer that would fail at `height` × `width` and the
    /// input size the model needs.
    func check(height: Int, width: Int) throws {
        guard let (step, problem) = failure([height, width]) else { return }
        let base = workload.imageSize
        let needed: String
        if let smallest = (1...base).first(where: { failure([$0, $0]) == nil }), smallest < base {
            needed = "images of at least \(smallest)×\(smallest)"
        } else {
            needed = "\(base)×\(base) images"
        }
        throw CommandError("--input: \(height)×\(width) images do not fit \(workload.rawValue): at layer '\(step.name)' (\(step.type)) "
                           + "\(problem); \(workload.rawValue) takes \(needed)")
    }
}

extension InputSizeCheck {
    /// This machine's physical memory in bytes.
    static var physicalMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return .max }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? .max : bytes
    }

    /// Throws a one-line error naming `option` unless `batch` float32 inputs of
    /// `channels` × `height` × `width` can be addressed and, with the activations a forward pass
    /// makes (recorded at the recipe's size and scaled by the image area; for `training` twice
    /// that, as backward keeps them and makes their gradients), fit in this machine's physical
    /// memory. A batch beyond that would stop the process when an allocation failed, after
    /// minutes of swapping at best.
    func checkMemory(batch: Int, channels: Int, height: Int, width: Int, training: Bool, option: String) throws {
        let shape = "\(batch) × \(channels) × \(height) × \(width)"
        guard let elements = InputOption.elementCount([batch, channels, height, width]), elements <= Int.max / 4 else {
            throw CommandError("\(option): an input of \(shape) floats is more than can be addressed")
        }
        let base = Double(workload.imageSize * workload.imageSize)
        let perSample = Double(channels) * Double(height) * Double(width)
            + Double(activationsPerSample) * Double(height) * Double(width) / base
        let bytes = 4 * Double(batch) * perSample * (training ? 2 : 1)
        let memory = Self.physicalMemory
        guard bytes <= Double(memory) else {
            throw CommandError("\(option): an input of \(shape) floats and its activations need about \(Self.gigabytes(bytes)), "
                               + "more than this machine's \(Self.gigabytes(Double(memory))) of memory")
        }
    }

    /// `bytes` in GB, to three significant digits or whole.
    private static func gigabytes(_ bytes: Double) -> String {
        String(format: bytes < 1e11 ? "%.3g GB" : "%.0f GB", bytes / 1e9)
    }
}

/// `--input C,H,W` of `ember summary` and `ember export`. Its value may start with '-' (the
/// options are parsed unconditionally), so that `-1,28,28` reaches this check.
enum InputOption {
    /// The three sizes, each positive and at most 4096 channels and 16384 pixels a side.
    static func parse(_ input: String) throws -> [Int] {
        let fields = input.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 3 else { throw ValidationError("--input: expected C,H,W (three sizes separated by commas), got '\(input)'") }
        var sizes: [Int] = []
        for (name, field) in zip(["C", "H", "W"], fields) {
            guard let n = Int(field) else {
                throw ValidationError("--input: \(name) must be a whole number, got '\(field)' in '\(input)'")
            }
            guard n > 0 else { throw ValidationError("--input: \(name) must be positive, got \(n) in '\(input)'") }
            let limit = name == "C" ? 4096 : 16384
            guard n <= limit else {
                throw ValidationError("--input: \(name) must be at most \(limit), got \(n) in '\(input)'")
            }
            sizes.append(n)
        }
        return sizes
    }

    /// The product of `sizes`, nil when it overflows `Int`.
    static func elementCount(_ sizes: [Int]) -> Int? {
        var count = 1
        for n in sizes {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Throws unless `channels` is 1: every workload takes Fashion-MNIST's gray images.
    static func requireOneChannel(_ channels: Int, _ workload: Workload) throws {
        guard channels == 1 else {
            throw CommandError("--input: \(workload.rawValue) takes 1 channel (Fashion-MNIST's gray images), got \(channels)")
        }
    }
}
