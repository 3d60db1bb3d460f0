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
        // PyTorch's instance norms keep `num_batches_tracked` (a buffer of `_NormBase`) at 0.
        let useInputStats = training || !trackRunningStats
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
