import Foundation

extension F {
    /// The negative log-likelihood of `target` counts under a Poisson distribution of rate
    /// `exp(input)` (`logInput`) or `input`, with Stirling's term for `target > 1` when `full`.
    /// PyTorch: `torch.nn.functional.poisson_nll_loss`.
    public static func poissonNLLLoss(_ input: Tensor, _ target: Tensor, logInput: Bool = true, full: Bool = false,
                                      eps: Double = 1e-8, reduction: Reduction = .mean) -> Tensor {
        var loss = logInput ? input.exp() - target * input : input - target * (input + eps).log()
        if full {
            let safe = Tensor.where(target .> 1.0, target, Tensor.onesLike(target))
            let stirling = safe * safe.log() - safe + 0.5 * (2 * Double.pi * safe).log()
            loss = loss + Tensor.where(target .> 1.0, stirling, Tensor.zerosLike(stirling))
        }
        return reduce(loss, reduction)
    }

    /// The negative log-likelihood of `target` under normal distributions of mean `input` and
    /// variance `variance` (one per element, or one per sample with its last dim 1 or absent),
    /// the variance kept at least `eps` without changing its gradient; `full` adds `log(2π) / 2`.
    /// PyTorch: `torch.nn.functional.gaussian_nll_loss`.
    public static func gaussianNLLLoss(_ input: Tensor, _ target: Tensor, _ variance: Tensor, full: Bool = false,
                                       eps: Double = 1e-6, reduction: Reduction = .mean) -> Tensor {
        var v = variance
        if v.shape != input.shape {
            if Array(input.shape.dropLast()) == v.shape { v = v.unsqueeze(-1) }
            check(Array(input.shape.dropLast()) == Array(v.shape.dropLast()) && v.shape.last == 1,
                  "var is of incorrect size")
        }
        check(noGrad { v.min().item() } >= 0, "var has negative entry/entries")
        let clamped = clampedValue(v, min: eps)
        var loss = 0.5 * (clamped.log() + (input - target) * (input - target) / clamped)
        if full { loss = loss + 0.5 * Foundation.log(2 * Double.pi) }
        return reduce(loss, reduction)
    }
}
