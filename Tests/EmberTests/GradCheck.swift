import Testing
@testable import Ember

// Float64 finite-difference checks (`gradcheck`, PyTorch's `torch.autograd.gradcheck`) for the
// suites that build their own inputs: seeded inputs over chosen domains, and `GradCase` tables.
// The op table (`OpTable/`) checks its ops' gradients itself, against PyTorch's and by
// `expectGradcheck`.

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

// MARK: - Double backward

/// The first derivative of `f` as a differentiable function: `xs` are `f`'s inputs followed by
/// the gradient seed `v` (shaped like `f`'s output); the result is the vector-Jacobian product
/// `vᵀ ∂f/∂x`, flattened and concatenated over the inputs, with a graph. Checking it with
/// `gradcheck` checks second derivatives and the dependence on `v`, as PyTorch's `gradgradcheck`
/// does. Inputs that do not require grad are differentiated as detached leaves.
func firstDerivative(_ f: @escaping @Sendable ([Tensor]) -> Tensor) -> @Sendable ([Tensor]) -> Tensor {
    { xs in
        enableGrad {
            let inputs = xs.dropLast().map { $0.requiresGrad ? $0 : $0.detach().requiresGrad_() }
            let v = xs[xs.count - 1]
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
