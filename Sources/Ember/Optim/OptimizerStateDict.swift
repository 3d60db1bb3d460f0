extension Optimizer {
    /// A copy of the per-parameter state and the group options, parameters numbered across all
    /// groups in order. PyTorch: `optimizer.state_dict()` (whose tensors alias the live state;
    /// these are copies).
    public func stateDict() -> OptimizerState {
        var index: [ObjectIdentifier: Int] = [:]
        var groups: [[String: OptimizerValue]] = []
        for g in paramGroups {
            var options = g.options
            options["params"] = .ints(g.params.map { p in
                let i = index.count
                index[ObjectIdentifier(p)] = i
                return i
            })
            groups.append(options)
        }
        var saved: [Int: [String: Tensor]] = [:]
        for (id, s) in state {
            guard let i = index[id] else { continue }
            saved[i] = s.mapValues { Optimizer.contiguousCopy($0, $0.dtype) }
        }
        return OptimizerState(state: saved, paramGroups: groups)
    }

    /// Replaces the state and group options with copies of `dict`'s, matching parameters by
    /// position; tensors are cast to their parameter's dtype (`step` stays float32). Throws,
    /// leaving the optimizer unchanged, when the groups, their options or the shapes do not match
    /// (the first mismatch by parameter index, then key): every option the optimizer's group has
    /// must be in the saved group, of the same kind (and as many floats for a tuple), except
    /// flags, which a missing key sets to false: PyTorch's `__setstate__` does that for the flags
    /// later versions added (`decoupled_weight_decay`, `maximize`...), so older files load.
    /// PyTorch: `optimizer.load_state_dict(state_dict)`.
    public func loadStateDict(_ dict: OptimizerState) throws(OptimizerStateError) {
        guard dict.paramGroups.count == paramGroups.count else {
            throw .groupCountMismatch(expected: paramGroups.count, got: dict.paramGroups.count)
        }
        var params: [Int: Tensor] = [:]
        var groups = dict.paramGroups
        for (i, g) in paramGroups.enumerated() {
            for (key, value) in g.options where groups[i][key] == nil {
                if case .bool = value { groups[i][key] = .bool(false) }
            }
            let saved = groups[i]
            guard case .ints(let indices)? = saved["params"] else { throw .missingParams(group: i) }
            guard indices.count == g.params.count else {
                throw .groupSizeMismatch(group: i, expected: g.params.count, got: indices.count)
            }
            for (k, p) in zip(indices, g.params) { params[k] = p }
            for (key, value) in g.options.sorted(by: { $0.key < $1.key }) where !value.isSameKind(as: saved[key]) {
                throw .optionMismatch(group: i, key: key, expected: value, got: saved[key])
            }
        }
        var loaded: [ObjectIdentifier: [String: Tensor]] = [:]
        for (k, s) in dict.state.sorted(by: { $0.key < $1.key }) {
            guard let p = params[k] else { throw .unknownParameter(index: k) }
            var converted: [String: Tensor] = [:]
            for (key, t) in s.sorted(by: { $0.key < $1.key }) {
                if key == "step" {
                    converted[key] = Optimizer.contiguousCopy(t, .float32)
                } else {
                    guard t.shape == p.shape else { throw .shapeMismatch(index: k, key: key, expected: p.shape, got: t.shape) }
                    converted[key] = Optimizer.contiguousCopy(t, p.dtype)
                }
            }
            loaded[ObjectIdentifier(p)] = converted
        }
        state = loaded
        for i in paramGroups.indices {
            var options = groups[i]
            options["params"] = nil
            paramGroups[i].options = options
        }
    }
}
