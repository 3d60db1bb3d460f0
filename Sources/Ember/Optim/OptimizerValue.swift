/// One option of a parameter group or one scalar of an optimizer's state dict, as PyTorch keeps
/// them in `param_groups` (`lr`, `betas`, `nesterov`, the group's parameter indices), or one entry
/// of a learning-rate scheduler's state dict (`last_epoch`, `base_lrs`, the chained schedulers'
/// state dicts).
public enum OptimizerValue: Sendable, Hashable, CustomStringConvertible, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral {
    case double(Double)
    case bool(Bool)
    /// A tuple of floats, such as Adam's `betas`.
    case doubles([Double])
    /// A list of indices, such as a saved group's `params`.
    case ints([Int])
    /// A list of state dicts, such as `SequentialLR`'s `_schedulers`.
    indirect case states([[String: OptimizerValue]])

    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// The number; stops when the value is not a float.
    public var double: Double {
        guard case .double(let v) = self else { fatalError("optimizer option \(self) is not a float") }
        return v
    }
    /// The flag; stops when the value is not a bool.
    public var bool: Bool {
        guard case .bool(let v) = self else { fatalError("optimizer option \(self) is not a bool") }
        return v
    }
    /// The tuple; stops when the value is not a list of floats.
    public var doubles: [Double] {
        guard case .doubles(let v) = self else { fatalError("optimizer option \(self) is not a tuple of floats") }
        return v
    }
    /// Whether `other` is a value of the same case (for tuples, of the same length), so an
    /// optimizer reading it as this one finds what it expects.
    func isSameKind(as other: OptimizerValue?) -> Bool {
        switch (self, other) {
        case (.double, .double?), (.bool, .bool?), (.ints, .ints?), (.states, .states?): true
        case (.doubles(let a), .doubles(let b)?): a.count == b.count
        default: false
        }
    }

    /// The indices; stops when the value is not a list of ints.
    public var ints: [Int] {
        guard case .ints(let v) = self else { fatalError("optimizer option \(self) is not a list of ints") }
        return v
    }

    /// The state dicts; stops when the value is not a list of them.
    public var states: [[String: OptimizerValue]] {
        guard case .states(let v) = self else { fatalError("optimizer option \(self) is not a list of state dicts") }
        return v
    }

    /// Python's spelling, as PyTorch prints the group: `0.001`, `True`, `(0.9, 0.999)`, `[0, 1]`,
    /// `[{'last_epoch': 3.0}]` (keys sorted).
    public var description: String {
        switch self {
        case .double(let v): "\(v)"
        case .bool(let v): v ? "True" : "False"
        case .doubles(let v): "(" + v.map { "\($0)" }.joined(separator: ", ") + ")"
        case .ints(let v): "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .states(let v):
            "[" + v.map { "{" + $0.sorted { $0.key < $1.key }.map { "'\($0.key)': \($0.value)" }.joined(separator: ", ") + "}" }
                .joined(separator: ", ") + "]"
        }
    }
}

/// Parameters optimized together with their own options. PyTorch: an entry of
/// `optimizer.param_groups`, a dict with `params` and options by PyTorch's names.
///
/// Options left out take the optimizer's defaults when the group is added; schedulers add their
/// own keys (`initial_lr`, `max_lr`, …), as in PyTorch.
public struct ParamGroup: Sendable {
    /// The parameters. PyTorch: `group["params"]`.
    public var params: [Tensor]
    /// The options by PyTorch's names: `lr`, `weight_decay`, `momentum`, `betas`, `eps`, ….
    public var options: [String: OptimizerValue]

    /// A group with its own options; absent ones come from the optimizer's defaults.
    /// PyTorch: `{"params": params, "lr": lr, ...}`.
    public init(_ params: [Tensor], options: [String: OptimizerValue] = [:]) {
        self.params = params
        self.options = options
    }

    /// A group overriding the most common options. PyTorch: `{"params": params, "lr": lr, ...}`.
    public init(_ params: [Tensor], lr: Double? = nil, weightDecay: Double? = nil, momentum: Double? = nil,
                betas: (Double, Double)? = nil, eps: Double? = nil) {
        self.init(params)
        if let lr { options["lr"] = .double(lr) }
        if let weightDecay { options["weight_decay"] = .double(weightDecay) }
        if let momentum { options["momentum"] = .double(momentum) }
        if let betas { options["betas"] = .doubles([betas.0, betas.1]) }
        if let eps { options["eps"] = .double(eps) }
    }

    /// One option by PyTorch's name. PyTorch: `group[key]`.
    public subscript(key: String) -> OptimizerValue? {
        get { options[key] }
        set { options[key] = newValue }
    }

    /// The learning rate. PyTorch: `group["lr"]`.
    public var lr: Double {
        get { options["lr"]?.double ?? 0 }
        set { options["lr"] = .double(newValue) }
    }

    /// A float option; stops when it is missing.
    func double(_ key: String) -> Double {
        guard let v = options[key] else { fatalError("parameter group has no option \"\(key)\"") }
        return v.double
    }

    /// A bool option; stops when it is missing.
    func bool(_ key: String) -> Bool {
        guard let v = options[key] else { fatalError("parameter group has no option \"\(key)\"") }
        return v.bool
    }
}
