import Foundation

extension Tensor {
    /// Runs function `f` with constants `p`, `q`, `r`; nothing is recorded. Float-only functions
    /// promote integer inputs to float32; others keep the dtype.
    func unaryForward<Fn: UnaryFunction>(_ f: Fn.Type, floatOnly: Bool = true, p: Double = 0, q: Double = 0, r: Double = 0) -> Tensor {
        let rt: DType = floatOnly && !dtype.isFloatingPoint ? .float32 : dtype
        let ct = rt.computeType
        let out = Tensor(uninitializedShape: shape, dtype: ct)
        unaryKernel(f, converted(ct), out, p: p, q: q, r: r)
        return out.converted(rt)
    }

    /// A float-only unary op with its backward, written with differentiable ops.
    func unary<Fn: UnaryFunction>(_ f: Fn.Type, _ name: String, p: Double = 0, q: Double = 0, r: Double = 0,
                                  _ backward: @escaping (_ g: Tensor, _ x: Tensor) -> Tensor) -> Tensor {
        unaryForward(f, p: p, q: q, r: r).recording(name, [self], saved: [self]) { [self] g, _ in [backward(g, self)] }
    }

    /// `unary` for a gradient written in the output alone: the rule keeps the output, not the input.
    func unaryOfOutput<Fn: UnaryFunction>(_ f: Fn.Type, _ name: String, p: Double = 0, q: Double = 0,
                                          _ backward: @escaping (_ g: Tensor, _ out: Tensor) -> Tensor) -> Tensor {
        unaryForward(f, p: p, q: q).recording(name, [self], savesOutput: true) { g, out in [backward(g, out)] }
    }

    /// PyTorch: `torch.neg`.
    public func neg() -> Tensor {
        unaryForward(UnaryFn.Neg.self, floatOnly: false).recording("NegBackward0", [self]) { g, _ in [-g] }
    }
    /// PyTorch: `torch.abs`.
    public func abs() -> Tensor {
        unaryForward(UnaryFn.Abs.self, floatOnly: false).recording("AbsBackward0", [self], saved: [self]) { [self] g, _ in [g * self.sign()] }
    }
    /// PyTorch: `torch.sqrt`.
    public func sqrt() -> Tensor { unaryOfOutput(UnaryFn.Sqrt.self, "SqrtBackward0") { g, out in g / (2.0 * out) } }
    /// PyTorch: `torch.rsqrt`.
    public func rsqrt() -> Tensor { unaryOfOutput(UnaryFn.Rsqrt.self, "RsqrtBackward0") { g, out in -0.5 * g * out * out * out } }
    /// PyTorch: `torch.exp`.
    public func exp() -> Tensor {
        Tensor.traced("Exp", [.tensor(self)]) { unaryOfOutput(UnaryFn.Exp.self, "ExpBackward0") { g, out in g * out } }
    }
    /// PyTorch: `torch.exp2`.
    public func exp2() -> Tensor { unaryOfOutput(UnaryFn.Exp2.self, "Exp2Backward0") { g, out in g * out * Foundation.log(2.0) } }
    /// PyTorch: `torch.log`.
    public func log() -> Tensor { unary(UnaryFn.Log.self, "LogBackward0") { g, x in g / x } }
    /// PyTorch: `torch.log2`.
    public func log2() -> Tensor { unary(UnaryFn.Log2.self, "Log2Backward0") { g, x in g / (x * Foundation.log(2.0)) } }
    /// PyTorch: `torch.log10`.
    public func log10() -> Tensor { unary(UnaryFn.Log10.self, "Log10Backward0") { g, x in g / (x * Foundation.log(10.0)) } }
    /// PyTorch: `torch.log1p`.
    public func log1p() -> Tensor { unary(UnaryFn.Log1p.self, "Log1PBackward0") { g, x in g / (x + 1.0) } }
    /// PyTorch: `torch.expm1`.
    public func expm1() -> Tensor { unaryOfOutput(UnaryFn.Expm1.self, "Expm1Backward0") { g, out in g * (out + 1.0) } }
    /// PyTorch: `torch.sin`.
    public func sin() -> Tensor { unary(UnaryFn.Sin.self, "SinBackward0") { g, x in g * x.cos() } }
    /// PyTorch: `torch.cos`.
    public func cos() -> Tensor { unary(UnaryFn.Cos.self, "CosBackward0") { g, x in -g * x.sin() } }
    /// PyTorch: `torch.tan`.
    public func tan() -> Tensor { unaryOfOutput(UnaryFn.Tan.self, "TanBackward0") { g, out in g * (1.0 + out * out) } }
    /// PyTorch: `torch.asin`.
    public func asin() -> Tensor { unary(UnaryFn.Asin.self, "AsinBackward0") { g, x in g * (1.0 - x * x).rsqrt() } }
    /// PyTorch: `torch.acos`.
    public func acos() -> Tensor { unary(UnaryFn.Acos.self, "AcosBackward0") { g, x in -g * (1.0 - x * x).rsqrt() } }
    /// PyTorch: `torch.atan`.
    public func atan() -> Tensor { unary(UnaryFn.Atan.self, "AtanBackward0") { g, x in g / (1.0 + x * x) } }
    /// PyTorch: `torch.sinh`.
    public func sinh() -> Tensor { unary(UnaryFn.Sinh.self, "SinhBackward0") { g, x in g * x.cosh() } }
    /// PyTorch: `torch.cosh`.
    public func cosh() -> Tensor { unary(UnaryFn.Cosh.self, "CoshBackward0") { g, x in g * x.sinh() } }
    /// PyTorch: `torch.tanh`.
    public func tanh() -> Tensor {
        Tensor.traced("Tanh", [.tensor(self)]) { unaryOfOutput(UnaryFn.Tanh.self, "TanhBackward0") { g, out in g * (1.0 - out * out) } }
    }
    /// PyTorch: `torch.asinh`.
    public func asinh() -> Tensor { unary(UnaryFn.Asinh.self, "AsinhBackward0") { g, x in g * (x * x + 1.0).rsqrt() } }
    /// PyTorch: `torch.acosh`.
    public func acosh() -> Tensor { unary(UnaryFn.Acosh.self, "AcoshBackward0") { g, x in g * (x * x - 1.0).rsqrt() } }
    /// PyTorch: `torch.atanh`.
    public func atanh() -> Tensor { unary(UnaryFn.Atanh.self, "AtanhBackward0") { g, x in g / (1.0 - x * x) } }
    /// PyTorch: `torch.sigmoid`.
    public func sigmoid() -> Tensor {
        Tensor.traced("Sigmoid", [.tensor(self)]) { unaryOfOutput(UnaryFn.Sigmoid.self, "SigmoidBackward0") { g, out in g.sigmoidBackward(out) } }
    }
    /// PyTorch: `torch.nn.functional.logsigmoid`.
    public func logSigmoid() -> Tensor { unary(UnaryFn.LogSigmoid.self, "LogSigmoidBackward0") { g, x in g * (-x).sigmoid() } }
    /// PyTorch: `torch.relu`.
    public func relu() -> Tensor {
        Tensor.traced("Relu", [.tensor(self)]) {
            unaryForward(UnaryFn.Relu.self, floatOnly: false).recording("ReluBackward0", [self], savesOutput: true) { g, out in
                [g.whereMaskPositive(out)]
            }
        }
    }
    /// PyTorch: `torch.nn.functional.leaky_relu`.
    public func leakyRelu(_ negativeSlope: Double = 0.01) -> Tensor {
        unary(UnaryFn.LeakyRelu.self, "LeakyReluBackward0", p: negativeSlope) { g, x in
            g * Tensor.where(x .> 0.0, Tensor.onesLike(x), Tensor.fullLike(x, negativeSlope))
        }
    }
    /// PyTorch: `torch.nn.functional.elu`.
    public func elu(alpha: Double = 1) -> Tensor { elu(alpha: alpha, scale: 1, inputScale: 1, "EluBackward0") }

    /// `scale · (x > 0 ? x : alpha · (e^(inputScale · x) − 1))`, PyTorch's `elu` kernel behind ELU,
    /// SELU and CELU.
    func elu(alpha: Double, scale: Double, inputScale: Double, _ name: String) -> Tensor {
        unary(UnaryFn.Elu.self, name, p: alpha, q: scale, r: inputScale) { g, x in
            g * Tensor.where(x .> 0.0, Tensor.fullLike(x, scale), (alpha * scale * inputScale) * (inputScale * x).exp())
        }
    }
    /// GELU, exact (`approximate: "none"`) or with the tanh approximation. PyTorch: `torch.nn.functional.gelu`.
    public func gelu(approximate: String = "none") -> Tensor {
        check(approximate == "none" || approximate == "tanh", "approximate argument must be either none or tanh.")
        if approximate == "tanh" {
            return unary(UnaryFn.GeluTanh.self, "GeluBackward0") { g, x in
                let k = (2.0 / Double.pi).squareRoot()
                let inner = k * (x + 0.044715 * x * x * x)
                let t = inner.tanh()
                return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * x * x))
            }
        }
        return unary(UnaryFn.Gelu.self, "GeluBackward0") { g, x in
            let cdf = 0.5 * (1.0 + (x * (1 / 2.0.squareRoot())).erf())
            let pdf = (-0.5 * x * x).exp() * (1 / (2 * Double.pi).squareRoot())
            return g * (cdf + x * pdf)
        }
    }
    /// PyTorch: `torch.nn.functional.silu`.
    public func silu() -> Tensor {
        unary(UnaryFn.Silu.self, "SiluBackward0") { g, x in
            let s = x.sigmoid()
            return g * s * (1.0 + x * (1.0 - s))
        }
    }
    /// PyTorch: `torch.nn.functional.softplus`.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        unary(UnaryFn.Softplus.self, "SoftplusBackward0", p: beta, q: threshold) { g, x in
            g * Tensor.where(x * beta .> threshold, Tensor.onesLike(x), (x * beta).sigmoid())
        }
    }
    /// PyTorch: `torch.nn.functional.hardtanh`.
    public func hardtanh(minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        Tensor.traced("Clip", [.tensor(self), .constant(Tensor(minVal, dtype: dtype)), .constant(Tensor(maxVal, dtype: dtype))]) {
            unary(UnaryFn.Hardtanh.self, "HardtanhBackward0", p: minVal, q: maxVal) { g, x in
                g.hardtanhBackward(x, minVal, maxVal)
            }
        }
    }
    /// PyTorch: `torch.erf`.
    public func erf() -> Tensor {
        unary(UnaryFn.Erf.self, "ErfBackward0") { g, x in g * (2 / Double.pi.squareRoot()) * (-(x * x)).exp() }
    }
    /// PyTorch: `torch.erfc`.
    public func erfc() -> Tensor {
        unary(UnaryFn.Erfc.self, "ErfcBackward0") { g, x in g * (-2 / Double.pi.squareRoot()) * (-(x * x)).exp() }
    }
    /// PyTorch: `torch.reciprocal`.
    public func reciprocal() -> Tensor { unaryOfOutput(UnaryFn.Reciprocal.self, "ReciprocalBackward0") { g, out in -g * out * out } }
    /// PyTorch: `torch.square`.
    public func square() -> Tensor { pow(2) }

    /// The sign of each element (for real tensors, `sign`). PyTorch: `torch.sgn`.
    public func sgn() -> Tensor { piecewiseConstant(UnaryFn.Sign.self, "SgnBackward0") }
    /// Degrees to radians. PyTorch: `torch.deg2rad`.
    public func deg2rad() -> Tensor { unaryOfOutput(UnaryFn.Deg2rad.self, "Deg2RadBackward0") { g, _ in g * (Double.pi / 180) } }
    /// Radians to degrees. PyTorch: `torch.rad2deg`.
    public func rad2deg() -> Tensor { unaryOfOutput(UnaryFn.Rad2deg.self, "Rad2DegBackward0") { g, _ in g * (180 / Double.pi) } }
    /// The normalized sinc, `sin(πx) / (πx)`, 1 at 0. PyTorch: `torch.sinc`.
    public func sinc() -> Tensor {
        unary(UnaryFn.Sinc.self, "SincBackward0") { g, x in
            // (cos(πx) − sinc(x)) / x, 0 at 0; the zeros are replaced before dividing so no NaN is formed.
            let zero = x .== 0.0
            let safe = Tensor.where(zero, Tensor.onesLike(x), x)
            return g * Tensor.where(zero, Tensor.zerosLike(x), ((Double.pi * safe).cos() - safe.sinc()) / safe)
        }
    }
    /// `log(p / (1 − p))`, with the input clamped to `[eps, 1 − eps]` when `eps` is given.
    /// PyTorch: `torch.logit`.
    public func logit(eps: Double? = nil) -> Tensor {
        unary(UnaryFn.Logit.self, "LogitBackward0", p: eps ?? 0, q: eps == nil ? 0 : 1) { g, x in
            let d = g / (x * (1.0 - x))
            guard let eps else { return d }
            return Tensor.where((x .< eps).logicalOr(x .> 1 - eps), Tensor.zerosLike(d), d)
        }
    }
    /// Replaces NaN with `nan`, +∞ with `posinf` and −∞ with `neginf` (by default the dtype's
    /// largest and lowest finite values). Integer and bool tensors are returned as a copy.
    /// PyTorch: `torch.nan_to_num`.
    public func nanToNum(nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) -> Tensor {
        guard dtype.isFloatingPoint else { return clone() }
        let big = dtype.largestFinite
        return unaryForward(UnaryFn.NanToNum.self, p: nan, q: posinf ?? big, r: neginf ?? -big)
            .recording("NanToNumBackward0", [self], saved: [self]) { [self] g, _ in [g * self.isfinite().to(g.dtype)] }
    }

    /// Rounding ops have zero gradient, as in PyTorch.
    private func piecewiseConstant<Fn: UnaryFunction>(_ f: Fn.Type, _ name: String) -> Tensor {
        unaryForward(f, floatOnly: false).recording(name, [self]) { g, _ in [Tensor.zerosLike(g)] }
    }
    /// PyTorch: `torch.ceil`.
    public func ceil() -> Tensor { piecewiseConstant(UnaryFn.Ceil.self, "CeilBackward0") }
    /// PyTorch: `torch.floor`.
    public func floor() -> Tensor { piecewiseConstant(UnaryFn.Floor.self, "FloorBackward0") }
    /// Rounds half to even. PyTorch: `torch.round`.
    public func round() -> Tensor { piecewiseConstant(UnaryFn.Round.self, "RoundBackward0") }
    /// PyTorch: `torch.trunc`.
    public func trunc() -> Tensor { piecewiseConstant(UnaryFn.Trunc.self, "TruncBackward0") }
    /// PyTorch: `torch.sign`.
    public func sign() -> Tensor { piecewiseConstant(UnaryFn.Sign.self, "SignBackward0") }
    /// PyTorch: `torch.frac`.
    public func frac() -> Tensor {
        unaryForward(UnaryFn.Frac.self, floatOnly: false).recording("FracBackward0", [self]) { g, _ in [g] }
    }

    /// Limits values to `[min, max]`. PyTorch: `torch.clamp`. On integer and bool tensors a
    /// non-integral bound acts as a Python float does in PyTorch: the result is float32.
    public func clamp(min: Double? = nil, max: Double? = nil) -> Tensor {
        Tensor.traced("Clip", [.tensor(self), min.map { .constant(Tensor($0, dtype: dtype)) } ?? .none,
                               max.map { .constant(Tensor($0, dtype: dtype)) } ?? .none]) { clampUntraced(min: min, max: max) }
    }

    private func clampUntraced(min: Double?, max: Double?) -> Tensor {
        check(min != nil || max != nil, "torch.clamp: At least one of 'min' or 'max' must not be None")
        let fractionalBound = [min, max].contains { $0.map { $0.rounded() != $0 } ?? false }
        return unaryForward(UnaryFn.Clamp.self, floatOnly: fractionalBound, p: min ?? -.infinity, q: max ?? .infinity)
            .recording("ClampBackward1", [self], saved: [self]) { [self] g, _ in
                var mask = Tensor.onesLike(self, dtype: .bool)
                if let min { mask = mask.logicalAnd(self .>= min) }
                if let max { mask = mask.logicalAnd(self .<= max) }
                return [g * mask.to(g.dtype)]
            }
    }
    /// Limits values to `[min, max]` element-wise, the bounds broadcast against `self`; NaN in `self`
    /// stays NaN. The gradient goes to `self` inside the bounds and to the bound it was clamped to
    /// outside. PyTorch: `torch.clamp(input, min=tensor, max=tensor)`.
    public func clamp(min: Tensor?, max: Tensor?) -> Tensor {
        check(min != nil || max != nil, "torch.clamp: At least one of 'min' or 'max' must not be None")
        var out = noGrad { () -> Tensor in
            var y = self
            if let min { y = Tensor.where(y.isnan(), y, y.maximum(min)) }
            if let max { y = Tensor.where(y.isnan(), y, y.minimum(max)) }
            return y
        }
        let inputs = [self] + [min, max].compactMap { $0 }
        out = out.recording("ClampBackward0", inputs, saved: inputs) { [self] g, _ in
            var inside = Tensor.onesLike(self, dtype: .bool)
            if let min { inside = inside.logicalAnd(self .>= min) }
            if let max { inside = inside.logicalAnd(self .<= max) }
            let zero = Tensor.zerosLike(g)
            var grads: [Tensor?] = [Tensor.where(inside, g, zero).gradFor(self)]
            // Where min > max the result is max, and so is the gradient.
            let crossed = min.flatMap { lo in max.map { hi in lo .> hi } }
            if let min {
                var below = self .< min
                if let crossed { below = below.logicalAnd(crossed.logicalNot()) }
                grads.append(min.requiresGradFlag ? Tensor.where(below, g, zero).gradFor(min) : nil)
            }
            if let max {
                var above = self .> max
                if let crossed { above = above.logicalOr(crossed) }
                grads.append(max.requiresGradFlag ? Tensor.where(above, g, zero).gradFor(max) : nil)
            }
            return grads
        }
        return out
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
        binaryKernel(BinaryFn.ThresholdBackward.self, self, mask, out)
        return out.recording("ThresholdBackwardBackward0", [self]) { gg, _ in [gg.whereMaskPositive(mask)] }
    }

    /// `self` where `lo < x < hi`, zero elsewhere, in one pass (hardtanh's gradient; PyTorch's
    /// `hardtanh_backward`). Differentiable in `self`: its gradient is masked the same way.
    func hardtanhBackward(_ x: Tensor, _ lo: Double, _ hi: Double) -> Tensor {
        guard dtype == x.dtype, dtype == .float32 || dtype == .float64, shape == x.shape else {
            return self * ((x .> lo).logicalAnd(x .< hi)).to(dtype)
        }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        hardtanhBackwardKernel(self, x, out, lo, hi)
        return out.recording("HardtanhBackwardBackward0", [self]) { gg, _ in [gg.hardtanhBackward(x, lo, hi)] }
    }

    /// `self · (1 − y) · y` in one pass: sigmoid's gradient from its output `y` (PyTorch's
    /// `sigmoid_backward`). Differentiable in both `self` and `y`.
    func sigmoidBackward(_ y: Tensor) -> Tensor {
        guard dtype == y.dtype, dtype == .float32 || dtype == .float64, shape == y.shape else {
            return self * (1.0 - y) * y
        }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        binaryKernel(BinaryFn.SigmoidBackward.self, self, y, out)
        return out.recording("SigmoidBackwardBackward0", [self, y]) { [self] gg, _ in
            [gg.sigmoidBackward(y), gg * self * (1.0 - 2.0 * y)]
        }
    }
}
