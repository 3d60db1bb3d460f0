import Testing
@testable import Ember

// Float64 finite-difference checks (`gradcheck`, PyTorch's `torch.autograd.gradcheck`) of the
// ops that record a backward and are not yet in the op table (`OpTable.swift`, which checks its
// ops' gradients itself), with broadcasting and non-contiguous inputs, plus second-order
// checks (`gradgradcheck`-style) of a few ops. Inputs are tiny and seeded; values are kept away
// from points where an op is not differentiable (kinks, ties, domain edges).

// MARK: - Inputs

/// Where the values of a generated input lie.
enum GCDomain: Sendable {
    /// N(0, 1).
    case real
    /// U(lo, hi).
    case uniform(Double, Double)
    /// N(0, 1) pushed out of (-0.3, 0.3).
    case awayFromZero
    /// Fixed values clear of 0, ±0.5, ±1 and integers, with distinct magnitudes (for relu, abs,
    /// hardtanh, clamp, rounding, p=inf norms).
    case kinks

    static let positive = GCDomain.uniform(0.5, 2)
    static let unit = GCDomain.uniform(-0.8, 0.8)
}

private let kinkValues: [Double] = [-1.7, -0.8, -0.3, 0.2, 0.7, 1.4, -1.2, 0.35, 1.9, -0.45, 0.6, -1.1]

/// A float64 leaf that requires grad, drawn from `domain` with a seeded generator.
func gcInput(_ shape: [Int], _ domain: GCDomain = .real, seed: UInt64 = 1) -> Tensor {
    let g = Generator(seed: seed)
    let t: Tensor
    switch domain {
    case .real:
        t = Tensor.randn(shape, dtype: .float64, generator: g)
    case .uniform(let lo, let hi):
        t = Tensor.uniform(lo, hi, shape, dtype: .float64, generator: g)
    case .awayFromZero:
        let r = Tensor.randn(shape, dtype: .float64, generator: g)
        t = Tensor.where(r .< 0.0, r - 0.3, r + 0.3)
    case .kinks:
        let n = shape.reduce(1, *)
        precondition(n <= kinkValues.count, "kinks: at most \(kinkValues.count) values")
        t = Tensor(Array(kinkValues.prefix(n)), shape: shape, dtype: .float64)
    }
    return t.requiresGrad_()
}

/// A float64 leaf holding exactly `values`.
func gcValues(_ values: [Double], _ shape: [Int]) -> Tensor {
    Tensor(values, shape: shape, dtype: .float64, requiresGrad: true)
}

/// An int64 index tensor.
func gcIndex(_ values: [Int], _ shape: [Int]? = nil) -> Tensor {
    Tensor(values, shape: shape ?? [values.count])
}

// MARK: - Checking

/// Expects `gradcheck` of `f` at `inputs` to pass with the default float64 tolerances.
func expectGradcheck(_ name: String, _ inputs: [Tensor], eps: Double = 1e-6,
                     sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor) {
    for x in inputs { precondition(x.isLeaf && x.requiresGrad && x.dtype == .float64, "\(name): bad gradcheck input") }
    // gradcheck indexes the gradient by the input's elements: a wrong-shaped gradient is a failure
    // of its own, reported before gradcheck reads past its end.
    let out = f(inputs)
    guard out.requiresGrad else {
        Issue.record("\(name): the output does not require grad", sourceLocation: sourceLocation)
        return
    }
    let seed = Tensor.onesLike(out)
    let grads = autograd.grad(outputs: [out], inputs: inputs, gradOutputs: [seed], allowUnused: true)
    for (k, (x, g)) in zip(inputs, grads).enumerated() {
        if let g, g.shape != x.shape || g.dtype != x.dtype {
            Issue.record("\(name): gradient of input \(k) has shape \(g.shape) \(g.dtype), expected \(x.shape) \(x.dtype)",
                         sourceLocation: sourceLocation)
            return
        }
    }
    let result = gradcheckResult(f, inputs, eps: eps)
    if !result.passed {
        Issue.record("gradcheck failed for \(name): \(result.worst)", sourceLocation: sourceLocation)
    }
}

/// A gradcheck case: how to build the inputs and the function of them to check.
struct GradCase: Sendable, CustomTestStringConvertible {
    let name: String
    let eps: Double
    let inputs: @Sendable () -> [Tensor]
    let f: @Sendable ([Tensor]) -> Tensor

    init(_ name: String, eps: Double = 1e-6, _ inputs: @escaping @Sendable () -> [Tensor],
         _ f: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.name = name
        self.eps = eps
        self.inputs = inputs
        self.f = f
    }

    var testDescription: String { name }

    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        expectGradcheck(name, inputs(), eps: eps, sourceLocation: sourceLocation, f)
    }
}

// MARK: - Element-wise unary ops

/// How the `[2, 3]` operand of an element-wise op is laid out in memory.
enum GCLayout: String, CaseIterable, Sendable {
    case contiguous
    /// `leaf.t()` of a `[3, 2]` leaf.
    case transposed
    /// `leaf[:, ::2]` of a `[2, 5]` leaf.
    case strided

    var leafShape: [Int] {
        switch self {
        case .contiguous: [2, 3]
        case .transposed: [3, 2]
        case .strided: [2, 5]
        }
    }

    /// The `[2, 3]` operand seen through this layout.
    func view(_ leaf: Tensor) -> Tensor {
        switch self {
        case .contiguous: leaf
        case .transposed: leaf.t()
        case .strided: leaf[.all, .slice(0, nil, step: 2)]
        }
    }
}

struct UnaryCase: Sendable, CustomTestStringConvertible {
    let name: String
    let domain: GCDomain
    let eps: Double
    let f: @Sendable (Tensor) -> Tensor
    init(_ name: String, _ domain: GCDomain = .real, eps: Double = 1e-6, _ f: @escaping @Sendable (Tensor) -> Tensor) {
        self.name = name
        self.domain = domain
        self.eps = eps
        self.f = f
    }
    var testDescription: String { name }
}

let unaryCases: [UnaryCase] = [
    UnaryCase("leakyRelu", .kinks) { $0.leakyRelu(0.1) },
    UnaryCase("elu", .kinks) { $0.elu() },
    UnaryCase("elu(alpha: 0.7)", .kinks) { $0.elu(alpha: 0.7) },
    UnaryCase("gelu") { $0.gelu() },
    UnaryCase("gelu(tanh)") { $0.gelu(approximate: "tanh") },
    UnaryCase("softplus") { $0.softplus() },
    UnaryCase("softplus(beta: 2)") { $0.softplus(beta: 2) },
    UnaryCase("hardtanh", .kinks) { $0.hardtanh() },
    UnaryCase("hardtanh(-0.5, 1.5)", .kinks) { $0.hardtanh(minVal: -0.5, maxVal: 1.5) },
    UnaryCase("clamp(min, max)", .kinks) { $0.clamp(min: -0.5, max: 1) },
    UnaryCase("clamp(min)", .kinks) { $0.clamp(min: 0) },
    UnaryCase("clamp(max)", .kinks) { $0.clamp(max: 0.5) },
    UnaryCase("clip", .kinks) { $0.clip(min: -1, max: 0.5) },
    UnaryCase("pow(2.5)", .positive) { $0.pow(2.5) },
    UnaryCase("pow(3)") { $0 ** 3 },
    UnaryCase("pow(-1.5)", .positive) { $0.pow(-1.5) },
    UnaryCase("pow(1)") { $0.pow(1) },
    UnaryCase("pow(0)") { $0.pow(0) },
    UnaryCase("2 ** x") { 2.0 ** $0 },
    UnaryCase("pow(0.5, x)") { Tensor.pow(0.5, $0) },
    UnaryCase("x + 2") { $0 + 2.0 },
    UnaryCase("2 + x") { 2.0 + $0 },
    UnaryCase("x - 2") { $0 - 2.0 },
    UnaryCase("2 - x") { 2.0 - $0 },
    UnaryCase("x * 3") { $0 * 3.0 },
    UnaryCase("3 * x") { 3.0 * $0 },
    UnaryCase("x * int 3") { $0 * 3 },
    UnaryCase("x / 3") { $0 / 3.0 },
    UnaryCase("3 / x", .awayFromZero) { 3.0 / $0 },
    UnaryCase("x / int 4") { $0 / 4 },
    UnaryCase("x % 0.75", .uniform(0.8, 1.4)) { $0 % 0.75 },
    UnaryCase("clone") { $0.clone() },
    UnaryCase("contiguous") { $0.contiguous() },
    UnaryCase("to(float64)") { $0.to(.float64) * 2.0 },
    // A float32 round trip: the larger step keeps float32 rounding out of the difference quotient.
    UnaryCase("to(float32).to(float64)", eps: 1e-3) { $0.to(.float32).to(.float64) },
    UnaryCase("x * x (same tensor twice)") { $0 * $0 },
]

@Suite struct GradCheckTests {
    @Test(arguments: unaryCases, GCLayout.allCases)
    func unary(_ c: UnaryCase, _ layout: GCLayout) {
        let leaf = gcInput(layout.leafShape, c.domain, seed: 11)
        expectGradcheck("\(c.name) [\(layout.rawValue)]", [leaf], eps: c.eps) { c.f(layout.view($0[0])) }
    }

    // MARK: Element-wise binary ops with broadcasting

    @Test(arguments: binaryCases, GCBinaryShapes.allCases)
    func binary(_ c: BinaryCase, _ shapes: GCBinaryShapes) {
        let a = gcInput(shapes.leafShapes.0, c.domainA, seed: 21)
        let b = gcInput(shapes.leafShapes.1, c.domainB, seed: 22)
        expectGradcheck("\(c.name) [\(shapes.rawValue)]", [a, b]) { xs in
            let (x, y) = shapes.views(xs[0], xs[1])
            return c.f(x, y)
        }
    }

    /// Only one side requires grad: the other gets no gradient and must not break backward.
    @Test(arguments: binaryCases)
    func binaryOneSideConstant(_ c: BinaryCase) {
        let a = gcInput([2, 3], c.domainA, seed: 23)
        let b = noGrad { gcInput([3], c.domainB, seed: 24).detach() }
        expectGradcheck("\(c.name) [b constant]", [a]) { c.f($0[0], b) }
        let a2 = noGrad { gcInput([2, 3], c.domainA, seed: 25).detach() }
        let b2 = gcInput([3], c.domainB, seed: 26)
        expectGradcheck("\(c.name) [a constant]", [b2]) { c.f(a2, $0[0]) }
    }

    @Test(arguments: viewCases) func views(_ c: GradCase) { c.check() }
    @Test(arguments: reductionCases) func reductions(_ c: GradCase) { c.check() }
    @Test(arguments: indexingCases) func indexing(_ c: GradCase) { c.check() }
    @Test(arguments: joinCases) func joinsAndSplits(_ c: GradCase) { c.check() }
    @Test(arguments: sortingCases) func sorting(_ c: GradCase) { c.check() }
    @Test(arguments: linalgCases) func linearAlgebra(_ c: GradCase) { c.check() }
    @Test(arguments: inPlaceCases) func inPlace(_ c: GradCase) { c.check() }
    @Test(arguments: doubleBackwardCases) func doubleBackward(_ c: GradCase) { c.check() }

    /// `exp` saves its output for backward; overwriting it in place must stop backward (as in
    /// PyTorch) rather than give a wrong gradient.
    @Test func overwritingASavedOutputStopsBackward() async {
        await #expect(processExitsWith: .failure) {
            let x = Tensor([0.5, 1.0], dtype: .float64, requiresGrad: true)
            let y = x.exp()
            y.mul_(3.0)
            y.sum().backward()
        }
    }
}

// MARK: - Binary cases

/// Leaf shapes of the two operands of a binary op and how they are viewed.
enum GCBinaryShapes: String, CaseIterable, Sendable {
    /// `[2, 3]` with `[2, 3]`.
    case same
    /// `[2, 3]` with `[3]`.
    case rowBroadcast
    /// `[2, 1]` with `[1, 3]`.
    case outer
    /// `[2, 3]` with a zero-dim tensor.
    case zeroDim
    /// `[3]` with `[2, 3]` (the broadcast operand first).
    case leftBroadcast
    /// A transposed `[3, 2]` leaf with a strided slice of a `[2, 5]` leaf.
    case nonContiguous
    /// A transposed `[3, 2]` leaf with an expanded `[2, 1]` leaf.
    case expanded

    var leafShapes: ([Int], [Int]) {
        switch self {
        case .same: ([2, 3], [2, 3])
        case .rowBroadcast: ([2, 3], [3])
        case .outer: ([2, 1], [1, 3])
        case .zeroDim: ([2, 3], [])
        case .leftBroadcast: ([3], [2, 3])
        case .nonContiguous: ([3, 2], [2, 5])
        case .expanded: ([3, 2], [2, 1])
        }
    }

    func views(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        switch self {
        case .nonContiguous: (a.t(), b[.all, .slice(0, nil, step: 2)])
        case .expanded: (a.t(), b.expand([2, 3]))
        default: (a, b)
        }
    }
}

struct BinaryCase: Sendable, CustomTestStringConvertible {
    let name: String
    let domainA: GCDomain, domainB: GCDomain
    let f: @Sendable (Tensor, Tensor) -> Tensor
    init(_ name: String, _ domainA: GCDomain = .real, _ domainB: GCDomain = .real,
         _ f: @escaping @Sendable (Tensor, Tensor) -> Tensor) {
        self.name = name
        self.domainA = domainA
        self.domainB = domainB
        self.f = f
    }
    var testDescription: String { name }
}

let binaryCases: [BinaryCase] = [
    BinaryCase("where(a > b)") { Tensor.where($0 .> $1, $0, $1 * 2.0) },
    BinaryCase("where(mask)") { a, b in
        Tensor.where(Tensor([true, false, true], dtype: .bool), a.exp(), b)
    },
    BinaryCase("a * b + a / 2") { $0 * $1 + $0 / 2.0 },
]

// MARK: - Views and shape ops

let viewCases: [GradCase] = [
    GradCase("view", { [gcInput([2, 3])] }) { $0[0].view([3, 2]) },
    GradCase("view(-1)", { [gcInput([2, 3])] }) { $0[0].view(-1) },
    GradCase("reshape", { [gcInput([2, 3])] }) { $0[0].reshape([3, 1, 2]) },
    GradCase("reshape of transposed (copies)", { [gcInput([3, 2])] }) { $0[0].t().reshape([6]) },
    GradCase("viewAs / reshapeAs", { [gcInput([2, 3]), gcInput([3, 2], seed: 2)] }) {
        $0[0].viewAs($0[1]) * $0[1].reshapeAs($0[0]).t()
    },
    GradCase("flatten", { [gcInput([2, 3, 2])] }) { $0[0].flatten() },
    GradCase("flatten(startDim: 1)", { [gcInput([2, 3, 2])] }) { $0[0].flatten(startDim: 1) },
    GradCase("flatten of permuted", { [gcInput([2, 3, 2])] }) { $0[0].permute(2, 0, 1).flatten(startDim: 1) },
    GradCase("unflatten", { [gcInput([2, 4])] }) { $0[0].unflatten(1, [2, 2]) },
    GradCase("squeeze()", { [gcInput([2, 1, 3])] }) { $0[0].squeeze() },
    GradCase("squeeze(dim)", { [gcInput([2, 1, 3])] }) { $0[0].squeeze(1) },
    GradCase("squeeze(non-1 dim)", { [gcInput([2, 3])] }) { $0[0].squeeze(0) },
    GradCase("unsqueeze", { [gcInput([2, 3])] }) { $0[0].unsqueeze(0) },
    GradCase("unsqueeze(-1) of transposed", { [gcInput([3, 2])] }) { $0[0].t().unsqueeze(-1) },
    GradCase("transpose", { [gcInput([2, 3, 2])] }) { $0[0].transpose(0, 2) },
    GradCase("t", { [gcInput([2, 3])] }) { $0[0].t() },
    GradCase("t of 1-D", { [gcInput([3])] }) { $0[0].t() },
    GradCase("T of 3-D", { [gcInput([2, 3, 2])] }) { $0[0].T },
    GradCase("permute", { [gcInput([2, 3, 2])] }) { $0[0].permute([2, 0, 1]) },
    GradCase("movedim", { [gcInput([2, 3, 2])] }) { $0[0].movedim(0, 2) },
    GradCase("expand", { [gcInput([2, 1])] }) { $0[0].expand([2, 3]) },
    GradCase("expand new dims", { [gcInput([3])] }) { $0[0].expand([2, 2, 3]) },
    GradCase("expand(-1)", { [gcInput([1, 3])] }) { $0[0].expand([2, -1]) },
    GradCase("expandAs", { [gcInput([3]), gcInput([2, 3], seed: 2)] }) { $0[0].expandAs($0[1]) * $0[1] },
    GradCase("narrow", { [gcInput([2, 4])] }) { $0[0].narrow(1, 1, 2) },
    GradCase("narrow(negative start)", { [gcInput([4, 2])] }) { $0[0].narrow(0, -3, 2) },
    GradCase("select", { [gcInput([2, 3])] }) { $0[0].select(0, 1) },
    GradCase("select(-1)", { [gcInput([2, 3])] }) { $0[0].select(1, -1) },
    GradCase("select of transposed", { [gcInput([3, 2])] }) { $0[0].t().select(0, 0) },
    GradCase("x[1]", { [gcInput([3, 2])] }) { $0[0][1] },
    GradCase("x[:, 1...2]", { [gcInput([2, 4])] }) { $0[0][.all, 1...2] },
    GradCase("x[0..<2, ::2]", { [gcInput([3, 5])] }) { $0[0][0..<2, .slice(0, nil, step: 2)] },
    GradCase("x[1:, -2]", { [gcInput([3, 4])] }) { $0[0][1..., -2] },
    GradCase("x[..., 1]", { [gcInput([2, 2, 3])] }) { $0[0][.ellipsis, 1] },
    GradCase("x[None, :, 1]", { [gcInput([2, 3])] }) { $0[0][.newAxis, .all, 1] },
    GradCase("x[::2][..., None]", { [gcInput([5, 2])] }) { $0[0][.slice(nil, nil, step: 2)][.ellipsis, .newAxis] },
    GradCase("x[:2, 1:][1]", { [gcInput([3, 4])] }) { $0[0][..<2, 1...][1] },
    GradCase("x[index] with repeats", { [gcInput([3, 2])] }) { $0[0][gcIndex([2, 0, 2])] },
    GradCase("x[:, index]", { [gcInput([2, 4])] }) { $0[0][.all, gcIndex([3, -1, 0])] },
    GradCase("x[index, index]", { [gcInput([3, 3])] }) { $0[0][gcIndex([0, 2, 1]), gcIndex([1, 1, 0])] },
    GradCase("x[index2d]", { [gcInput([4, 2])] }) { $0[0][gcIndex([0, 3, 3, 1], [2, 2])] },
    GradCase("x[:, index, index] (adjacent)", { [gcInput([2, 3, 3])] }) {
        $0[0][.all, gcIndex([0, 2]), gcIndex([1, 2])]
    },
    GradCase("x[index, :, index] (separated)", { [gcInput([3, 2, 3])] }) {
        $0[0][gcIndex([0, 2]), .all, gcIndex([1, 2])]
    },
    GradCase("x[mask]", { [gcInput([2, 3])] }) {
        $0[0][Tensor([[true, false, true], [false, true, true]])]
    },
    GradCase("x[1:, index] of transposed", { [gcInput([4, 3])] }) { $0[0].t()[1..., gcIndex([3, 0])] },
]

// MARK: - Reductions

let reductionCases: [GradCase] = [
    GradCase("sum()", { [gcInput([2, 3])] }) { $0[0].sum() },
    GradCase("sum(dim: 1)", { [gcInput([2, 3])] }) { $0[0].sum(dim: 1) },
    GradCase("sum(dim: 0) leading", { [gcInput([2, 3])] }) { $0[0].sum(dim: 0) },
    GradCase("sum(dims: [0, 2], keepDim)", { [gcInput([2, 3, 2])] }) { $0[0].sum(dims: [0, 2], keepDim: true) },
    GradCase("sum(dim: -1) of transposed", { [gcInput([3, 2])] }) { $0[0].t().sum(dim: -1) },
    GradCase("mean()", { [gcInput([2, 3])] }) { $0[0].mean() },
    GradCase("mean(dim: 0)", { [gcInput([2, 3])] }) { $0[0].mean(dim: 0) },
    GradCase("mean(dims: [1, 2], keepDim)", { [gcInput([2, 3, 2])] }) { $0[0].mean(dims: [1, 2], keepDim: true) },
    GradCase("mean of strided", { [gcInput([2, 5])] }) { $0[0][.all, .slice(0, nil, step: 2)].mean(dim: 1) },
    GradCase("prod()", { [gcInput([2, 3])] }) { $0[0].prod() },
    GradCase("prod(dim: 1)", { [gcInput([2, 3])] }) { $0[0].prod(dim: 1) },
    GradCase("prod(dim: 0, keepDim)", { [gcInput([3, 2])] }) { $0[0].prod(dim: 0, keepDim: true) },
    GradCase("prod of transposed", { [gcInput([3, 2])] }) { $0[0].t().prod(dim: 1) },
    GradCase("prod with one zero", { [gcValues([0.5, 0, -1.5, 2, 0.7, -0.4], [2, 3])] }) { $0[0].prod(dim: 1) },
    GradCase("prod with two zeros", { [gcValues([0, 0.9, 0, 2, 0.7, -0.4], [2, 3])] }) { $0[0].prod(dim: 1) },
    GradCase("prod() with one zero", { [gcValues([0.5, 1.2, -1.5, 2, 0, -0.4], [2, 3])] }) { $0[0].prod() },
    GradCase("max()", { [gcInput([2, 3])] }) { $0[0].max() },
    GradCase("min()", { [gcInput([2, 3])] }) { $0[0].min() },
    GradCase("max(dim: 1)", { [gcInput([2, 3])] }) { $0[0].max(dim: 1).values },
    GradCase("max(dim: 0, keepDim)", { [gcInput([3, 2])] }) { $0[0].max(dim: 0, keepDim: true).values },
    GradCase("min(dim: -1) of transposed", { [gcInput([3, 2])] }) { $0[0].t().min(dim: -1).values },
    GradCase("amax(dims: [1])", { [gcInput([2, 3])] }) { $0[0].amax(dims: [1]) },
    GradCase("amax()", { [gcInput([2, 3])] }) { $0[0].amax() },
    GradCase("amin(dims: [0, 2], keepDim)", { [gcInput([2, 3, 2])] }) { $0[0].amin(dims: [0, 2], keepDim: true) },
    GradCase("var()", { [gcInput([2, 3])] }) { $0[0].var() },
    GradCase("var(dim: 1, correction: 0)", { [gcInput([2, 3])] }) { $0[0].var(dim: 1, correction: 0) },
    GradCase("var(dims: [0], keepDim)", { [gcInput([3, 2])] }) { $0[0].var(dims: [0], keepDim: true) },
    GradCase("std()", { [gcInput([2, 3])] }) { $0[0].std() },
    GradCase("std(dim: 1, correction: 0)", { [gcInput([2, 3])] }) { $0[0].std(dim: 1, correction: 0) },
    GradCase("std(dim: 0) of transposed", { [gcInput([3, 2])] }) { $0[0].t().std(dim: 0) },
    GradCase("norm()", { [gcInput([2, 3])] }) { $0[0].norm() },
    GradCase("norm(dim: 1)", { [gcInput([2, 3])] }) { $0[0].norm(dim: 1) },
    GradCase("norm(dims: [0], keepDim)", { [gcInput([2, 3])] }) { $0[0].norm(dims: [0], keepDim: true) },
    GradCase("norm(p: 1)", { [gcInput([2, 3], .kinks)] }) { $0[0].norm(p: 1) },
    GradCase("norm(p: 1, dim: 0)", { [gcInput([2, 3], .kinks)] }) { $0[0].norm(p: 1, dim: 0) },
    GradCase("norm(p: inf)", { [gcInput([2, 3], .kinks)] }) { $0[0].norm(p: .infinity) },
    GradCase("norm(p: inf, dim: 1)", { [gcInput([2, 3], .kinks)] }) { $0[0].norm(p: .infinity, dim: 1) },
    GradCase("norm(p: -inf, dim: 1)", { [gcInput([2, 3], .kinks)] }) { $0[0].norm(p: -.infinity, dim: 1) },
    GradCase("norm(p: 3)", { [gcInput([2, 3], .kinks)] }) { $0[0].norm(p: 3) },
    GradCase("norm(p: 1.5, dim: 1)", { [gcInput([2, 3], .kinks)] }) { $0[0].norm(p: 1.5, dim: 1) },
    GradCase("norm of transposed", { [gcInput([3, 2])] }) { $0[0].t().norm(dim: 1) },
    GradCase("dist", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { $0[0].dist($0[1]) },
    GradCase("dist broadcast", { [gcInput([2, 3]), gcInput([3], seed: 2)] }) { $0[0].dist($0[1]) },
    GradCase("dist(p: 1)", { [gcInput([2, 3], .kinks), gcInput([2, 3], .uniform(-0.1, 0.1), seed: 2)] }) {
        $0[0].dist($0[1], p: 1)
    },
    GradCase("dist(p: 3)", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { $0[0].dist($0[1], p: 3) },
    GradCase("logsumexp(dim: 1)", { [gcInput([2, 3])] }) { $0[0].logsumexp(dim: 1) },
    GradCase("logsumexp(dims: [0, 1], keepDim)", { [gcInput([2, 3])] }) { $0[0].logsumexp(dims: [0, 1], keepDim: true) },
    GradCase("logsumexp of transposed", { [gcInput([3, 2])] }) { $0[0].t().logsumexp(dim: 0) },
    GradCase("cumsum(1)", { [gcInput([2, 3])] }) { $0[0].cumsum(1) },
    GradCase("cumsum(0)", { [gcInput([3, 2])] }) { $0[0].cumsum(0) },
    GradCase("cumsum of transposed", { [gcInput([3, 2])] }) { $0[0].t().cumsum(-1) },
    GradCase("cumprod(1)", { [gcInput([2, 3], .awayFromZero)] }) { $0[0].cumprod(1) },
    GradCase("cumprod(0) of transposed", { [gcInput([3, 2], .awayFromZero)] }) { $0[0].t().cumprod(0) },
]

// MARK: - Indexing ops

let indexingCases: [GradCase] = [
    GradCase("indexSelect(0) with repeats", { [gcInput([3, 2])] }) { $0[0].indexSelect(0, gcIndex([2, 0, 2, 1])) },
    GradCase("indexSelect(1) of transposed", { [gcInput([3, 2])] }) { $0[0].t().indexSelect(1, gcIndex([1, 2])) },
    GradCase("indexAdd(0) with repeats", { [gcInput([3, 2]), gcInput([4, 2], seed: 2)] }) {
        $0[0].indexAdd(0, gcIndex([2, 0, 2, 1]), $0[1])
    },
    GradCase("indexAdd(1, alpha: 2)", { [gcInput([2, 3]), gcInput([2, 2], seed: 2)] }) {
        $0[0].indexAdd(1, gcIndex([2, 0]), $0[1], alpha: 2)
    },
    GradCase("gather(1)", { [gcInput([2, 3])] }) { $0[0].gather(1, gcIndex([0, 2, 2, 1, 1, 0], [2, 3])) },
    GradCase("gather(0) smaller index", { [gcInput([3, 2])] }) { $0[0].gather(0, gcIndex([2, 0], [1, 2])) },
    GradCase("gather of transposed", { [gcInput([3, 2])] }) { $0[0].t().gather(1, gcIndex([2, 0, 1, 1], [2, 2])) },
    GradCase("scatter(1)", { [gcInput([2, 3]), gcInput([2, 2], seed: 2)] }) {
        $0[0].scatter(1, gcIndex([2, 0, 1, 2], [2, 2]), $0[1])
    },
    GradCase("scatter(0) smaller src use", { [gcInput([3, 2]), gcInput([2, 2], seed: 2)] }) {
        $0[0].scatter(0, gcIndex([1], [1, 1]), $0[1])
    },
    GradCase("scatter(value:)", { [gcInput([2, 3])] }) { $0[0].scatter(1, gcIndex([1, 0], [2, 1]), value: 0.5) },
    GradCase("scatterAdd(1) with repeats", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) {
        $0[0].scatterAdd(1, gcIndex([2, 2, 0, 1, 1, 1], [2, 3]), $0[1])
    },
    GradCase("scatterAdd(0) of transposed", { [gcInput([3, 2]), gcInput([2, 2], seed: 2)] }) {
        $0[0].t().scatterAdd(0, gcIndex([1, 0, 1, 1], [2, 2]), $0[1])
    },
    GradCase("maskedFill", { [gcInput([2, 3])] }) {
        $0[0].maskedFill(Tensor([[true, false, false], [false, true, true]]), 0.5)
    },
    GradCase("maskedFill broadcast mask", { [gcInput([2, 3])] }) {
        $0[0].maskedFill(Tensor([false, true, false]), -1)
    },
    GradCase("maskedSelect", { [gcInput([2, 3])] }) {
        $0[0].maskedSelect(Tensor([[true, false, true], [false, true, true]]))
    },
    GradCase("maskedSelect broadcast input", { [gcInput([3])] }) {
        $0[0].maskedSelect(Tensor([[true, false, true], [false, true, true]]))
    },
    GradCase("where broadcast all three", { [gcInput([2, 1]), gcInput([3], seed: 2)] }) {
        Tensor.where(Tensor([[true], [false]]), $0[0] * 2.0, $0[1])
    },
    GradCase("where scalar branch", { [gcInput([2, 3])] }) { Tensor.where($0[0] .> 0.0, $0[0], 0.25) },
    GradCase("where scalar true branch", { [gcInput([2, 3])] }) { Tensor.where($0[0] .> 0.0, -1.0, $0[0].exp()) },
]

// MARK: - Concatenation, splitting, tiling

/// Weights each piece differently so the checked function tells the pieces apart.
func weightedCat(_ pieces: [Tensor], dim: Int) -> Tensor {
    Tensor.cat(pieces.enumerated().map { $0.element * Double($0.offset + 1) }, dim: dim)
}

let joinCases: [GradCase] = [
    GradCase("cat(dim: 0)", { [gcInput([2, 3]), gcInput([1, 3], seed: 2)] }) { Tensor.cat([$0[0], $0[1]], dim: 0) },
    GradCase("cat(dim: 1) non-contiguous", { [gcInput([3, 2]), gcInput([2, 5], seed: 2)] }) {
        Tensor.cat([$0[0].t(), $0[1][.all, .slice(0, nil, step: 2)], $0[0].t()], dim: 1)
    },
    GradCase("cat(dim: -1) 3-D", { [gcInput([2, 1, 2]), gcInput([2, 1, 1], seed: 2)] }) {
        Tensor.cat([$0[0], $0[1]], dim: -1)
    },
    GradCase("stack(dim: 0)", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { Tensor.stack([$0[0], $0[1]]) },
    GradCase("stack(dim: 2)", { [gcInput([2, 3]), gcInput([3, 2], seed: 2)] }) { Tensor.stack([$0[0], $0[1].t()], dim: 2) },
    GradCase("split(2)", { [gcInput([5, 2])] }) { weightedCat($0[0].split(2), dim: 0) },
    GradCase("split(sizes:, dim: 1)", { [gcInput([2, 5])] }) { weightedCat($0[0].split(sizes: [1, 3, 1], dim: 1), dim: 1) },
    GradCase("split pieces used apart", { [gcInput([4, 2])] }) {
        let p = $0[0].split(2)
        return p[0].exp() * p[1]
    },
    GradCase("chunk(2, dim: 1)", { [gcInput([2, 5])] }) { weightedCat($0[0].chunk(2, dim: 1), dim: 1) },
    GradCase("unbind(1)", { [gcInput([2, 3])] }) {
        let u = $0[0].unbind(1)
        return u[0] * u[1] + u[2].sin()
    },
    GradCase("flip([1])", { [gcInput([2, 3])] }) { $0[0].flip([1]) },
    GradCase("flip(0, 1) of transposed", { [gcInput([3, 2])] }) { $0[0].t().flip(0, 1) },
    GradCase("roll(1, dim: 1)", { [gcInput([2, 3])] }) { $0[0].roll(1, dim: 1) },
    GradCase("roll flattened", { [gcInput([2, 3])] }) { $0[0].roll([-2]) },
    GradCase("roll two dims", { [gcInput([2, 3])] }) { $0[0].roll([1, 2], dims: [0, 1]) },
    GradCase("repeat([2, 1])", { [gcInput([2, 3])] }) { $0[0].repeat([2, 1]) },
    GradCase("repeat new dims", { [gcInput([3])] }) { $0[0].repeat(2, 2) },
    GradCase("repeat of transposed", { [gcInput([3, 2])] }) { $0[0].t().repeat([1, 2]) },
]

// MARK: - Sorting

let sortingCases: [GradCase] = [
    GradCase("sort(dim: 1).values", { [gcInput([2, 3])] }) { $0[0].sort(dim: 1).values },
    GradCase("sort(dim: 0, descending).values", { [gcInput([3, 2])] }) { $0[0].sort(dim: 0, descending: true).values },
    GradCase("sort of transposed", { [gcInput([3, 2])] }) { $0[0].t().sort().values },
    GradCase("topk(2).values", { [gcInput([2, 4])] }) { $0[0].topk(2).values },
    GradCase("topk(2, largest: false).values", { [gcInput([2, 4])] }) { $0[0].topk(2, largest: false).values },
    GradCase("topk(1, dim: 0).values", { [gcInput([3, 2])] }) { $0[0].topk(1, dim: 0).values },
    GradCase("median()", { [gcInput([2, 3])] }) { $0[0].median() },
    GradCase("median(dim: 1)", { [gcInput([2, 3])] }) { $0[0].median(dim: 1).values },
]

// MARK: - Linear algebra

let linalgCases: [GradCase] = [
    GradCase("mm", { [gcInput([2, 3]), gcInput([3, 2], seed: 2)] }) { $0[0].mm($0[1]) },
    GradCase("mm transposed operands", { [gcInput([3, 2]), gcInput([2, 3], seed: 2)] }) { $0[0].t().mm($0[1].t()) },
    GradCase("mm strided operand", { [gcInput([2, 5]), gcInput([3, 2], seed: 2)] }) {
        $0[0][.all, .slice(0, nil, step: 2)].mm($0[1])
    },
    GradCase("bmm", { [gcInput([2, 2, 3]), gcInput([2, 3, 2], seed: 2)] }) { $0[0].bmm($0[1]) },
    GradCase("bmm transposed operand", { [gcInput([2, 3, 2]), gcInput([2, 3, 2], seed: 2)] }) {
        $0[0].transpose(1, 2).bmm($0[1])
    },
    GradCase("matmul 1-D @ 1-D", { [gcInput([3]), gcInput([3], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 2-D @ 1-D", { [gcInput([2, 3]), gcInput([3], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 1-D @ 2-D", { [gcInput([3]), gcInput([3, 2], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 2-D @ 2-D", { [gcInput([2, 3]), gcInput([3, 2], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 3-D @ 2-D", { [gcInput([2, 2, 3]), gcInput([3, 2], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 3-D @ 1-D", { [gcInput([2, 2, 3]), gcInput([3], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 1-D @ 3-D", { [gcInput([3]), gcInput([2, 3, 2], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 2-D @ 3-D", { [gcInput([2, 3]), gcInput([2, 3, 2], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 3-D @ 3-D", { [gcInput([2, 2, 3]), gcInput([2, 3, 2], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul broadcast batch", { [gcInput([2, 1, 2, 3]), gcInput([2, 3, 1], seed: 2)] }) { $0[0].matmul($0[1]) },
    GradCase("matmul 3-D @ 2-D transposed", { [gcInput([2, 3, 2]), gcInput([2, 3], seed: 2)] }) {
        $0[0].transpose(1, 2).matmul($0[1].t())
    },
    GradCase("dot", { [gcInput([3]), gcInput([3], seed: 2)] }) { $0[0].dot($0[1]) },
    GradCase("dot strided", { [gcInput([5]), gcInput([3], seed: 2)] }) { $0[0][.slice(0, nil, step: 2)].dot($0[1]) },
    GradCase("mv", { [gcInput([2, 3]), gcInput([3], seed: 2)] }) { $0[0].mv($0[1]) },
    GradCase("mv transposed", { [gcInput([3, 2]), gcInput([3], seed: 2)] }) { $0[0].t().mv($0[1]) },
    GradCase("outer", { [gcInput([2]), gcInput([3], seed: 2)] }) { $0[0].outer($0[1]) },
    GradCase("einsum ij,jk->ik", { [gcInput([2, 3]), gcInput([3, 2], seed: 2)] }) { Tensor.einsum("ij,jk->ik", $0[0], $0[1]) },
    GradCase("einsum bij,bjk->bik", { [gcInput([2, 2, 3]), gcInput([2, 3, 2], seed: 2)] }) {
        Tensor.einsum("bij,bjk->bik", $0[0], $0[1])
    },
    GradCase("einsum ij->ji", { [gcInput([2, 3])] }) { Tensor.einsum("ij->ji", $0[0]) },
    GradCase("einsum ij->", { [gcInput([2, 3])] }) { Tensor.einsum("ij->", $0[0]) },
    GradCase("einsum i,j->ij", { [gcInput([2]), gcInput([3], seed: 2)] }) { Tensor.einsum("i,j->ij", $0[0], $0[1]) },
    GradCase("einsum ij,ij->i", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { Tensor.einsum("ij,ij->i", $0[0], $0[1]) },
    GradCase("einsum implicit output", { [gcInput([2, 3]), gcInput([3, 2], seed: 2)] }) { Tensor.einsum("ij,jk", $0[0], $0[1]) },
]

// MARK: - In-place ops on non-leaf tensors

/// `x * 1.0`: a non-leaf copy of `x` that in-place ops may modify.
func nonLeaf(_ x: Tensor) -> Tensor { x * 1.0 }

let inPlaceCases: [GradCase] = [
    GradCase("add_", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { let y = nonLeaf($0[0]); y.add_($0[1]); return y },
    GradCase("add_ broadcast", { [gcInput([2, 3]), gcInput([3], seed: 2)] }) { let y = nonLeaf($0[0]); y.add_($0[1]); return y },
    GradCase("add_(alpha: 2)", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.add_($0[1], alpha: 2); return y
    },
    GradCase("add_ into a constant", { [gcInput([2, 3])] }) {
        let y = Tensor.ones([2, 3], dtype: .float64); y.add_($0[0].exp()); return y
    },
    GradCase("sub_", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { let y = nonLeaf($0[0]); y.sub_($0[1]); return y },
    GradCase("mul_(scalar)", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.mul_(2.0); return y },
    GradCase("mul_(tensor)", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { let y = nonLeaf($0[0]); y.mul_($0[1]); return y },
    // atan saves its input, not its output, so its output may be overwritten.
    GradCase("mul_ of atan", { [gcInput([2, 3])] }) { let y = $0[0].atan(); y.mul_(3.0); return y },
    GradCase("div_(scalar)", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.div_(4.0); return y },
    GradCase("div_(tensor)", { [gcInput([2, 3]), gcInput([2, 3], .awayFromZero, seed: 2)] }) {
        let y = nonLeaf($0[0]); y.div_($0[1]); return y
    },
    GradCase("pow_(scalar)", { [gcInput([2, 3], .positive)] }) { let y = nonLeaf($0[0]); y.pow_(2.5); return y },
    GradCase("pow_(tensor)", { [gcInput([2, 3], .positive), gcInput([2, 3], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.pow_($0[1]); return y
    },
    GradCase("+= and *=", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) {
        var y = nonLeaf($0[0]); y += $0[1]; y *= 2.0; y -= $0[1]; return y
    },
    GradCase("clamp_", { [gcInput([2, 3], .kinks)] }) { let y = nonLeaf($0[0]); y.clamp_(min: -0.5, max: 1); return y },
    GradCase("relu_", { [gcInput([2, 3], .kinks)] }) { let y = nonLeaf($0[0]); y.relu_(); return y },
    GradCase("neg_", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.neg_(); return y },
    GradCase("abs_", { [gcInput([2, 3], .kinks)] }) { let y = nonLeaf($0[0]); y.abs_(); return y },
    GradCase("sqrt_", { [gcInput([2, 3], .positive)] }) { let y = nonLeaf($0[0]); y.sqrt_(); return y },
    GradCase("exp_", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.exp_(); return y },
    GradCase("log_", { [gcInput([2, 3], .positive)] }) { let y = nonLeaf($0[0]); y.log_(); return y },
    GradCase("sigmoid_", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.sigmoid_(); return y },
    GradCase("tanh_", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.tanh_(); return y },
    GradCase("three in-place ops in a row", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.mul_(2.0).add_($0[1]); y.tanh_(); return y
    },
    GradCase("fill_", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.fill_(2); return y + $0[0] },
    GradCase("zero_", { [gcInput([2, 3])] }) { let y = nonLeaf($0[0]); y.zero_(); return y * $0[0] },
    GradCase("copy_", { [gcInput([2, 3]), gcInput([3], seed: 2)] }) { let y = nonLeaf($0[0]); y.copy_($0[1]); return y * $0[0] },
    GradCase("maskedFill_", { [gcInput([2, 3])] }) {
        let y = nonLeaf($0[0]); y.maskedFill_(Tensor([true, false, true]), 0.5); return y
    },
    GradCase("scatter_", { [gcInput([2, 3]), gcInput([2, 2], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.scatter_(1, gcIndex([2, 0, 1, 2], [2, 2]), $0[1]); return y
    },
    GradCase("scatterAdd_", { [gcInput([2, 3]), gcInput([2, 2], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.scatterAdd_(1, gcIndex([2, 2, 1, 0], [2, 2]), $0[1]); return y
    },
    GradCase("indexPut_", { [gcInput([3, 2]), gcInput([2, 2], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.indexPut_([gcIndex([2, 0])], $0[1]); return y
    },
    GradCase("indexPut_ broadcast values", { [gcInput([3, 2]), gcInput([2], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.indexPut_([gcIndex([1, 2])], $0[1]); return y
    },
    GradCase("indexPut_ two index tensors", { [gcInput([3, 3]), gcInput([2], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.indexPut_([gcIndex([0, 2]), gcIndex([1, 1])], $0[1]); return y
    },
    GradCase("indexPut_(accumulate) with repeats", { [gcInput([3, 2]), gcInput([3, 2], seed: 2)] }) {
        let y = nonLeaf($0[0]); y.indexPut_([gcIndex([2, 0, 2])], $0[1], accumulate: true); return y
    },
    GradCase("y[index] = v", { [gcInput([3, 2]), gcInput([2, 2], seed: 2)] }) {
        let y = nonLeaf($0[0]); y[gcIndex([1, 0])] = $0[1].exp(); return y
    },
    GradCase("y[mask] = v", { [gcInput([2, 3]), gcInput([3], seed: 2)] }) {
        let y = nonLeaf($0[0]); y[Tensor([[true, false, true], [false, true, false]])] = $0[1]; return y
    },
    GradCase("in-place result used afterwards", { [gcInput([2, 3])] }) {
        let y = $0[0].sin(); y.mul_(2.0); return y * $0[0]
    },
]

// MARK: - Double backward

/// The first derivative of `f` as a differentiable function: `xs` are `f`'s inputs followed by
/// the gradient seed `v` (shaped like `f`'s output); the result is the vector-Jacobian product
/// `vᵀ ∂f/∂x`, flattened and concatenated over the inputs. Checking it with `gradcheck` checks
/// second derivatives and the dependence on `v`, as PyTorch's `gradgradcheck` does.
func firstDerivative(_ f: @escaping @Sendable ([Tensor]) -> Tensor) -> @Sendable ([Tensor]) -> Tensor {
    { xs in
        enableGrad {
            let inputs = Array(xs.dropLast()), v = xs[xs.count - 1]
            let out = f(inputs)
            let grads = autograd.grad(outputs: [out], inputs: inputs, gradOutputs: [v], createGraph: true, allowUnused: true)
            return Tensor.cat(zip(inputs, grads).map { x, g in (g ?? Tensor.zerosLike(x)).reshape([-1]) })
        }
    }
}

/// A double-backward case: gradcheck of `firstDerivative(f)` at `inputs` plus a seed shaped like `outShape`.
func doubleBackwardCase(_ name: String, outShape: [Int], _ inputs: @escaping @Sendable () -> [Tensor],
                        _ f: @escaping @Sendable ([Tensor]) -> Tensor) -> GradCase {
    GradCase(name, { inputs() + [gcInput(outShape, seed: 99)] }, firstDerivative(f))
}

let doubleBackwardCases: [GradCase] = [
    doubleBackwardCase("mul", outShape: [2, 3], { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { $0[0] * $0[1] },
    doubleBackwardCase("mul broadcast", outShape: [2, 3], { [gcInput([2, 3]), gcInput([3], seed: 2)] }) { $0[0] * $0[1] },
    doubleBackwardCase("x * x", outShape: [2, 3], { [gcInput([2, 3])] }) { $0[0] * $0[0] },
    doubleBackwardCase("div", outShape: [2, 3], { [gcInput([2, 3]), gcInput([2, 3], .awayFromZero, seed: 2)] }) { $0[0] / $0[1] },
    doubleBackwardCase("exp", outShape: [2, 3], { [gcInput([2, 3])] }) { $0[0].exp() },
    doubleBackwardCase("tanh", outShape: [2, 3], { [gcInput([2, 3])] }) { $0[0].tanh() },
    doubleBackwardCase("sigmoid", outShape: [2, 3], { [gcInput([2, 3])] }) { $0[0].sigmoid() },
    doubleBackwardCase("log", outShape: [2, 3], { [gcInput([2, 3], .positive)] }) { $0[0].log() },
    doubleBackwardCase("sqrt", outShape: [2, 3], { [gcInput([2, 3], .positive)] }) { $0[0].sqrt() },
    doubleBackwardCase("sin of transposed", outShape: [2, 3], { [gcInput([3, 2])] }) { $0[0].t().sin() },
    doubleBackwardCase("pow(3)", outShape: [2, 3], { [gcInput([2, 3])] }) { $0[0] ** 3 },
    doubleBackwardCase("pow(2.5)", outShape: [2, 3], { [gcInput([2, 3], .positive)] }) { $0[0].pow(2.5) },
    doubleBackwardCase("pow(tensor, tensor)", outShape: [2, 3], { [gcInput([2, 3], .positive), gcInput([2, 3], seed: 2)] }) {
        $0[0] ** $0[1]
    },
    doubleBackwardCase("2 ** x", outShape: [2, 3], { [gcInput([2, 3])] }) { 2.0 ** $0[0] },
    doubleBackwardCase("matmul 2-D", outShape: [2, 2], { [gcInput([2, 3]), gcInput([3, 2], seed: 2)] }) { $0[0].matmul($0[1]) },
    doubleBackwardCase("matmul batched broadcast", outShape: [2, 2, 2], { [gcInput([2, 2, 3]), gcInput([3, 2], seed: 2)] }) {
        $0[0].matmul($0[1]).tanh()
    },
    doubleBackwardCase("mm of squares", outShape: [2, 2], { [gcInput([2, 3])] }) { $0[0].mm(($0[0] * $0[0]).t()) },
    doubleBackwardCase("sum(dim: 1) squared", outShape: [2], { [gcInput([2, 3])] }) { $0[0].sum(dim: 1) ** 2 },
    doubleBackwardCase("sum() of cube", outShape: [], { [gcInput([2, 3])] }) { ($0[0] ** 3).sum() },
    doubleBackwardCase("mean(dim: 0) squared", outShape: [3], { [gcInput([2, 3])] }) { $0[0].mean(dim: 0) ** 2 },
    doubleBackwardCase("log_softmax", outShape: [2, 3], { [gcInput([2, 3])] }) {
        $0[0] - $0[0].logsumexp(dim: 1, keepDim: true)
    },
    doubleBackwardCase("softmax", outShape: [2, 3], { [gcInput([2, 3])] }) {
        ($0[0] - $0[0].logsumexp(dim: 1, keepDim: true)).exp()
    },
    doubleBackwardCase("prod(dim: 1)", outShape: [2], { [gcInput([2, 3])] }) { $0[0].prod(dim: 1) },
    doubleBackwardCase("norm(dim: 1)", outShape: [2], { [gcInput([2, 3])] }) { $0[0].norm(dim: 1) },
    doubleBackwardCase("var(dim: 1)", outShape: [2], { [gcInput([2, 3])] }) { $0[0].var(dim: 1) },
    doubleBackwardCase("gather of squares", outShape: [2, 2], { [gcInput([2, 3])] }) {
        ($0[0] * $0[0]).gather(1, gcIndex([2, 0, 1, 1], [2, 2]))
    },
    doubleBackwardCase("select and narrow", outShape: [2], { [gcInput([3, 3])] }) {
        let x = $0[0] * $0[0]
        return x.select(0, 1).narrow(0, 1, 2) * x[2, 0...1]
    },
]
