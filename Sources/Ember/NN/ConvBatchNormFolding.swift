extension Conv2d {
    /// `activation(norm(self(input)))` as one convolution, when nothing needs the two layers apart:
    /// the batch norm is evaluating with running statistics, no gradient is being recorded (autograd
    /// off, or nothing involved requires one), neither layer has forward hooks and no ONNX export
    /// is tracing. The batch norm's scale `weight / √(runningVar + eps)` is folded into this layer's
    /// weights, per output channel, and its shift into the bias; the activation is applied as the
    /// output is copied out of oneDNN's blocked layout (`Conv.output`). The batch norm's output is
    /// never made. Values differ from
    /// the layers run apart by float rounding only (the products are scaled before they are
    /// summed). Nil when it does not apply (also for input the layers would refuse, so that
    /// calling them gives their messages): the caller runs the layers.
    ///
    /// The folding is PyTorch's `torch.fx` fusion for inference (`fuse_conv_bn_eval`), done as the
    /// layers are called.
    func foldingNorm(_ input: Tensor, _ norm: BatchNormLayer, _ activation: ConvActivation?) -> Tensor? {
        guard let (mean, variance) = runningStatisticsForFusing(input, norm), norm.numFeatures == outChannels,
              input.dtype == weight.dtype, input.dtype == .float32 || input.dtype == .float64
        else { return nil }

        let c = outChannels, m = mean.toDoubles(), v = variance.toDoubles()
        let gamma = norm.weight?.toDoubles() ?? [Double](repeating: 1, count: c)
        let beta = norm.bias?.toDoubles() ?? [Double](repeating: 0, count: c)
        let b = bias?.toDoubles() ?? [Double](repeating: 0, count: c)
        var scale = [Double](repeating: 0, count: c), shift = scale
        for k in 0..<c {
            scale[k] = gamma[k] / (v[k] + norm.eps).squareRoot()
            shift[k] = beta[k] + (b[k] - m[k]) * scale[k]
        }
        let foldedWeight = noGrad { weight * Tensor(scale, shape: [c, 1, 1, 1], dtype: weight.dtype) }
        let foldedBias = Tensor(shift, shape: [c], dtype: weight.dtype)
        let g = F.convGeometry(input, foldedWeight, foldedBias, stride: stride, padding: padding, dilation: dilation,
                               groups: groups, op: "conv2d")
        return Conv.output(input, foldedWeight, foldedBias, g, activation: activation)
    }
}

extension Conv2d {
    /// The batch norm's running statistics when this layer and `norm` (before or after it) may run
    /// as one op on `input`, what `foldingNorm` and `afterNormReLU` share: the norm evaluating with
    /// running statistics (2-D or 3-D), neither layer with forward hooks, no ONNX export tracing,
    /// zero padding, 4-D input with this layer's input channels, and no gradient being recorded
    /// (autograd off, or nothing involved requires one). Nil otherwise.
    func runningStatisticsForFusing(_ input: Tensor, _ norm: BatchNormLayer) -> (mean: Tensor, variance: Tensor)? {
        guard !norm.training, !(norm is BatchNorm1d), let mean = norm.runningMean, let variance = norm.runningVar,
              forwardHooks.isEmpty, norm.forwardHooks.isEmpty, ThreadState.current.onnxTracer == nil,
              paddingMode == "zeros", input.dim == 4, input.shape[1] == inChannels
        else { return nil }
        let involved = [input, weight, bias, norm.weight, norm.bias]
        guard !isGradEnabled || !involved.contains(where: { $0?.requiresGrad ?? false }) else { return nil }
        return (mean, variance)
    }

    /// `activation(norm(self(input)))`, the activation any module or nil: one convolution where
    /// `foldingNorm` applies (followed by the activation unless it is a hook-free `ReLU` or
    /// `Hardtanh`); otherwise the modules one after another, with the batch norm and a hook-free
    /// `ReLU` fused (`BatchNormLayer.callThenReLU`).
    func callThenNorm(_ input: Tensor, _ norm: BatchNormLayer, _ activation: Module?) -> Tensor {
        let fused = activation.flatMap { ConvActivation($0) }
        if let y = foldingNorm(input, norm, fused) { return fused == nil ? activation.map { $0(y) } ?? y : y }
        let y = self(input)
        if let relu = activation as? ReLU, relu.forwardHooks.isEmpty { return norm.callThenReLU(y) }
        return activation.map { $0(norm(y)) } ?? norm(y)
    }
}

extension ConvActivation {
    /// The activation a hook-free `ReLU` or `Hardtanh` (`ReLU6`) module computes; nil for any
    /// other module, or one with forward hooks.
    init?(_ module: Module) {
        guard module.forwardHooks.isEmpty else { return nil }
        if module is ReLU {
            self = .relu
        } else if let h = module as? Hardtanh {
            self = .clamp(min: h.minVal, max: h.maxVal)
        } else {
            return nil
        }
    }
}
