/// Base of the optimizers: parameter groups with per-group options, per-parameter state, and
/// PyTorch's state-dict layout. PyTorch: `torch.optim.Optimizer`.
///
/// Each subclass updates a parameter with one fused kernel pass over its elements (see
/// `OptimizerKernels.swift`), under no-grad, bumping the parameter's version counter.
public class Optimizer: CustomStringConvertible {
    /// The parameter groups with their options. PyTorch: `optimizer.param_groups`.
    public var paramGroups: [ParamGroup]
    /// The options a group added without them gets. PyTorch: `optimizer.defaults`.
    public let defaults: [String: OptimizerValue]
    /// Per-parameter state (`step`, `exp_avg`, `momentum_buffer`, …) by parameter identity.
    /// PyTorch: `optimizer.state`.
    var state: [ObjectIdentifier: [String: Tensor]] = [:]

    init(_ groups: [ParamGroup], defaults: [String: OptimizerValue]) {
        check(!groups.isEmpty && groups.contains { !$0.params.isEmpty }, "optimizer got an empty parameter list")
        self.defaults = defaults
        paramGroups = []
        for g in groups { addParamGroup(g) }
    }

    /// Adds a group; options it lacks come from `defaults`. PyTorch: `optimizer.add_param_group`.
    public func addParamGroup(_ group: ParamGroup) {
        var g = group
        for p in g.params { check(p.isLeaf, "can't optimize a non-leaf Tensor") }
        for (k, v) in defaults where g.options[k] == nil { g.options[k] = v }
        let seen = Set(paramGroups.flatMap { $0.params.map(ObjectIdentifier.init) })
        check(seen.isDisjoint(with: g.params.map(ObjectIdentifier.init)),
              "some parameters appear in more than one parameter group")
        paramGroups.append(g)
    }

    /// Clears the gradients: drops them (the default), or zeroes them in place.
    /// PyTorch: `optimizer.zero_grad(set_to_none=True)`.
    public func zeroGrad(setToNone: Bool = true) {
        for g in paramGroups {
            for p in g.params {
                if setToNone {
                    p.grad = nil
                } else if let grad = p.grad {
                    noGrad { _ = grad.detach_().zero_() }
                }
            }
        }
    }

    /// One update of every parameter that has a gradient, after evaluating `closure` (with grad
    /// enabled) when given; returns its loss. PyTorch: `optimizer.step(closure=None)`.
    @discardableResult
    public func step(_ closure: (() -> Tensor)? = nil) -> Tensor? {
        let loss = closure.map { enableGrad($0) }
        noGrad { for g in paramGroups { update(g) } }
        return loss
    }

    /// Updates the parameters of one group; each optimizer overrides it.
    func update(_ group: ParamGroup) {
        fatalError("\(type(of: self)) does not implement update")
    }

    /// Calls `body` with each parameter of `group` that has a gradient, the gradient and the
    /// parameter's state, all contiguous and of the parameter's dtype (float32 or float64), then
    /// bumps the parameter's version counter.
    func forEachParameter(in group: ParamGroup, _ body: (_ param: Tensor, _ grad: Tensor, _ state: inout [String: Tensor]) -> Void) {
        for p in group.params {
            guard let grad = p.grad else { continue }
            check(p.dtype == .float32 || p.dtype == .float64,
                  "optimizers support float32 and float64 parameters, got \(p.dtype)")
            check(grad.shape == p.shape,
                  "the gradient has shape \(shapeString(grad.shape)) but the parameter has shape \(shapeString(p.shape))")
            let g = grad.dtype == p.dtype && grad.isContiguous ? grad : Optimizer.contiguousCopy(grad, p.dtype)
            let target = p.isContiguous ? p : Optimizer.contiguousCopy(p, p.dtype)
            body(target, g, &state[ObjectIdentifier(p), default: [:]])
            if target !== p { copyElements(from: target, to: p) }
            p.bumpVersion()
        }
    }

    /// The state tensor `key`, created shaped like `param` and filled with `fill` on first use.
    static func buffer(_ state: inout [String: Tensor], _ key: String, like param: Tensor, fill: Double = 0) -> Tensor {
        if let t = state[key] { return t }
        let t = Tensor.full(param.shape, fill, dtype: param.dtype)
        state[key] = t
        return t
    }

    /// Adds one to the state's `step` (a float32 scalar tensor, as in PyTorch) and returns it.
    static func incrementStep(_ state: inout [String: Tensor]) -> Double {
        let t = state["step"] ?? Tensor.zeros([], dtype: .float32)
        state["step"] = t
        let p = t.pointer(as: Float.self)
        p.pointee += 1
        return Double(p.pointee)
    }

    /// Options whose PyTorch default is a Python int, printed `0` rather than `0.0` when integral
    /// (a tuple's integral elements too).
    class var pythonIntegerOptions: Set<String> { ["weight_decay"] }

    /// The flags PyTorch's groups hold for features Ember does not take (`maximize`, `foreach`…),
    /// with the values PyTorch prints for them.
    class var unsupportedFlags: [String: String] {
        ["capturable": "False", "differentiable": "False", "foreach": "None", "maximize": "False"]
    }

    /// What `description` prints besides the groups' options: `unsupportedFlags`, and options
    /// PyTorch's groups hold that an optimizer keeps elsewhere (LBFGS's `line_search_fn`).
    var printedFlags: [String: String] { Self.unsupportedFlags }

    /// PyTorch's text: the class name, then each group's options sorted by name.
    /// PyTorch: `print(optimizer)` (`Optimizer.__repr__`).
    public var description: String {
        let integers = Self.pythonIntegerOptions
        func python(_ key: String, _ v: OptimizerValue) -> String {
            func number(_ d: Double) -> String {
                integers.contains(key) && d.rounded() == d && Swift.abs(d) < 1e15 ? "\(Int(d))" : "\(d)"
            }
            switch v {
            case .double(let d): return number(d)
            case .doubles(let ds): return "(" + ds.map(number).joined(separator: ", ") + ")"
            default: return v.description
            }
        }
        var text = "\(type(of: self)) ("
        for (i, group) in paramGroups.enumerated() {
            var lines = group.options.map { ($0.key, python($0.key, $0.value)) }
            for (key, value) in printedFlags where group.options[key] == nil { lines.append((key, value)) }
            text += (i == 0 ? "\n" : "\n\n") + "Parameter Group \(i)"
            for (key, value) in lines.sorted(by: { $0.0 < $1.0 }) { text += "\n    \(key): \(value)" }
        }
        return text + "\n)"
    }

    /// The gradient with weight decay `wd` applied as PyTorch's single-tensor optimizers do:
    /// `grad + wd · param` (L2), or, when `decoupled`, the parameter shrunk by `1 − lr · wd` in
    /// place and the gradient unchanged.
    static func weightDecayed(_ grad: Tensor, _ param: Tensor, wd: Double, lr: Double = 0, decoupled: Bool = false) -> Tensor {
        if wd == 0 { return grad }
        if decoupled {
            param.mul_(1 - lr * wd)
            return grad
        }
        return grad.add(param, alpha: wd)
    }

    /// PyTorch's checks of the Adam family's options (Adam, AdamW, Adamax, NAdam, RAdam), in its words.
    static func checkAdamOptions(lr: Double, eps: Double, betas: (Double, Double), weightDecay: Double) {
        check(lr >= 0, "Invalid learning rate: \(lr)")
        check(eps >= 0, "Invalid epsilon value: \(eps)")
        check(betas.0 >= 0 && betas.0 < 1, "Invalid beta parameter at index 0: \(betas.0)")
        check(betas.1 >= 0 && betas.1 < 1, "Invalid beta parameter at index 1: \(betas.1)")
        check(weightDecay >= 0, "Invalid weight_decay value: \(weightDecay)")
    }

    /// A fresh contiguous copy of `t` in `dtype`.
    static func contiguousCopy(_ t: Tensor, _ dtype: DType) -> Tensor {
        let c = Tensor.empty(t.shape, dtype: dtype)
        copyElements(from: t, to: c)
        return c
    }
}
