import Foundation

extension Tensor {
    /// Runs a unary kernel: float-only ops promote integer inputs to float32; others keep the dtype.
    func unaryForward(_ op: UnaryOp, floatOnly: Bool = true) -> Tensor {
        let rt: DType = floatOnly && !dtype.isFloatingPoint ? .float32 : dtype
        let ct = rt.computeType
        let out = Tensor(uninitializedShape: shape, dtype: ct)
        unaryKernel(op, converted(ct), out)
        return out.converted(rt)
    }

    /// A float-only unary op with its backward, written with differentiable ops.
    private func unary(_ op: UnaryOp, _ name: String, saveInput: Bool = true,
                       _ backward: @escaping (_ g: Tensor, _ x: Tensor, _ out: Tensor) -> Tensor) -> Tensor {
        unaryForward(op).recording(name, [self], saved: saveInput ? [self] : [], savesOutput: !saveInput) { [self] g, out in [backward(g, self, out)] }
    }

    /// PyTorch: `torch.neg`.
    public func neg() -> Tensor {
        unaryForward(.neg, floatOnly: false).recording("NegBackward0", [self]) { g, _ in [-g] }
    }
    /// PyTorch: `torch.abs`.
    public func abs() -> Tensor {
        unaryForward(.abs, floatOnly: false).recording("AbsBackward0", [self], saved: [self]) { [self] g, _ in [g * self.sign()] }
    }
    /// PyTorch: `torch.sqrt`.
    public func sqrt() -> Tensor { unary(.sqrt, "SqrtBackward0", saveInput: false) { g, _, out in g / (2.0 * out) } }
    /// PyTorch: `torch.rsqrt`.
    public func rsqrt() -> Tensor { unary(.rsqrt, "RsqrtBackward0", saveInput: false) { g, _, out in -0.5 * g * out * out * out } }
    /// PyTorch: `torch.exp`.
    public func exp() -> Tensor { unary(.exp, "ExpBackward0", saveInput: false) { g, _, out in g * out } }
    /// PyTorch: `torch.exp2`.
    public func exp2() -> Tensor { unary(.exp2, "Exp2Backward0", saveInput: false) { g, _, out in g * out * Foundation.log(2.0) } }
    /// PyTorch: `torch.log`.
    public func log() -> Tensor { unary(.log, "LogBackward0") { g, x, _ in g / x } }
    /// PyTorch: `torch.log2`.
    public func log2() -> Tensor { unary(.log2, "Log2Backward0") { g, x, _ in g / (x * Foundation.log(2.0)) } }
    /// PyTorch: `torch.log10`.
    public func log10() -> Tensor { unary(.log10, "Log10Backward0") { g, x, _ in g / (x * Foundation.log(10.0)) } }
    /// PyTorch: `torch.log1p`.
    public func log1p() -> Tensor { unary(.log1p, "Log1PBackward0") { g, x, _ in g / (x + 1.0) } }
    /// PyTorch: `torch.expm1`.
    public func expm1() -> Tensor { unary(.expm1, "Expm1Backward0", saveInput: false) { g, _, out in g * (out + 1.0) } }
    /// PyTorch: `torch.sin`.
    public func sin() -> Tensor { unary(.sin, "SinBackward0") { g, x, _ in g * x.cos() } }
    /// PyTorch: `torch.cos`.
    public func cos() -> Tensor { unary(.cos, "CosBackward0") { g, x, _ in -g * x.sin() } }
    /// PyTorch: `torch.tan`.
    public func tan() -> Tensor { unary(.tan, "TanBackward0", saveInput: false) { g, _, out in g * (1.0 + out * out) } }
    /// PyTorch: `torch.asin`.
    public func asin() -> Tensor { unary(.asin, "AsinBackward0") { g, x, _ in g * (1.0 - x * x).rsqrt() } }
    /// PyTorch: `torch.acos`.
    public func acos() -> Tensor { unary(.acos, "AcosBackward0") { g, x, _ in -g * (1.0 - x * x).rsqrt() } }
    /// PyTorch: `torch.atan`.
    public func atan() -> Tensor { unary(.atan, "AtanBackward0") { g, x, _ in g / (1.0 + x * x) } }
    /// PyTorch: `torch.sinh`.
    public func sinh() -> Tensor { unary(.sinh, "SinhBackward0") { g, x, _ in g * x.cosh() } }
    /// PyTorch: `torch.cosh`.
    public func cosh() -> Tensor { unary(.cosh, "CoshBackward0") { g, x, _ in g * x.sinh() } }
    /// PyTorch: `torch.tanh`.
    public func tanh() -> Tensor { unary(.tanh, "TanhBackward0", saveInput: false) { g, _, out in g * (1.0 - out * out) } }
    /// PyTorch: `torch.asinh`.
    public func asinh() -> Tensor { unary(.asinh, "AsinhBackward0") { g, x, _ in g * (x * x + 1.0).rsqrt() } }
    /// PyTorch: `torch.acosh`.
    public func acosh() -> Tensor { unary(.acosh, "AcoshBackward0") { g, x, _ in g * (x * x - 1.0).rsqrt() } }
    /// PyTorch: `torch.atanh`.
    public func atanh() -> Tensor { unary(.atanh, "AtanhBackward0") { g, x, _ in g / (1.0 - x * x) } }
    /// PyTorch: `torch.sigmoid`.
    public func sigmoid() -> Tensor { unary(.sigmoid, "SigmoidBackward0", saveInput: false) { g, _, out in g.sigmoidBackward(out) } }
    /// PyTorch: `torch.nn.functional.logsigmoid`.
    public func logSigmoid() -> Tensor { unary(.logSigmoid, "LogSigmoidBackward0") { g, x, _ in g * (-x).sigmoid() } }
    /// PyTorch: `torch.relu`.
    public func relu() -> Tensor {
        unaryForward(.relu, floatOnly: false).recording("ReluBackward0", [self], savesOutput: true) { g, out in
            [g.whereMaskPositive(out)]
        }
    }
    /// PyTorch: `torch.nn.functional.leaky_relu`.
    public func leakyRelu(_ negativeSlope: Double = 0.01) -> Tensor {
        unary(.leakyRelu(negativeSlope), "LeakyReluBackward0") { g, x, _ in
            g * Tensor.where(x .> 0.0, Tensor.onesLike(x), Tensor.fullLike(x, negativeSlope))
        }
    }
    /// PyTorch: `torch.nn.functional.elu`.
    public func elu(alpha: Double = 1) -> Tensor {
        unary(.elu(alpha: alpha), "EluBackward0") { g, x, _ in
            g * Tensor.where(x .> 0.0, Tensor.onesLike(x), alpha * x.exp())
        }
    }
    /// GELU, exact (`approximate: "none"`) or with the tanh approximation. PyTorch: `torch.nn.functional.gelu`.
    public func gelu(approximate: String = "none") -> Tensor {
        check(approximate == "none" || approximate == "tanh", "approximate argument must be either none or tanh.")
        if approximate == "tanh" {
            return unary(.geluTanh, "GeluBackward0") { g, x, _ in
                let k = (2.0 / Double.pi).squareRoot()
                let inner = k * (x + 0.044715 * x * x * x)
                let t = inner.tanh()
                return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * x * x))
            }
        }
        return unary(.gelu, "GeluBackward0") { g, x, _ in
            let cdf = 0.5 * (1.0 + (x * (1 / 2.0.squareRoot())).erf())
            let pdf = (-0.5 * x * x).exp() * (1 / (2 * Double.pi).squareRoot())
            return g * (cdf + x * pdf)
        }
    }
    /// PyTorch: `torch.nn.functional.silu`.
    public func silu() -> Tensor {
        unary(.silu, "SiluBackward0") { g, x, _ in
            let s = x.sigmoid()
            return g * s * (1.0 + x * (1.0 - s))
        }
    }
    /// PyTorch: `torch.nn.functional.softplus`.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        unary(.softplus(beta: beta, threshold: threshold), "SoftplusBackward0") { g, x, _ in
            g * Tensor.where(x * beta .> threshold, Tensor.onesLike(x), (x * beta).sigmoid())
        }
    }
    /// PyTorch: `torch.nn.functional.hardtanh`.
    public func hardtanh(minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        unary(.hardtanh(minVal, maxVal), "HardtanhBackward0") { g, x, _ in
            g * ((x .> minVal).logicalAnd(x .< maxVal)).to(g.dtype)
        }
    }
    /// PyTorch: `torch.erf`.
    public func erf() -> Tensor {
        unary(.erf, "ErfBackward0") { g, x, _ in g * (2 / Double.pi.squareRoot()) * (-(x * x)).exp() }
    }
    /// PyTorch: `torch.erfc`.
    public func erfc() -> Tensor {
        unary(.erfc, "ErfcBackward0") { g, x, _ in g * (-2 / Double.pi.squareRoot()) * (-(x * x)).exp() }
    }
    /// PyTorch: `torch.reciprocal`.
    public func reciprocal() -> Tensor { unary(.reciprocal, "ReciprocalBackward0", saveInput: false) { g, _, out in -g * out * out } }
    /// PyTorch: `torch.square`.
    public func square() -> Tensor { pow(2) }

    /// Rounding ops have zero gradient, as in PyTorch.
    private func piecewiseConstant(_ op: UnaryOp, _ name: String) -> Tensor {
        unaryForward(op, floatOnly: false).recording(name, [self]) { g, _ in [Tensor.zerosLike(g)] }
    }
    /// PyTorch: `torch.ceil`.
    public func ceil() -> Tensor { piecewiseConstant(.ceil, "CeilBackward0") }
    /// PyTorch: `torch.floor`.
    public func floor() -> Tensor { piecewiseConstant(.floor, "FloorBackward0") }
    /// Rounds half to even. PyTorch: `torch.round`.
    public func round() -> Tensor { piecewiseConstant(.round, "RoundBackward0") }
    /// PyTorch: `torch.trunc`.
    public func trunc() -> Tensor { piecewiseConstant(.trunc, "TruncBackward0") }
    /// PyTorch: `torch.sign`.
    public func sign() -> Tensor { piecewiseConstant(.sign, "SignBackward0") }
    /// PyTorch: `torch.frac`.
    public func frac() -> Tensor {
        unaryForward(.frac, floatOnly: false).recording("FracBackward0", [self]) { g, _ in [g] }
    }

    /// Limits values to `[min, max]`. PyTorch: `torch.clamp`. On integer and bool tensors a
    /// non-integral bound acts as a Python float does in PyTorch: the result is float32.
    public func clamp(min: Double? = nil, max: Double? = nil) -> Tensor {
        check(min != nil || max != nil, "torch.clamp: At least one of 'min' or 'max' must not be None")
        let fractionalBound = [min, max].contains { $0.map { $0.rounded() != $0 } ?? false }
        return unaryForward(.clamp(min: min, max: max), floatOnly: fractionalBound)
            .recording("ClampBackward1", [self], saved: [self]) { [self] g, _ in
                var mask = Tensor.onesLike(self, dtype: .bool)
                if let min { mask = mask.logicalAnd(self .>= min) }
                if let max { mask = mask.logicalAnd(self .<= max) }
                return [g * mask.to(g.dtype)]
            }
    }
    /// PyTorch: `torch.clip`.
    public func clip(min: Double? = nil, max: Double? = nil) -> Tensor { clamp(min: min, max: max) }

    /// `self` where `mask > 0`, zero elsewhere, in one pass (ReLU's gradient; PyTorch's
    /// `threshold_backward`). Differentiable in `self`: its gradient is masked the same way.
    func whereMaskPositive(_ mask: Tensor) -> Tensor {
        guard dtype == mask.dtype, dtype == .float32 || dtype == .float64, shape == mask.shape else {
            return self * (mask .> 0.0).to(dtype)
        }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let g = contiguousRaw(), m = mask.contiguousRaw()
        // Loops written out (not through `binaryLoop`, whose captured closure is called per element).
        func run<T: BinaryFloatingPoint>(_: T.Type) {
            let pg = g.pointer(as: T.self), pm = m.pointer(as: T.self), po = out.pointer(as: T.self)
            parallelFor(out.numel) { r in for i in r { po[i] = pm[i] > 0 ? pg[i] : 0 } }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out.recording("ThresholdBackwardBackward0", [self]) { gg, _ in [gg.whereMaskPositive(mask)] }
    }

    /// `self · (1 − y) · y` in one pass: sigmoid's gradient from its output `y` (PyTorch's
    /// `sigmoid_backward`). Differentiable in both `self` and `y`.
    func sigmoidBackward(_ y: Tensor) -> Tensor {
        guard dtype == y.dtype, dtype == .float32 || dtype == .float64, shape == y.shape else {
            return self * (1.0 - y) * y
        }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let g = contiguousRaw(), yc = y.contiguousRaw()
        func run<T: BinaryFloatingPoint>(_: T.Type) {
            let pg = g.pointer(as: T.self), py = yc.pointer(as: T.self), po = out.pointer(as: T.self)
            parallelFor(out.numel) { r in for i in r { po[i] = pg[i] * (1 - py[i]) * py[i] } }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out.recording("SigmoidBackwardBackward0", [self, y]) { [self] gg, _ in
            [gg.sigmoidBackward(y), gg * self * (1.0 - 2.0 * y)]
        }
    }
}
