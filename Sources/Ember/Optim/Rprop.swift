/// Resilient backpropagation: per-element step sizes that grow while the gradient keeps its sign
/// and shrink when it flips. PyTorch: `torch.optim.Rprop` (`foreach=False`, `maximize=False`).
///
/// State per parameter: `step` (a float32 scalar), `prev`, `step_size`. Written with tensor ops.
public final class Rprop: Optimizer {
    override class var pythonIntegerOptions: Set<String> { ["step_sizes"] }

    /// PyTorch: `torch.optim.Rprop(param_groups, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))`.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, etas: (Double, Double) = (0.5, 1.2),
                stepSizes: (Double, Double) = (1e-6, 50)) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(0 < etas.0 && etas.0 < 1 && 1 < etas.1, "Invalid eta values: \(etas.0), \(etas.1)")
        super.init(groups, defaults: ["lr": .double(lr), "etas": .doubles([etas.0, etas.1]),
                                      "step_sizes": .doubles([stepSizes.0, stepSizes.1])])
    }

    /// PyTorch: `torch.optim.Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, etas: (Double, Double) = (0.5, 1.2),
                            stepSizes: (Double, Double) = (1e-6, 50)) {
        self.init([ParamGroup(params)], lr: lr, etas: etas, stepSizes: stepSizes)
    }

    override func update(_ group: ParamGroup) {
        let etas = group["etas"]?.doubles ?? [0.5, 1.2], sizes = group["step_sizes"]?.doubles ?? [1e-6, 50]
        let lr = group.double("lr")
        forEachParameter(in: group) { p, grad, state in
            _ = Optimizer.incrementStep(&state)
            let prev = Optimizer.buffer(&state, "prev", like: p), stepSize = Optimizer.buffer(&state, "step_size", like: p, fill: lr)
            let agreement = (grad * prev).sign()
            let factor = Tensor.where(agreement .> 0.0, etas[1], Tensor.where(agreement .< 0.0, etas[0], Tensor.onesLike(p)))
            stepSize.copy_((stepSize * factor).clamp(min: sizes[0], max: sizes[1]))
            // Where the sign flipped, no step and no memory of the gradient.
            let g = Tensor.where(agreement .< 0.0, Tensor.zerosLike(grad), grad)
            p.sub_(g.sign() * stepSize)
            prev.copy_(g)
        }
    }
}
