/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay.
/// PyTorch: `torch.optim.SGD` (`foreach=False`, `maximize=False`).
///
/// State per parameter: `momentum_buffer` (with momentum), filled with the first gradient.
public final class SGD: Optimizer {
    override class var pythonIntegerOptions: Set<String> { ["dampening", "momentum", "weight_decay"] }
    override class var unsupportedFlags: [String: String] {
        ["differentiable": "False", "foreach": "None", "fused": "None", "maximize": "False"]
    }

    /// PyTorch: `torch.optim.SGD(param_groups, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False)`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(momentum >= 0, "Invalid momentum value: \(momentum)")
        check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        check(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
        super.init(groups, defaults: ["lr": .double(lr), "momentum": .double(momentum), "dampening": .double(dampening),
                                      "weight_decay": .double(weightDecay), "nesterov": .bool(nesterov)])
    }

    /// PyTorch: `torch.optim.SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False)`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, momentum: momentum, dampening: dampening,
                  weightDecay: weightDecay, nesterov: nesterov)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), momentum = group.double("momentum"), dampening = group.double("dampening")
        let weightDecay = group.double("weight_decay"), nesterov = group.bool("nesterov")
        forEachParameter(in: group) { p, g, state in
            let first = momentum != 0 && state["momentum_buffer"] == nil
            let buf = momentum != 0 ? Optimizer.buffer(&state, "momentum_buffer", like: p) : nil
            func run<T: LaneScalar>(_: T.Type) {
                SGDKernel(param: p.pointer(as: T.self), grad: g.pointer(as: T.self),
                                     buffer: buf?.pointer(as: T.self), firstStep: first, lr: lr, weightDecay: weightDecay,
                                     momentum: momentum, dampening: dampening, nesterov: nesterov).run(p.numel)
            }
            if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        }
    }
}
