import Foundation

/// Adam with Nesterov momentum and a momentum schedule. PyTorch: `torch.optim.NAdam`
/// (`foreach=False`, `maximize=False`, `capturable=False`).
///
/// State per parameter: `step` and `mu_product` (float32 scalars, as PyTorch keeps them, whose
/// rounding the float64 updates inherit), `exp_avg`, `exp_avg_sq`. Written with tensor ops.
public final class NAdam: Optimizer {
    /// PyTorch: `torch.optim.NAdam(param_groups, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    /// momentum_decay=4e-3, decoupled_weight_decay=False)`.
    public init(_ groups: [ParamGroup], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false) {
        Optimizer.checkAdamOptions(lr: lr, eps: eps, betas: betas, weightDecay: weightDecay)
        check(momentumDecay >= 0, "Invalid momentum_decay value: \(momentumDecay)")
        super.init(groups, defaults: ["lr": .double(lr), "betas": .doubles([betas.0, betas.1]), "eps": .double(eps),
                                      "weight_decay": .double(weightDecay), "momentum_decay": .double(momentumDecay),
                                      "decoupled_weight_decay": .bool(decoupledWeightDecay)])
    }

    /// PyTorch: `torch.optim.NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3)`.
    public convenience init(_ params: [Tensor], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, momentumDecay: Double = 4e-3) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, momentumDecay: momentumDecay)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), betas = group["betas"]?.doubles ?? [0.9, 0.999], eps = group.double("eps")
        let wd = group.double("weight_decay"), momentumDecay = group.double("momentum_decay")
        let decoupled = group.bool("decoupled_weight_decay")
        let (beta1, beta2) = (betas[0], betas[1])
        forEachParameter(in: group) { p, grad, state in
            let step = Optimizer.incrementStep(&state)
            let muProduct = state["mu_product"] ?? Tensor.ones([], dtype: .float32)
            state["mu_product"] = muProduct
            let expAvg = Optimizer.buffer(&state, "exp_avg", like: p), expAvgSq = Optimizer.buffer(&state, "exp_avg_sq", like: p)
            let g = Optimizer.weightDecayed(grad, p, wd: wd, lr: lr, decoupled: decoupled)
            let mu = beta1 * (1 - 0.5 * Foundation.pow(0.96, step * momentumDecay))
            let muNext = beta1 * (1 - 0.5 * Foundation.pow(0.96, (step + 1) * momentumDecay))
            muProduct.mul_(mu)
            let product = muProduct.item(), productNext = product * muNext
            expAvg.copy_(expAvg.lerp(g, weight: 1 - beta1))
            expAvgSq.mul_(beta2).add_(g * g, alpha: 1 - beta2)
            let denom = (expAvgSq / (1 - Foundation.pow(beta2, step))).sqrt() + eps
            p.add_(g / denom, alpha: -lr * (1 - mu) / (1 - product))
            p.add_(expAvg / denom, alpha: -lr * muNext / (1 - productNext))
        }
    }
}
