import Foundation

/// NumPy's `.npy` and `.npz` files, read and written as `numpy.save`, `numpy.savez`,
/// `numpy.savez_compressed` and `numpy.load` do.
///
/// An `.npy` file is the magic `\x93NUMPY`, a version (1.0: 2-byte header length; 2.0 and 3.0:
/// 4-byte), and a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
/// padded with spaces to a multiple of 64 bytes and ended by a newline, then the data. An `.npz`
/// file is a zip archive of `.npy` files named `<array>.npy`, stored or deflated.
public enum NumPy {
    static let format = "NumPy file"
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The array in the `.npy` file at `path`. A Fortran-ordered array comes back as a
    /// column-major view, as NumPy gives it. PyTorch: `torch.from_numpy(np.load(path))`.
    public static func load(from path: String) throws(SerializationError) -> Tensor {
        try MappedFile.withBytes(path, failure: { SerializationError(.cannotRead, path: path, format: format, $0) }) {
            bytes throws(SerializationError) in
            do throws(PickleError) { return try decode(bytes) } catch { throw SerializationError(error.kind, path: path, format: format, error.reason) }
        }
    }

    /// The arrays of the `.npz` file at `path`, in the archive's order (members that are not
    /// `.npy` files are skipped; NumPy gives them as raw bytes).
    /// PyTorch: `{k: torch.from_numpy(v) for k, v in np.load(path).items()}`.
    public static func loadArchive(from path: String) throws(SerializationError) -> [(String, Tensor)] {
        try MappedFile.withBytes(path, failure: { SerializationError(.cannotRead, path: path, format: format, $0) }) {
            bytes throws(SerializationError) in
            do throws(PickleError) {
                let archive: ZipArchive
                do throws(ZipError) { archive = try ZipArchive(bytes) } catch { throw PickleError(.damaged, error.reason) }
                return try arrays(in: archive)
            } catch {
                throw SerializationError(error.kind, path: path, format: format, error.reason)
            }
        }
    }

    /// Whether a zip archive is NumPy's: `.npy` members and no PyTorch pickle.
    static func isArchive(_ archive: ZipArchive) -> Bool {
        !archive.entries.contains { $0.name.hasSuffix("/data.pkl") } && archive.entries.contains { $0.name.hasSuffix(".npy") }
    }

    /// The arrays of an `.npz` archive's `.npy` members. Each is inflated straight into its
    /// tensor's memory once its header is read, so an array never takes twice its size.
    static func arrays(in archive: ZipArchive) throws(PickleError) -> [(String, Tensor)] {
        var arrays: [(String, Tensor)] = []
        for entry in archive.entries where entry.name.hasSuffix(".npy") {
            let name = String(entry.name.dropLast(4))
            func named(_ error: PickleError) -> PickleError { PickleError(error.kind, "array '\(name.quotable)': " + error.reason) }
            do throws(PickleError) {
                func prefix(_ count: Int) throws(PickleError) -> [UInt8] {
                    do throws(ZipError) { return try archive.prefix(of: entry, count: count) } catch { throw PickleError(.damaged, error.reason) }
                }
                // Magic, version and header length first, then as much as the header takes.
                var head = try prefix(12)
                if head.count == 12 && head.starts(with: magic) {
                    let length = head[6] == 1 ? 10 + (Int(head[8]) | Int(head[9]) << 8)
                        : 12 + head.withUnsafeBytes { Int(ByteReader($0).u32(8)) }
                    head = try prefix(min(length, maxArchivedHeader))
                }
                let layout = try head.withBytes { raw throws(PickleError) in try Layout(raw, size: entry.size) }
                let trailingCount = entry.size - layout.dataStart - layout.dataBytes
                guard trailingCount <= maxArchivedTrailing else {
                    throw PickleError(.unsupported, "\(trailingCount) bytes follow the array's data (Ember reads at most \(maxArchivedTrailing) there)")
                }
                let tensor = try array(layout) { data throws(PickleError) in
                    let header = UnsafeMutableRawBufferPointer.allocate(byteCount: layout.dataStart, alignment: 1)
                    let trailing = UnsafeMutableRawBufferPointer.allocate(byteCount: trailingCount, alignment: 1)
                    defer { header.deallocate(); trailing.deallocate() }
                    do throws(ZipError) { try archive.read(entry, into: [header, data, trailing]) } catch { throw PickleError(.damaged, error.reason) }
                }
                arrays.append((name, tensor))
            } catch {
                throw named(error)
            }
        }
        return arrays
    }

    /// The most an archived `.npy` member's magic, version, length and header may take (NumPy
    /// itself refuses headers over 10,000 bytes by default).
    private static let maxArchivedHeader = 1 << 20
    /// The most bytes an archived `.npy` member may hold after its data (NumPy ignores them,
    /// and writes none; they are inflated into a buffer of their own to check the CRC-32).
    private static let maxArchivedTrailing = 1 << 20

    /// Writes `tensor` to `path` as an `.npy` file, atomically: C order, or Fortran order for a
    /// tensor laid out column-major (as `numpy.save` does). PyTorch: `np.save(path, t.numpy())`.
    public static func save(_ tensor: Tensor, to path: String) throws(SerializationError) {
        let fail = { (reason: String) in SerializationError(.cannotWrite, path: path, format: format, reason) }
        let (header, data) = try encode(tensor, path: path)
        try AtomicFile.write(to: path, failure: fail) { file throws(SerializationError) in
            try file.write(header)
            try file.write(data.pointer, count: data.numel * data.elementSize)
        }
    }

    /// Writes `arrays` to `path` as an `.npz` archive, atomically, deflated when `compressed` is
    /// set. Names must be distinct. PyTorch: `np.savez(path, **arrays)`, `np.savez_compressed`.
    public static func saveArchive(_ arrays: [(String, Tensor)], to path: String, compressed: Bool = false) throws(SerializationError) {
        var seen = Set<String>()
        for (name, _) in arrays { check(seen.insert(name).inserted, "NumPy.saveArchive: the array name '\(name)' appears twice") }
        let fail = { (reason: String) in SerializationError(.cannotWrite, path: path, format: format, reason) }
        var encoded: [(String, [UInt8], Tensor)] = []
        for (name, t) in arrays {
            let (header, data) = try encode(t, path: path)
            encoded.append((name, header, data))
        }
        try AtomicFile.write(to: path, failure: fail) { file throws(SerializationError) in
            var zip = ZipWriter(file, failure: fail)
            for (name, header, data) in encoded {
                var bytes = header
                bytes += UnsafeRawBufferPointer(start: data.pointer, count: data.numel * data.elementSize)
                try bytes.withBytes { raw throws(SerializationError) in try zip.add(name + ".npy", raw, compress: compressed) }
            }
            try zip.finish()
        }
    }

    // MARK: - Decoding

    /// The array in an `.npy` file's bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(PickleError) -> Tensor {
        let layout = try Layout(bytes, size: bytes.count)
        return try array(layout) { data throws(PickleError) in
            if data.count > 0 { data.baseAddress!.copyMemory(from: bytes.baseAddress! + layout.dataStart, byteCount: data.count) }
        }
    }

    /// What an `.npy` file's header says: the array's dtype, byte order, order and shape, and
    /// where its data starts.
    struct Layout {
        let dtype: DType
        let bigEndian: Bool
        let fortran: Bool
        let shape: [Int]
        let dataStart: Int
        let dataBytes: Int

        /// The header in `head`, the first bytes of an `.npy` file of `size` bytes (all of them,
        /// or a prefix of an archive's member), checked against what the file holds.
        init(_ head: UnsafeRawBufferPointer, size: Int) throws(PickleError) {
            guard head.count >= 10, head.starts(with: magic) else { throw PickleError(.unknownFormat, "not a NumPy .npy file (no \\x93NUMPY magic)") }
            let major = head[6]
            guard (1...3).contains(major) else { throw PickleError(.unsupported, "format version \(major).\(head[7]) (Ember reads 1.0 to 3.0)") }
            let r = ByteReader(head)
            let lengthSize = major == 1 ? 2 : 4
            guard head.count >= 8 + lengthSize else { throw PickleError(.damaged, "the file ends inside its header (truncated?)") }
            let headerLength = major == 1 ? Int(r.u16(8)) : Int(r.u32(8))
            let start = 8 + lengthSize
            guard headerLength <= size - start else { throw PickleError(.damaged, "the header runs past the end of the file (truncated?)") }
            guard headerLength <= head.count - start else { throw PickleError(.unsupported, "the header is longer than \(head.count - start) bytes") }
            let headerBytes = UnsafeRawBufferPointer(rebasing: head[start..<(start + headerLength)])
            guard let header = String(validating: headerBytes, as: UTF8.self) else { throw PickleError(.damaged, "the header is not text") }
            (dtype, bigEndian, fortran, shape) = try parseHeader(header)
            guard let count = Tensor.addressableCount(shape, itemSize: dtype.itemSize) else {
                throw PickleError(.damaged, "shape \(shapeString(shape)) is too large")
            }
            dataStart = start + headerLength
            dataBytes = count * dtype.itemSize
            // Bytes after the data are ignored, as NumPy ignores them.
            guard size - dataStart >= dataBytes else {
                throw PickleError(.damaged, "shape \(shapeString(shape)) of \(dtype) needs \(dataBytes) bytes of data, the file holds \(size - dataStart) (truncated?)")
            }
        }
    }

    /// The array `layout` describes, `fill` writing the file's data bytes into its memory.
    private static func array(_ layout: Layout, fill: (UnsafeMutableRawBufferPointer) throws(PickleError) -> Void) throws(PickleError) -> Tensor {
        // Fortran order: the data is the transposed array in C order.
        let shape = layout.shape
        guard let t = ElementBytes.tensor(layout.fortran ? Array(shape.reversed()) : shape, layout.dtype) else {
            throw PickleError(.cannotRead, ElementBytes.noMemory(layout.dataBytes, for: "the array"))
        }
        try fill(t.storage.bytes)
        ElementBytes.fromFile(t.storage.bytes, layout.dtype, bigEndian: layout.bigEndian)
        return layout.fortran && shape.count > 1 ? t.permute(Array((0..<shape.count).reversed())) : t
    }

    /// The header dict's dtype (and whether its bytes are big-endian), order and shape.
    private static func parseHeader(_ text: String) throws(PickleError) -> (DType, Bool, Bool, [Int]) {
        var parser = LiteralParser(Array(text.utf8))
        guard case .dict(let pairs)? = try? parser.parse() else {
            throw PickleError(.damaged, "the header is not a Python dict literal: \(text.quotable)")
        }
        var descr: String?, fortran: Bool?, shape: [Int]?
        for (key, value) in pairs {
            switch (key, value) {
            case ("descr", .string(let s)): descr = s
            case ("fortran_order", .bool(let b)): fortran = b
            case ("shape", .tuple(let dims)): shape = dims
            default: throw PickleError(.damaged, "the header's entry '\(key.quotable)' is not one .npy headers have")
            }
        }
        guard let descr, let fortran, let shape else { throw PickleError(.damaged, "the header lacks descr, fortran_order or shape") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw PickleError(.damaged, "the shape \(shapeString(shape)) has a negative size") }
        guard let (dtype, bigEndian) = dtype(descr) else {
            throw PickleError(descr.contains("O") ? .refused : .unsupported,
                              "dtype '\(descr.quotable)' has no Ember counterpart" + (descr.contains("O") ? " (object arrays need pickle)" : ""))
        }
        return (dtype, bigEndian, fortran, shape)
    }

    /// The Ember dtype of a NumPy type string (`<f4`, `|b1`, `>i8`) and whether it is big-endian.
    private static func dtype(_ descr: String) -> (DType, Bool)? {
        guard let order = descr.first, "<>|=".contains(order) else { return nil }
        let kinds: [String: DType] = [
            "b1": .bool, "u1": .uint8, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
            "f2": .float16, "f4": .float32, "f8": .float64,
        ]
        guard let dtype = kinds[String(descr.dropFirst())] else { return nil }
        return (dtype, order == ">" && dtype.itemSize > 1)
    }

    // MARK: - Encoding

    /// The header and the tensor whose memory holds the data (the tensor itself, when it is
    /// laid out in C or Fortran order).
    private static func encode(_ tensor: Tensor, path: String) throws(SerializationError) -> ([UInt8], Tensor) {
        let descrs: [DType: String] = [
            .bool: "|b1", .uint8: "|u1", .int8: "|i1", .int16: "<i2", .int32: "<i4", .int64: "<i8",
            .float16: "<f2", .float32: "<f4", .float64: "<f8",
        ]
        guard let descr = descrs[tensor.dtype] else {
            throw SerializationError(.unsupported, path: path, format: format, "NumPy has no \(tensor.dtype) dtype (convert to float32 first)")
        }
        // Fortran order: the strides of the transposed shape's C order, reversed (size-1 dims aside).
        let columnMajor = Array(Tensor.contiguousStrides(Array(tensor.shape.reversed())).reversed())
        let fortran = !tensor.isContiguous && tensor.dim > 1
            && zip(tensor.shape, zip(tensor.strides, columnMajor)).allSatisfy { $0 <= 1 || $1.0 == $1.1 }
        let data = fortran ? tensor : tensor.contiguousRaw()
        let dims = tensor.shape.map(String.init)
        let shape = "(" + dims.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
        var header = Array("{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }".utf8)
        // Padded with spaces so that magic, version, length and header end on a 64-byte boundary;
        // version 2.0 (a 4-byte length) only for a header too long for 1.0's two bytes.
        func padding(_ prefix: Int) -> Int { (64 - (prefix + header.count + 1) % 64) % 64 }
        let v1 = header.count + 1 + padding(10) <= 65535
        header += repeatElement(UInt8(ascii: " "), count: padding(v1 ? 10 : 12))
        header.append(0x0A)
        let length = header.count
        let lengthBytes = (0..<(v1 ? 2 : 4)).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
        return (magic + [v1 ? 1 : 2, 0] + lengthBytes + header, data)
    }
}

/// The Python literals of an `.npy` header: a dict of strings to strings, bools and tuples of
/// ints, nothing else.
private struct LiteralParser {
    enum Value { case string(String), bool(Bool), tuple([Int]), dict([(String, Value)]) }
    struct Failure: Error {}

    let bytes: [UInt8]
    var at = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func parse() throws(Failure) -> Value {
        let value = try dict()
        skipSpace()
        guard at == bytes.count else { throw Failure() }
        return value
    }

    private mutating func skipSpace() { while at < bytes.count && (bytes[at] == 0x20 || bytes[at] == 0x0A) { at += 1 } }

    private mutating func expect(_ c: Character) throws(Failure) {
        skipSpace()
        guard at < bytes.count, bytes[at] == c.asciiValue! else { throw Failure() }
        at += 1
    }

    private mutating func peek(_ c: Character) -> Bool {
        skipSpace()
        return at < bytes.count && bytes[at] == c.asciiValue!
    }

    private mutating func dict() throws(Failure) -> Value {
        try expect("{")
        var pairs: [(String, Value)] = []
        while !peek("}") {
            let key = try string()
            try expect(":")
            pairs.append((key, try value()))
            if !peek("}") { try expect(",") }
        }
        try expect("}")
        return .dict(pairs)
    }

    private mutating func value() throws(Failure) -> Value {
        skipSpace()
        if peek("(") { return .tuple(try tuple()) }
        if peek("'") || peek("\"") { return .string(try string()) }
        for (word, flag) in [("True", true), ("False", false)] where bytes[at...].starts(with: word.utf8) {
            at += word.utf8.count
            return .bool(flag)
        }
        throw Failure()
    }

    private mutating func string() throws(Failure) -> String {
        skipSpace()
        guard at < bytes.count, bytes[at] == 0x27 || bytes[at] == 0x22 else { throw Failure() }
        let quote = bytes[at]
        at += 1
        let start = at
        while at < bytes.count && bytes[at] != quote {
            guard bytes[at] != 0x5C else { throw Failure() }  // escapes never occur in these headers
            at += 1
        }
        guard at < bytes.count else { throw Failure() }
        at += 1
        return String(decoding: bytes[start..<(at - 1)], as: UTF8.self)
    }

    private mutating func tuple() throws(Failure) -> [Int] {
        try expect("(")
        var items: [Int] = []
        while !peek(")") {
            skipSpace()
            let start = at
            while at < bytes.count && (bytes[at] >= 0x30 && bytes[at] <= 0x39) { at += 1 }
            guard at > start, at - start <= 18, let n = Int(String(decoding: bytes[start..<at], as: UTF8.self)) else { throw Failure() }
            if at < bytes.count && bytes[at] == UInt8(ascii: "L") { at += 1 }  // Python 2's long: (3L,)
            items.append(n)
            if !peek(")") { try expect(",") }
        }
        try expect(")")
        return items
    }
}
