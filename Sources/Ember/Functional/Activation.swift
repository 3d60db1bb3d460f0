extension Tensor {
    /// Softmax along `dim`, computed after subtracting the (detached) row maximum so large inputs
    /// do not overflow. PyTorch: `torch.softmax` / `tensor.softmax(dim)`.
    public func softmax(dim d: Int) -> Tensor {
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

    /// Log of the softmax along `dim`, computed as `x - max - log(sum(exp(x - max)))` with the
    /// detached maximum. PyTorch: `torch.log_softmax` / `tensor.log_softmax(dim)`.
    /// Contiguous float32 rows along the last dim take fused kernels (`logSoftmaxRows`), with the
    /// same roundings; so does backward unless a graph of the gradient is being built.
    public func logSoftmax(dim d: Int) -> Tensor {
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

    /// Softmax along `dim`. PyTorch: `torch.nn.functional.softmax`.
    public static func softmax(_ input: Tensor, dim: Int) -> Tensor { input.softmax(dim: dim) }

    /// Log-softmax along `dim`. PyTorch: `torch.nn.functional.log_softmax`.
    public static func logSoftmax(_ input: Tensor, dim: Int) -> Tensor { input.logSoftmax(dim: dim) }
}
