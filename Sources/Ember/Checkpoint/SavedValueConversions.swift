extension SavedValue {
    /// Values from literals: `["w": .tensor(w), "epoch": 3]`, `[.tensor(a), .tensor(b)]`.
    public init(_ tensor: Tensor) { self = .tensor(tensor) }

    /// An order-preserving list of tensors. PyTorch: `torch.save([a, b], path)`.
    public init(_ tensors: [Tensor]) { self = .list(tensors.map { .tensor($0) }) }

    /// A state dict: a dict of string keys to tensors, in order. PyTorch: `model.state_dict()`.
    public func stateDict() throws(SavedValueError) -> StateDict {
        guard case .dict(let pairs) = self else { throw SavedValueError("expected a state dict (a dict of str to Tensor), got a \(kindName)") }
        var out: [(String, Tensor)] = []
        var seen = Set<String>()
        for (key, value) in pairs {
            guard case .string(let name) = key, let t = value.tensor else {
                let keys = pairs.prefix(5).map(\.key.description).joined(separator: ", ")
                throw SavedValueError("expected a state dict (a dict of str to Tensor), but the entry \(key) is a \(value.kindName) (keys: \(keys)\(pairs.count > 5 ? ", ..." : ""))")
            }
            guard seen.insert(name).inserted else { throw SavedValueError("the state dict has the key '\(name)' twice") }
            out.append((name, t))
        }
        return StateDict(out)
    }

    /// An optimizer's state dict as PyTorch saves it: `{"state": {index: {name: tensor}},
    /// "param_groups": [{option: value, "params": [indices]}]}`. Options are written in key order
    /// with `params` last; Adam's `betas` are a tuple.
    public init(_ state: OptimizerState) {
        let perParameter: [(key: SavedValue, value: SavedValue)] = state.state.keys.sorted().map { index in
            let entries = state.state[index]!.sorted { $0.key < $1.key }
            return (.int(index), .dict(entries.map { (.string($0.key), .tensor($0.value)) }))
        }
        let groups: [SavedValue] = state.paramGroups.map { group in
            let options = group.filter { $0.key != "params" }.sorted { $0.key < $1.key }
            var pairs: [(key: SavedValue, value: SavedValue)] = options.map { (.string($0.key), SavedValue($0.value)) }
            if let params = group["params"] { pairs.append((.string("params"), SavedValue(params))) }
            return .dict(pairs)
        }
        self = .dict([(.string("state"), .dict(perParameter)), (.string("param_groups"), .list(groups))])
    }

    private init(_ option: OptimizerValue) {
        switch option {
        case .double(let v): self = .float(v)
        case .bool(let v): self = .bool(v)
        case .doubles(let v): self = .tuple(v.map { .float($0) })
        case .ints(let v): self = .list(v.map { .int($0) })
        case .states(let v):
            self = .list(v.map { state in .dict(state.sorted { $0.key < $1.key }.map { (.string($0.key), SavedValue($0.value)) }) })
        }
    }

    /// The optimizer state dict this value holds (as PyTorch's `optimizer.state_dict()` saves
    /// it), for `Optimizer.loadStateDict`. Ints become floats, tuples of numbers `doubles`;
    /// options PyTorch leaves `None` (`foreach`, `fused`) or sets to strings are dropped; a
    /// plain-number `step` (older PyTorch) becomes a scalar tensor.
    public func optimizerState() throws(SavedValueError) -> OptimizerState {
        guard case .dict(let perParameter)? = self["state"], case .list(let groups)? = self["param_groups"] else {
            throw SavedValueError("expected an optimizer state dict (a dict with 'state' and 'param_groups'), got \(kindName == "dict" ? "a dict without them" : "a \(kindName)")")
        }
        var state: [Int: [String: Tensor]] = [:]
        for (key, value) in perParameter {
            guard case .int(let index) = key, case .dict(let entries) = value else {
                throw SavedValueError("the optimizer state's entry \(key) is not an int key with a dict of values")
            }
            var tensors: [String: Tensor] = [:]
            for (name, item) in entries {
                guard case .string(let n) = name else { throw SavedValueError("the optimizer state of parameter \(index) has the key \(name)") }
                switch item {
                case .tensor(let t): tensors[n] = t
                case .int(let v): tensors[n] = Tensor(Double(v), dtype: .float32)
                case .float(let v): tensors[n] = Tensor(v, dtype: .float32)
                default: throw SavedValueError("the optimizer state '\(n)' of parameter \(index) is a \(item.kindName)")
                }
            }
            state[index] = tensors
        }
        var paramGroups: [[String: OptimizerValue]] = []
        for (i, group) in groups.enumerated() {
            guard case .dict(let options) = group else { throw SavedValueError("param_groups[\(i)] is a \(group.kindName), not a dict") }
            var out: [String: OptimizerValue] = [:]
            for (key, value) in options {
                guard case .string(let name) = key else { throw SavedValueError("param_groups[\(i)] has the key \(key)") }
                if name == "params" {
                    guard case .list(let items) = value, let ints = Self.ints(items) else {
                        throw SavedValueError("param_groups[\(i)]['params'] is not a list of ints")
                    }
                    out[name] = .ints(ints)
                    continue
                }
                switch value {
                case .float(let v): out[name] = .double(v)
                case .int(let v): out[name] = .double(Double(v))
                case .bool(let v): out[name] = .bool(v)
                case .tuple(let items), .list(let items):
                    guard let numbers = Self.doubles(items) else { throw SavedValueError("param_groups[\(i)]['\(name)'] is not a tuple of numbers") }
                    out[name] = .doubles(numbers)
                case .tensor(let t) where t.numel == 1: out[name] = .double(t.item())
                default: continue
                }
            }
            paramGroups.append(out)
        }
        return OptimizerState(state: state, paramGroups: paramGroups)
    }

    private static func ints(_ items: [SavedValue]) -> [Int]? {
        var out: [Int] = []
        for item in items {
            guard case .int(let v) = item else { return nil }
            out.append(v)
        }
        return out
    }

    private static func doubles(_ items: [SavedValue]) -> [Double]? {
        var out: [Double] = []
        for item in items {
            switch item {
            case .float(let v): out.append(v)
            case .int(let v): out.append(Double(v))
            default: return nil
            }
        }
        return out
    }
}

extension SavedValue: ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(arrayLiteral elements: SavedValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (SavedValue, SavedValue)...) { self = .dict(elements.map { (key: $0.0, value: $0.1) }) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .none }
}
