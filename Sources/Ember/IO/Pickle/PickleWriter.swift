/// Writes a `SavedValue` as a protocol-2 pickle in the shape `torch.save` gives it, which
/// `torch.load(weights_only=True)` reads: tensors as `torch._utils._rebuild_tensor_v2` calls on
/// a persistent id naming their storage, bytes as `_codecs.encode`, globals memoized.
struct PickleWriter {
    /// The persistent id of a tensor's storage: its storage type (`FloatStorage`), key and
    /// element count.
    let storageID: (Tensor) -> (type: String, key: String, count: Int)
    private(set) var bytes: [UInt8] = [0x80, 0x02]
    private var globals: [String: Int] = [:]

    init(storageID: @escaping (Tensor) -> (type: String, key: String, count: Int)) {
        self.storageID = storageID
    }

    /// Appends `value` and the STOP opcode.
    mutating func finish(_ value: SavedValue) {
        write(value)
        bytes.append(0x2E)
    }

    private mutating func write(_ value: SavedValue) {
        switch value {
        case .none: bytes.append(0x4E)
        case .bool(let v): bytes.append(v ? 0x88 : 0x89)
        case .int(let v): int(v)
        case .float(let v):
            bytes.append(0x47)
            bytes += withUnsafeBytes(of: v.bitPattern.bigEndian, Array.init)
        case .string(let s): string(s)
        case .bytes(let b):
            global("_codecs", "encode")
            string(String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) })))  // latin-1
            string("latin1")
            bytes += [0x86, 0x52]  // TUPLE2, REDUCE
        case .tensor(let t): tensor(t)
        case .tuple(let items):
            if items.isEmpty { bytes.append(0x29); return }
            if items.count <= 3 {
                for item in items { write(item) }
                bytes.append(0x84 + UInt8(items.count))
            } else {
                bytes.append(0x28)
                for item in items { write(item) }
                bytes.append(0x74)
            }
        case .list(let items):
            bytes.append(0x5D)
            for batch in stride(from: 0, to: items.count, by: 1000) {
                bytes.append(0x28)
                for item in items[batch..<min(batch + 1000, items.count)] { write(item) }
                bytes.append(0x65)
            }
        case .dict(let pairs):
            bytes.append(0x7D)
            for batch in stride(from: 0, to: pairs.count, by: 1000) {
                bytes.append(0x28)
                for (k, v) in pairs[batch..<min(batch + 1000, pairs.count)] {
                    write(k)
                    write(v)
                }
                bytes.append(0x75)
            }
        }
    }

    /// `_rebuild_tensor_v2((storage id), offset, size, stride, requires_grad, OrderedDict())`.
    private mutating func tensor(_ t: Tensor) {
        let id = storageID(t)
        global("torch._utils", "_rebuild_tensor_v2")
        bytes.append(0x28)
        bytes.append(0x28)
        string("storage")
        global("torch", id.type)
        string(id.key)
        string("cpu")
        int(id.count)
        bytes += [0x74, 0x51]  // TUPLE, BINPERSID
        int(t.storageOffset)
        write(.tuple(t.shape.map { .int($0) }))
        write(.tuple(t.strides.map { .int($0) }))
        bytes.append(t.requiresGrad ? 0x88 : 0x89)
        global("collections", "OrderedDict")
        bytes += [0x29, 0x52, 0x74, 0x52]  // EMPTY_TUPLE, REDUCE, TUPLE, REDUCE
    }

    /// GLOBAL the first time, BINGET/LONG_BINGET of its memo slot after.
    private mutating func global(_ module: String, _ name: String) {
        let full = module + "\n" + name + "\n"
        if let slot = globals[full] {
            if slot < 256 { bytes += [0x68, UInt8(slot)] } else { bytes.append(0x6A); bytes += le32(slot) }
            return
        }
        bytes.append(0x63)
        bytes += Array(full.utf8)
        let slot = globals.count
        globals[full] = slot
        if slot < 256 { bytes += [0x71, UInt8(slot)] } else { bytes.append(0x72); bytes += le32(slot) }
    }

    private mutating func string(_ s: String) {
        bytes.append(0x58)
        let utf8 = Array(s.utf8)
        bytes += le32(utf8.count) + utf8
    }

    /// BININT1, BININT2, BININT, or LONG1 with the fewest two's-complement bytes.
    private mutating func int(_ v: Int) {
        if (0..<256).contains(v) {
            bytes += [0x4B, UInt8(v)]
        } else if (0..<65536).contains(v) {
            bytes += [0x4D, UInt8(v & 0xFF), UInt8(v >> 8)]
        } else if let v32 = Int32(exactly: v) {
            bytes.append(0x4A)
            bytes += le32(Int(UInt32(bitPattern: v32)))
        } else {
            var raw = withUnsafeBytes(of: Int64(v).littleEndian, Array.init)
            while raw.count > 1 && ((raw[raw.count - 1] == 0 && raw[raw.count - 2] & 0x80 == 0)
                                    || (raw[raw.count - 1] == 0xFF && raw[raw.count - 2] & 0x80 != 0)) {
                raw.removeLast()
            }
            bytes += [0x8A, UInt8(raw.count)] + raw
        }
    }

    private func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
