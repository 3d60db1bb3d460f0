// Layers that rearrange or normalize without learning shapes of their own: pixel shuffles,
// sliding-block (un)folds, instance and local response normalization, bags of embeddings.

/// `(*, C·r², H, W)` to `(*, C, H·r, W·r)`. PyTorch: `torch.nn.PixelShuffle`.
public final class PixelShuffle: Module {
    public let upscaleFactor: Int
    /// PyTorch: `nn.PixelShuffle(upscale_factor)`.
    public init(_ upscaleFactor: Int) { self.upscaleFactor = upscaleFactor; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.pixelShuffle(input, upscaleFactor: upscaleFactor) }
    public override var extraRepr: String { "upscale_factor=\(upscaleFactor)" }
}

/// `(*, C, H·r, W·r)` to `(*, C·r², H, W)`. PyTorch: `torch.nn.PixelUnshuffle`.
public final class PixelUnshuffle: Module {
    public let downscaleFactor: Int
    /// PyTorch: `nn.PixelUnshuffle(downscale_factor)`.
    public init(_ downscaleFactor: Int) { self.downscaleFactor = downscaleFactor; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.pixelUnshuffle(input, downscaleFactor: downscaleFactor) }
    public override var extraRepr: String { "downscale_factor=\(downscaleFactor)" }
}

/// Sliding blocks as columns (im2col). PyTorch: `torch.nn.Unfold`.
public final class Unfold: Module {
    public let kernelSize: IntOrTuple, dilation: IntOrTuple, padding: IntOrTuple, stride: IntOrTuple
    /// PyTorch: `nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)`.
    public init(_ kernelSize: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0, stride: IntOrTuple = 1) {
        (self.kernelSize, self.dilation, self.padding, self.stride) = (kernelSize, dilation, padding, stride)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        F.unfold(input, kernelSize: kernelSize.values, dilation: dilation.values, padding: padding.values, stride: stride.values)
    }
    public override var extraRepr: String { "kernel_size=\(kernelSize), dilation=\(dilation), padding=\(padding), stride=\(stride)" }
}

/// Columns summed back into an image (col2im). PyTorch: `torch.nn.Fold`.
public final class Fold: Module {
    public let outputSize: IntOrTuple, kernelSize: IntOrTuple, dilation: IntOrTuple, padding: IntOrTuple, stride: IntOrTuple
    /// PyTorch: `nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)`.
    public init(outputSize: IntOrTuple, kernelSize: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0,
                stride: IntOrTuple = 1) {
        (self.outputSize, self.kernelSize, self.dilation, self.padding, self.stride) = (outputSize, kernelSize, dilation, padding, stride)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        F.fold(input, outputSize: outputSize.values, kernelSize: kernelSize.values, dilation: dilation.values,
               padding: padding.values, stride: stride.values)
    }
    public override var extraRepr: String {
        "output_size=\(outputSize), kernel_size=\(kernelSize), dilation=\(dilation), padding=\(padding), stride=\(stride)"
    }
}

/// Instance normalization over the spatial dims of each channel, with optional per-channel
/// affine parameters and running statistics. PyTorch: `torch.nn.InstanceNorm1d/2d/3d`.
public class InstanceNorm: Module {
    public let numFeatures: Int
    public let eps: Double, momentum: Double
    public let affine: Bool, trackRunningStats: Bool
    private let spatialDims: Int
    /// `(numFeatures)`, ones; nil unless `affine`.
    @Parameter public var weight: Tensor?
    /// `(numFeatures)`, zeros; nil unless `affine`.
    @Parameter public var bias: Tensor?
    /// Running statistics, nil unless `trackRunningStats`.
    @Buffer public var runningMean: Tensor?
    @Buffer public var runningVar: Tensor?
    @Buffer public var numBatchesTracked: Tensor?

    init(_ numFeatures: Int, spatialDims: Int, eps: Double, momentum: Double, affine: Bool, trackRunningStats: Bool, dtype: DType) {
        (self.numFeatures, self.spatialDims, self.eps, self.momentum) = (numFeatures, spatialDims, eps, momentum)
        (self.affine, self.trackRunningStats) = (affine, trackRunningStats)
        weight = affine ? Tensor.ones([numFeatures], dtype: dtype) : nil
        bias = affine ? Tensor.zeros([numFeatures], dtype: dtype) : nil
        runningMean = trackRunningStats ? Tensor.zeros([numFeatures], dtype: dtype) : nil
        runningVar = trackRunningStats ? Tensor.ones([numFeatures], dtype: dtype) : nil
        numBatchesTracked = trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == spatialDims + 1 || input.dim == spatialDims + 2,
                   "expected \(spatialDims + 1)D (unbatched) or \(spatialDims + 2)D (batched) input, got \(shapeString(input.shape))")
        let x = input.dim == spatialDims + 1 ? input.unsqueeze(0) : input
        let useInputStats = training || !trackRunningStats
        if useInputStats, let n = numBatchesTracked { noGrad { _ = n.add_(1.0) } }
        let out = F.instanceNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                 useInputStats: useInputStats, momentum: momentum, eps: eps)
        return input.dim == spatialDims + 1 ? out.squeeze(0) : out
    }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(PyRepr.float(eps)), momentum=\(PyRepr.float(momentum)), affine=\(PyRepr.bool(affine)), bias=\(PyRepr.bool(affine)), track_running_stats=\(PyRepr.bool(trackRunningStats))"
    }
}

/// PyTorch: `torch.nn.InstanceNorm1d`, over `(N, C, L)`.
public final class InstanceNorm1d: InstanceNorm {
    /// PyTorch: `nn.InstanceNorm1d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)`.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false,
                trackRunningStats: Bool = false, dtype: DType = .float32) {
        super.init(numFeatures, spatialDims: 1, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }
}

/// PyTorch: `torch.nn.InstanceNorm2d`, over `(N, C, H, W)`.
public final class InstanceNorm2d: InstanceNorm {
    /// PyTorch: `nn.InstanceNorm2d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)`.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false,
                trackRunningStats: Bool = false, dtype: DType = .float32) {
        super.init(numFeatures, spatialDims: 2, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }
}

/// PyTorch: `torch.nn.InstanceNorm3d`, over `(N, C, D, H, W)`.
public final class InstanceNorm3d: InstanceNorm {
    /// PyTorch: `nn.InstanceNorm3d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)`.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false,
                trackRunningStats: Bool = false, dtype: DType = .float32) {
        super.init(numFeatures, spatialDims: 3, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }
}

/// Local response normalization across channels (AlexNet's). PyTorch: `torch.nn.LocalResponseNorm`.
public final class LocalResponseNorm: Module {
    public let size: Int
    public let alpha: Double, beta: Double, k: Double
    /// PyTorch: `nn.LocalResponseNorm(size, alpha=0.0001, beta=0.75, k=1.0)`.
    public init(_ size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) {
        (self.size, self.alpha, self.beta, self.k) = (size, alpha, beta, k)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.localResponseNorm(input, size: size, alpha: alpha, beta: beta, k: k) }
    public override var extraRepr: String { "\(size), alpha=\(PyRepr.float(alpha)), beta=\(PyRepr.float(beta)), k=\(PyRepr.float(k))" }
}

/// Bags of embeddings reduced to one row each; called as `bag(input)` for 2-D input or
/// `bag(input, offsets)`. PyTorch: `torch.nn.EmbeddingBag`.
public final class EmbeddingBag: Module {
    public let numEmbeddings: Int, embeddingDim: Int
    public let mode: F.BagMode
    public let paddingIdx: Int?
    /// `(numEmbeddings, embeddingDim)`, drawn from N(0, 1).
    @Parameter public var weight: Tensor

    /// PyTorch: `nn.EmbeddingBag(num_embeddings, embedding_dim, mode='mean', padding_idx=None)`.
    public init(_ numEmbeddings: Int, _ embeddingDim: Int, mode: F.BagMode = .mean, paddingIdx: Int? = nil,
                dtype: DType = .float32, generator: Generator? = nil) {
        (self.numEmbeddings, self.embeddingDim, self.mode) = (numEmbeddings, embeddingDim, mode)
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        weight = Tensor.empty([numEmbeddings, embeddingDim], dtype: dtype)
        super.init()
        Init.normal_(weight, generator: generator)
        if let p = self.paddingIdx { noGrad { _ = weight[p].zero_() } }
    }

    public override func forward(_ input: Tensor) -> Tensor { F.embeddingBag(input, weight, mode: mode, paddingIdx: paddingIdx) }
    public override func forward(_ input: Tensor, _ offsets: Tensor) -> Tensor {
        F.embeddingBag(input, weight, offsets: offsets, mode: mode, paddingIdx: paddingIdx)
    }
    public override var extraRepr: String {
        "\(numEmbeddings), \(embeddingDim), mode='\(mode.rawValue)'" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "")
    }
}
