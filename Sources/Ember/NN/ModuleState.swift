import Foundation

/// A reference box holding one parameter or buffer of a module, so that the reflective walk can
/// read and replace the tensor behind a property wrapper (`Mirror` hands out copies of values,
/// but a box's identity is shared with the module).
public class TensorSlot {
    /// The tensor, nil for an optional one that is absent (`bias: false`).
    var tensor: Tensor?
    /// Whether this is a buffer rather than a parameter.
    let isBuffer: Bool
    /// Whether `stateDict()` includes this tensor (always, for parameters).
    let persistent: Bool

    init(_ tensor: Tensor?, isBuffer: Bool, persistent: Bool = true) {
        self.tensor = tensor
        self.isBuffer = isBuffer
        self.persistent = persistent
    }
}

/// What a parameter or buffer property may hold: a tensor, or an optional one.
public protocol TensorSlotValue {
    /// The value for a slot's tensor.
    static func fromSlot(_ tensor: Tensor?) -> Self
    /// The tensor this value holds, if any.
    var slotTensor: Tensor? { get }
}

extension Tensor: TensorSlotValue {
    public static func fromSlot(_ tensor: Tensor?) -> Tensor { tensor! }
    public var slotTensor: Tensor? { self }
}

extension Optional: TensorSlotValue where Wrapped == Tensor {
    public static func fromSlot(_ tensor: Tensor?) -> Tensor? { tensor }
    public var slotTensor: Tensor? { self }
}

/// Marks a module property as a learnable parameter: it is listed by `parameters()` and
/// `namedParameters()` under the property's name and saved in `stateDict()`. A tensor assigned to
/// it becomes a leaf that requires grad, as wrapping it in `nn.Parameter` does.
/// PyTorch: `nn.Parameter` attributes (`register_parameter`).
@propertyWrapper
public final class Parameter<Value: TensorSlotValue>: TensorSlot {
    public var wrappedValue: Value {
        get { Value.fromSlot(tensor) }
        set { tensor = newValue.slotTensor.map(asParameter) }
    }

    public init(wrappedValue: Value) { super.init(wrappedValue.slotTensor.map(asParameter), isBuffer: false) }
}

/// A tensor as a parameter: a leaf (detached if it had history) that requires grad when it can.
func asParameter(_ t: Tensor) -> Tensor {
    let leaf = t.isLeaf ? t : t.detach()
    if leaf.dtype.isFloatingPoint && !leaf.requiresGrad { leaf.requiresGrad = true }
    return leaf
}

/// Marks a module property as a buffer: state that is not learned (running statistics), listed
/// by `buffers()` and saved in `stateDict()` unless not `persistent`.
/// PyTorch: `module.register_buffer(name, tensor, persistent=True)`.
@propertyWrapper
public final class Buffer<Value: TensorSlotValue>: TensorSlot {
    public var wrappedValue: Value {
        get { Value.fromSlot(tensor) }
        set { tensor = newValue.slotTensor }
    }

    public init(wrappedValue: Value, persistent: Bool = true) {
        super.init(wrappedValue.slotTensor, isBuffer: true, persistent: persistent)
    }
}

/// A reference box for a child-module property, read afresh on every walk.
public class ChildSlot {
    /// The modules the property holds, named relative to the property: `""` for a single module,
    /// the index for an array, the key (sorted) for a dictionary.
    func entries() -> [(String, Module)] { [] }
}

/// Marks a module property holding a submodule, an optional one, an array of them (named `0`,
/// `1`, …) or a dictionary of them (named by key, in key order). Plain `let`/`var` properties
/// of these types are found too; the wrapper makes the intent explicit. PyTorch: module
/// attributes (`register_module`).
@propertyWrapper
public final class Child<Value>: ChildSlot {
    public var wrappedValue: Value
    public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }
    override func entries() -> [(String, Module)] { moduleEntries(wrappedValue) }
}

/// The modules in a property value, named relative to the property (see `ChildSlot.entries`);
/// empty when the value holds no modules.
func moduleEntries(_ value: Any) -> [(String, Module)] {
    if let m = value as? Module { return [("", m)] }
    if let a = value as? [Module] { return a.enumerated().map { (String($0.offset), $0.element) } }
    if let d = value as? [String: Module] { return d.keys.sorted().map { ($0, d[$0]!) } }
    return []
}

/// A Swift property name in PyTorch's spelling, so that state dict keys match PyTorch's
/// (`runningMean` → `running_mean`, `fc1Weight` → `fc1_weight`, `qkvProj` and `QKVProj` →
/// `qkv_proj`): an underscore before each uppercase letter that starts a word, then lowercase.
func snakeCase(_ name: String) -> String {
    let chars = Array(name)
    var out = ""
    for (i, c) in chars.enumerated() {
        if c.isUppercase && i > 0 {
            let prev = chars[i - 1]
            let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
            if prev.isLowercase || prev.isNumber || (prev.isUppercase && nextIsLower) { out.append("_") }
        }
        out += c.lowercased()
    }
    return out
}

/// One stateful stored property of a module class, found once per class by reflection.
enum StateProperty {
    /// A `@Parameter` or `@Buffer` box.
    case tensor(name: String)
    /// A `@Child` box, or a plain property holding modules.
    case modules(name: String)
}

/// The stateful stored properties of each module class, by class, in declaration order
/// (superclass properties first), with each property's position in its class's `Mirror`.
/// Filled once per class; read under a lock because modules may be built on several threads.
final class StatePropertyCache: @unchecked Sendable {
    static let shared = StatePropertyCache()
    private let lock = NSLock()
    private var byClass: [ObjectIdentifier: [[(offset: Int, property: StateProperty)]]] = [:]

    /// For each class level from the topmost `Module` subclass down to `module`'s own class, the
    /// positions and kinds of its stateful properties.
    func properties(of module: Module, levels: [Mirror]) -> [[(offset: Int, property: StateProperty)]] {
        let key = ObjectIdentifier(type(of: module))
        lock.lock()
        defer { lock.unlock() }
        if let cached = byClass[key] { return cached }
        let found = levels.map { mirror in
            mirror.children.enumerated().compactMap { offset, child -> (offset: Int, property: StateProperty)? in
                guard let label = child.label else { return nil }
                let name = snakeCase(label.hasPrefix("_") ? String(label.dropFirst()) : label)
                if child.value is TensorSlot { return (offset, .tensor(name: name)) }
                if child.value is ChildSlot { return (offset, .modules(name: name)) }
                // Plain properties: modules, arrays and dictionaries of them, and optionals,
                // which may be nil in the first instance seen.
                let style = Mirror(reflecting: child.value).displayStyle
                if child.value is Module || child.value is [Module] || child.value is [String: Module]
                    || style == .optional {
                    return (offset, .modules(name: name))
                }
                return nil
            }
        }
        byClass[key] = found
        return found
    }
}
