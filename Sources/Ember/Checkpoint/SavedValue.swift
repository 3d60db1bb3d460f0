/// What `torch.save` saves and `torch.load` gives back: tensors, Python's plain values, and
/// lists, tuples and dicts of them, nested. Ember's `save(_:to:)` and `load(from:)` take and
/// give one, in PyTorch's `.pt` format, safetensors or NumPy's `.npz`.
///
/// Dicts keep their order (a state dict's keys stay in the module's order); their keys are
/// usually strings, or ints (an optimizer's `state` is keyed by parameter index).
public indirect enum SavedValue: CustomStringConvertible {
    /// Python's `None`.
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tensor(Tensor)
    case list([SavedValue])
    case tuple([SavedValue])
    /// A dict, in insertion order.
    case dict([(key: SavedValue, value: SavedValue)])

    /// The tensor, or nil for another kind of value.
    public var tensor: Tensor? { if case .tensor(let t) = self { t } else { nil } }

    /// The value under a string key of a dict, or nil. PyTorch: `obj["model"]`.
    public subscript(key: String) -> SavedValue? {
        guard case .dict(let pairs) = self else { return nil }
        return pairs.first { if case .string(key) = $0.key { true } else { false } }?.value
    }

    /// A state dict's tensors by key, in order. PyTorch: `model.state_dict()`.
    public init(_ stateDict: StateDict) {
        self = .dict(stateDict.keys.map { (.string($0), .tensor(stateDict[$0]!)) })
    }

    /// The kind of value, in Python's words (`dict`, `Tensor`, `int`...), for messages.
    public var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tensor: "Tensor"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        }
    }

    /// Python's spelling of the value, tensors printed as PyTorch prints them:
    /// `{'x': tensor([1., 1., 1.]), 'n': 3}`.
    public var description: String {
        switch self {
        case .none: "None"
        case .bool(let v): v ? "True" : "False"
        case .int(let v): "\(v)"
        case .float(let v): "\(v)"
        case .string(let v): "'\(v)'"
        case .bytes(let v): "b<\(v.count) bytes>"
        case .tensor(let t): "\(t)"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let items): "(" + items.map(\.description).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .dict(let pairs): "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}
