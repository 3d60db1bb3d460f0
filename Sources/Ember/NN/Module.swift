/// Base class of neural-network layers and models. PyTorch: `torch.nn.Module`.
///
/// Subclasses declare their state as properties: `@Parameter var weight: Tensor`,
/// `@Buffer var runningMean: Tensor`, and submodules as `@Child` or plain properties (a module,
/// an optional one, or an array or dictionary of them). Reflection finds them in declaration
/// order, so `namedParameters()` gives PyTorch's keys (`features.0.weight`) with no registration
/// list; camelCase property names are spelled snake_case (`runningMean` → `running_mean`) so that
/// keys match PyTorch's checkpoints. Override `forward(_:)` (or `forward(_:_:)` for two inputs) and call the module.
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (dropout active, batch statistics used).
    /// PyTorch: `module.training`.
    public internal(set) var training = true

    /// Tensors added by name at run time (`registerParameter`, `registerBuffer`), after the
    /// declared ones.
    var registeredTensors: [(name: String, slot: TensorSlot)] = []
    /// Modules added by name at run time (`registerModule`: the containers), after the declared ones.
    var registeredModules: [(name: String, module: Module)] = []
    /// Forward hooks with the ids their handles remove them by.
    var forwardHooks: [(id: Int, hook: ForwardHook)] = []
    private var nextHookID = 0

    public init() {}

    // MARK: - Forward

    /// The computation of a one-input module; subclasses override it. PyTorch: `module.forward`.
    open func forward(_ input: Tensor) -> Tensor {
        check(false, "Module [\(typeName)] is missing the required \"forward\" function")
        return input
    }

    /// The computation of a two-input module (a loss, `Bilinear`); subclasses override it.
    open func forward(_ input: Tensor, _ other: Tensor) -> Tensor {
        check(false, "Module [\(typeName)] is missing the required \"forward\" function for two inputs")
        return input
    }

    /// The computation of a three-input module (a triplet or ranking loss); subclasses override it.
    open func forward(_ input: Tensor, _ second: Tensor, _ third: Tensor) -> Tensor {
        check(false, "Module [\(typeName)] is missing the required \"forward\" function for three inputs")
        return input
    }

    /// Runs `forward(input)`, then the forward hooks. PyTorch: `module(input)`.
    public func callAsFunction(_ input: Tensor) -> Tensor { runHooks([input], forward(input)) }

    /// Runs `forward(input, other)`, then the forward hooks. PyTorch: `module(input, target)`.
    public func callAsFunction(_ input: Tensor, _ other: Tensor) -> Tensor {
        runHooks([input, other], forward(input, other))
    }

    /// Runs `forward(input, second, third)`, then the forward hooks. PyTorch: `module(a, b, c)`.
    public func callAsFunction(_ input: Tensor, _ second: Tensor, _ third: Tensor) -> Tensor {
        runHooks([input, second, third], forward(input, second, third))
    }

    /// `output` passed through the forward hooks, which see `inputs`; a module whose call takes or
    /// gives a state tuple (the recurrent layers) passes its tensors and its main output.
    func runHooks(_ inputs: [Tensor], _ output: Tensor) -> Tensor {
        var out = output
        for (_, hook) in forwardHooks { out = hook(self, inputs, out) ?? out }
        return out
    }

    /// A hook run after `forward` with the module, its inputs and its output; a non-nil result
    /// replaces the output. PyTorch: the `hook(module, args, output)` of `register_forward_hook`.
    public typealias ForwardHook = (Module, [Tensor], Tensor) -> Tensor?

    /// Adds a hook run after every forward call; the handle removes it.
    /// PyTorch: `module.register_forward_hook(hook)`.
    @discardableResult
    public func registerForwardHook(_ hook: @escaping ForwardHook) -> RemovableHandle {
        let id = nextHookID
        nextHookID += 1
        forwardHooks.append((id, hook))
        return RemovableHandle { [weak self] in self?.forwardHooks.removeAll { $0.id == id } }
    }

    // MARK: - Own state

    /// This module's own parameters and buffers (not its children's), then its direct children,
    /// each in declaration order followed by those registered at run time.
    func ownState() -> (tensors: [(String, TensorSlot)], children: [(String, Module)]) {
        var levels: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror, ObjectIdentifier(m.subjectType) != ObjectIdentifier(Module.self) {
            levels.append(m)
            mirror = m.superclassMirror
        }
        levels.reverse()
        var tensors: [(String, TensorSlot)] = [], children: [(String, Module)] = []
        for (m, properties) in zip(levels, StatePropertyCache.shared.properties(of: self, levels: levels)) {
            let all = m.children
            for (offset, property) in properties {
                let value = all[all.index(all.startIndex, offsetBy: offset)].value
                switch property {
                case .tensor(let name):
                    tensors.append((name, value as! TensorSlot))
                case .modules(let name):
                    let entries = (value as? ChildSlot)?.entries() ?? moduleEntries(value)
                    children += entries.map { ($0.0.isEmpty ? name : name + "." + $0.0, $0.1) }
                }
            }
        }
        return (tensors + registeredTensors.map { ($0.name, $0.slot) },
                children + registeredModules.map { ($0.name, $0.module) })
    }

    /// Every name this module already uses for a parameter, buffer or child.
    private var ownNames: Set<String> {
        let own = ownState()
        return Set(own.tensors.map(\.0) + own.children.map(\.0))
    }

    private func checkNewName(_ name: String, _ what: String) {
        check(!name.isEmpty, "\(typeName): \(what) name can't be empty string \"\"")
        check(!name.contains("."), "\(typeName): \(what) name can't contain \".\", got \"\(name)\"")
        check(!ownNames.contains(name), "\(typeName): attribute '\(name)' already exists")
    }

    /// Adds a child module under `name`, stopping if the name is taken. PyTorch: `module.add_module`
    /// / `register_module` (which PyTorch lets replace a child; here that is a programmer error).
    public func registerModule(_ name: String, _ module: Module) {
        checkNewName(name, "module")
        registeredModules.append((name, module))
    }

    /// Adds a parameter under `name`, stopping if the name is taken. PyTorch: `module.register_parameter`.
    public func registerParameter(_ name: String, _ tensor: Tensor?) {
        checkNewName(name, "parameter")
        registeredTensors.append((name, TensorSlot(tensor.map(asParameter), isBuffer: false)))
    }

    /// Adds a buffer under `name`, stopping if the name is taken. PyTorch: `module.register_buffer`.
    public func registerBuffer(_ name: String, _ tensor: Tensor?, persistent: Bool = true) {
        checkNewName(name, "buffer")
        registeredTensors.append((name, TensorSlot(tensor, isBuffer: true, persistent: persistent)))
    }

    // MARK: - Traversal

    /// The direct children with their names, each module once. PyTorch: `module.named_children()`.
    public func namedChildren() -> [(String, Module)] {
        var seen = Set<ObjectIdentifier>()
        return ownState().children.filter { seen.insert(ObjectIdentifier($0.1)).inserted }
    }

    /// The direct children. PyTorch: `module.children()`.
    public func children() -> [Module] { namedChildren().map(\.1) }

    /// This module and all below it, depth first, with dotted names (`""` for this module).
    /// A module reachable twice is listed once unless `removeDuplicate` is false.
    /// PyTorch: `module.named_modules()`.
    public func namedModules(prefix: String = "", removeDuplicate: Bool = true) -> [(String, Module)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Module)] = []
        func visit(_ m: Module, _ name: String) {
            if removeDuplicate && !seen.insert(ObjectIdentifier(m)).inserted { return }
            out.append((name, m))
            for (childName, child) in m.ownState().children {
                visit(child, name.isEmpty ? childName : name + "." + childName)
            }
        }
        visit(self, prefix)
        return out
    }

    /// This module and all below it. PyTorch: `module.modules()`.
    public func modules() -> [Module] { namedModules().map(\.1) }

    /// Parameters or buffers of this module (and below, when `recurse`), each tensor once.
    private func namedTensors(buffers: Bool, prefix: String, recurse: Bool) -> [(String, Tensor)] {
        let owners = recurse ? namedModules(prefix: prefix) : [(prefix, self)]
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Tensor)] = []
        for (moduleName, m) in owners {
            for (name, slot) in m.ownState().tensors where slot.isBuffer == buffers {
                guard let t = slot.tensor, seen.insert(ObjectIdentifier(t)).inserted else { continue }
                out.append((moduleName.isEmpty ? name : moduleName + "." + name, t))
            }
        }
        return out
    }

    /// Parameters with PyTorch's dotted names (`conv.0.weight`), each shared tensor once.
    /// PyTorch: `module.named_parameters()`.
    public func namedParameters(prefix: String = "", recurse: Bool = true) -> [(String, Tensor)] {
        namedTensors(buffers: false, prefix: prefix, recurse: recurse)
    }

    /// The learnable parameters, each shared tensor once. PyTorch: `module.parameters()`.
    public func parameters(recurse: Bool = true) -> [Tensor] { namedParameters(recurse: recurse).map(\.1) }

    /// Buffers with dotted names. PyTorch: `module.named_buffers()`.
    public func namedBuffers(prefix: String = "", recurse: Bool = true) -> [(String, Tensor)] {
        namedTensors(buffers: true, prefix: prefix, recurse: recurse)
    }

    /// The buffers. PyTorch: `module.buffers()`.
    public func buffers(recurse: Bool = true) -> [Tensor] { namedBuffers(recurse: recurse).map(\.1) }

    /// The number of parameter elements, shared tensors counted once; only those requiring grad
    /// when `trainableOnly`. PyTorch: `sum(p.numel() for p in model.parameters())`.
    public func numParameters(trainableOnly: Bool = false) -> Int {
        parameters().filter { !trainableOnly || $0.requiresGrad }.reduce(0) { $0 + $1.numel }
    }

    // MARK: - Whole-model operations

    /// Calls `fn` on every submodule, children first, then on this module. PyTorch: `module.apply(fn)`.
    @discardableResult
    public func apply(_ fn: (Module) -> Void) -> Self {
        for child in children() { child.apply(fn) }
        fn(self)
        return self
    }

    /// Sets training mode on this module and all below it. PyTorch: `module.train(mode)`.
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        for m in modules() { m.training = mode }
        return self
    }

    /// Sets evaluation mode (`train(false)`). PyTorch: `module.eval()`.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Clears the parameters' gradients: drops them (`setToNone`) or zeroes them in place.
    /// PyTorch: `module.zero_grad(set_to_none=True)`.
    public func zeroGrad(setToNone: Bool = true) {
        for p in parameters() {
            if setToNone { p.grad = nil } else if let g = p.grad { noGrad { _ = g.detach().zero_() } }
        }
    }

    /// Sets whether autograd records operations on the parameters. PyTorch: `module.requires_grad_(flag)`.
    @discardableResult
    public func requiresGrad_(_ requiresGrad: Bool = true) -> Self {
        for p in parameters() { p.requiresGrad = requiresGrad }
        return self
    }

    /// Casts the floating-point parameters and buffers (and gradients) to `dtype`; integer
    /// buffers such as `num_batches_tracked` keep theirs. Tied tensors stay tied.
    /// PyTorch: `module.to(dtype)`.
    @discardableResult
    public func to(_ dtype: DType) -> Self {
        check(dtype.isFloatingPoint, "nn.Module.to only accepts floating point dtypes, but got desired dtype=\(dtype)")
        var converted: [ObjectIdentifier: Tensor] = [:]
        for m in modules() {
            for (_, slot) in m.ownState().tensors {
                guard let t = slot.tensor, t.dtype.isFloatingPoint, t.dtype != dtype else { continue }
                if let done = converted[ObjectIdentifier(t)] { slot.tensor = done; continue }
                let new = noGrad { t.to(dtype).detach() }
                if !slot.isBuffer { new.requiresGrad = t.requiresGrad }
                new.grad = t.grad.map { g in noGrad { g.to(dtype).detach() } }
                converted[ObjectIdentifier(t)] = new
                slot.tensor = new
            }
        }
        return self
    }

    /// The module's own settings in its printed form (`in_features=784, out_features=256, bias=True`);
    /// empty by default. PyTorch: `module.extra_repr()`.
    open var extraRepr: String { "" }

    /// One `(name): repr` line per child, nested lines indented by two spaces; `ModuleList`
    /// overrides it to fold repeated layers.
    func childReprLines() -> [String] {
        ownState().children.map { "(\($0.0)): " + indented($0.1.description) }
    }

    /// The class name, as PyTorch prints it.
    public var typeName: String { String(describing: type(of: self)) }
}

/// Removes the hook it was returned for. PyTorch: `torch.utils.hooks.RemovableHandle`.
public final class RemovableHandle {
    private var action: (() -> Void)?
    init(_ action: @escaping () -> Void) { self.action = action }

    /// Removes the hook; later calls do nothing. PyTorch: `handle.remove()`.
    public func remove() {
        action?()
        action = nil
    }
}
