/// RMSprop, optionally centered and with momentum. PyTorch: `torch.optim.RMSprop`
/// (`foreach=False`, `maximize=False`).
///
/// State per parameter: `step` (a float32 scalar), `square_avg`, `momentum_buffer` with momentum,
/// `grad_avg` when centered.
public final class RMSprop: Optimizer {
    override class var pythonIntegerOptions: Set<String> { ["momentum", "weight_decay"] }

    /// PyTorch: `torch.optim.RMSprop(param_groups, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(eps >= 0, "Invalid epsilon value: \(eps)")
        check(momentum >= 0, "Invalid momentum value: \(momentum)")
        check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        check(alpha >= 0, "Invalid alpha value: \(alpha)")
        super.init(groups, defaults: ["lr": .double(lr), "alpha": .double(alpha), "eps": .double(eps),
                                      "weight_decay": .double(weightDecay), "momentum": .double(momentum),
                                      "centered": .bool(centered)])
    }

    /// PyTorch: `torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                  momentum: momentum, centered: centered)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), alpha = group.double("alpha"), eps = group.double("eps")
        let weightDecay = group.double("weight_decay"), momentum = group.double("momentum")
        let centered = group.bool("centered")
        forEachParameter(in: group) { p, g, state in
            _ = Optimizer.incrementStep(&state)
            let sq = Optimizer.buffer(&state, "square_avg", like: p)
            let buf = momentum > 0 ? Optimizer.buffer(&state, "momentum_buffer", like: p) : nil
            let ga = centered ? Optimizer.buffer(&state, "grad_avg", like: p) : nil
            func run<T: LaneScalar>(_: T.Type) {
                RMSpropKernel(param: p.pointer(as: T.self), grad: g.pointer(as: T.self),
                                         squareAvg: sq.pointer(as: T.self), gradAvg: ga?.pointer(as: T.self),
                                         buffer: buf?.pointer(as: T.self), lr: lr, alpha: alpha, eps: eps,
                                         weightDecay: weightDecay, momentum: momentum).run(p.numel)
            }
            if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        }
    }
}
