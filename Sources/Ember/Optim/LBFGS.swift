/// Limited-memory BFGS over all parameters as one flat vector, stepped with a closure that
/// re-evaluates the loss. PyTorch: `torch.optim.LBFGS` (without a line search; one group).
///
/// The history (directions, steps, curvatures) lives in the optimizer, as PyTorch keeps it in
/// the first parameter's state; it is not part of `stateDict()` here.
public final class LBFGS: Optimizer {
    private var direction: Tensor?, stepLength = 0.0
    private var oldDirections: [Tensor] = [], oldSteps: [Tensor] = [], curvatures: [Tensor] = []
    private var hessianDiagonal: Tensor?
    private var previousGradient: Tensor?
    private var iterations = 0
    /// Closure evaluations so far. PyTorch: `state['func_evals']`.
    public private(set) var functionEvaluations = 0

    /// PyTorch: `torch.optim.LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-07,
    /// tolerance_change=1e-09, history_size=100, line_search_fn=None)`.
    public init(_ params: [Tensor], lr: Double = 1, maxIter: Int = 20, maxEval: Int? = nil, toleranceGrad: Double = 1e-7,
                toleranceChange: Double = 1e-9, historySize: Int = 100, lineSearchFn: String? = nil) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(lineSearchFn == nil, "only 'None' is supported as line_search_fn here ('strong_wolfe' is not)")
        super.init([ParamGroup(params)], defaults: [
            "lr": .double(lr), "max_iter": .double(Double(maxIter)), "max_eval": .double(Double(maxEval ?? maxIter * 5 / 4)),
            "tolerance_grad": .double(toleranceGrad), "tolerance_change": .double(toleranceChange),
            "history_size": .double(Double(historySize))])
        check(paramGroups.count == 1, "LBFGS doesn't support per-parameter options (parameter groups)")
    }

    override class var pythonIntegerOptions: Set<String> { ["max_iter", "max_eval", "history_size"] }

    private var params: [Tensor] { paramGroups[0].params }

    /// The gradients of every parameter, flattened and concatenated (zeros for a missing one).
    private func flatGradient() -> Tensor {
        Tensor.cat(params.map { ($0.grad ?? Tensor.zerosLike($0)).reshape([-1]) }, dim: 0)
    }

    /// `params += t · d`, `d` split back into the parameters' shapes.
    private func addDirection(_ t: Double, _ d: Tensor) {
        var offset = 0
        for p in params {
            p.add_(d.narrow(0, offset, p.numel).reshape(p.shape), alpha: t)
            offset += p.numel
        }
    }

    /// Runs up to `max_iter` L-BFGS iterations, each evaluating `closure` (with grad enabled) for
    /// the loss and gradients; returns the loss of the first evaluation. PyTorch: `optimizer.step(closure)`.
    @discardableResult
    public override func step(_ closure: (() -> Tensor)? = nil) -> Tensor? {
        guard let closure else { fatalError("LBFGS requires a closure that re-evaluates the model and returns the loss") }
        let g = paramGroups[0]
        let lr = g.double("lr"), maxIter = Int(g.double("max_iter")), maxEval = Int(g.double("max_eval"))
        let toleranceGrad = g.double("tolerance_grad"), toleranceChange = g.double("tolerance_change")
        let historySize = Int(g.double("history_size"))
        let originalLoss = enableGrad(closure)
        var loss = originalLoss.item()
        var evaluations = 1
        functionEvaluations += 1
        var gradient = noGrad { flatGradient() }
        if noGrad({ gradient.abs().max().item() }) <= toleranceGrad { return originalLoss }
        noGrad {
            var n = 0
            while n < maxIter {
                n += 1
                iterations += 1
                var d: Tensor
                if iterations == 1 {
                    d = -gradient
                    (oldDirections, oldSteps, curvatures, hessianDiagonal) = ([], [], [], nil)
                } else {
                    let y = gradient - previousGradient!, s = direction! * stepLength
                    let ys = y.dot(s)
                    if ys.item() > 1e-10 {
                        if oldDirections.count == historySize {
                            oldDirections.removeFirst()
                            oldSteps.removeFirst()
                            curvatures.removeFirst()
                        }
                        oldDirections.append(y)
                        oldSteps.append(s)
                        curvatures.append(1.0 / ys)
                        hessianDiagonal = ys / y.dot(y)
                    }
                    // The two-loop recursion: d = −H ∇.
                    var q = -gradient
                    var alphas = Array(repeating: Tensor.zeros([]), count: oldDirections.count)
                    for i in oldDirections.indices.reversed() {
                        alphas[i] = oldSteps[i].dot(q) * curvatures[i]
                        q = q - oldDirections[i] * alphas[i]
                    }
                    d = hessianDiagonal.map { q * $0 } ?? q
                    for i in oldDirections.indices {
                        let beta = oldDirections[i].dot(d) * curvatures[i]
                        d = d + oldSteps[i] * (alphas[i] - beta)
                    }
                }
                previousGradient = gradient.clone()
                let previousLoss = loss
                if iterations == 1 {
                    // PyTorch's min(1, 1/|∇|₁)·lr: the reciprocal is a tensor of the parameters'
                    // dtype, and so is the product when it is the smaller.
                    let reciprocal = 1.0 / gradient.abs().sum()
                    stepLength = reciprocal.item() < 1 ? (reciprocal * lr).item() : lr
                } else {
                    stepLength = lr
                }
                direction = d
                if gradient.dot(d).item() > -toleranceChange { break }
                addDirection(stepLength, d)
                var converged = false
                if n != maxIter {
                    loss = enableGrad(closure).item()
                    gradient = flatGradient()
                    converged = gradient.abs().max().item() <= toleranceGrad
                    evaluations += 1
                    functionEvaluations += 1
                }
                if n == maxIter || evaluations >= maxEval || converged { break }
                if (d * stepLength).abs().max().item() <= toleranceChange { break }
                if Swift.abs(loss - previousLoss) < toleranceChange { break }
            }
        }
        for p in params { p.bumpVersion() }
        return originalLoss
    }
}
