/// What `BatchNorm1d` and `BatchNorm2d` share: per-channel affine parameters (ones and zeros)
/// and the running statistics buffers. PyTorch: `torch.nn.modules.batchnorm._BatchNorm`.
public class BatchNormLayer: Module {
    public let numFeatures: Int
    public let eps: Double
    /// The running statistics' update factor; nil uses the cumulative average over batches.
    public let momentum: Double?
    public let affine: Bool
    public let trackRunningStats: Bool
    /// `(numFeatures)`, ones; nil unless `affine`.
    @Parameter public var weight: Tensor?
    /// `(numFeatures)`, zeros; nil unless `affine` and `bias`.
    @Parameter public var bias: Tensor?
    /// `(numFeatures)`, zeros; nil unless `trackRunningStats`. PyTorch: `running_mean`.
    @Buffer public var runningMean: Tensor?
    /// `(numFeatures)`, ones; nil unless `trackRunningStats`. PyTorch: `running_var`.
    @Buffer public var runningVar: Tensor?
    /// An int64 scalar counting training batches; nil unless `trackRunningStats`.
    /// PyTorch: `num_batches_tracked`.
    @Buffer public var numBatchesTracked: Tensor?
    /// Whether training statistics are reduced over the ranks of a process group
    /// (`SyncBatchNorm`, `SyncBatchNorm.convertSyncBatchnorm`).
    var synchronizesStatistics = false

    init(numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, bias: Bool, trackRunningStats: Bool,
         dtype: DType) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        self.weight = affine ? Tensor.ones([numFeatures], dtype: dtype) : nil
        self.bias = affine && bias ? Tensor.zeros([numFeatures], dtype: dtype) : nil
        self.runningMean = trackRunningStats ? Tensor.zeros([numFeatures], dtype: dtype) : nil
        self.runningVar = trackRunningStats ? Tensor.ones([numFeatures], dtype: dtype) : nil
        self.numBatchesTracked = trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil
        super.init()
    }

    /// Zeroes the running mean and batch count, sets the running variance to ones.
    /// PyTorch: `reset_running_stats()`.
    public func resetRunningStats() {
        if let runningMean { Init.zeros_(runningMean) }
        if let runningVar { Init.ones_(runningVar) }
        if let numBatchesTracked { noGrad { _ = numBatchesTracked.zero_() } }
    }

    /// Resets the running statistics and the affine parameters. PyTorch: `reset_parameters()`.
    public func resetParameters() {
        resetRunningStats()
        if let weight { Init.ones_(weight) }
        if let bias { Init.zeros_(bias) }
    }

    /// Checks that `input` has a rank this layer takes.
    func checkRank(_ input: Tensor) {}

    public override func forward(_ input: Tensor) -> Tensor {
        checkRank(input)
        return normalize(input)
    }

    /// This layer called on `input`, then a ReLU: with no forward hooks here and no ONNX export
    /// tracing (it records the two as two nodes), both in one pass over the memory each way (the
    /// batch norm's own output is never made); otherwise one after the other. `Sequential` calls
    /// it for a batch norm followed by a `ReLU` without hooks.
    func callThenReLU(_ input: Tensor) -> Tensor {
        guard forwardHooks.isEmpty && (training || ThreadState.current.onnxTracer == nil) else { return self(input).relu() }
        checkRank(input)
        return normalize(input, relu: true)
    }

    /// Normalizes `input` (already checked for rank) with batch or running statistics, updating
    /// the running ones while training; with `relu`, a ReLU follows.
    func normalize(_ input: Tensor, relu: Bool = false) -> Tensor {
        checkInput(input.shape[1] == numFeatures,
                   "expected input with \(numFeatures) channels, got \(shapeString(input.shape))")
        var factor = momentum ?? 0
        if training && trackRunningStats, let count = numBatchesTracked {
            noGrad { _ = count.add_(Tensor.ones([], dtype: .int64)) }
            factor = momentum ?? 1 / Double(count.itemInt())
        }
        if synchronizesStatistics && training && Distributed.isInitialized && Distributed.worldSize > 1 {
            let out = synchronizedNormalize(input, factor: trackRunningStats ? factor : 0)
            return relu ? out.relu() : out
        }
        let useRunning = !training || trackRunningStats
        return F.batchNorm(input, runningMean: useRunning ? runningMean : nil, runningVar: useRunning ? runningVar : nil,
                           weight: weight, bias: bias, training: training || runningMean == nil,
                           momentum: factor, eps: eps, relu: relu)
    }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(PyRepr.float(eps)), momentum=\(momentum.map(PyRepr.float) ?? "None"), affine=\(PyRepr.bool(affine)), bias=\(PyRepr.bool(bias != nil)), track_running_stats=\(PyRepr.bool(trackRunningStats))"
    }
}

/// Batch normalization over the channels of `(N, C)` or `(N, C, L)` input. PyTorch: `torch.nn.BatchNorm1d`.
public final class BatchNorm1d: BatchNormLayer {
    /// PyTorch: `nn.BatchNorm1d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
    /// bias=True)`.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true, dtype: DType = .float32) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias,
                   trackRunningStats: trackRunningStats, dtype: dtype)
    }

    override func checkRank(_ input: Tensor) {
        checkInput(input.dim == 2 || input.dim == 3, "expected 2D or 3D input (got \(input.dim)D input)")
    }
}

/// Batch normalization over the channels of `(N, C, H, W)` input. PyTorch: `torch.nn.BatchNorm2d`.
public final class BatchNorm2d: BatchNormLayer {
    /// PyTorch: `nn.BatchNorm2d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
    /// bias=True)`.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true, dtype: DType = .float32) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias,
                   trackRunningStats: trackRunningStats, dtype: dtype)
    }

    override func checkRank(_ input: Tensor) {
        checkInput(input.dim == 4, "expected 4D input (got \(input.dim)D input)")
    }
}

/// Normalization over the trailing `normalizedShape` dims, with element-wise weight (ones) and
/// bias (zeros) of that shape. PyTorch: `torch.nn.LayerNorm`.
public final class LayerNorm: Module {
    public let normalizedShape: [Int]
    public let eps: Double
    public let elementwiseAffine: Bool
    /// `normalizedShape`, ones; nil unless `elementwiseAffine`.
    @Parameter public var weight: Tensor?
    /// `normalizedShape`, zeros; nil unless `elementwiseAffine` and `bias`.
    @Parameter public var bias: Tensor?

    /// PyTorch: `nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True)`.
    public init(_ normalizedShape: IntOrTuple, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                dtype: DType = .float32) {
        self.normalizedShape = normalizedShape.values
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        self.weight = elementwiseAffine ? Tensor.ones(normalizedShape.values, dtype: dtype) : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros(normalizedShape.values, dtype: dtype) : nil
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        let k = normalizedShape.count
        checkInput(input.dim >= k && Array(input.shape.suffix(k)) == normalizedShape,
                   "expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], got \(shapeString(input.shape))")
        return F.layerNorm(input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    public override var extraRepr: String {
        "\(PyRepr.tuple(normalizedShape)), eps=\(PyRepr.float(eps)), elementwise_affine=\(PyRepr.bool(elementwiseAffine)), bias=\(PyRepr.bool(bias != nil))"
    }
}

/// Normalization over groups of channels of `(N, C, *)` input, with per-channel weight (ones) and
/// bias (zeros). PyTorch: `torch.nn.GroupNorm`.
public final class GroupNorm: Module {
    public let numGroups: Int
    public let numChannels: Int
    public let eps: Double
    public let affine: Bool
    /// `(numChannels)`, ones; nil unless `affine`.
    @Parameter public var weight: Tensor?
    /// `(numChannels)`, zeros; nil unless `affine` and `bias`.
    @Parameter public var bias: Tensor?

    /// PyTorch: `nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True, bias=True)`.
    public init(_ numGroups: Int, _ numChannels: Int, eps: Double = 1e-5, affine: Bool = true, bias: Bool = true,
                dtype: DType = .float32) {
        check(numGroups > 0 && numChannels % numGroups == 0, "GroupNorm: num_channels must be divisible by num_groups")
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        self.affine = affine
        self.weight = affine ? Tensor.ones([numChannels], dtype: dtype) : nil
        self.bias = affine && bias ? Tensor.zeros([numChannels], dtype: dtype) : nil
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim >= 2 && input.shape[1] == numChannels,
                   "expected input with \(numChannels) channels in dim 1, got \(shapeString(input.shape))")
        return F.groupNorm(input, numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }

    public override var extraRepr: String {
        "\(numGroups), \(numChannels), eps=\(PyRepr.float(eps)), affine=\(PyRepr.bool(affine)), bias=\(PyRepr.bool(bias != nil))"
    }
}
