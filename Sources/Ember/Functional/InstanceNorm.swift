extension F {
    /// Normalizes each channel of each sample over its spatial dims (`(N, C, *)`), then scales by
    /// `weight` and shifts by `bias` (per channel). With running statistics and `useInputStats`,
    /// they move towards the batch's by `momentum` (the variance unbiased); without
    /// `useInputStats`, they normalize instead. PyTorch: `torch.nn.functional.instance_norm`.
    public static func instanceNorm(_ input: Tensor, runningMean: Tensor? = nil, runningVar: Tensor? = nil,
                                    weight: Tensor? = nil, bias: Tensor? = nil, useInputStats: Bool = true,
                                    momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
        check(input.dim >= 3, "instance_norm: expected input with at least 3 dimensions (N, C, *), got \(input.dim)")
        let c = input.shape[1], spatial = Array(2..<input.dim)
        var channel = Array(repeating: 1, count: input.dim)
        channel[1] = c
        let mean: Tensor, variance: Tensor
        if useInputStats {
            mean = input.mean(dims: spatial, keepDim: true)
            variance = input.var(dims: spatial, correction: 0, keepDim: true)
            if let runningMean, let runningVar {
                let count = spatial.reduce(1) { $0 * input.shape[$1] }
                noGrad {
                    let batchMean = mean.mean(dims: [0]).reshape([c])
                    let unbiased = variance.mean(dims: [0]).reshape([c]) * (Double(count) / Double(Swift.max(count - 1, 1)))
                    runningMean.mul_(1 - momentum).add_(batchMean, alpha: momentum)
                    runningVar.mul_(1 - momentum).add_(unbiased, alpha: momentum)
                }
            }
        } else {
            check(runningMean != nil && runningVar != nil, "Expected running_mean and running_var to be defined when use_input_stats is false")
            mean = runningMean!.reshape(channel)
            variance = runningVar!.reshape(channel)
        }
        var out = (input - mean) / (variance + eps).sqrt()
        if let weight { out = out * weight.reshape(channel) }
        if let bias { out = out + bias.reshape(channel) }
        return out
    }
}
