/// Holds parameters in a list, named `0`, `1`, …. PyTorch: `torch.nn.ParameterList`.
public final class ParameterList: Module, RandomAccessCollection {
    /// The tensors as parameters, in order. PyTorch: `nn.ParameterList(values)`.
    public init(_ parameters: [Tensor] = []) {
        super.init()
        for p in parameters { append(p) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { registeredTensors.count }

    /// The parameter at `index`; setting replaces it. PyTorch: `params[i]`.
    public subscript(index: Int) -> Tensor {
        get { registeredTensors[index].slot.tensor! }
        set { registeredTensors[index].slot.tensor = asParameter(newValue) }
    }

    /// Adds `parameter` at the end. PyTorch: `params.append(value)`.
    @discardableResult
    public func append(_ parameter: Tensor) -> Self {
        registerParameter(String(count), parameter)
        return self
    }

    public override var extraRepr: String {
        enumerated().map { "  (\($0.offset)): " + parameterSummary($0.element) }.joined(separator: "\n")
    }
}

/// Holds parameters by name in insertion order. PyTorch: `torch.nn.ParameterDict`.
public final class ParameterDict: Module {
    /// The named tensors as parameters, in order. PyTorch: `nn.ParameterDict(OrderedDict(...))`.
    public init(_ parameters: [(String, Tensor)] = []) {
        super.init()
        update(parameters)
    }

    /// The names in order. PyTorch: `params.keys()`.
    public var keys: [String] { registeredTensors.map(\.name) }
    /// The number of parameters. PyTorch: `len(params)`.
    public var count: Int { registeredTensors.count }

    /// The parameter named `key`; setting replaces it or adds it at the end, nil removes it.
    /// PyTorch: `params[key]`, `params[key] = p`, `del params[key]`.
    public subscript(key: String) -> Tensor? {
        get { registeredTensors.first { $0.name == key }?.slot.tensor }
        set {
            if let i = registeredTensors.firstIndex(where: { $0.name == key }) {
                if let newValue { registeredTensors[i].slot.tensor = asParameter(newValue) } else { registeredTensors.remove(at: i) }
            } else if let newValue {
                registerParameter(key, newValue)
            }
        }
    }

    /// Sets each named tensor as the subscript does, in order. PyTorch: `params.update(...)`.
    public func update(_ parameters: [(String, Tensor)]) {
        for (k, p) in parameters { self[k] = p }
    }

    /// Sets each entry of an unordered dictionary, in key order. PyTorch: `params.update(dict)`.
    public func update(_ parameters: [String: Tensor]) {
        update(parameters.keys.sorted().map { ($0, parameters[$0]!) })
    }

    public override var extraRepr: String {
        registeredTensors.map { "  (\($0.name)): " + parameterSummary($0.slot.tensor!, legacyType: true) }
            .joined(separator: "\n")
    }
}

/// `Parameter containing: [torch.float32 of size 3x4]`, as PyTorch's parameter containers print
/// their entries (`ParameterDict` with the legacy type name, `torch.FloatTensor`).
private func parameterSummary(_ t: Tensor, legacyType: Bool = false) -> String {
    "Parameter containing: [\(legacyType ? t.dtype.legacyName : "\(t.dtype)") of size \(t.shape.map(String.init).joined(separator: "x"))]"
}
