/// Builds the module list of `Sequential { ... }`, one module per line.
@resultBuilder
public enum SequentialBuilder {
    public static func buildExpression(_ module: Module) -> [Module] { [module] }
    public static func buildBlock(_ parts: [Module]...) -> [Module] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Module]?) -> [Module] { part ?? [] }
    public static func buildEither(first part: [Module]) -> [Module] { part }
    public static func buildEither(second part: [Module]) -> [Module] { part }
    public static func buildArray(_ parts: [[Module]]) -> [Module] { parts.flatMap { $0 } }
}

/// Runs its modules one after another, each on the previous one's output; they are named `0`,
/// `1`, … or by the names given. PyTorch: `torch.nn.Sequential`.
open class Sequential: Module {
    /// The modules in order, named `0`, `1`, …. PyTorch: `nn.Sequential(*modules)`.
    public convenience init(_ modules: Module...) { self.init(modules) }

    /// The modules in order, named `0`, `1`, ….
    public init(_ modules: [Module]) {
        super.init()
        for m in modules { append(m) }
    }

    /// Named modules in order; a repeated name stops. PyTorch: `nn.Sequential(OrderedDict([...]))`.
    public init(_ named: [(String, Module)]) {
        super.init()
        for (name, m) in named { registerModule(name, m) }
    }

    /// The modules listed in the builder closure, named `0`, `1`, ….
    public convenience init(@SequentialBuilder _ content: () -> [Module]) { self.init(content()) }

    /// The number of modules. PyTorch: `len(seq)`.
    public var count: Int { registeredModules.count }

    /// Adds `module` at the end, named by its position. PyTorch: `seq.append(module)`.
    @discardableResult
    public func append(_ module: Module) -> Self {
        registerModule(String(count), module)
        return self
    }

    /// The module at `index` (negative counts from the end); setting replaces it under its name.
    /// PyTorch: `seq[i]`.
    public subscript(index: Int) -> Module {
        get { registeredModules[position(index)].module }
        set { registeredModules[position(index)].module = newValue }
    }

    /// The modules in `range`, keeping their names. PyTorch: `seq[a:b]`.
    public subscript(range: Range<Int>) -> Sequential {
        check(range.lowerBound >= 0 && range.upperBound <= count,
              "Sequential: slice \(range) out of range for \(count) modules")
        return Sequential(registeredModules[range].map { ($0.name, $0.module) })
    }

    private func position(_ index: Int) -> Int {
        check(index >= -count && index < count, "index \(index) is out of range")
        return index < 0 ? index + count : index
    }

    /// Runs the modules in order. A batch norm followed by a `ReLU`, neither with forward hooks,
    /// runs as one fused op (`BatchNormLayer.callThenReLU`): the same values and gradients, one
    /// pass over the memory fewer each way; in evaluation without gradients, with a `Conv2d` after
    /// them, the three run as one pass and one convolution (`Conv2d.afterNormReLU`). A `Conv2d`
    /// followed by a batch norm (and a `ReLU` or `Hardtanh`) runs through `Conv2d.callThenNorm`: in
    /// evaluation, one convolution.
    open override func forward(_ input: Tensor) -> Tensor {
        let count = registeredModules.count
        var x = input, i = 0
        while i < count {
            let module = registeredModules[i].module
            if let conv = module as? Conv2d, i + 1 < count, let norm = registeredModules[i + 1].module as? BatchNormLayer {
                let next = i + 2 < count ? registeredModules[i + 2].module : nil
                let activation = next.flatMap { ConvActivation($0) == nil ? nil : $0 }
                x = conv.callThenNorm(x, norm, activation)
                i += activation == nil ? 2 : 3
                continue
            }
            if let norm = module as? BatchNormLayer, i + 1 < count,
               let relu = registeredModules[i + 1].module as? ReLU, relu.forwardHooks.isEmpty {
                if i + 2 < count, let conv = registeredModules[i + 2].module as? Conv2d, let y = conv.afterNormReLU(x, norm) {
                    x = y
                    i += 3
                } else {
                    x = norm.callThenReLU(x)
                    i += 2
                }
            } else {
                x = module(x)
                i += 1
            }
        }
        return x
    }
}
