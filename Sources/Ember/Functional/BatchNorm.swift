/// Batch normalization with fused kernels: one statistics pass, one normalize-and-scale pass, and
/// a two-pass closed-form backward. When a graph of the gradient is wanted (double backward) the
/// backward is written with differentiable ops instead. PyTorch: `NativeBatchNormBackward0`.
///
/// With `relu`, a ReLU on the output is done in the same passes, forward and backward, and the
/// output's history is one node named as the ReLU's (`ReluBackward0`) whose inputs are the batch
/// norm's: the batch norm's own output is never made.
struct BatchNorm {
    let input: Tensor, weight: Tensor?, bias: Tensor?, eps: Double

    private var c: Int { input.shape[1] }
    private var perChannel: [Int] {
        var s = [Int](repeating: 1, count: input.dim)
        s[1] = c
        return s
    }

    func run(training: Bool, runningMean: Tensor?, runningVar: Tensor?, momentum: Double, relu: Bool = false) -> Tensor {
        let x = input.converted(input.dtype == .float64 ? .float64 : .float32).contiguousRaw()
        let n = x.shape[0], s = x.numel / Swift.max(n * c, 1)
        var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
        if training {
            if x.dtype == .float32 {
                BatchNormKernels<Float>(n: n, c: c, s: s).stats(x.pointer(as: Float.self), mean: &mean, variance: &variance)
            } else {
                BatchNormKernels<Double>(n: n, c: c, s: s).stats(x.pointer(as: Double.self), mean: &mean, variance: &variance)
            }
            noGrad {
                let count = Double(n * s)
                let batchMean = Tensor(mean, shape: [c], dtype: runningMean?.dtype ?? .float32)
                let unbiased = Tensor(variance.map { $0 * count / (count - 1) }, shape: [c], dtype: runningVar?.dtype ?? .float32)
                runningMean?.mul_(1 - momentum).add_(batchMean * momentum)
                runningVar?.mul_(1 - momentum).add_(unbiased * momentum)
            }
        } else {
            mean = runningMean!.toDoubles()
            variance = runningVar!.toDoubles()
        }
        let w = weight?.toDoubles() ?? [Double](repeating: 1, count: c)
        let (invstd, affine) = Self.affine(mean: mean, variance: variance, weight: w, bias: bias?.toDoubles(), eps: eps)
        let out = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
        if x.dtype == .float32 {
            BatchNormKernels<Float>(n: n, c: c, s: s).affine(x.pointer(as: Float.self), scale: affine.scale(Float.self),
                                                             shift: affine.shift(Float.self), out.pointer(as: Float.self), relu: relu)
        } else {
            BatchNormKernels<Double>(n: n, c: c, s: s).affine(x.pointer(as: Double.self), scale: affine.scale, shift: affine.shift,
                                                              out.pointer(as: Double.self), relu: relu)
        }
        let inputs = [input] + [weight, bias].compactMap { $0 }
        return out.converted(input.dtype).recording(relu ? "ReluBackward0" : "NativeBatchNormBackward0", inputs, saved: inputs) { g, _ in
            if isGradEnabled {
                let gy = relu ? g * noGrad { affine.positive(input.detach()) } : g
                return differentiableBackward(gy, training: training, mean: mean, invstd: invstd)
            }
            return fusedBackward(g, x: x, n: n, s: s, training: training, mean: mean, invstd: invstd, weight: w,
                                 relu: relu ? affine : nil)
        }
    }

    /// `1 / √(variance + eps)` per channel, and normalizing by `mean` and `variance` then scaling
    /// by `weight` and shifting by `bias` (zeros when nil) as one affine map: `scale = weight ·
    /// invstd`, `shift = bias − mean · scale`. `Conv2d.afterNormReLU` computes evaluation's the
    /// same way, so its fused pass rounds as this one does.
    static func affine(mean: [Double], variance: [Double], weight: [Double], bias: [Double]?,
                       eps: Double) -> (invstd: [Double], Affine) {
        let invstd = variance.map { 1 / ($0 + eps).squareRoot() }
        let scale = (0..<mean.count).map { weight[$0] * invstd[$0] }
        let shift = (0..<mean.count).map { (bias?[$0] ?? 0) - mean[$0] * scale[$0] }
        return (invstd, Affine(scale: scale, shift: shift))
    }

    /// The forward's per-channel `y = x·scale + shift`, which a fused ReLU's backward computes again
    /// to know where the output was positive.
    struct Affine {
        let scale: [Double], shift: [Double]

        func scale<T: BinaryFloatingPoint>(_: T.Type) -> [T] { scale.map { T($0) } }
        func shift<T: BinaryFloatingPoint>(_: T.Type) -> [T] { shift.map { T($0) } }

        /// 1 where `x·scale + shift > 0`, else 0, in `x`'s dtype.
        func positive(_ x: Tensor) -> Tensor {
            var perChannel = [Int](repeating: 1, count: x.dim)
            perChannel[1] = scale.count
            let y = x * Tensor(scale, shape: perChannel, dtype: x.dtype) + Tensor(shift, shape: perChannel, dtype: x.dtype)
            return (y .> 0.0).to(x.dtype)
        }
    }

    /// Gradients per recorded input (input, then weight and bias when present).
    private func assemble(_ gx: Tensor?, _ gw: Tensor?, _ gb: Tensor?) -> [Tensor?] {
        var grads: [Tensor?] = [gx?.gradFor(input)]
        if let weight { grads.append(gw?.reshape([c]).gradFor(weight)) }
        if let bias { grads.append(gb?.reshape([c]).gradFor(bias)) }
        return grads
    }

    private func fusedBackward(_ g: Tensor, x: Tensor, n: Int, s: Int, training: Bool, mean: [Double],
                               invstd: [Double], weight: [Double], relu: Affine?) -> [Tensor?] {
        let gy = g.converted(x.dtype).contiguousRaw()
        let gx = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
        let sumGy = Tensor(uninitializedShape: [c], dtype: x.dtype), sumGyXhat = Tensor(uninitializedShape: [c], dtype: x.dtype)
        if training {
            if x.dtype == .float32 {
                BatchNormKernels<Float>(n: n, c: c, s: s).backward(
                    x.pointer(as: Float.self), gy.pointer(as: Float.self), mean: mean, invstd: invstd, weight: weight.map { Float($0) },
                    gx: gx.pointer(as: Float.self), sumGy: sumGy.pointer(as: Float.self), sumGyXhat: sumGyXhat.pointer(as: Float.self),
                    relu: relu.map { ($0.scale(Float.self), $0.shift(Float.self)) })
            } else {
                BatchNormKernels<Double>(n: n, c: c, s: s).backward(
                    x.pointer(as: Double.self), gy.pointer(as: Double.self), mean: mean, invstd: invstd, weight: weight,
                    gx: gx.pointer(as: Double.self), sumGy: sumGy.pointer(as: Double.self), sumGyXhat: sumGyXhat.pointer(as: Double.self),
                    relu: relu.map { ($0.scale, $0.shift) })
            }
            return assemble(gx.converted(input.dtype), sumGyXhat, sumGy)
        }
        // Evaluation: statistics are constants, so the input gradient is a per-channel scale (of
        // the gradient where the output was positive, with a ReLU).
        let g = relu.map { g * $0.positive(input.detach()) } ?? g
        let dims = [0] + Array(2..<input.dim)
        let inv = Tensor(invstd, shape: perChannel, dtype: g.dtype)
        let xhat = (input.detach() - Tensor(mean, shape: perChannel, dtype: g.dtype)) * inv
        let w = Tensor(weight, shape: perChannel, dtype: g.dtype)
        return assemble(g * (w * inv), (g * xhat).sum(dims: dims), g.sum(dims: dims))
    }

    /// The same gradients in differentiable ops, for double backward.
    private func differentiableBackward(_ g: Tensor, training: Bool, mean: [Double], invstd: [Double]) -> [Tensor?] {
        let dims = [0] + Array(2..<input.dim)
        let w = weight?.reshape(perChannel) ?? Tensor.ones(perChannel, dtype: g.dtype)
        if !training {
            let inv = Tensor(invstd, shape: perChannel, dtype: g.dtype)
            let xhat = (input - Tensor(mean, shape: perChannel, dtype: g.dtype)) * inv
            return assemble(g * w * inv, (g * xhat).sum(dims: dims), g.sum(dims: dims))
        }
        let mu = input.mean(dims: dims, keepDim: true)
        let inv = (input.var(dims: dims, correction: 0, keepDim: true) + eps).rsqrt()
        let xhat = (input - mu) * inv
        let m = Double(input.numel / c)
        let sumG = g.sum(dims: dims, keepDim: true), sumGX = (g * xhat).sum(dims: dims, keepDim: true)
        let gx = w * inv / m * (m * g - sumG - xhat * sumGX)
        return assemble(gx, sumGX, sumG)
    }
}
