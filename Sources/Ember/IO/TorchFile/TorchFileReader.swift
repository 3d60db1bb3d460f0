import Foundation

/// Reads PyTorch's checkpoint files as `torch.load(path, weights_only=True)` does.
///
/// - The zip format (`torch.save`'s default since 1.6): `<name>/data.pkl` is the pickled object,
///   whose tensors name their storages by key; `<name>/data/<key>` holds each storage's bytes,
///   `<name>/byteorder` says `little` or `big`.
/// - The legacy format: a pickled magic number, protocol version and system info, the pickled
///   object, the pickled list of storage keys, then each storage as an 8-byte element count
///   and its bytes, little-endian whatever machine wrote them (PyTorch's `_write_file`).
///
/// Tensors that shared a storage when saved come back as views of one buffer. Every size is
/// checked against what the file holds (a deflated zip record against deflate's limit) before
/// anything is allocated.
enum TorchFileReader {
    /// How errors name the format.
    static let format = "PyTorch file"

    /// The legacy format's first pickle: protocol 2, LONG1 of the magic number 0x1950a86a20f9469cfc6c.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]

    /// The largest pickle read from a zip record (the object itself, not the tensors' bytes).
    private static let maxPickleBytes = 1 << 28

    // MARK: - Zip

    /// The object saved in a zip-format checkpoint.
    static func load(_ archive: ZipArchive) throws(PickleError) -> SavedValue {
        guard let pickle = archive.entries.first(where: { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2 }) else {
            let npy = archive.entries.contains { $0.name.hasSuffix(".npy") }
            throw PickleError(.unknownFormat, npy ? "a NumPy .npz archive, not a PyTorch checkpoint" : "a zip archive without a <name>/data.pkl record, not a PyTorch checkpoint")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        var bigEndian = false
        if let order = archive.entry(prefix + "byteorder") {
            let text = String(decoding: try zipBytes(archive, order, limit: 16), as: UTF8.self)
            guard text == "little" || text == "big" else { throw PickleError(.damaged, "the byteorder record says '\(text.quotable)', not little or big") }
            bigEndian = text == "big"
        }
        let pickleBytes = try zipBytes(archive, pickle, limit: maxPickleBytes)
        var loaded: [String: Storage] = [:]
        let unpickler = Unpickler { id throws(PickleError) in
            let (dtype, key, numel) = try storageID(id, legacy: false)
            if let storage = loaded[key] { return .storage(try typed(storage, dtype, numel, key)) }
            guard let entry = archive.entry(prefix + "data/" + key) else {
                throw PickleError(.damaged, "the storage '\(key.quotable)' has no record \(prefix.quotable)data/\(key.quotable)")
            }
            let storage = try allocate(entry.size, key)
            do throws(ZipError) { try archive.read(entry, into: storage.bytes) } catch {
                throw PickleError(.damaged, error.reason)
            }
            if bigEndian { ElementBytes.swapEach(storage.bytes, itemSize: dtype.itemSize) }
            loaded[key] = storage
            return .storage(try typed(storage, dtype, numel, key))
        }
        return try pickleBytes.withBytes { raw throws(PickleError) in
            try unpickler.load(raw, maxValues: raw.count + 1_000_000).value
        }
    }

    private static func zipBytes(_ archive: ZipArchive, _ entry: ZipArchive.Entry, limit: Int) throws(PickleError) -> [UInt8] {
        do { return try archive.bytes(of: entry, limit: limit) } catch { throw PickleError(.damaged, error.reason) }
    }

    // MARK: - Legacy

    /// The object saved in a legacy-format checkpoint's bytes.
    static func loadLegacy(_ bytes: UnsafeRawBufferPointer) throws(PickleError) -> SavedValue {
        var at = legacyMagic.count
        let plain = Unpickler { _ throws(PickleError) in throw PickleError(.damaged, "a persistent id outside the object's pickle") }
        func next(_ unpickler: Unpickler) throws(PickleError) -> SavedValue {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[at...])
            let (value, length) = try unpickler.load(rest, maxValues: rest.count + 1_000_000)
            at += length
            return value
        }
        guard case .int(1001) = try next(plain) else { throw PickleError(.unsupported, "the legacy format's protocol version is not 1001") }
        // The system information (`little_endian`, `type_sizes`) describes the writer; the
        // storages are little-endian whatever it says.
        guard case .dict = try next(plain) else { throw PickleError(.damaged, "the legacy format's system information is not a dict") }
        // Storages are made as the object names them, checked against the bytes left in the
        // file, and filled from the records after it.
        var roots: [String: (storage: Storage, dtype: DType, count: Int)] = [:]
        var boolRoots = Set<String>()
        var claimed = 0
        let unpickler = Unpickler { id throws(PickleError) in
            let (dtype, key, numel) = try storageID(id, legacy: true)
            if roots[key] == nil {
                let (bytesNeeded, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize)
                guard !overflow, bytesNeeded <= bytes.count - at - claimed - 8 else {
                    throw PickleError(.damaged, "the storages claim more bytes than the file holds (truncated?)")
                }
                claimed += bytesNeeded + 8
                roots[key] = (try allocate(bytesNeeded, key), dtype, numel)
            }
            let root = roots[key]!
            guard root.dtype.itemSize == dtype.itemSize else {
                throw PickleError(.damaged, "the storage '\(key.quotable)' is read as \(root.dtype) and \(dtype)")
            }
            if dtype == .bool { boolRoots.insert(key) }
            guard case .tuple(let parts) = id, parts.items.count == 6, case .tuple(let view) = parts.items[5] else {
                return .storage(TypedStorage(root.storage, dtype: dtype))
            }
            // A view: (view key, offset, size) in elements of the root storage.
            guard view.items.count == 3, case .int(let offset) = view.items[1], case .int(let size) = view.items[2],
                  offset >= 0, size >= 0, offset <= root.count, size <= root.count - offset else {
                throw PickleError(.damaged, "the storage view of '\(key.quotable)' lies outside it")
            }
            return .storage(TypedStorage(root.storage, dtype: dtype, offset: offset, count: size))
        }
        let object = try next(unpickler)
        guard case .list(let keys) = try next(plain) else { throw PickleError(.damaged, "the list of storage keys is missing") }
        guard keys.count == roots.count else {
            throw PickleError(.damaged, "the file lists \(keys.count) storages, the object uses \(roots.count)")
        }
        for key in keys {
            guard case .string(let name) = key, let root = roots.removeValue(forKey: name) else {
                throw PickleError(.damaged, "the storage key \(key.description.quotable) is not one the object uses, or is listed twice")
            }
            guard bytes.count - at >= 8, Int(exactly: ByteReader(UnsafeRawBufferPointer(rebasing: bytes[at...])).u64(0)) == root.count else {
                throw PickleError(.damaged, "the storage '\(name.quotable)' does not start with its element count \(root.count)")
            }
            let n = root.storage.byteCount
            guard n <= bytes.count - at - 8 else { throw PickleError(.damaged, "the storage '\(name.quotable)' runs past the end of the file (truncated?)") }
            if n > 0 { root.storage.data.copyMemory(from: bytes.baseAddress! + at + 8, byteCount: n) }
            if boolRoots.contains(name) { ElementBytes.normalizeBools(root.storage.bytes) }
            at += 8 + n
        }
        return object
    }

    // MARK: - Storages

    /// The dtype, key and element count of a persistent id
    /// `('storage', storage type, key, location, numel)` (and a view in the legacy format).
    private static func storageID(_ id: PickleObject, legacy: Bool) throws(PickleError) -> (DType, String, Int) {
        guard case .tuple(let t) = id, t.items.count == (legacy ? 6 : 5), case .string("storage") = t.items[0] else {
            throw PickleError(.refused, "Only persistent_load of storage is allowed, but got \(id.kindName)")
        }
        guard case .global(let type) = t.items[1], let dtype = TorchGlobals.storageDType(type) else {
            throw PickleError(.unsupported, "the storage type \(t.items[1].kindName) has no Ember dtype")
        }
        guard case .string(let key) = t.items[2], case .string = t.items[3], case .int(let numel) = t.items[4], numel >= 0 else {
            throw PickleError(.damaged, "a storage's persistent id is not (storage, type, key, location, numel)")
        }
        return (dtype, key, numel)
    }

    /// A zip record's storage read as `dtype`, which must fit `numel` elements in its bytes;
    /// read as bools, its bytes become exactly 0 or 1.
    private static func typed(_ storage: Storage, _ dtype: DType, _ numel: Int, _ key: String) throws(PickleError) -> TypedStorage {
        let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, bytes == storage.byteCount else {
            throw PickleError(.damaged, "the storage '\(key.quotable)' holds \(storage.byteCount) bytes, not the \(numel) \(dtype) elements its pickle says")
        }
        if dtype == .bool { ElementBytes.normalizeBools(storage.bytes) }
        return TypedStorage(storage, dtype: dtype)
    }

    /// Memory for the storage `key`, whose size the caller checked against the file.
    private static func allocate(_ byteCount: Int, _ key: String) throws(PickleError) -> Storage {
        guard let storage = ElementBytes.storage(byteCount: byteCount) else {
            throw PickleError(.cannotRead, ElementBytes.noMemory(byteCount, for: "the storage '\(key.quotable)'"))
        }
        return storage
    }
}
