import Testing
@testable import Ember

// Pooling operators checked three ways: against PyTorch's values, indices and input gradients
// (`Tests/Fixtures/pooling.json`, from `scripts/fixtures/pooling.py`), against a naive reference
// written here on random shapes (large enough for the kernels to split planes across threads),
// and by float64 finite differences, first and second order.

// MARK: - Fixtures

struct PoolingFixtures: Sendable, Decodable {
    let torch: String
    let cases: [String: FixtureCase]
}

let poolingFixtures: PoolingFixtures = loadFixtures("pooling.json")

extension JSONValue {
    /// A PyTorch int-or-list argument as a list.
    var intList: [Int] {
        if case .array = self { return ints }
        return [int]
    }
    /// An adaptive `output_size`: an int, or a list whose nulls keep the input's size.
    var outputSize: [Int?] {
        if case .array(let v) = self { return v.map(\.optionalInt) }
        return [int]
    }
}

/// Runs the case's operator on `x`: the output, and the indices for max pooling.
func runPooling(_ c: FixtureCase, _ x: Tensor) -> (Tensor, Tensor?) {
    let a = c.args
    let kernel = a["kernel_size"]?.intList ?? []
    let stride = a["stride"].flatMap { $0.isNull ? nil : $0.intList }
    let padding = a["padding"]?.intList ?? [0]
    let dilation = a["dilation"]?.intList ?? [1]
    let ceil = a["ceil_mode"]?.bool ?? false
    let include = a["count_include_pad"]?.bool ?? true
    switch c.op {
    case "max_pool2d":
        let r = F.maxPool2dWithIndices(x, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation,
                                       ceilMode: ceil)
        return (r.output, r.indices)
    case "max_pool1d":
        let r = F.maxPool1dWithIndices(x, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation,
                                       ceilMode: ceil)
        return (r.output, r.indices)
    case "avg_pool2d":
        return (F.avgPool2d(x, kernelSize: kernel, stride: stride, padding: padding, ceilMode: ceil,
                            countIncludePad: include, divisorOverride: a["divisor_override"]?.optionalInt), nil)
    case "avg_pool1d":
        return (F.avgPool1d(x, kernelSize: kernel, stride: stride, padding: padding, ceilMode: ceil,
                            countIncludePad: include), nil)
    case "adaptive_avg_pool2d":
        return (F.adaptiveAvgPool2d(x, outputSize: a["output_size"]!.outputSize), nil)
    case "adaptive_max_pool2d":
        let r = F.adaptiveMaxPool2dWithIndices(x, outputSize: a["output_size"]!.outputSize)
        return (r.output, r.indices)
    default:
        fatalError("unknown pooling op \(c.op)")
    }
}

// MARK: - Naive reference

/// One pooling configuration for the reference; `kind` is "max" or "avg".
struct PoolConfig: Sendable, CustomTestStringConvertible {
    let kind: String
    let shape: [Int]
    let k: (Int, Int), s: (Int, Int), p: (Int, Int), d: (Int, Int)
    let ceil: Bool, includePad: Bool, divisor: Int?

    var testDescription: String {
        "\(kind) \(shape) k\(k) s\(s) p\(p) d\(d) ceil \(ceil) includePad \(includePad) divisor \(divisor.map(String.init) ?? "nil")"
    }

    /// The output length of one axis, written from the documented formula.
    func outSize(_ n: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int) -> Int {
        let q = Double(n + 2 * p - d * (k - 1) - 1) / Double(s)
        var o = Int(ceil ? q.rounded(.up) : q.rounded(.down)) + 1
        if ceil && (o - 1) * s >= n + p { o -= 1 }
        return o
    }

    /// The flat in-plane positions window (i, j) reads.
    func taps(_ i: Int, _ j: Int) -> [Int] {
        let h = shape[shape.count - 2], w = shape[shape.count - 1]
        var taps: [Int] = []
        for a in 0..<k.0 {
            for b in 0..<k.1 {
                let r = i * s.0 - p.0 + a * d.0, c = j * s.1 - p.1 + b * d.1
                if r >= 0 && r < h && c >= 0 && c < w { taps.append(r * w + c) }
            }
        }
        return taps
    }

    /// Output values, flat in-plane indices (max only) and the input gradient for upstream `g`,
    /// by plain loops over every window tap.
    func reference(_ x: [Double], _ g: [Double]) -> (out: [Double], indices: [Int], gradInput: [Double]) {
        let h = shape[shape.count - 2], w = shape[shape.count - 1], planes = x.count / (h * w)
        let oh = outSize(h, k.0, s.0, p.0, d.0), ow = outSize(w, k.1, s.1, p.1, d.1)
        var out: [Double] = [], indices: [Int] = []
        var gradInput = [Double](repeating: 0, count: x.count)
        for plane in 0..<planes {
            for i in 0..<oh {
                for j in 0..<ow {
                    let o = out.count, taps = self.taps(i, j)
                    if kind == "max" {
                        var best = taps[0]
                        for t in taps where x[plane * h * w + t] > x[plane * h * w + best] { best = t }
                        out.append(x[plane * h * w + best])
                        indices.append(best)
                        gradInput[plane * h * w + best] += g[o]
                    } else {
                        let rows = Swift.min(i * s.0 - p.0 + k.0, h + p.0) - (i * s.0 - p.0)
                        let cols = Swift.min(j * s.1 - p.1 + k.1, w + p.1) - (j * s.1 - p.1)
                        let div = Double(divisor ?? (includePad ? rows * cols : taps.count))
                        out.append(taps.map { x[plane * h * w + $0] }.reduce(0, +) / div)
                        for t in taps { gradInput[plane * h * w + t] += g[o] / div }
                    }
                }
            }
        }
        return (out, indices, gradInput)
    }
}

/// Random pooling configurations whose output is not empty, from a seeded generator; the last one
/// is large enough that the kernels run on several threads.
let randomPoolConfigs: [PoolConfig] = {
    let gen = Generator(seed: 7)
    func draw(_ lo: Int, _ hi: Int) -> Int { Tensor.randint(lo, hi + 1, [1], generator: gen).itemInt() }
    var configs: [PoolConfig] = []
    while configs.count < 8 {
        let kind = configs.count % 2 == 0 ? "max" : "avg"
        let shape = [draw(1, 3), draw(1, 3), draw(3, 12), draw(3, 12)]
        let k = (draw(1, 4), draw(1, 4)), s = (draw(1, 3), draw(1, 3))
        let d = kind == "max" ? (draw(1, 2), draw(1, 2)) : (1, 1)
        let p = (draw(0, k.0 / 2), draw(0, k.1 / 2))
        let c = PoolConfig(kind: kind, shape: shape, k: k, s: s, p: p, d: d, ceil: draw(0, 1) == 1,
                           includePad: draw(0, 1) == 1, divisor: kind == "avg" && draw(0, 3) == 0 ? 3 : nil)
        let oh = c.outSize(shape[2], k.0, s.0, p.0, d.0), ow = c.outSize(shape[3], k.1, s.1, p.1, d.1)
        // Dilated taps can all miss the input; the reference needs one real tap per window.
        if oh >= 1 && ow >= 1 && (0..<oh).allSatisfy({ i in (0..<ow).allSatisfy { !c.taps(i, $0).isEmpty } }) {
            configs.append(c)
        }
    }
    configs.append(PoolConfig(kind: "max", shape: [4, 8, 33, 31], k: (3, 3), s: (2, 2), p: (1, 1), d: (1, 1),
                              ceil: true, includePad: true, divisor: nil))
    configs.append(PoolConfig(kind: "avg", shape: [4, 8, 33, 31], k: (3, 2), s: (2, 2), p: (1, 1), d: (1, 1),
                              ceil: true, includePad: false, divisor: nil))
    // Wide rows, for the float32 kernel's eight columns at a time: GoogLeNet's 3×3 poolings at
    // stride 1 and 2 with padding, AlexNet's at stride 2 without, a dilated row step.
    for (shape, k, s, p, d) in [([2, 3, 12, 29], (3, 3), (1, 1), (1, 1), (1, 1)), ([2, 3, 20, 41], (3, 3), (2, 2), (1, 1), (1, 1)),
                                ([2, 2, 27, 40], (3, 3), (2, 2), (0, 0), (1, 1)), ([1, 2, 15, 37], (2, 3), (1, 1), (1, 1), (2, 1))] {
        configs.append(PoolConfig(kind: "max", shape: shape, k: k, s: s, p: p, d: d, ceil: false, includePad: true, divisor: nil))
    }
    return configs
}()

// MARK: - Tests

@Suite struct PoolingTests {
    static let caseNames = poolingFixtures.cases.keys.sorted()

    @Test(arguments: caseNames)
    func matchesPyTorch(_ name: String) {
        checkCase(name, in: poolingFixtures.cases) { c, inputs in
            let x = inputs[0].detach().requiresGrad_()
            let (out, indices) = runPooling(c, x)
            let grad = autograd.grad(outputs: [out], inputs: [x], gradOutputs: [inputs[1]])[0]!
            return [out] + (indices.map { [$0] } ?? []) + [grad]
        }
    }

    @Test(arguments: randomPoolConfigs)
    func matchesNaiveReference(_ c: PoolConfig) {
        let gen = Generator(seed: 11)
        let x = Tensor.randn(c.shape, generator: gen).requiresGrad_()
        let out: Tensor, indices: Tensor?
        if c.kind == "max" {
            (out, indices) = F.maxPool2dWithIndices(x, kernelSize: [c.k.0, c.k.1], stride: [c.s.0, c.s.1],
                                                    padding: [c.p.0, c.p.1], dilation: [c.d.0, c.d.1], ceilMode: c.ceil)
        } else {
            out = F.avgPool2d(x, kernelSize: [c.k.0, c.k.1], stride: [c.s.0, c.s.1], padding: [c.p.0, c.p.1],
                              ceilMode: c.ceil, countIncludePad: c.includePad, divisorOverride: c.divisor)
            indices = nil
        }
        let g = Tensor.randn(out.shape, generator: gen)
        let grad = autograd.grad(outputs: [out], inputs: [x], gradOutputs: [g])[0]!
        let want = c.reference(x.toDoubles(), g.toDoubles())
        func close(_ a: [Double], _ b: [Double]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * (1 + Swift.abs($1)) }
        }
        #expect(out.shape == Array(c.shape.prefix(2)) + [c.outSize(c.shape[2], c.k.0, c.s.0, c.p.0, c.d.0),
                                                  c.outSize(c.shape[3], c.k.1, c.s.1, c.p.1, c.d.1)])
        #expect(close(out.toDoubles(), want.out))
        if let indices { #expect(indices.toInts() == want.indices) }
        #expect(close(grad.toDoubles(), want.gradInput))
    }

    /// The float32 kernel (a padded scratch plane, eight columns at a time) picks the winners
    /// float64's general loop picks, with NaN (the last NaN of a window wins) and -inf among the values.
    @Test func wideMaxPoolingMatchesTheGeneralLoopWithNaN() {
        let x = Tensor.randn([2, 3, 11, 35], generator: Generator(seed: 5))
        noGrad {
            x[0, 0, 3, 10] = Tensor(Float.nan)
            x[0, 0, 3, 12] = Tensor(Float.nan)
            x[1, 2, 0, 0] = Tensor(-Float.infinity)
            x[1, 1, 5, 20...30] = Tensor.full([11], -Double.infinity)
        }
        for (s, p) in [(1, 1), (2, 1), (2, 0)] {
            let (a, ia) = F.maxPool2dWithIndices(x, kernelSize: [3, 3], stride: [s, s], padding: [p, p])
            let (b, ib) = F.maxPool2dWithIndices(x.to(.float64), kernelSize: [3, 3], stride: [s, s], padding: [p, p])
            #expect(ia.toInts() == ib.toInts())
            #expect(a.toDoubles().map { $0.isNaN ? 1e300 : $0 } == b.toDoubles().map { $0.isNaN ? 1e300 : $0 })
        }
    }

    /// The float32 kernel for column strides 1 and 2 (a scratch plane padded with -inf) picks the
    /// winners float64's general loop picks: small maps down to 1×1, even and odd kernels, row
    /// strides up to 3, ties (small integers), NaN and -inf among the values.
    @Test(arguments: [([2, 3, 6, 6], 3, 1), ([1, 2, 3, 3], 3, 1), ([1, 1, 1, 1], 3, 1), ([2, 2, 2, 5], 2, 1),
                      ([1, 2, 12, 12], 5, 2), ([1, 2, 7, 13], 2, 0), ([2, 1, 9, 17], 3, 0), ([1, 2, 48, 48], 3, 1),
                      ([1, 1, 20, 35], 3, 1)])
    func paddedMaxPoolingMatchesTheGeneralLoop(_ shape: [Int], _ k: Int, _ p: Int) {
        let x = Tensor.randint(-3, 3, shape, generator: Generator(seed: 9)).to(.float32)
        noGrad {
            x[0, 0, 0, 0] = Tensor(Float.nan)
            if shape[2] > 2 && shape[3] > 2 {
                x[0, 0, 1, 2] = Tensor(Float.nan)
                x[0, shape[1] - 1, 2, 1] = Tensor(-Float.infinity)
            }
        }
        func expectSame(kernel: [Int], stride: [Int], padding: [Int], ceil: Bool = false) {
            let (a, ia) = F.maxPool2dWithIndices(x, kernelSize: kernel, stride: stride, padding: padding, ceilMode: ceil)
            let (b, ib) = F.maxPool2dWithIndices(x.to(.float64), kernelSize: kernel, stride: stride, padding: padding,
                                                 ceilMode: ceil)
            #expect(a.shape == b.shape, "kernel \(kernel) stride \(stride) padding \(padding) ceil \(ceil)")
            #expect(ia.toInts() == ib.toInts(), "kernel \(kernel) stride \(stride) padding \(padding) ceil \(ceil)")
            #expect(a.toDoubles().map { $0.isNaN ? 1e300 : $0 } == b.toDoubles().map { $0.isNaN ? 1e300 : $0 })
        }
        for (sh, sw) in [(1, 1), (2, 2), (3, 2), (1, 2)] {
            for ceil in [false, true] {
                expectSame(kernel: [k, k], stride: [sh, sw], padding: [p, p], ceil: ceil)
            }
        }
        expectSame(kernel: [k, 1], stride: [1, 1], padding: [p, 0])
        expectSame(kernel: [1, k], stride: [2, 2], padding: [0, p])
    }

    @Test func gradcheckMaxPool() {
        expectGradcheck("maxPool2d", [gcInput([1, 2, 5, 6])]) {
            F.maxPool2d($0[0], kernelSize: [3, 2], stride: [2, 1], padding: [1], dilation: [1, 2], ceilMode: true)
        }
        expectGradcheck("maxPool2d overlapping, transposed 3-D input", [gcInput([2, 6, 5], seed: 2)]) {
            F.maxPool2d($0[0].transpose(1, 2), kernelSize: [2], stride: [1])
        }
        expectGradcheck("adaptiveMaxPool2d", [gcInput([1, 2, 5, 7], seed: 3)]) {
            F.adaptiveMaxPool2d($0[0], outputSize: [3, 4])
        }
        expectGradcheck("maxPool1d", [gcInput([2, 2, 9], seed: 4)]) {
            F.maxPool1d($0[0], kernelSize: [3], stride: [2], padding: [1], dilation: [2], ceilMode: true)
        }
    }

    @Test func gradcheckAvgPool() {
        expectGradcheck("avgPool2d countIncludePad ceil", [gcInput([1, 2, 5, 6])]) {
            F.avgPool2d($0[0], kernelSize: [3], stride: [2], padding: [1], ceilMode: true)
        }
        expectGradcheck("avgPool2d exclude pad, transposed 3-D input", [gcInput([2, 6, 5], seed: 2)]) {
            F.avgPool2d($0[0].transpose(1, 2), kernelSize: [2, 3], stride: [1, 2], padding: [1], countIncludePad: false)
        }
        expectGradcheck("avgPool2d divisorOverride", [gcInput([1, 1, 4, 5], seed: 3)]) {
            F.avgPool2d($0[0], kernelSize: [2], stride: [1], divisorOverride: 3)
        }
        expectGradcheck("adaptiveAvgPool2d", [gcInput([1, 2, 5, 7], seed: 4)]) {
            F.adaptiveAvgPool2d($0[0], outputSize: [3, 4])
        }
        expectGradcheck("avgPool1d", [gcInput([2, 2, 9], seed: 5)]) {
            F.avgPool1d($0[0], kernelSize: [4], stride: [3], padding: [2], ceilMode: true, countIncludePad: false)
        }
    }

    @Test func doubleBackward() {
        let cases: [(String, @Sendable ([Tensor]) -> Tensor)] = [
            ("maxPool2d", { F.maxPool2d($0[0], kernelSize: [2], stride: [2, 1], padding: [1]) }),
            ("adaptiveMaxPool2d", { F.adaptiveMaxPool2d($0[0], outputSize: [3, 2]) }),
            ("avgPool2d", { F.avgPool2d($0[0] * $0[0], kernelSize: [2], stride: [1], countIncludePad: false) }),
            ("adaptiveAvgPool2d", { F.adaptiveAvgPool2d($0[0] * $0[0], outputSize: [2, 3]) }),
        ]
        for (name, f) in cases {
            let input: @Sendable () -> [Tensor] = { [gcInput([1, 1, 4, 4], seed: 6)] }
            doubleBackwardCase(name, outShape: f(input()).shape, input, f).check()
        }
    }

    @Test func gradFnNames() {
        let x = Tensor.randn([1, 1, 4, 4], requiresGrad: true)
        let names: [(Tensor, String)] = [
            (F.maxPool2d(x, kernelSize: [2]), "MaxPool2DWithIndicesBackward0"),
            (F.avgPool2d(x, kernelSize: [2]), "AvgPool2DBackward0"),
            (F.adaptiveAvgPool2d(x, outputSize: [3]), "AdaptiveAvgPool2DBackward0"),
            (F.adaptiveMaxPool2d(x, outputSize: [3]), "AdaptiveMaxPool2DBackward0"),
            (F.maxPool1d(x.view(1, 4, 4), kernelSize: [2]), "SqueezeBackward1"),
        ]
        for (out, name) in names {
            #expect(out.gradFn?.name == name)
            let g = autograd.grad(outputs: [out], inputs: [x], gradOutputs: [Tensor.onesLike(out)], createGraph: true)[0]!
            if name != "SqueezeBackward1" { #expect(g.gradFn?.name == name.dropLast("0".count) + "Backward0") }
        }
    }

    @Test func outputTooSmall() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.maxPool2d(Tensor.ones(1, 2, 2), kernelSize: [3])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small"))
        }
    }

    @Test func paddingLargerThanHalfKernel() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.avgPool2d(Tensor.ones(1, 5, 5), kernelSize: [3], padding: [2])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"))
        }
    }
}
