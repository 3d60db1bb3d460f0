import Foundation

/// Adamax, Adam with the infinity norm. PyTorch: `torch.optim.Adamax` (`foreach=False`, `maximize=False`).
///
/// State per parameter: `step` (a float32 scalar), `exp_avg`, `exp_inf`. Written with tensor ops.
public final class Adamax: Optimizer {
    /// PyTorch: `torch.optim.Adamax(param_groups, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`.
    public init(_ groups: [ParamGroup], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0) {
        Optimizer.checkAdamOptions(lr: lr, eps: eps, betas: betas, weightDecay: weightDecay)
        super.init(groups, defaults: ["lr": .double(lr), "betas": .doubles([betas.0, betas.1]), "eps": .double(eps),
                                      "weight_decay": .double(weightDecay)])
    }

    /// PyTorch: `torch.optim.Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`.
    public convenience init(_ params: [Tensor], lr: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), betas = group["betas"]?.doubles ?? [0.9, 0.999], eps = group.double("eps")
        let wd = group.double("weight_decay")
        forEachParameter(in: group) { p, grad, state in
            let step = Optimizer.incrementStep(&state)
            let expAvg = Optimizer.buffer(&state, "exp_avg", like: p), expInf = Optimizer.buffer(&state, "exp_inf", like: p)
            let g = Optimizer.weightDecayed(grad, p, wd: wd)
            expAvg.copy_(expAvg.lerp(g, weight: 1 - betas[0]))
            expInf.copy_((expInf * betas[1]).maximum(g.abs() + eps))
            let clr = lr / (1 - Foundation.pow(betas[0], step))
            p.add_(expAvg / expInf, alpha: -clr)
        }
    }
}
