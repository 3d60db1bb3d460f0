/// Batch normalization whose training statistics are those of the whole batch across the ranks
/// of the default process group: each channel's mean and variance are reduced over every rank's
/// samples (two allreduces per forward pass, their gradients two more in backward), so that
/// data-parallel training with small per-rank batches normalizes as one process on the whole
/// batch would. In evaluation, or outside a group of several ranks, it is `BatchNorm2d`
/// (any input of 2 to 4 dimensions). State-dict keys are BatchNorm's.
/// PyTorch: `torch.nn.SyncBatchNorm`.
public final class SyncBatchNorm: BatchNormLayer {
    /// PyTorch: `nn.SyncBatchNorm(num_features, eps=1e-05, momentum=0.1, affine=True,
    /// track_running_stats=True)`.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true, dtype: DType = .float32) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias,
                   trackRunningStats: trackRunningStats, dtype: dtype)
        synchronizesStatistics = true
    }

    override func checkRank(_ input: Tensor) {
        checkInput(input.dim >= 2 && input.dim <= 4, "expected at least 2D input (got \(input.dim)D input)")
    }

    /// Makes every batch-norm layer of `module` synchronize its statistics as `SyncBatchNorm`
    /// does, and returns `module`. (PyTorch replaces the layers by new `SyncBatchNorm`s; here
    /// they keep their class and parameters and change how they train.)
    /// PyTorch: `nn.SyncBatchNorm.convert_sync_batchnorm(module)`.
    @discardableResult
    public static func convertSyncBatchnorm(_ module: Module) -> Module {
        for case let layer as BatchNormLayer in module.modules() { layer.synchronizesStatistics = true }
        return module
    }
}

extension BatchNormLayer {
    /// Training-mode batch norm with the statistics of every rank's batch: the global count and
    /// per-channel sum in one allreduce, then the sum of squared deviations from the global
    /// mean in another (two passes, as precise as one process's). Running statistics take the
    /// global mean and the unbiased global variance.
    func synchronizedNormalize(_ input: Tensor, factor: Double) -> Tensor {
        let c = numFeatures, dims = [0] + Array(2..<input.dim)
        let shape = [1, c] + Array(repeating: 1, count: input.dim - 2)
        let local = Tensor.cat([input.sum(dims: dims), Tensor([Double(input.numel / c)]).to(input.dtype)])
        let totals = Distributed.summed(local)
        let count = totals[c].item()
        check(count > 1, "Expected more than 1 value per channel when training, got \(Int(count)) across the ranks")
        let mean = totals.narrow(0, 0, c) / count
        let centered = input - mean.view(shape)
        let variance = Distributed.summed((centered * centered).sum(dims: dims)) / count
        var out = centered / (variance + eps).sqrt().view(shape)
        if let weight { out = out * weight.view(shape) }
        if let bias { out = out + bias.view(shape) }
        if let runningMean, let runningVar {
            noGrad {
                runningMean.mul_(1 - factor).add_(mean.detach() * factor)
                runningVar.mul_(1 - factor).add_(variance.detach() * (count / (count - 1) * factor))
            }
        }
        return out
    }
}

extension Distributed {
    /// The sum of every rank's `tensor` as a new tensor autograd differentiates: each rank's
    /// input gradient is the sum of every rank's output gradient, reduced the same way in
    /// backward. PyTorch: `torch.distributed.nn.functional.all_reduce`.
    static func summed(_ tensor: Tensor) -> Tensor {
        let out = noGrad { tensor.contiguous().clone() }
        do { try allReduce(out) } catch { GradientReducer.fail(error) }
        return out.recording("AllReduceBackward", [tensor]) { g, _ in [summed(g)] }
    }
}
