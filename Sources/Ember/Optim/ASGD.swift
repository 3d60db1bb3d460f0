import Foundation

/// Averaged SGD. PyTorch: `torch.optim.ASGD` (`foreach=False`, `maximize=False`, `capturable=False`).
///
/// State per parameter: `step`, `eta` and `mu` (float32 scalars, as PyTorch keeps them) and the
/// average `ax`. Written with tensor ops.
public final class ASGD: Optimizer {
    /// PyTorch: `torch.optim.ASGD(param_groups, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0)`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, lambd: Double = 1e-4, alpha: Double = 0.75, t0: Double = 1e6,
                weightDecay: Double = 0) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        super.init(groups, defaults: ["lr": .double(lr), "lambd": .double(lambd), "alpha": .double(alpha),
                                      "t0": .double(t0), "weight_decay": .double(weightDecay)])
    }

    /// PyTorch: `torch.optim.ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0)`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, lambd: Double = 1e-4, alpha: Double = 0.75,
                            t0: Double = 1e6, weightDecay: Double = 0) {
        self.init([ParamGroup(params)], lr: lr, lambd: lambd, alpha: alpha, t0: t0, weightDecay: weightDecay)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), lambd = group.double("lambd"), alpha = group.double("alpha")
        let t0 = group.double("t0"), wd = group.double("weight_decay")
        forEachParameter(in: group) { p, grad, state in
            let step = Optimizer.incrementStep(&state)
            let eta = state["eta"] ?? Tensor.full([], lr, dtype: .float32), mu = state["mu"] ?? Tensor.ones([], dtype: .float32)
            state["eta"] = eta
            state["mu"] = mu
            let ax = Optimizer.buffer(&state, "ax", like: p)
            let g = Optimizer.weightDecayed(grad, p, wd: wd)
            let etaValue = eta.item()
            p.mul_(1 - lambd * etaValue)
            p.add_(g, alpha: -etaValue)
            if mu.item() != 1 { ax.add_((p - ax) * mu.to(p.dtype)) } else { ax.copy_(p) }
            eta.fill_(lr / Foundation.pow(1 + lambd * lr * step, alpha))
            mu.fill_(1 / Swift.max(1, step - t0))
        }
    }
}
