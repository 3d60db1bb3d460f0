/// Named tensors in insertion order: a module's parameters and buffers as `stateDict()` lists
/// them, or what `loadStateDict` reads. PyTorch: the `OrderedDict[str, Tensor]` of `state_dict()`.
public struct StateDict: Sequence, ExpressibleByDictionaryLiteral {
    /// The keys in order.
    public private(set) var keys: [String] = []
    private var values: [String: Tensor] = [:]

    /// An empty state dict.
    public init() {}

    /// The pairs in order; a repeated key stops.
    public init(_ pairs: [(String, Tensor)]) {
        for (k, v) in pairs {
            check(values[k] == nil, "StateDict: duplicate key \"\(k)\"")
            self[k] = v
        }
    }

    /// The entries of an unordered dictionary, in key order (as loaded from a file).
    public init(_ dictionary: [String: Tensor]) {
        self.init(dictionary.keys.sorted().map { ($0, dictionary[$0]!) })
    }

    public init(dictionaryLiteral elements: (String, Tensor)...) { self.init(elements) }

    /// The tensor under `key`; setting a new key appends it, setting nil removes it.
    public subscript(key: String) -> Tensor? {
        get { values[key] }
        set {
            if newValue == nil { keys.removeAll { $0 == key } } else if values[key] == nil { keys.append(key) }
            values[key] = newValue
        }
    }

    /// The number of entries.
    public var count: Int { keys.count }

    /// The entries in order.
    public var items: [(key: String, value: Tensor)] { keys.map { ($0, values[$0]!) } }

    public func makeIterator() -> IndexingIterator<[(key: String, value: Tensor)]> { items.makeIterator() }
}

/// The keys a non-strict `loadStateDict` skipped. PyTorch: the `_IncompatibleKeys` it returns.
public struct IncompatibleKeys: Equatable, Sendable {
    /// Model keys the state dict lacked.
    public var missingKeys: [String]
    /// State dict keys the model lacks.
    public var unexpectedKeys: [String]
}

/// Why `loadStateDict` refused a state dict; the model is left unchanged. Its description is
/// PyTorch's `RuntimeError` text. PyTorch: the error of `load_state_dict`.
public struct LoadStateDictError: Error, CustomStringConvertible, Equatable {
    /// The class name of the module being loaded.
    public var moduleName: String
    /// Model keys the state dict lacks (reported when strict).
    public var missingKeys: [String]
    /// State dict keys the model lacks (reported when strict).
    public var unexpectedKeys: [String]
    /// Keys whose tensors differ in shape: `(key, shape in the state dict, shape in the model)`.
    public var sizeMismatches: [SizeMismatch]

    /// A tensor whose shape differs between the state dict and the model.
    public struct SizeMismatch: Equatable, Sendable {
        public var key: String
        public var checkpointShape: [Int]
        public var modelShape: [Int]
    }

    public var description: String {
        var messages: [String] = []
        func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
        if !missingKeys.isEmpty { messages.append("Missing key(s) in state_dict: \(quoted(missingKeys)). ") }
        if !unexpectedKeys.isEmpty { messages.append("Unexpected key(s) in state_dict: \(quoted(unexpectedKeys)). ") }
        for m in sizeMismatches {
            messages.append("size mismatch for \(m.key): copying a param with shape torch.Size(\(shapeString(m.checkpointShape))) from checkpoint, the shape in current model is torch.Size(\(shapeString(m.modelShape))).")
        }
        return "Error(s) in loading state_dict for \(moduleName):\n\t" + messages.joined(separator: "\n\t")
    }

    /// The problems in one line, for a command's error: the first one and a count of the rest.
    /// For example `missing key 'net.0.weight' (and 5 more: 3 missing keys, 2 size mismatches)`.
    /// Keys read from a file are quoted with control characters escaped, so it stays one line.
    public var summary: String {
        func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }
        let problems = missingKeys.map { "missing key '\($0.quotable)'" } + unexpectedKeys.map { "unexpected key '\($0.quotable)'" }
            + sizeMismatches.map { "size mismatch for '\($0.key.quotable)': \(shape($0.checkpointShape)) in the file, \(shape($0.modelShape)) in the model" }
        guard let first = problems.first else { return "the state dict does not fit \(moduleName)" }
        guard problems.count > 1 else { return first }
        var rest = [(missingKeys.count, "missing key"), (unexpectedKeys.count, "unexpected key"), (sizeMismatches.count, "size mismatch")]
        // The first problem is of the first kind that has any.
        if let k = rest.firstIndex(where: { $0.0 > 0 }) { rest[k].0 -= 1 }
        let counts = rest.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" + ($0.0 == 1 ? "" : $0.1 == "size mismatch" ? "es" : "s") }
        return first + " (and \(problems.count - 1) more: " + counts.joined(separator: ", ") + ")"
    }
}

extension Module {
    /// Parameters and persistent buffers of this module and below with dotted keys, each module's
    /// parameters then its buffers, then its children in order (a module used twice appears under
    /// both names). The tensors are detached aliases of the model's unless `keepVars`.
    /// PyTorch: `module.state_dict()`.
    public func stateDict(prefix: String = "", keepVars: Bool = false) -> StateDict {
        StateDict(stateSlots(prefix: prefix).map { ($0.0, keepVars ? $0.1.tensor! : $0.1.tensor!.detach()) })
    }

    /// The non-nil parameter and persistent buffer slots in `stateDict` order.
    private func stateSlots(prefix: String) -> [(String, TensorSlot)] {
        let own = ownState()
        let params = own.tensors.filter { !$0.1.isBuffer && $0.1.tensor != nil }
        let buffers = own.tensors.filter { $0.1.isBuffer && $0.1.persistent && $0.1.tensor != nil }
        return (params + buffers).map { (prefix + $0.0, $0.1) }
            + own.children.flatMap { $0.1.stateSlots(prefix: prefix + $0.0 + ".") }
    }

    /// Copies the tensors of `stateDict` into the parameters and buffers with the same keys
    /// (casting to each one's dtype), without recording for autograd. Throws, changing nothing,
    /// when a shape differs or, if `strict`, when keys are missing or unexpected; otherwise
    /// returns the keys it skipped. PyTorch: `module.load_state_dict(state_dict, strict)`.
    @discardableResult
    public func loadStateDict(_ stateDict: StateDict, strict: Bool = true) throws(LoadStateDictError) -> IncompatibleKeys {
        let slots = stateSlots(prefix: "")
        let modelKeys = Set(slots.map(\.0))
        let missing = slots.map(\.0).filter { stateDict[$0] == nil }
        let unexpected = stateDict.keys.filter { !modelKeys.contains($0) }
        var mismatches: [LoadStateDictError.SizeMismatch] = []
        for (key, slot) in slots {
            if let src = stateDict[key], let dst = slot.tensor, src.shape != dst.shape {
                mismatches.append(.init(key: key, checkpointShape: src.shape, modelShape: dst.shape))
            }
        }
        if !mismatches.isEmpty || strict && !(missing.isEmpty && unexpected.isEmpty) {
            throw LoadStateDictError(moduleName: typeName, missingKeys: strict ? missing : [],
                                     unexpectedKeys: strict ? unexpected : [], sizeMismatches: mismatches)
        }
        noGrad {
            for (key, slot) in slots {
                if let src = stateDict[key] { slot.tensor!.copy_(src) }
            }
        }
        return IncompatibleKeys(missingKeys: missing, unexpectedKeys: unexpected)
    }

    /// `loadStateDict` from an unordered dictionary (a loaded file); keys are reported sorted.
    @discardableResult
    public func loadStateDict(_ stateDict: [String: Tensor], strict: Bool = true) throws(LoadStateDictError) -> IncompatibleKeys {
        try loadStateDict(StateDict(stateDict), strict: strict)
    }
}
