/// Adagrad with learning-rate decay. PyTorch: `torch.optim.Adagrad` (`foreach=False`, `maximize=False`).
///
/// State per parameter, created with the optimizer as in PyTorch: `step` (a float32 scalar) and
/// `sum`, starting at `initial_accumulator_value`.
public final class Adagrad: Optimizer {
    override class var pythonIntegerOptions: Set<String> { ["initial_accumulator_value", "lr_decay", "weight_decay"] }
    override class var unsupportedFlags: [String: String] {
        ["differentiable": "False", "foreach": "None", "fused": "None", "maximize": "False"]
    }

    /// PyTorch: `torch.optim.Adagrad(param_groups, lr=1e-2, lr_decay=0, weight_decay=0,
    /// initial_accumulator_value=0, eps=1e-10)`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(lrDecay >= 0, "Invalid lr_decay value: \(lrDecay)")
        check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
        check(initialAccumulatorValue >= 0, "Invalid initial_accumulator_value value: \(initialAccumulatorValue)")
        check(eps >= 0, "Invalid epsilon value: \(eps)")
        super.init(groups, defaults: ["lr": .double(lr), "lr_decay": .double(lrDecay), "eps": .double(eps),
                                      "weight_decay": .double(weightDecay),
                                      "initial_accumulator_value": .double(initialAccumulatorValue)])
        for g in paramGroups {
            let initial = g.double("initial_accumulator_value")
            for p in g.params {
                state[ObjectIdentifier(p)] = ["step": Tensor.zeros([], dtype: .float32),
                                              "sum": Tensor.full(p.shape, initial, dtype: p.dtype)]
            }
        }
    }

    /// PyTorch: `torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                            initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        self.init([ParamGroup(params)], lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps)
    }

    override func update(_ group: ParamGroup) {
        let lr = group.double("lr"), lrDecay = group.double("lr_decay"), eps = group.double("eps")
        let weightDecay = group.double("weight_decay")
        forEachParameter(in: group) { p, g, state in
            let step = Optimizer.incrementStep(&state)
            let sum = Optimizer.buffer(&state, "sum", like: p, fill: group.double("initial_accumulator_value"))
            let clr = lr / (1 + (step - 1) * lrDecay)
            func run<T: LaneScalar>(_: T.Type) {
                AdagradKernel(param: p.pointer(as: T.self), grad: g.pointer(as: T.self),
                                         sum: sum.pointer(as: T.self), lr: clr, eps: eps, weightDecay: weightDecay).run(p.numel)
            }
            if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        }
    }
}
