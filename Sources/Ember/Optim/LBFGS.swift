/// Limited-memory BFGS over all parameters as one flat vector, stepped with a closure that
/// re-evaluates the loss; with `lineSearchFn: "strong_wolfe"` each step length comes from
/// PyTorch's line search (bracketing, then zooming by cubic interpolation, until the strong
/// Wolfe conditions hold). PyTorch: `torch.optim.LBFGS` (one parameter group).
///
/// The history (directions, steps, curvatures) lives in the optimizer, as PyTorch keeps it in
/// the first parameter's state; it is not part of `stateDict()` here.
public final class LBFGS: Optimizer {
    private var direction: Tensor?, stepLength = 0.0
    private var oldDirections: [Tensor] = [], oldSteps: [Tensor] = [], curvatures: [Tensor] = []
    private var hessianDiagonal: Tensor?
    private var previousGradient: Tensor?
    private var iterations = 0
    private let lineSearch: Bool
    /// Closure evaluations so far. PyTorch: `state['func_evals']`.
    public private(set) var functionEvaluations = 0

    /// PyTorch: `torch.optim.LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-07,
    /// tolerance_change=1e-09, history_size=100, line_search_fn=None)`.
    public init(_ params: [Tensor], lr: Double = 1, maxIter: Int = 20, maxEval: Int? = nil, toleranceGrad: Double = 1e-7,
                toleranceChange: Double = 1e-9, historySize: Int = 100, lineSearchFn: String? = nil) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(lineSearchFn == nil || lineSearchFn == "strong_wolfe", "only 'strong_wolfe' is supported")
        self.lineSearch = lineSearchFn != nil
        super.init([ParamGroup(params)], defaults: [
            "lr": .double(lr), "max_iter": .double(Double(maxIter)), "max_eval": .double(Double(maxEval ?? maxIter * 5 / 4)),
            "tolerance_grad": .double(toleranceGrad), "tolerance_change": .double(toleranceChange),
            "history_size": .double(Double(historySize))])
        check(paramGroups.count == 1, "LBFGS doesn't support per-parameter options (parameter groups)")
    }

    // PyTorch's default `lr=1` is a Python int.
    override class var pythonIntegerOptions: Set<String> { ["lr", "max_iter", "max_eval", "history_size"] }
    override class var unsupportedFlags: [String: String] { ["maximize": "False"] }
    override var printedFlags: [String: String] {
        Self.unsupportedFlags.merging(["line_search_fn": lineSearch ? "strong_wolfe" : "None"]) { flag, _ in flag }
    }

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
                let slope = gradient.dot(d).item()
                if slope > -toleranceChange { break }
                var converged = false
                if lineSearch {
                    let search = strongWolfe(closure, t: stepLength, d: d, loss: loss, gradient: gradient, slope: slope,
                                             toleranceChange: toleranceChange)
                    (loss, gradient, stepLength) = (search.loss, search.gradient, search.t)
                    addDirection(stepLength, d)
                    converged = gradient.abs().max().item() <= toleranceGrad
                    evaluations += search.evaluations
                    functionEvaluations += search.evaluations
                } else if n != maxIter {
                    addDirection(stepLength, d)
                    loss = enableGrad(closure).item()
                    gradient = flatGradient()
                    converged = gradient.abs().max().item() <= toleranceGrad
                    evaluations += 1
                    functionEvaluations += 1
                } else {
                    addDirection(stepLength, d)
                }
                if n == maxIter || evaluations >= maxEval || converged { break }
                if (d * stepLength).abs().max().item() <= toleranceChange { break }
                if Swift.abs(loss - previousLoss) < toleranceChange { break }
            }
        }
        for p in params { p.bumpVersion() }
        return originalLoss
    }

    /// The loss and flat gradient at `params + t·d`, the parameters then put back.
    private func evaluate(_ closure: () -> Tensor, at t: Double, _ d: Tensor) -> (loss: Double, gradient: Tensor) {
        let start = params.map { $0.clone() }
        addDirection(t, d)
        let loss = enableGrad(closure).item()
        let gradient = flatGradient()
        for (p, x) in zip(params, start) { p.copy_(x) }
        return (loss, gradient)
    }

    /// A step length along `d` meeting the strong Wolfe conditions (sufficient decrease `c1`,
    /// curvature `c2`), found as PyTorch's `_strong_wolfe` does: grow the step until a bracket
    /// holds such a point, then shrink the bracket by cubic interpolation; at most 25 evaluations.
    private func strongWolfe(_ closure: () -> Tensor, t start: Double, d: Tensor, loss f: Double, gradient g: Tensor,
                             slope gtd: Double, toleranceChange: Double, c1: Double = 1e-4, c2: Double = 0.9,
                             maxEvaluations: Int = 25) -> (loss: Double, gradient: Tensor, t: Double, evaluations: Int) {
        let dNorm = d.abs().max().item()
        func trial(_ t: Double) -> LinePoint {
            let (f, g) = evaluate(closure, at: t, d)
            return LinePoint(t: t, f: f, g: g, gtd: g.dot(d).item())
        }
        var new = trial(start), evaluations = 1, iteration = 0
        var previous = LinePoint(t: 0, f: f, g: g, gtd: gtd)
        var bracket: [LinePoint] = [], done = false
        while iteration < maxEvaluations {
            if new.f > f + c1 * new.t * gtd || (iteration > 1 && new.f >= previous.f) {
                bracket = [previous, new]
                break
            }
            if Swift.abs(new.gtd) <= -c2 * gtd {
                bracket = [new]
                done = true
                break
            }
            if new.gtd >= 0 {
                bracket = [previous, new]
                break
            }
            let t = cubicMinimum(previous, new, bounds: (new.t + 0.01 * (new.t - previous.t), new.t * 10))
            previous = new
            new = trial(t)
            evaluations += 1
            iteration += 1
        }
        if iteration == maxEvaluations { bracket = [LinePoint(t: 0, f: f, g: g, gtd: gtd), new] }

        // Zoom: shrink the bracket until a point meets the conditions.
        var insufficientProgress = false
        var (low, high) = bracket.count == 2 && bracket[1].f < bracket[0].f ? (1, 0) : (0, 1)
        while !done && iteration < maxEvaluations {
            if Swift.abs(bracket[1].t - bracket[0].t) * dNorm < toleranceChange { break }
            var t = cubicMinimum(bracket[0], bracket[1], bounds: nil)
            let lo = Swift.min(bracket[0].t, bracket[1].t), hi = Swift.max(bracket[0].t, bracket[1].t)
            let eps = 0.1 * (hi - lo)
            if Swift.min(hi - t, t - lo) < eps {
                // Close to an end: after a step of little progress, or at or past an end, move a
                // tenth of the bracket inside.
                if insufficientProgress || t >= hi || t <= lo {
                    t = Swift.abs(t - hi) < Swift.abs(t - lo) ? hi - eps : lo + eps
                    insufficientProgress = false
                } else {
                    insufficientProgress = true
                }
            } else {
                insufficientProgress = false
            }
            let point = trial(t)
            evaluations += 1
            iteration += 1
            if point.f > f + c1 * t * gtd || point.f >= bracket[low].f {
                bracket[high] = point
                (low, high) = bracket[0].f <= bracket[1].f ? (0, 1) : (1, 0)
            } else {
                if Swift.abs(point.gtd) <= -c2 * gtd {
                    done = true
                } else if point.gtd * (bracket[high].t - bracket[low].t) >= 0 {
                    bracket[high] = bracket[low]
                }
                bracket[low] = point
            }
        }
        let best = bracket[low]
        return (best.f, best.g, best.t, evaluations)
    }

    /// The minimizer of the cubic through two points with their slopes, clamped to `bounds` (by
    /// default the interval between them); their midpoint when the cubic has no minimum.
    private func cubicMinimum(_ a: LinePoint, _ b: LinePoint, bounds: (Double, Double)?) -> Double {
        let (lo, hi) = bounds ?? (Swift.min(a.t, b.t), Swift.max(a.t, b.t))
        let d1 = a.gtd + b.gtd - 3 * (a.f - b.f) / (a.t - b.t)
        let d2Square = d1 * d1 - a.gtd * b.gtd
        guard d2Square >= 0 else { return (lo + hi) / 2 }
        let d2 = d2Square.squareRoot()
        let m = a.t <= b.t ? b.t - (b.t - a.t) * ((b.gtd + d2 - d1) / (b.gtd - a.gtd + 2 * d2))
                           : a.t - (a.t - b.t) * ((a.gtd + d2 - d1) / (a.gtd - b.gtd + 2 * d2))
        return Swift.min(Swift.max(m, lo), hi)
    }
}

/// A trial point of the line search: step, loss, flat gradient and slope along the direction.
private struct LinePoint {
    var t: Double, f: Double, g: Tensor, gtd: Double
}
