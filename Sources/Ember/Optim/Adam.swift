/// Adam, with AMSGrad and either L2 or decoupled weight decay. PyTorch: `torch.optim.Adam`
/// (`foreach=False`, `maximize=False`, `capturable=False`).
///
/// State per parameter: `step` (a float32 scalar), `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq`
/// with AMSGrad.
public class Adam: Optimizer {
    override class var unsupportedFlags: [String: String] {
        ["capturable": "False", "differentiable": "False", "foreach": "None", "fused": "None", "maximize": "False"]
    }

    /// PyTorch: `torch.optim.Adam(param_groups, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    /// amsgrad=False, decoupled_weight_decay=False)`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false, decoupledWeightDecay: Bool = false) {
        Optimizer.checkAdamOptions(lr: lr, eps: eps, betas: betas, weightDecay: weightDecay)
        super.init(groups, defaults: ["lr": .double(lr), "betas": .doubles([betas.0, betas.1]), "eps": .double(eps),
                                      "weight_decay": .double(weightDecay), "amsgrad": .bool(amsgrad),
                                      "decoupled_weight_decay": .bool(decoupledWeightDecay)])
    }

    /// PyTorch: `torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), betas = group["betas"]?.doubles ?? [0.9, 0.999], eps = group.double("eps")
        let weightDecay = group.double("weight_decay"), amsgrad = group.bool("amsgrad")
        let decoupled = group.bool("decoupled_weight_decay")
        forEachParameter(in: group) { p, g, state in
            let step = Optimizer.incrementStep(&state)
            let m = Optimizer.buffer(&state, "exp_avg", like: p), v = Optimizer.buffer(&state, "exp_avg_sq", like: p)
            let vmax = amsgrad ? Optimizer.buffer(&state, "max_exp_avg_sq", like: p) : nil
            func run<T: LaneScalar>(_: T.Type) {
                AdamKernel(param: p.pointer(as: T.self), grad: g.pointer(as: T.self),
                                      expAvg: m.pointer(as: T.self), expAvgSq: v.pointer(as: T.self),
                                      maxExpAvgSq: vmax?.pointer(as: T.self), step: step, lr: lr, beta1: betas[0],
                                      beta2: betas[1], eps: eps, weightDecay: weightDecay, decoupled: decoupled).run(p.numel)
            }
            if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        }
    }
}

/// Adam with decoupled weight decay: parameters shrink by `1 - lr * weight_decay` before the Adam
/// step. PyTorch: `torch.optim.AdamW` (`foreach=False`, `maximize=False`, `capturable=False`).
public final class AdamW: Adam {
    /// PyTorch: `torch.optim.AdamW(param_groups, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        super.init(groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                   decoupledWeightDecay: true)
    }

    /// PyTorch: `torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}
