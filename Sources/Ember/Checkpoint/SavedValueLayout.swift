/// How a `SavedValue` is laid out in formats that hold only named tensors (safetensors, `.npz`):
/// every tensor under the dotted path of dict keys and list indices that leads to it
/// (`state.0.exp_avg`, as Ember's own checkpoints name them), and the whole structure (the
/// containers, the non-tensor values, which key each tensor is under) as JSON in the file's
/// metadata, so the value comes back as it was saved.
enum SavedValueLayout {
    /// The metadata key holding the structure.
    static let structureKey = "ember.structure"

    /// Tensor keys the formats keep for themselves.
    static let reservedKeys: Set<String> = ["__metadata__", structureKey]

    /// A value's tensors by dotted key, and its structure as JSON: nil when the value is
    /// already a dict of string keys to tensors, which the keys say all of (each stored under
    /// its key). Otherwise a tensor reached twice (tied weights) is stored once.
    static func flatten(_ value: SavedValue) throws(SavedValueError) -> (tensors: [(String, Tensor)], structure: String?) {
        if case .dict(let pairs) = value {
            var flat: [(String, Tensor)] = []
            for (key, item) in pairs {
                guard case .string(let name) = key, let t = item.tensor else { break }
                flat.append((name, t))
            }
            if flat.count == pairs.count {
                if let reserved = flat.first(where: { reservedKeys.contains($0.0) }) {
                    throw SavedValueError("the key '\(reserved.0)' is reserved by the file format")
                }
                return (flat, nil)
            }
        }
        var tensors: [(String, Tensor)] = []
        var keyOf: [ObjectIdentifier: String] = [:]
        var used = Set<String>()
        // The structure's JSON nesting (2 levels per list or tuple, 3 per dict) must stay within
        // what the metadata's reader accepts.
        func walk(_ v: SavedValue, _ path: [String], _ depth: Int) throws(SavedValueError) -> String {
            guard depth < HeaderJSON.maxDepth - 3 else {
                throw SavedValueError("the value nests containers too deeply for the file's metadata (at '\(path.joined(separator: "."))')")
            }
            switch v {
            case .none: return "null"
            case .bool(let b): return b ? "true" : "false"
            case .int(let n): return "{\"int\":\(n)}"
            case .float(let d): return "{\"float\":\"\(d)\"}"
            case .string(let s): return "{\"str\":" + HeaderJSON.quoted(s) + "}"
            case .bytes(let b): return "{\"bytes\":\"" + b.map { String($0, radix: 16).leftPadded(2) }.joined() + "\"}"
            case .tensor(let t):
                if let key = keyOf[ObjectIdentifier(t)] { return "{\"tensor\":" + HeaderJSON.quoted(key) + "}" }
                let key = path.isEmpty ? "tensor" : path.joined(separator: ".")
                guard !reservedKeys.contains(key) else { throw SavedValueError("the key '\(key)' is reserved by the file format") }
                guard used.insert(key).inserted else { throw SavedValueError("two tensors would both be stored under the key '\(key)'") }
                keyOf[ObjectIdentifier(t)] = key
                tensors.append((key, t))
                return "{\"tensor\":" + HeaderJSON.quoted(key) + "}"
            case .list(let items), .tuple(let items):
                var parts: [String] = []
                for (i, item) in items.enumerated() { parts.append(try walk(item, path + [String(i)], depth + 2)) }
                if case .list = v { return "{\"list\":[" + parts.joined(separator: ",") + "]}" }
                return "{\"tuple\":[" + parts.joined(separator: ",") + "]}"
            case .dict(let pairs):
                var parts: [String] = []
                for (k, item) in pairs {
                    let name: String
                    switch k {
                    case .string(let s): name = s
                    case .int(let n): name = String(n)
                    default: name = k.description
                    }
                    parts.append("[" + (try walk(k, path, depth + 3)) + "," + (try walk(item, path + [name], depth + 3)) + "]")
                }
                return "{\"dict\":[" + parts.joined(separator: ",") + "]}"
            }
        }
        let structure = try walk(value, [], 0)
        return (tensors, structure)
    }

    /// The value that `flatten` laid out: rebuilt from `structure`, or, without one, a dict of
    /// the tensors by key in file order.
    static func unflatten(_ tensors: [(String, Tensor)], structure: String?) throws(SavedValueError) -> SavedValue {
        guard let structure else { return .dict(tensors.map { (.string($0.0), .tensor($0.1)) }) }
        let json: HeaderJSON
        switch Array(structure.utf8).withUnsafeBytes({ raw in Result { () throws(HeaderJSONError) in try HeaderJSON.parse(raw) } }) {
        case .success(let parsed): json = parsed
        case .failure(let error): throw SavedValueError("the '\(structureKey)' metadata is not valid JSON: \(error.message)")
        }
        var rebuilder = Rebuilder(tensors)
        let value = try rebuilder.build(json)
        if let extra = rebuilder.unused.sorted().first {
            throw SavedValueError("the tensor '\(extra)' is in the file but not in its '\(structureKey)' metadata")
        }
        return value
    }

    /// Builds values from the structure's JSON, taking tensors by key.
    private struct Rebuilder {
        var byKey: [String: Tensor] = [:]
        /// The keys no tensor entry has named yet.
        var unused: Set<String>

        init(_ tensors: [(String, Tensor)]) {
            for (key, t) in tensors { byKey[key] = t }
            unused = Set(byKey.keys)
        }

        private func bad(_ what: String) -> SavedValueError { SavedValueError("the '\(structureKey)' metadata is damaged: \(what)") }

        mutating func build(_ j: HeaderJSON) throws(SavedValueError) -> SavedValue {
            switch j {
            case .null: return .none
            case .bool(let b): return .bool(b)
            case .object(let members):
                guard members.count == 1 else { throw bad("an object with \(members.count) members") }
                return try tagged(members[0].key, members[0].value)
            default: throw bad("a bare \(j.kindName)")
            }
        }

        private mutating func tagged(_ tag: String, _ body: HeaderJSON) throws(SavedValueError) -> SavedValue {
            switch tag {
            case "int":
                if case .integer(let n) = body, let v = Int(exactly: n) { return .int(v) }
                if case .number(let text) = body, let v = Int(text) { return .int(v) }
            case "float":
                if case .string(let text) = body, let v = Double(text) { return .float(v) }
            case "str":
                if case .string(let s) = body { return .string(s) }
            case "bytes":
                if case .string(let hex) = body, let bytes = Self.bytes(hex) { return .bytes(bytes) }
            case "tensor":
                if case .string(let key) = body {
                    guard let t = byKey[key] else { throw bad("it names a tensor '\(key)' the file does not hold") }
                    unused.remove(key)
                    return .tensor(t)
                }
            case "list", "tuple":
                if case .array(let items) = body {
                    var values: [SavedValue] = []
                    for item in items { values.append(try build(item)) }
                    return tag == "list" ? .list(values) : .tuple(values)
                }
            case "dict":
                if case .array(let items) = body {
                    var pairs: [(key: SavedValue, value: SavedValue)] = []
                    for item in items {
                        guard case .array(let pair) = item, pair.count == 2 else { throw bad("a dict entry that is not a [key, value] pair") }
                        pairs.append((try build(pair[0]), try build(pair[1])))
                    }
                    return .dict(pairs)
                }
            default: break
            }
            throw bad("an entry tagged '\(tag)' holding \(body.kindName)")
        }

        /// Bytes from hex digits, two per byte.
        private static func bytes(_ hex: String) -> [UInt8]? {
            let digits = Array(hex.utf8)
            guard digits.count % 2 == 0 else { return nil }
            var out: [UInt8] = []
            for i in stride(from: 0, to: digits.count, by: 2) {
                guard let b = UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
                out.append(b)
            }
            return out
        }
    }
}

/// A saved value that is not what the caller asked for, or whose layout is damaged.
public struct SavedValueError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

private extension String {
    /// Pads with leading zeros to `width` characters.
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
