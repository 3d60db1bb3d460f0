extension F {
    /// Normalizes each channel (dim 1) of `(N, C)`, `(N, C, L)` or `(N, C, H, W)` input. While
    /// `training`, uses the batch's mean and biased variance and, when given, updates the running
    /// statistics in place: `running = (1 - momentum) * running + momentum * batch`, with the
    /// unbiased batch variance for `runningVar`. Otherwise uses the running statistics.
    /// PyTorch: `torch.nn.functional.batch_norm`.
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?,
                                 weight: Tensor? = nil, bias: Tensor? = nil, training: Bool = false,
                                 momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
        batchNorm(input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                  training: training, momentum: momentum, eps: eps, relu: false)
    }

    /// `batchNorm`, with `relu` followed by a ReLU done in the same passes (not while an ONNX
    /// export traces evaluation's batch norm, which it records as its own node).
    static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                          training: Bool, momentum: Double, eps: Double, relu: Bool) -> Tensor {
        check(!relu || training || ThreadState.current.onnxTracer == nil, "batchNorm: a fused ReLU is not traced")
        check(input.dim >= 2 && input.dim <= 4,
              "batch_norm: expected 2-D, 3-D or 4-D input (got \(input.dim)-D input)")
        let c = input.shape[1]
        for (name, t) in [("running_mean", runningMean), ("running_var", runningVar),
                          ("weight", weight), ("bias", bias)] {
            if let t { check(t.numel == c, "\(name) should contain \(c) elements not \(t.numel)") }
        }
        if training {
            let count = input.numel / Swift.max(c, 1)
            check(count > 1,
                  "Expected more than 1 value per channel when training, got input size torch.Size(\(shapeString(input.shape)))")
        } else {
            check(runningMean != nil, "running_mean must be defined in evaluation mode")
            check(runningVar != nil, "running_var must be defined in evaluation mode")
        }
        func compute() -> Tensor {
            BatchNorm(input: input, weight: weight, bias: bias, eps: eps)
                .run(training: training, runningMean: runningMean, runningVar: runningVar, momentum: momentum, relu: relu)
        }
        guard !training, let runningMean, let runningVar else {
            return Tensor.untraceable("batch norm in training mode, or without running statistics, has no ONNX export", compute)
        }
        return Tensor.traced("BatchNormalization",
                             [.tensor(input), weight.map { .tensor($0) } ?? .constant(Tensor.ones([c], dtype: input.dtype)),
                              bias.map { .tensor($0) } ?? .constant(Tensor.zeros([c], dtype: input.dtype)),
                              .tensor(runningMean), .tensor(runningVar)],
                             [.float("epsilon", eps), .float("momentum", 1 - momentum)], compute)
    }

    /// Normalizes over the trailing dims `normalizedShape` (biased variance), then applies the
    /// element-wise affine `weight` and `bias` of that shape. PyTorch: `torch.nn.functional.layer_norm`.
    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil,
                                 bias: Tensor? = nil, eps: Double = 1e-5) -> Tensor {
        let k = normalizedShape.count
        check(k >= 1 && k <= input.dim && Array(input.shape.suffix(k)) == normalizedShape,
              "Given normalized_shape=\(shapeString(normalizedShape)), expected input with shape [*\(normalizedShape.map { ", \($0)" }.joined())], but got input of size\(shapeString(input.shape))")
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t {
                check(t.shape == normalizedShape,
                      "Expected \(name) to be of same shape as normalized_shape, but got \(name) of shape \(shapeString(t.shape)) and normalized_shape = \(shapeString(normalizedShape))")
            }
        }
        let dims = Array((input.dim - k)..<input.dim)
        return affine(normalize(input, dims: dims, eps: eps), weight, bias, normalizedShape)
    }

    /// Normalizes each of `numGroups` groups of channels (dim 1) of `(N, C, *)` input over the
    /// group's channels and spatial positions, then applies the per-channel affine `weight` and
    /// `bias`. PyTorch: `torch.nn.functional.group_norm`.
    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor? = nil,
                                 bias: Tensor? = nil, eps: Double = 1e-5) -> Tensor {
        check(input.dim >= 2, "Expected at least 2 dimensions for input tensor but received \(input.dim)")
        let n = input.shape[0], c = input.shape[1]
        check(numGroups > 0 && c % numGroups == 0,
              "Expected number of channels in input to be divisible by num_groups, but got input of shape \(shapeString(input.shape)) and num_groups=\(numGroups)")
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t {
                check(t.dim == 1 && t.numel == c,
                      "Expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(shapeString(t.shape)) and input of shape \(shapeString(input.shape))")
            }
        }
        let grouped = normalize(input.reshape([n, numGroups, -1]), dims: [2], eps: eps).reshape(input.shape)
        var perChannel = [Int](repeating: 1, count: input.dim)
        perChannel[1] = c
        return affine(grouped, weight, bias, perChannel)
    }

    /// `(x - mean) / sqrt(var + eps)` over `dims`, with the biased variance.
    private static func normalize(_ x: Tensor, dims: [Int], eps: Double) -> Tensor {
        let centered = x - x.mean(dims: dims, keepDim: true)
        let variance = (centered * centered).mean(dims: dims, keepDim: true)
        return centered * (variance + eps).rsqrt()
    }

    /// `x * weight + bias` with the parameters viewed as `shape`.
    private static func affine(_ x: Tensor, _ weight: Tensor?, _ bias: Tensor?, _ shape: [Int]) -> Tensor {
        var y = x
        if let weight { y = y * weight.reshape(shape) }
        if let bias { y = y + bias.reshape(shape) }
        return y
    }
}
