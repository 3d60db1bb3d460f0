import Ember

/// Batch normalization from scratch: normalizes `X` by the batch's mean and variance in
/// training mode (over the batch for `(N, C)`, over batch and space per channel for
/// `(N, C, H, W)`) and by the moving averages otherwise, then scales by `gamma` and shifts by
/// `beta`. Returns the output and the updated moving averages.
func batchNorm(_ isTraining: Bool, _ X: Tensor, _ gamma: Tensor, _ beta: Tensor, _ movingMean: Tensor,
               _ movingVar: Tensor, eps: Double, momentum: Double) -> (Tensor, Tensor, Tensor) {
    let XHat: Tensor
    var (movingMean, movingVar) = (movingMean, movingVar)
    // 判断当前模式是训练模式还是预测模式
    if !isTraining {
        // 如果是在预测模式下,直接使用传入的移动平均所得的均值和方差
        XHat = (X - movingMean) / (movingVar + eps).sqrt()
    } else {
        precondition([2, 4].contains(X.dim), "batchNorm: expected a 2-D or 4-D input, got \(X.shape)")
        let mean: Tensor, variance: Tensor
        if X.dim == 2 {
            // 使用全连接层的情况,计算特征维上的均值和方差
            mean = X.mean(dim: 0)
            variance = ((X - mean) ** 2).mean(dim: 0)
        } else {
            // 使用二维卷积层的情况,计算通道维上(axis=1)的均值和方差。这里我们需要保持
            // X的形状以便后面可以做广播运算
            mean = X.mean(dim: 0, keepDim: true).mean(dim: 2, keepDim: true).mean(dim: 3, keepDim: true)
            variance = ((X - mean) ** 2).mean(dim: 0, keepDim: true).mean(dim: 2, keepDim: true).mean(dim: 3, keepDim: true)
        }
        // 训练模式下用当前的均值和方差做标准化
        XHat = (X - mean) / (variance + eps).sqrt()
        // 更新移动平均的均值和方差
        movingMean = momentum * movingMean + (1.0 - momentum) * mean
        movingVar = momentum * movingVar + (1.0 - momentum) * variance
    }
    let Y = gamma * XHat + beta  // 拉伸和偏移
    return (Y, movingMean, movingVar)
}

/// A batch-norm layer for `numFeatures` features of a fully connected layer (`numDims` 2) or
/// channels of a convolution (`numDims` 4), built on `batchNorm`.
final class BatchNorm: Module {
    // 参与求梯度和迭代的拉伸和偏移参数,分别初始化成1和0
    @Parameter var gamma: Tensor
    @Parameter var beta: Tensor
    // 不参与求梯度和迭代的变量,全在内存上初始化成0 (plain properties, as in the original: no buffers)
    var movingMean: Tensor
    var movingVar: Tensor

    init(_ numFeatures: Int, numDims: Int) {
        let shape = numDims == 2 ? [1, numFeatures] : [1, numFeatures, 1, 1]
        gamma = Tensor.ones(shape)
        beta = Tensor.zeros(shape)
        movingMean = Tensor.zeros(shape)
        movingVar = Tensor.zeros(shape)
        super.init()
    }

    override func forward(_ X: Tensor) -> Tensor {
        // There is no other device to move the moving averages to. They are detached when kept, so
        // that they do not hold on to each step's graph (PyTorch's original keeps that history).
        let (Y, movingMean, movingVar) = batchNorm(training, X, gamma, beta, self.movingMean, self.movingVar,
                                                   eps: 1e-5, momentum: 0.9)
        self.movingMean = movingMean.detach()
        self.movingVar = movingVar.detach()
        return Y
    }
}
