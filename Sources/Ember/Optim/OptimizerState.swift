/// An optimizer's state in the layout of PyTorch's `optimizer.state_dict()`, ready for a
/// checkpoint writer: per-parameter tensors keyed by the parameter's index across all groups in
/// order (`state[0]["exp_avg"]`, `state[0]["step"]`), and each group's options with its parameter
/// indices under `params` (`paramGroups[0]["lr"]`, `paramGroups[0]["params"]`).
///
/// Tensors are copies: later steps do not change a state dict already taken.
public struct OptimizerState: Sendable {
    /// Per-parameter state by parameter index. PyTorch: `state_dict()["state"]`.
    public var state: [Int: [String: Tensor]]
    /// Group options by PyTorch's names, `params` holding indices. PyTorch: `state_dict()["param_groups"]`.
    public var paramGroups: [[String: OptimizerValue]]

    public init(state: [Int: [String: Tensor]], paramGroups: [[String: OptimizerValue]]) {
        self.state = state
        self.paramGroups = paramGroups
    }
}

/// Why `Optimizer.loadStateDict` refused a state dict; the optimizer is left unchanged.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    /// The dict has another number of groups than the optimizer.
    case groupCountMismatch(expected: Int, got: Int)
    /// A group lacks its `params` list of indices.
    case missingParams(group: Int)
    /// A group holds another number of parameters than the optimizer's group.
    case groupSizeMismatch(group: Int, expected: Int, got: Int)
    /// State for a parameter index the groups do not list.
    case unknownParameter(index: Int)
    /// A state tensor whose shape differs from its parameter's (a scalar `step` excepted).
    case shapeMismatch(index: Int, key: String, expected: [Int], got: [Int])
    /// A group option the optimizer uses is missing, or of another kind (a float where a flag
    /// is expected, two betas where there should be three…).
    case optionMismatch(group: Int, key: String, expected: OptimizerValue, got: OptimizerValue?)

    public var description: String {
        switch self {
        case .groupCountMismatch(let e, let g):
            "loaded state dict has a different number of parameter groups (\(g), optimizer has \(e))"
        case .missingParams(let i):
            "loaded state dict's parameter group \(i) has no \"params\" list"
        case .groupSizeMismatch(let i, let e, let g):
            "loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group \(i): \(g) parameters, optimizer has \(e))"
        case .unknownParameter(let i):
            "loaded state dict has state for parameter \(i), which no parameter group lists"
        case .shapeMismatch(let i, let k, let e, let g):
            "loaded state dict's state[\(i)][\"\(k)\"] has shape \(shapeString(g)), but the parameter has shape \(shapeString(e))"
        case .optionMismatch(let i, let k, let e, let g):
            "loaded state dict's parameter group \(i) " + (g.map { "has \"\(k)\" = \($0), which is not like the optimizer's \(e)" } ?? "has no \"\(k)\" option")
        }
    }
}
