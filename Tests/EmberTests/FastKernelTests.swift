import Testing
@testable import Ember

/// The float32-only fast kernels (2×2 pooling, one-pass bilinear resize, fused activation
/// gradients) against the same ops in float64, which take the general kernels: forward values,
/// max-pool indices and input gradients, on sizes that exercise both the vector loops and their
/// scalar tails.
@Suite struct FastKernelTests {
    /// Runs `op` in float32 and float64 on the same input and compares outputs and gradients.
    private func expectSameAsFloat64(_ shape: [Int], _ label: String, _ op: (Tensor) -> Tensor) {
        let x64 = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: 7))
        let x32 = x64.to(.float32).detach()
        x32.requiresGrad = true
        let leaf = x64.detach().requiresGrad_()
        let y64 = op(leaf), y32 = op(x32)
        let weights = Tensor.randn(y64.shape, dtype: .float64, generator: Generator(seed: 8))
        (y32 * weights.to(.float32)).sum().backward()
        (y64 * weights).sum().backward()
        let dy = zip(y32.toDoubles(), y64.toDoubles()).map { abs($0 - $1) }.max() ?? 0
        let dg = zip(x32.grad!.toDoubles(), leaf.grad!.toDoubles()).map { abs($0 - $1) }.max() ?? 0
        #expect(dy < 1e-5, "\(label): forward differs by \(dy)")
        #expect(dg < 1e-5, "\(label): gradient differs by \(dg)")
    }

    @Test(arguments: [[2, 3, 7, 9], [2, 2, 24, 24], [1, 3, 16, 34]])
    func pooling2x2(shape: [Int]) {
        expectSameAsFloat64(shape, "avgPool2d \(shape)") { F.avgPool2d($0, kernelSize: [2]) }
        expectSameAsFloat64(shape, "maxPool2d \(shape)") { F.maxPool2d($0, kernelSize: [2]) }
        let x = Tensor.randn(shape, generator: Generator(seed: 9))
        let fast = F.maxPool2dWithIndices(x, kernelSize: [2]), general = F.maxPool2dWithIndices(x.double(), kernelSize: [2])
        #expect(fast.indices.toInts() == general.indices.toInts())
    }

    @Test func maxPoolTiesAndNaNsPickTheSameTap() {
        var values = [Double](repeating: 1, count: 2 * 32)
        values[5] = .nan
        values[40] = 2
        values[41] = 2
        let x = Tensor(values, shape: [1, 1, 2, 32])
        let fast = F.maxPool2dWithIndices(x, kernelSize: [2]), general = F.maxPool2dWithIndices(x.double(), kernelSize: [2])
        #expect(fast.indices.toInts() == general.indices.toInts())
    }

    @Test(arguments: [([2, 1, 28, 28], [32, 32]), ([1, 2, 9, 7], [4, 11])])
    func bilinear(shape: [Int], size: [Int]) {
        expectSameAsFloat64(shape, "bilinear \(shape) → \(size)") { F.interpolate($0, size: size, mode: "bilinear") }
        expectSameAsFloat64(shape, "bilinear aligned \(shape) → \(size)") {
            F.interpolate($0, size: size, mode: "bilinear", alignCorners: true)
        }
    }

    /// Batch norm in training, both walks: column-wise (BatchNorm1d, small maps) and plane-wise.
    @Test(arguments: [[64, 5], [6, 3, 3, 3], [4, 3, 7, 7], [3, 2, 16, 17]])
    func batchNorm(shape: [Int]) {
        let c = shape[1]
        let w = Tensor.randn([c], dtype: .float64, generator: Generator(seed: 3)), b = Tensor.randn([c], dtype: .float64, generator: Generator(seed: 4))
        expectSameAsFloat64(shape, "batchNorm \(shape)") {
            F.batchNorm($0 * 3 + 1, runningMean: nil, runningVar: nil, weight: w.to($0.dtype), bias: b.to($0.dtype), training: true)
        }
    }

    /// The specialized binary loops (scalar, row and per-row operands) agree with the general
    /// strided loop, NaN included: the same op on a transposed copy takes the general path.
    /// Float32 products take oneDNN (`MatmulPlan` for a transposed right operand, sgemm otherwise)
    /// and float64 the Swift loop: every operand layout, including row strides wider than the
    /// row (column slices), against float64.
    @Test(arguments: [(37, 129, 65), (256, 784, 10), (3, 1000, 17)])
    func productLayoutsMatchFloat64(_ m: Int, _ k: Int, _ n: Int) {
        let g = Generator(seed: 3)
        let a64 = Tensor.randn([m, k + 3], dtype: .float64, generator: g)[0..., 1..<(k + 1)]
        let bt64 = Tensor.randn([n, k + 5], dtype: .float64, generator: g)[0..., 2..<(k + 2)]
        for (a, b) in [(a64, bt64.t()), (a64, bt64.t().contiguous()), (a64.t().contiguous().t(), bt64.t()),
                       (a64.contiguous(), bt64.contiguous().t())] {
            let want = a.matmul(b), got = a.to(.float32).matmul(b.to(.float32))
            let err = zip(got.toDoubles(), want.toDoubles()).map { abs($0 - $1) }.max() ?? 0
            #expect(err < 1e-3, "\(m)x\(k)x\(n) strides \(a.strides) \(b.strides): differs by \(err)")
        }
    }

    /// Fused log-softmax (contiguous float32 rows) against the composed ops (the same values
    /// through a transposed layout), bit for bit, forward and backward; rows with a vector tail,
    /// a NaN and an infinity.
    @Test(arguments: [[256, 10], [3, 17], [5, 8], [2, 1]])
    func logSoftmaxFusedMatchesComposed(_ shape: [Int]) {
        let x = Tensor.randn(shape, generator: Generator(seed: 4)) * 30
        if shape[1] > 2 { x[0, 1] = Tensor(Float.nan); x[1, 2] = Tensor(Float.infinity) }
        let fused = x.detach().requiresGrad_(), composed = x.t().contiguous().t().detach().requiresGrad_()
        let weights = Tensor.randn(shape, generator: Generator(seed: 5))
        let yf = fused.logSoftmax(dim: 1), yc = composed.logSoftmax(dim: 1)
        (yf * weights).sum().backward()
        (yc * weights).sum().backward()
        let same = { (a: [Double], b: [Double]) in zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } }
        #expect(same(yf.toDoubles(), yc.toDoubles()))
        #expect(same(fused.grad!.toDoubles(), composed.grad!.toDoubles()))
    }

    @Test func denseBinaryLayouts() {
        let x = Tensor.randn([6, 9], generator: Generator(seed: 5))
        x[2, 3] = Tensor(Float.nan)
        let scalar = Tensor(0.25), row = Tensor.randn([9], generator: Generator(seed: 6))
        let column = Tensor.randn([6, 1], generator: Generator(seed: 7))
        let ops: [(String, (Tensor, Tensor) -> Tensor)] = [("+", { $0 + $1 }), ("-", { $0 - $1 }), ("*", { $0 * $1 }), ("/", { $0 / $1 }),
                                                           ("maximum", { $0.maximum($1) }), ("minimum", { $0.minimum($1) })]
        for (name, op) in ops {
            for (label, b) in [("scalar", scalar), ("row", row), ("column", column)] {
                let fast = op(x, b), general = op(x.t().contiguous().t(), b)
                let same = zip(fast.toDoubles(), general.toDoubles()).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                #expect(same, "\(name) with a \(label) operand")
            }
        }
    }

    /// Operands whose rows are contiguous but not the whole tensor (a channel slice, as autograd
    /// adds a concatenation's gradient to another): each operand order, against contiguous copies.
    @Test func channelSliceBinaryRows() {
        let big = Tensor.randn([2, 5, 4, 3], generator: Generator(seed: 8)), other = Tensor.randn([2, 3, 4, 3], generator: Generator(seed: 9))
        let slice = big.narrow(1, 1, 3)
        #expect(!slice.isContiguous)
        let ops: [(String, (Tensor, Tensor) -> Tensor)] = [("+", { $0 + $1 }), ("-", { $0 - $1 }), ("/", { $0 / $1 })]
        for (name, op) in ops {
            for dtype in [DType.float32, .float64] {
                let (s, o) = (slice.to(dtype), other.to(dtype))
                #expect(op(s, o).equal(op(s.contiguous(), o)), "slice \(name) tensor, \(dtype)")
                #expect(op(o, s).equal(op(o, s.contiguous())), "tensor \(name) slice, \(dtype)")
                #expect(op(s, big.to(dtype).narrow(1, 2, 3)).equal(op(s.contiguous(), big.to(dtype).narrow(1, 2, 3).contiguous())),
                        "slice \(name) slice, \(dtype)")
            }
        }
    }

    @Test func sigmoidAndMaximumGradients() {
        expectSameAsFloat64([3, 50], "sigmoid") { $0.sigmoid() }
        expectSameAsFloat64([3, 50], "maximum with zero") { $0.maximum(Tensor.zeros([1], dtype: $0.dtype)) }
    }

    /// The vector exp (and the sigmoid and SiLU built on it) against float64 over the whole float
    /// range in relative terms, through the extremes: overflow to infinity, the subnormals, NaN.
    /// Below x ≈ -88.72, where float32 `e^-x` overflows, the sigmoid and SiLU are 0 as PyTorch's are.
    @Test func vectorExpSigmoidSilu() {
        var values = stride(from: -110.0, through: 95.0, by: 0.0137).map { $0 }
        values += [0, -0.0, 1e-30, -1e-30, 88.72, 88.73, -87.3, -103, -104, .infinity, -.infinity, .nan]
        let x32 = Tensor(values, shape: [values.count], dtype: .float32), inputs = x32.toDoubles()
        for (name, op) in [("exp", { (t: Tensor) in t.exp() }), ("sigmoid", { $0.sigmoid() }), ("silu", { F.silu($0) })] {
            let fast = op(x32).toDoubles(), exact = op(x32.double()).toDoubles()
            for (x, (f, e)) in zip(inputs, zip(fast, exact)) {
                let e32 = Double(Float(e))
                if name == "silu" && x == -.infinity {
                    #expect(f.isNaN, "silu(-inf) = \(f), want NaN as in PyTorch (-inf / inf)")
                } else if name != "exp" && -x > 88.7228 {
                    #expect(f == 0, "\(name)(\(x)) = \(f), want 0")
                } else if e32.isNaN || e32.isInfinite || abs(e32) < Double(Float.leastNormalMagnitude) {
                    // In the subnormals, within a subnormal step.
                    #expect(e32.isNaN ? f.isNaN : (f == e32 || abs(f - e32) <= 2e-45), "\(name)(\(x)) = \(f), want \(e32)")
                } else {
                    #expect(abs(f - e) <= 2.5e-7 * abs(e), "\(name)(\(x)) = \(f), want \(e)")
                }
            }
        }
    }
}
