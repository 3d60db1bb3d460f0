/// A value on the unpickler's stack or in its memo. Containers are boxes, as Python's objects
/// are references: a list put in the memo and appended to later is one list. The machine keeps
/// every box it makes and empties them all when it is done, so releasing the graph never
/// recurses, however deep or cyclic a crafted pickle made it.
enum PickleObject {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits (LONG1), two's complement little-endian.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleContainer)
    case list(PickleContainer)
    case dict(PickleDict)
    /// An allowed global (a callable, a class, a storage type or a dtype), by its full name.
    case global(String)
    /// A storage from the file's records, typed as the pickle names it.
    case storage(TypedStorage)
    case tensor(Tensor)

    /// Python's type name, for messages.
    var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let name): name
        case .storage: "storage"
        case .tensor: "Tensor"
        }
    }
}

/// A tuple's or list's items.
final class PickleContainer {
    var items: [PickleObject]
    init(_ items: [PickleObject] = []) { self.items = items }
}

/// A dict's pairs in insertion order, with an index by key so that setting an existing key
/// replaces its value, as Python does.
final class PickleDict {
    var pairs: [(key: PickleObject, value: PickleObject)] = []
    /// Made by `collections.OrderedDict` (whose attributes BUILD may set), not a plain `{}`.
    let ordered: Bool
    private var index: [PickleKey: Int] = [:]

    init(ordered: Bool = false) { self.ordered = ordered }

    func set(_ key: PickleObject, _ value: PickleObject) throws(PickleError) {
        var budget = PickleKey.maxNodes
        let hashed = try PickleKey(key, depth: 0, budget: &budget)
        if let at = index[hashed] {
            pairs[at].value = value
        } else {
            index[hashed] = pairs.count
            pairs.append((key, value))
        }
    }
}

/// A dict key as Python hashes it: `True`, `1` and `1.0` are one key.
enum PickleKey: Hashable {
    case none
    case int(Int)
    case bigInt([UInt8])
    case float(UInt64)
    case string(String)
    case bytes([UInt8])
    case global(String)
    case tuple([PickleKey])

    /// The most values one key may hold (a tuple key sharing its items through the memo would
    /// otherwise take exponential time to hash).
    static let maxNodes = 10_000

    init(_ object: PickleObject, depth: Int, budget: inout Int) throws(PickleError) {
        budget -= 1
        guard budget >= 0 else { throw PickleError(.damaged, "a dict key holds more than \(Self.maxNodes) values") }
        switch object {
        case .none: self = .none
        case .bool(let v): self = .int(v ? 1 : 0)
        case .int(let v): self = .int(v)
        case .float(let v):
            if let exact = Int(exactly: v) { self = .int(exact) } else { self = .float((v == 0 ? 0 : v).bitPattern) }
        case .string(let v): self = .string(v)
        case .bytes(let v): self = .bytes(v)
        case .bigInt(let v): self = .bigInt(v)
        case .tuple(let t):
            guard depth < 100 else { throw PickleError(.damaged, "a dict key is nested more than 100 tuples deep") }
            var items: [PickleKey] = []
            for item in t.items { items.append(try PickleKey(item, depth: depth + 1, budget: &budget)) }
            self = .tuple(items)
        case .global(let name): self = .global(name)
        default: throw PickleError(.damaged, "unhashable type: '\(object.kindName)' as a dict key")
        }
    }
}

/// A storage record and the dtype the pickle reads it as; a legacy file's storage view starts
/// `offset` elements into its root storage.
struct TypedStorage {
    let storage: Storage
    let dtype: DType
    let offset: Int
    /// Elements of `dtype` the storage (or view) holds.
    let count: Int

    init(_ storage: Storage, dtype: DType, offset: Int = 0, count: Int? = nil) {
        self.storage = storage
        self.dtype = dtype
        self.offset = offset
        self.count = count ?? storage.byteCount / dtype.itemSize
    }
}

/// Why a pickle was not loaded; the checkpoint reader adds the file's name.
struct PickleError: Error {
    let kind: SerializationError.Kind
    let reason: String
    init(_ kind: SerializationError.Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}

extension String {
    /// The string as a message may quote it: control characters escaped, at most 80 characters
    /// (names and keys from a file may hold anything).
    var quotable: String {
        let escaped = unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
        return escaped.count > 80 ? escaped.prefix(77) + "..." : escaped
    }
}
