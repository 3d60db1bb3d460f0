/// Ember's own unpickler for PyTorch checkpoints, modelled on PyTorch's weights-only unpickler
/// (`torch.load(weights_only=True)`): it runs the protocol-2 opcodes that one runs and calls
/// nothing but the rebuild functions of `TorchGlobals`, executing no code from the file. A global
/// or opcode outside PyTorch's allowed set is refused as unsafe, with an error naming it; the few
/// things PyTorch allows that no state dict uses (NEWOBJ of allowlisted classes, BUILD on a
/// tensor, sparse or quantized tensors) are refused as unsupported.
///
/// Every read is bounds-checked; a pickle makes at most `maxContainers` containers, and the
/// value it returns is at most `maxDepth` containers deep and holds at most `maxValues` values
/// (a pickle can share one list many times through its memo, which a value type would copy out
/// exponentially).
struct Unpickler {
    /// Loads a storage from a persistent id (`BINPERSID`): PyTorch's
    /// `('storage', storage type, key, location, numel[, view])`.
    let persistentLoad: (PickleObject) throws(PickleError) -> PickleObject
    /// The most nested containers a loaded value may have.
    static let maxDepth = 1000
    /// The most lists, tuples and dicts one pickle may make (a few bytes of opcodes each).
    static let maxContainers = 16_000_000

    /// Unpickles the pickle at the start of `bytes`; returns its value and the bytes it took.
    func load(_ bytes: UnsafeRawBufferPointer, maxValues: Int) throws(PickleError) -> (value: SavedValue, length: Int) {
        var machine = Machine(bytes: bytes, persistentLoad: persistentLoad)
        defer { machine.dismantle() }
        let result = try machine.run()
        var budget = maxValues
        return (try Self.saved(result, depth: 0, budget: &budget), machine.at)
    }

    /// The loaded object as a `SavedValue`.
    private static func saved(_ object: PickleObject, depth: Int, budget: inout Int) throws(PickleError) -> SavedValue {
        budget -= 1
        guard budget >= 0 else { throw PickleError(.damaged, "the pickle expands to too many values (shared containers repeated?)") }
        guard depth <= maxDepth else {
            throw PickleError(.damaged, "the pickle nests containers more than \(maxDepth) deep, or a container holds itself")
        }
        switch object {
        case .none: return .none
        case .bool(let v): return .bool(v)
        case .int(let v): return .int(v)
        case .bigInt(let v): throw PickleError(.unsupported, "an integer of \(v.count) bytes does not fit in 64 bits")
        case .float(let v): return .float(v)
        case .string(let v): return .string(v)
        case .bytes(let v): return .bytes(v)
        case .tensor(let t): return .tensor(t)
        case .tuple(let c), .list(let c):
            var items: [SavedValue] = []
            for item in c.items { items.append(try saved(item, depth: depth + 1, budget: &budget)) }
            if case .tuple = object { return .tuple(items) }
            return .list(items)
        case .dict(let d):
            var pairs: [(key: SavedValue, value: SavedValue)] = []
            for (k, v) in d.pairs {
                pairs.append((try saved(k, depth: depth + 1, budget: &budget), try saved(v, depth: depth + 1, budget: &budget)))
            }
            return .dict(pairs)
        case .global(let name):
            // A dtype saved as a value (`{"dtype": torch.float32}`) comes back as its name.
            guard TorchGlobals.dtype(name) != nil else { throw PickleError(.unsupported, "the global \(name) saved as a value") }
            return .string(name)
        case .storage: throw PickleError(.unsupported, "a bare storage saved as a value (save the tensor instead)")
        }
    }
}

/// The pickle virtual machine: a stack, marks, a memo, and the opcodes.
private struct Machine {
    let bytes: UnsafeRawBufferPointer
    let persistentLoad: (PickleObject) throws(PickleError) -> PickleObject
    var at = 0
    var stack: [PickleObject] = []
    var marks: [Int] = []
    var memo: [UInt32: PickleObject] = [:]
    /// Every container made, so `dismantle` can empty them all.
    var containers: [PickleContainer] = []
    var dicts: [PickleDict] = []

    init(bytes: UnsafeRawBufferPointer, persistentLoad: @escaping (PickleObject) throws(PickleError) -> PickleObject) {
        self.bytes = bytes
        self.persistentLoad = persistentLoad
    }

    mutating func run() throws(PickleError) -> PickleObject {
        while true {
            let start = at
            let op = try byte()
            switch op {
            case 0x80: _ = try byte()  // PROTO
            case 0x2E:  // STOP
                return try pop(start)
            case 0x63: try global(start)  // GLOBAL
            case 0x52:  // REDUCE
                let args = try pop(start), callable = try pop(start)
                stack.append(try call(callable, args, start, depth: 0))
            case 0x62:  // BUILD
                _ = try pop(start)  // An OrderedDict's attributes (a state dict's `_metadata`) are not items.
                guard case .dict(let d) = try top(start), d.ordered else {
                    throw PickleError(.refused, "Can only build Tensor, Parameter, OrderedDict or types allowlisted, but got \(try top(start).kindName) (BUILD at byte \(start))")
                }
            case 0x61:  // APPEND
                let item = try pop(start)
                try list(start).items.append(item)
            case 0x65:  // APPENDS
                let items = try popMark(start)
                try list(start).items += items
            case 0x73:  // SETITEM
                let value = try pop(start), key = try pop(start)
                try targetDict(start).set(key, value)
            case 0x75:  // SETITEMS
                let items = try popMark(start)
                guard items.count % 2 == 0 else { throw damaged("SETITEMS at byte \(start) has an odd number of items") }
                let target = try targetDict(start)
                for i in stride(from: 0, to: items.count, by: 2) { try target.set(items[i], items[i + 1]) }
            case 0x28: marks.append(stack.count)  // MARK
            case 0x74: stack.append(.tuple(try container(try popMark(start))))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let n = Int(op - 0x84)
                guard stack.count - n >= (marks.last ?? 0) else { throw damaged("TUPLE\(n) at byte \(start) needs \(n) items on the stack") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(.tuple(try container(items)))
            case 0x4E: stack.append(.none)  // NONE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x29: stack.append(.tuple(try container([])))  // EMPTY_TUPLE
            case 0x5D, 0x8F: stack.append(.list(try container([])))  // EMPTY_LIST, EMPTY_SET (a set comes back as a list)
            case 0x7D: stack.append(.dict(try dict(ordered: false)))  // EMPTY_DICT
            case 0x4A: stack.append(.int(Int(Int32(bitPattern: try u32()))))  // BININT
            case 0x4B: stack.append(.int(Int(try byte())))  // BININT1
            case 0x4D: stack.append(.int(Int(try u16())))  // BININT2
            case 0x47: stack.append(.float(Double(bitPattern: try u64().byteSwapped)))  // BINFLOAT, big-endian
            case 0x58:  // BINUNICODE
                let n = Int(try u32())
                let raw = try take(n)
                guard let s = String(validating: raw, as: UTF8.self) else { throw damaged("the string at byte \(start) is not valid UTF-8") }
                stack.append(.string(s))
            case 0x55:  // SHORT_BINSTRING, decoded as UTF-8 as torch.load does
                let raw = try take(Int(try byte()))
                guard let s = String(validating: raw, as: UTF8.self) else { throw damaged("the byte string at byte \(start) is not valid UTF-8") }
                stack.append(.string(s))
            case 0x51:  // BINPERSID
                stack.append(try persistentLoad(try pop(start)))
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let key = op == 0x68 ? UInt32(try byte()) : try u32()
                guard let value = memo[key] else { throw damaged("memo entry \(key) read at byte \(start) was never stored") }
                stack.append(value)
            case 0x71, 0x72:  // BINPUT, LONG_BINPUT
                let key = op == 0x71 ? UInt32(try byte()) : try u32()
                memo[key] = try top(start)
            case 0x8A:  // LONG1
                let raw = Array(try take(Int(try byte())))
                stack.append(Self.long(raw))
            default:
                throw PickleError(.refused, "Unsupported operand \(op) (\(Self.opcodeName(op))) at byte \(start): torch.load(weights_only=True) does not run it")
            }
        }
    }

    /// Empties every container the pickle made, so that releasing the object graph never
    /// recurses through a deep or cyclic one: each container is still held here while its items
    /// are dropped.
    mutating func dismantle() {
        stack = []
        memo = [:]
        for c in containers { c.items = [] }
        for d in dicts { d.pairs = [] }
    }

    /// A new tuple's or list's box, counted.
    private mutating func container(_ items: [PickleObject]) throws(PickleError) -> PickleContainer {
        guard containers.count + dicts.count < Unpickler.maxContainers else {
            throw damaged("the pickle makes more than \(Unpickler.maxContainers) containers")
        }
        let c = PickleContainer(items)
        containers.append(c)
        return c
    }

    /// A new dict, counted.
    private mutating func dict(ordered: Bool) throws(PickleError) -> PickleDict {
        guard containers.count + dicts.count < Unpickler.maxContainers else {
            throw damaged("the pickle makes more than \(Unpickler.maxContainers) containers")
        }
        let d = PickleDict(ordered: ordered)
        dicts.append(d)
        return d
    }

    // MARK: - Globals and calls

    private mutating func global(_ start: Int) throws(PickleError) {
        var module = try line(start), name = try line(start)
        if module == "__builtin__" { module = "builtins" }  // Python 2's name, as pickle maps it
        let full = module + "." + name
        if TorchGlobals.rebuilt.contains(full) || TorchGlobals.storageDType(full) != nil || TorchGlobals.dtype(full) != nil {
            stack.append(.global(full))
        } else if TorchGlobals.allowedByPyTorch(full) {
            throw PickleError(.unsupported, "GLOBAL \(full) (which PyTorch's weights-only loader allows) has no Ember counterpart")
        } else {
            throw PickleError(.refused, "Unsupported global: GLOBAL \(full) was not an allowed global by default; nothing was run")
        }
    }

    /// REDUCE: calls an allowed callable (`depth` counts `_rebuild_from_type_v2` calls nested in
    /// its arguments, at most a few).
    private mutating func call(_ callable: PickleObject, _ args: PickleObject, _ start: Int, depth: Int) throws(PickleError) -> PickleObject {
        guard case .global(let name) = callable else {
            throw PickleError(.refused, "REDUCE at byte \(start) calls a \(callable.kindName), which is not an allowed function")
        }
        guard case .tuple(let argBox) = args else { throw damaged("REDUCE at byte \(start) has arguments that are not a tuple") }
        let a = argBox.items
        func fail(_ why: String) -> PickleError { PickleError(.damaged, "\(name) at byte \(start): \(why)") }
        switch name {
        case "collections.OrderedDict", "collections.Counter":
            let d = try dict(ordered: true)
            if let first = a.first {
                guard a.count == 1 else { throw fail("takes at most one argument") }
                switch first {
                case .dict(let source): for (k, v) in source.pairs { try d.set(k, v) }
                case .list(let c), .tuple(let c):
                    for pair in c.items {
                        guard case .tuple(let p) = pair, p.items.count == 2 else { throw fail("expects (key, value) pairs") }
                        try d.set(p.items[0], p.items[1])
                    }
                default: throw fail("cannot make a dict of a \(first.kindName)")
                }
            }
            return .dict(d)
        case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
            guard name.hasSuffix("v2") ? (6...7).contains(a.count) : a.count == 4 else { throw fail("takes \(name.hasSuffix("v2") ? "6 or 7" : "4") arguments, got \(a.count)") }
            let tensor = try rebuildTensor(a[0], a[1], a[2], a[3], fail)
            if a.count > 4, case .bool(true) = a[4] { try setRequiresGrad(tensor, fail) }
            return .tensor(tensor)
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard a.count == (name.hasSuffix("state") ? 4 : 3), case .tensor(let t) = a[0], case .bool(let requiresGrad) = a[1] else {
                throw fail("expects (tensor, requires_grad, hooks\(name.hasSuffix("state") ? ", state" : ""))")
            }
            if requiresGrad { try setRequiresGrad(t, fail) }
            return .tensor(t)
        case "torch._tensor._rebuild_from_type_v2":
            guard a.count == 4, case .global(let type) = a[1], type == "torch.Tensor" || type == "torch.nn.parameter.Parameter",
                  case .tuple(let inner) = a[2] else {
                throw fail("expects (function, torch.Tensor or Parameter, arguments, state)")
            }
            guard depth < 4 else { throw fail("nests more than 4 rebuilds") }
            return try call(a[0], .tuple(inner), start, depth: depth + 1)
        case "torch.Size":
            guard a.count == 1, case .tuple(let dims) = a[0], dims.items.allSatisfy({ if case .int = $0 { true } else { false } }) else {
                throw fail("expects a tuple of ints")
            }
            return .tuple(dims)
        case "torch.device":
            guard case .string(let type)? = a.first, a.count <= 2 else { throw fail("expects a device name") }
            if a.count == 2, case .int(let index) = a[1] { return .string("\(type):\(index)") }
            return .string(type)
        case "_codecs.encode":
            guard a.count == 2, case .string(let text) = a[0], case .string(let encoding) = a[1],
                  ["latin1", "latin-1", "iso-8859-1"].contains(encoding.lowercased()) else {
                throw fail("expects (str, 'latin1')")
            }
            var out: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw fail("the text has a character outside latin-1") }
                out.append(UInt8(scalar.value))
            }
            return .bytes(out)
        case "builtins.bytearray":
            if a.isEmpty { return .bytes([]) }
            guard a.count == 1, case .bytes(let b) = a[0] else { throw fail("expects bytes") }
            return .bytes(b)
        case "builtins.set":
            if a.isEmpty { return .list(try container([])) }
            guard a.count == 1, case .list(let items) = a[0] else { throw fail("expects a list") }
            return .list(try container(items.items))
        default:
            throw PickleError(.refused, "REDUCE at byte \(start) calls \(name), which is not a function")
        }
    }

    /// `_rebuild_tensor_v2`'s tensor: a view of the storage, checked to lie inside it.
    private func rebuildTensor(_ storage: PickleObject, _ offset: PickleObject, _ size: PickleObject, _ stride: PickleObject,
                               _ fail: (String) -> PickleError) throws(PickleError) -> Tensor {
        guard case .storage(let s) = storage else { throw fail("the first argument is a \(storage.kindName), not a storage") }
        guard case .int(let offset) = offset, offset >= 0 else { throw fail("the storage offset is not a non-negative int") }
        func ints(_ value: PickleObject, _ what: String) throws(PickleError) -> [Int] {
            guard case .tuple(let c) = value else { throw fail("the \(what) is not a tuple") }
            var out: [Int] = []
            for item in c.items {
                guard case .int(let v) = item, v >= 0 else { throw fail("the \(what) holds something other than non-negative ints") }
                out.append(v)
            }
            return out
        }
        let shape = try ints(size, "size"), strides = try ints(stride, "stride")
        guard shape.count == strides.count else { throw fail("size \(shapeString(shape)) and stride \(shapeString(strides)) differ in length") }
        guard let count = Tensor.addressableCount(shape, itemSize: s.dtype.itemSize) else { throw fail("size \(shapeString(shape)) is too large") }
        // The last element read: offset + Σ (size - 1) · stride, which must lie in the storage.
        var last = offset
        if count > 0 {
            for (n, st) in zip(shape, strides) {
                let (step, o1) = (n - 1).multipliedReportingOverflow(by: st)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw fail("size \(shapeString(shape)) with stride \(shapeString(strides)) overflows") }
                last = sum
            }
            guard last < s.count else {
                throw fail("size \(shapeString(shape)), stride \(shapeString(strides)) and offset \(offset) reach element \(last) of a storage of \(s.count)")
            }
        }
        return Tensor(storage: s.storage, shape: shape, strides: strides, offset: count > 0 ? s.offset + offset : 0, dtype: s.dtype)
    }

    private func setRequiresGrad(_ t: Tensor, _ fail: (String) -> PickleError) throws(PickleError) {
        guard t.dtype.isFloatingPoint else { throw fail("a \(t.dtype) tensor cannot require gradients") }
        t.requiresGrad = true
    }

    // MARK: - Stack

    private mutating func pop(_ start: Int) throws(PickleError) -> PickleObject {
        guard stack.count > (marks.last ?? 0) else { throw damaged("the stack is empty at byte \(start)") }
        return stack.removeLast()
    }

    private func top(_ start: Int) throws(PickleError) -> PickleObject {
        guard stack.count > (marks.last ?? 0), let last = stack.last else { throw damaged("the stack is empty at byte \(start)") }
        return last
    }

    /// The items pushed since the last MARK, which is removed.
    private mutating func popMark(_ start: Int) throws(PickleError) -> [PickleObject] {
        guard let mark = marks.popLast() else { throw damaged("no MARK before byte \(start)") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func list(_ start: Int) throws(PickleError) -> PickleContainer {
        guard case .list(let c) = try top(start) else {
            throw PickleError(.refused, "Can only append to lists, but got \(try top(start).kindName) (byte \(start))")
        }
        return c
    }

    private func targetDict(_ start: Int) throws(PickleError) -> PickleDict {
        guard case .dict(let d) = try top(start) else {
            throw PickleError(.refused, "Can only SETITEM for dict, but got \(try top(start).kindName) (byte \(start))")
        }
        return d
    }

    // MARK: - Reading

    private func damaged(_ reason: String) -> PickleError { PickleError(.damaged, reason) }

    private mutating func take(_ n: Int) throws(PickleError) -> UnsafeRawBufferPointer {
        guard n <= bytes.count - at else { throw damaged("the pickle ends early (truncated?)") }
        defer { at += n }
        return UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)])
    }

    private mutating func byte() throws(PickleError) -> UInt8 { try take(1)[0] }
    private mutating func u16() throws(PickleError) -> UInt16 { ByteReader(try take(2)).u16(0) }
    private mutating func u32() throws(PickleError) -> UInt32 { ByteReader(try take(4)).u32(0) }
    private mutating func u64() throws(PickleError) -> UInt64 { ByteReader(try take(8)).u64(0) }

    /// A newline-terminated name of at most 256 bytes (GLOBAL's module and name).
    private mutating func line(_ start: Int) throws(PickleError) -> String {
        let rest = bytes.count - at
        guard let end = (0..<min(rest, 257)).first(where: { bytes[at + $0] == 0x0A }) else {
            throw damaged("GLOBAL at byte \(start) has no name line")
        }
        let raw = try take(end + 1)
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: raw[..<(raw.startIndex + end)]), as: UTF8.self) else {
            throw damaged("GLOBAL at byte \(start) names something in invalid UTF-8")
        }
        return text
    }

    /// LONG1's integer (little-endian two's complement), as an Int when it fits.
    private static func long(_ raw: [UInt8]) -> PickleObject {
        guard !raw.isEmpty else { return .int(0) }
        guard raw.count <= 8 else { return .bigInt(raw) }
        var value = UInt64(0)
        for (i, b) in raw.enumerated() { value |= UInt64(b) << (8 * i) }
        let bits = 8 * raw.count
        if bits < 64 && raw.last! & 0x80 != 0 { value |= ~UInt64(0) << bits }  // sign-extend
        return .int(Int(Int64(bitPattern: value)))
    }

    /// The name of a pickle opcode this unpickler does not run, for its message.
    private static func opcodeName(_ op: UInt8) -> String {
        let names: [UInt8: String] = [
            0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x69: "INST", 0x6F: "OBJ", 0x93: "STACK_GLOBAL", 0x50: "PERSID",
            0x8C: "SHORT_BINUNICODE", 0x8D: "BINUNICODE8", 0x8E: "BINBYTES8", 0x42: "BINBYTES", 0x43: "SHORT_BINBYTES",
            0x94: "MEMOIZE", 0x95: "FRAME", 0x6C: "LIST", 0x64: "DICT", 0x49: "INT", 0x4C: "LONG", 0x46: "FLOAT",
            0x53: "STRING", 0x56: "UNICODE", 0x54: "BINSTRING", 0x8B: "LONG4", 0x70: "PUT", 0x67: "GET", 0x30: "POP",
            0x31: "POP_MARK", 0x32: "DUP", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
            0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
        ]
        return names[op] ?? "0x" + String(op, radix: 16)
    }
}
