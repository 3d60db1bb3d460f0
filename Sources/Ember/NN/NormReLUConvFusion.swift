extension Conv2d {
    /// `self(relu(norm(input)))` as one pass over the input and one convolution, when nothing needs
    /// the layers apart: the batch norm is evaluating with running statistics, no gradient is being
    /// recorded (autograd off, or nothing involved requires one), neither layer has forward hooks
    /// (the caller checks the ReLU's), no ONNX export is tracing, and oneDNN runs the convolution
    /// on float32 in a channel-blocked layout. The normalized, rectified input is written straight
    /// in that layout (`ChannelBlockKernels.blockNormReLU`): the batch norm's output is never made
    /// and oneDNN's reorder of the input is not needed. The values are those of the layers run
    /// apart: the same rounding of the normalization, the same convolution.
    ///
    /// `input` may be a slice of a larger tensor's channels (`narrow(1, …)` of a contiguous one),
    /// and with `into` the output is written into such a slice instead of a new tensor: DenseNet's
    /// dense block reads and writes its growing concatenation in place (`DenseBlock`). Nil when it
    /// does not apply, also for input the layers would refuse, so that calling them gives their
    /// messages: the caller runs the layers.
    ///
    /// DenseNet's layers and transitions (batch norm, ReLU, convolution) were, in evaluation, a
    /// batch-norm pass, oneDNN's reorder of its output and a concatenation copy per layer.
    func afterNormReLU(_ input: Tensor, _ norm: BatchNormLayer, into target: Tensor? = nil) -> Tensor? {
        guard let (mean, variance) = runningStatisticsForFusing(input, norm), groups == 1, input.numel > 0,
              norm.numFeatures == inChannels, input.dtype == .float32, weight.dtype == .float32, Self.hasChannelPlanes(input)
        else { return nil }
        let g = F.convGeometry(input, weight, bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                               op: "conv2d")
        switch g.algorithm(for: .forward) {
        case .oneDNNDirect, .oneDNNAuto, .oneDNNWinograd: break
        default: return nil
        }
        let out = target ?? Tensor(uninitializedShape: g.dstDims, dtype: .float32)
        guard out.shape == g.dstDims, out.dtype == .float32, Self.hasChannelPlanes(out) else { return nil }

        let c = inChannels
        let (_, affine) = BatchNorm.affine(mean: mean.toDoubles(), variance: variance.toDoubles(),
                                           weight: norm.weight?.toDoubles() ?? [Double](repeating: 1, count: c),
                                           bias: norm.bias?.toDoubles(), eps: norm.eps)
        let (scale, shift) = (affine.scale(Float.self), affine.shift(Float.self))
        let w = weight.contiguous(), b = bias?.contiguous() ?? Tensor.zeros([outChannels])
        let src = input.pointer(as: Float.self), pixels = g.h * g.w, imageStride = input.strides[0]
        let done = ConvPlan.plan(g).runForward(fillingSource: { blocked, block in
            ChannelBlockKernels(n: g.n, c: c, pixels: pixels, block: block, imageStride: imageStride)
                .blockNormReLU(src, blocked, scale: scale, shift: shift)
        }, weights: w.pointer, bias: b.pointer, dst: out.pointer(as: Float.self), dstImageStride: out.strides[0])
        return done ? out : nil
    }

    /// Whether each image of 4-D `t` is its channels' planes one after another, contiguous (the
    /// images themselves may lie further apart).
    private static func hasChannelPlanes(_ t: Tensor) -> Bool {
        let s = t.shape
        return t.strides[3] == 1 && t.strides[2] == s[3] && t.strides[1] == s[2] * s[3]
            && (s[0] <= 1 || t.strides[0] >= s[1] * s[2] * s[3])
    }
}
