import Foundation

/// Rectified Adam: plain momentum SGD while the variance estimate is unreliable, rectified Adam
/// after. PyTorch: `torch.optim.RAdam` (`foreach=False`, `maximize=False`, `capturable=False`).
///
/// State per parameter: `step` (a float32 scalar), `exp_avg`, `exp_avg_sq`. Written with tensor ops.
public final class RAdam: Optimizer {
    /// PyTorch: `torch.optim.RAdam(param_groups, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    /// decoupled_weight_decay=False)`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        Optimizer.checkAdamOptions(lr: lr, eps: eps, betas: betas, weightDecay: weightDecay)
        super.init(groups, defaults: ["lr": .double(lr), "betas": .doubles([betas.0, betas.1]), "eps": .double(eps),
                                      "weight_decay": .double(weightDecay),
                                      "decoupled_weight_decay": .bool(decoupledWeightDecay)])
    }

    /// PyTorch: `torch.optim.RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), betas = group["betas"]?.doubles ?? [0.9, 0.999], eps = group.double("eps")
        let wd = group.double("weight_decay"), decoupled = group.bool("decoupled_weight_decay")
        let (beta1, beta2) = (betas[0], betas[1])
        forEachParameter(in: group) { p, grad, state in
            let step = Optimizer.incrementStep(&state)
            let expAvg = Optimizer.buffer(&state, "exp_avg", like: p), expAvgSq = Optimizer.buffer(&state, "exp_avg_sq", like: p)
            let g = Optimizer.weightDecayed(grad, p, wd: wd, lr: lr, decoupled: decoupled)
            expAvg.copy_(expAvg.lerp(g, weight: 1 - beta1))
            expAvgSq.mul_(beta2).add_(g * g, alpha: 1 - beta2)
            let correction1 = 1 - Foundation.pow(beta1, step), correction2 = 1 - Foundation.pow(beta2, step)
            let corrected = expAvg / correction1
            // The length of the approximated simple moving average, and its limit.
            let rhoInf = 2 / (1 - beta2) - 1
            let rhoT = rhoInf - 2 * step * Foundation.pow(beta2, step) / correction2
            if rhoT > 5 {
                let rect = ((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)).squareRoot()
                let adaptive = correction2.squareRoot() / (expAvgSq.sqrt() + eps)
                p.add_(corrected * lr * adaptive * rect, alpha: -1)
            } else {
                p.add_(corrected * lr, alpha: -1)
            }
        }
    }
}
