extension Tensor {
    /// Softmax along `dim`, computed after subtracting the (detached) row maximum so large inputs
    /// do not overflow. PyTorch: `torch.softmax` / `tensor.softmax(dim)`.
    public func softmax(dim d: Int) -> Tensor {
        Tensor.traced("Softmax", [.tensor(self)], [.int("axis", normalizeDim(d, "softmax"))]) {
            let dd = normalizeDim(d, "softmax")
            if dim == 0 { return reshape([1]).softmax(dim: 0).reshape([]) }
            let out = noGrad { () -> Tensor in
                let e = (self - amax(dims: [dd], keepDim: true)).exp()
                return e / e.sum(dim: dd, keepDim: true)
            }
            // d softmax: out * (g - sum(g * out)); reading `out` keeps it differentiable again.
            return out.recording("SoftmaxBackward0", [self], savesOutput: true) { g, out in
                [out * (g - (g * out).sum(dim: dd, keepDim: true))]
            }
        }
    }

    /// Log of the softmax along `dim`, computed as `x - max - log(sum(exp(x - max)))` with the
    /// detached maximum. PyTorch: `torch.log_softmax` / `tensor.log_softmax(dim)`.
    /// Contiguous float32 rows along the last dim take fused kernels (`logSoftmaxRows`), with the
    /// same roundings; so does backward unless a graph of the gradient is being built.
    public func logSoftmax(dim d: Int) -> Tensor {
        Tensor.traced("LogSoftmax", [.tensor(self)], [.int("axis", normalizeDim(d, "log_softmax"))]) {
            let dd = normalizeDim(d, "log_softmax")
            if dim == 0 { return reshape([1]).logSoftmax(dim: 0).reshape([]) }
            let n = shape[dd], rows = numel / Swift.max(n, 1)
            let fused = dtype == .float32 && dd == dim - 1 && n > 0 && isContiguous
            let out: Tensor
            if fused {
                out = Tensor(uninitializedShape: shape, dtype: .float32)
                logSoftmaxRows(pointer(as: Float.self), out.pointer(as: Float.self), rows: rows, n: n)
            } else {
                out = noGrad { () -> Tensor in
                    let shifted = self - amax(dims: [dd], keepDim: true)
                    return shifted - shifted.exp().sum(dim: dd, keepDim: true).log()
                }
            }
            return out.recording("LogSoftmaxBackward0", [self], savesOutput: true) { g, out in
                if fused && !isGradEnabled && g.dtype == .float32 && g.isContiguous {
                    let result = Tensor(uninitializedShape: g.shape, dtype: .float32)
                    logSoftmaxBackwardRows(g.pointer(as: Float.self), out.pointer(as: Float.self), result.pointer(as: Float.self),
                                           rows: rows, n: n)
                    return [result]
                }
                return [g - out.exp() * g.sum(dim: dd, keepDim: true)]
            }
        }
    }
}

extension F {
    /// `max(0, x)`. PyTorch: `torch.nn.functional.relu`.
    public static func relu(_ input: Tensor) -> Tensor { input.relu() }

    /// `min(max(0, x), 6)`. PyTorch: `torch.nn.functional.relu6`.
    public static func relu6(_ input: Tensor) -> Tensor { input.hardtanh(minVal: 0, maxVal: 6) }

    /// `x` for positive inputs, `negativeSlope * x` otherwise. PyTorch: `torch.nn.functional.leaky_relu`.
    public static func leakyRelu(_ input: Tensor, negativeSlope: Double = 0.01) -> Tensor {
        input.leakyRelu(negativeSlope)
    }

    /// `x` for positive inputs, `alpha * (exp(x) - 1)` otherwise. PyTorch: `torch.nn.functional.elu`.
    public static func elu(_ input: Tensor, alpha: Double = 1) -> Tensor { input.elu(alpha: alpha) }

    /// Gaussian error linear unit, exact (`"none"`) or with the tanh approximation (`"tanh"`).
    /// PyTorch: `torch.nn.functional.gelu`.
    public static func gelu(_ input: Tensor, approximate: String = "none") -> Tensor {
        input.gelu(approximate: approximate)
    }

    /// `x * sigmoid(x)`. PyTorch: `torch.nn.functional.silu`.
    public static func silu(_ input: Tensor) -> Tensor { input.silu() }

    /// `1 / (1 + exp(-x))`. PyTorch: `torch.nn.functional.sigmoid`.
    public static func sigmoid(_ input: Tensor) -> Tensor { input.sigmoid() }

    /// Hyperbolic tangent. PyTorch: `torch.nn.functional.tanh`.
    public static func tanh(_ input: Tensor) -> Tensor { input.tanh() }

    /// Clamps to `[minVal, maxVal]`. PyTorch: `torch.nn.functional.hardtanh`.
    public static func hardtanh(_ input: Tensor, minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        input.hardtanh(minVal: minVal, maxVal: maxVal)
    }

    /// `log(1 + exp(beta * x)) / beta`, linear where `beta * x > threshold`.
    /// PyTorch: `torch.nn.functional.softplus`.
    public static func softplus(_ input: Tensor, beta: Double = 1, threshold: Double = 20) -> Tensor {
        input.softplus(beta: beta, threshold: threshold)
    }

    /// SELU's alpha and scale, PyTorch's constants.
    static let seluAlpha = 1.6732632423543772848170429916717
    static let seluScale = 1.0507009873554804934193349852946

    /// `scale · elu(x, alpha)` with SELU's constants. PyTorch: `torch.nn.functional.selu`.
    public static func selu(_ input: Tensor) -> Tensor {
        input.elu(alpha: seluAlpha, scale: seluScale, inputScale: 1, "EluBackward0")
    }

    /// `x > 0 ? x : alpha · (e^(x / alpha) − 1)`. PyTorch: `torch.nn.functional.celu`.
    public static func celu(_ input: Tensor, alpha: Double = 1) -> Tensor {
        check(alpha != 0, "ZeroDivisionError: alpha cannot be 0 for CELU")
        return input.elu(alpha: alpha, scale: 1, inputScale: 1 / alpha, "CeluBackward0")
    }

    /// `clamp(x / 6 + 1/2, 0, 1)`. PyTorch: `torch.nn.functional.hardsigmoid`.
    public static func hardsigmoid(_ input: Tensor) -> Tensor {
        input.unary(UnaryFn.Hardsigmoid.self, "HardsigmoidBackward0") { g, x in
            // PyTorch's kernel multiplies by a float32 1/6 in every dtype.
            g * ((x .> -3.0).logicalAnd(x .< 3.0)).to(g.dtype) * Double(Float(1) / 6)
        }
    }

    /// `x · hardsigmoid(x)`. PyTorch: `torch.nn.functional.hardswish`.
    public static func hardswish(_ input: Tensor) -> Tensor {
        input.unary(UnaryFn.Hardswish.self, "HardswishBackward0") { g, x in
            // PyTorch's slopes: 0 below -3, x / 3 + 1/2 up to 3 (both ends included), 1 above.
            let middle = x / 3.0 + 0.5
            return g * Tensor.where(x .< -3.0, Tensor.zerosLike(x), Tensor.where(x .<= 3.0, middle, Tensor.onesLike(x)))
        }
    }

    /// `x · tanh(softplus(x))`. PyTorch: `torch.nn.functional.mish`.
    public static func mish(_ input: Tensor) -> Tensor {
        input.unary(UnaryFn.Mish.self, "MishBackward0") { g, x in
            let t = x.softplus().tanh()
            return g * (t + x * x.sigmoid() * (1.0 - t * t))
        }
    }

    /// `x / (1 + |x|)`. PyTorch: `torch.nn.functional.softsign`.
    public static func softsign(_ input: Tensor) -> Tensor { input / (input.abs() + 1.0) }

    /// `x − tanh(x)`. PyTorch: `torch.nn.functional.tanhshrink`.
    public static func tanhshrink(_ input: Tensor) -> Tensor { input - input.tanh() }

    /// `x` where `x > threshold`, else `value`. PyTorch: `torch.nn.functional.threshold`.
    public static func threshold(_ input: Tensor, threshold: Double, value: Double) -> Tensor {
        input.unaryForward(UnaryFn.Threshold.self, floatOnly: false, p: threshold, q: value)
            .recording("ThresholdBackward0", [input], saved: [input]) { g, _ in
                [g * (input .> threshold).to(g.dtype)]
            }
    }

    /// 0 inside `[-lambd, lambd]`, `x` outside. PyTorch: `torch.nn.functional.hardshrink`.
    public static func hardshrink(_ input: Tensor, lambd: Double = 0.5) -> Tensor {
        input.unary(UnaryFn.Hardshrink.self, "HardshrinkBackward0", p: lambd) { g, x in
            g * (x.abs() .> lambd).to(g.dtype)
        }
    }

    /// `x ∓ lambd` outside `[-lambd, lambd]`, 0 inside. PyTorch: `torch.nn.functional.softshrink`.
    public static func softshrink(_ input: Tensor, lambd: Double = 0.5) -> Tensor {
        check(lambd >= 0, "lambda must be greater or equal to 0, but found to be \(PyRepr.float(lambd)).")
        return input.unary(UnaryFn.Softshrink.self, "SoftshrinkBackward0", p: lambd) { g, x in
            g * (x.abs() .> lambd).to(g.dtype)
        }
    }

    /// `softmax(−x)` along `dim`. PyTorch: `torch.nn.functional.softmin`.
    public static func softmin(_ input: Tensor, dim: Int) -> Tensor { (-input).softmax(dim: dim) }

    /// The gated linear unit: the input halved along `dim` into `a`, `b`, then `a · sigmoid(b)`.
    /// PyTorch: `torch.nn.functional.glu`.
    public static func glu(_ input: Tensor, dim: Int = -1) -> Tensor {
        check(input.dim > 0, "glu does not support scalars because halving size must be even")
        let d = input.normalizeDim(dim, "glu")
        check(input.shape[d] % 2 == 0, "Halving dimension must be even, but dimension \(d) is size \(input.shape[d])")
        let halves = input.chunk(2, dim: d)
        return halves[0] * halves[1].sigmoid()
    }

    /// `x` where positive, `weight · x` elsewhere; `weight` holds one slope or one per channel
    /// (dimension 1). PyTorch: `torch.nn.functional.prelu`.
    public static func prelu(_ input: Tensor, weight: Tensor) -> Tensor {
        check(weight.dim <= 1, "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = \(weight.dim)")
        let channels = input.dim >= 2 ? input.shape[1] : 1
        check(weight.numel == 1 || weight.numel == channels,
              "Mismatch of parameter numbers and input channel size. Found parameter numbers = \(weight.numel) and channel size = \(channels).")
        var slopeShape = Array(repeating: 1, count: Swift.max(input.dim, 1))
        if weight.numel > 1 { slopeShape[1] = channels }
        let slope = weight.reshape(weight.numel == 1 && input.dim == 0 ? [] : slopeShape)
        return Tensor.where(input .> 0.0, input, slope * input)
    }

    /// Softmax along `dim`. PyTorch: `torch.nn.functional.softmax`.
    public static func softmax(_ input: Tensor, dim: Int) -> Tensor { input.softmax(dim: dim) }

    /// Log-softmax along `dim`. PyTorch: `torch.nn.functional.log_softmax`.
    public static func logSoftmax(_ input: Tensor, dim: Int) -> Tensor { input.logSoftmax(dim: dim) }
}
