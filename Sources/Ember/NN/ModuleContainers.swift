/// Holds modules in a list, named `0`, `1`, …, so their parameters are found; it has no forward
/// of its own. PyTorch: `torch.nn.ModuleList`.
public final class ModuleList: Module, RandomAccessCollection {
    /// The modules in order. PyTorch: `nn.ModuleList(modules)`.
    public init(_ modules: [Module] = []) {
        super.init()
        for m in modules { append(m) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { registeredModules.count }

    /// The module at `index`; setting replaces it. PyTorch: `modules[i]`.
    public subscript(index: Int) -> Module {
        get { registeredModules[index].module }
        set { registeredModules[index].module = newValue }
    }

    /// Adds `module` at the end. PyTorch: `modules.append(module)`.
    @discardableResult
    public func append(_ module: Module) -> Self {
        registerModule(String(count), module)
        return self
    }

    /// Adds `modules` at the end. PyTorch: `modules.extend(iterable)`.
    @discardableResult
    public func extend(_ modules: [Module]) -> Self {
        for m in modules { append(m) }
        return self
    }

    /// Inserts `module` before `index`, renumbering the rest. PyTorch: `modules.insert(index, module)`.
    public func insert(_ module: Module, at index: Int) {
        var all = registeredModules.map(\.module)
        all.insert(module, at: index)
        registeredModules = all.enumerated().map { (String($0.offset), $0.element) }
    }

    /// Consecutive identical layers fold into one `(first-last): n x Layer(...)` line, as PyTorch
    /// prints a `ModuleList`.
    override func childReprLines() -> [String] {
        var blocks: [(start: Int, end: Int, repr: String)] = []
        for (i, m) in enumerated() {
            let r = m.description
            if let last = blocks.last, last.repr == r { blocks[blocks.count - 1].end = i } else { blocks.append((i, i, r)) }
        }
        return blocks.map { b in
            indented(b.start == b.end ? "(\(b.start)): \(b.repr)" : "(\(b.start)-\(b.end)): \(b.end - b.start + 1) x \(b.repr)")
        }
    }
}

/// Holds modules by name in insertion order. PyTorch: `torch.nn.ModuleDict`.
public final class ModuleDict: Module {
    /// The named modules in order (a repeated name replaces the earlier module, as in `update`).
    /// PyTorch: `nn.ModuleDict(OrderedDict(...))`.
    public init(_ modules: [(String, Module)] = []) {
        super.init()
        update(modules)
    }

    /// The names in order. PyTorch: `modules.keys()`.
    public var keys: [String] { registeredModules.map(\.name) }
    /// The modules in order. PyTorch: `modules.values()`.
    public var values: [Module] { registeredModules.map(\.module) }
    /// The entries in order. PyTorch: `modules.items()`.
    public var items: [(String, Module)] { registeredModules.map { ($0.name, $0.module) } }
    /// The number of modules. PyTorch: `len(modules)`.
    public var count: Int { registeredModules.count }

    /// The module named `key`; setting replaces it or adds it at the end, nil removes it.
    /// PyTorch: `modules[key]`, `modules[key] = m`, `del modules[key]`.
    public subscript(key: String) -> Module? {
        get { registeredModules.first { $0.name == key }?.module }
        set {
            if let i = registeredModules.firstIndex(where: { $0.name == key }) {
                if let newValue { registeredModules[i].module = newValue } else { registeredModules.remove(at: i) }
            } else if let newValue {
                registerModule(key, newValue)
            }
        }
    }

    /// Sets each named module as the subscript does. PyTorch: `modules.update(...)`.
    public func update(_ modules: [(String, Module)]) {
        for (k, m) in modules { self[k] = m }
    }
}
