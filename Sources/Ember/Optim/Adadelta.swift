/// Adadelta. PyTorch: `torch.optim.Adadelta` (`foreach=False`, `maximize=False`).
///
/// State per parameter: `step` (a float32 scalar), `square_avg`, `acc_delta`. The update is
/// written with tensor ops (no fused kernel: not on the textbook's hot paths).
public final class Adadelta: Optimizer {
    /// PyTorch: `torch.optim.Adadelta(param_groups, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0)`.
    public init(_ groups: [ParamGroup], lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(rho >= 0 && rho <= 1, "Invalid rho value: \(rho)")
        check(eps >= 0, "Invalid epsilon value: \(eps)")
        check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        super.init(groups, defaults: ["lr": .double(lr), "rho": .double(rho), "eps": .double(eps),
                                      "weight_decay": .double(weightDecay)])
    }

    /// PyTorch: `torch.optim.Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0)`.
    public convenience init(_ params: [Tensor], lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0) {
        self.init([ParamGroup(params)], lr: lr, rho: rho, eps: eps, weightDecay: weightDecay)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), rho = group.double("rho"), eps = group.double("eps"), wd = group.double("weight_decay")
        forEachParameter(in: group) { p, grad, state in
            _ = Optimizer.incrementStep(&state)
            let squareAvg = Optimizer.buffer(&state, "square_avg", like: p), accDelta = Optimizer.buffer(&state, "acc_delta", like: p)
            let g = Optimizer.weightDecayed(grad, p, wd: wd)
            squareAvg.mul_(rho).add_(g * g, alpha: 1 - rho)
            let delta = (accDelta + eps).sqrt() / (squareAvg + eps).sqrt() * g
            accDelta.mul_(rho).add_(delta * delta, alpha: 1 - rho)
            p.add_(delta, alpha: -lr)
        }
    }
}
