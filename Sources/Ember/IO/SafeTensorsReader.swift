import Foundation

/// One tensor's entry in a safetensors header.
private struct HeaderEntry {
    let key: String
    let dtype: DType
    let shape: [Int]
    let begin: Int
    let end: Int
}

extension SafeTensors {
    /// Maps `path` read-only and decodes it.
    static func read(from path: String) throws(SafeTensorsError)
        -> (tensors: [(String, Tensor)], metadata: [String: String]?) {
        try MappedFile.withBytes(path, failure: { SafeTensorsError(.cannotRead, path: path, $0) }) {
            bytes throws(SafeTensorsError) in try decode(bytes, path: path)
        }
    }

    /// Checks a whole safetensors file held in memory, then copies out its tensors in file order;
    /// `path` names the file in errors. Enforces the Python package's rules: the header length
    /// fits the file, the header is a UTF-8 JSON object, dtypes are known, and the tensors' byte
    /// ranges match their shapes and tile the data section exactly, with no gap, overlap or
    /// trailing byte.
    static func decode(_ file: UnsafeRawBufferPointer, path: String) throws(SafeTensorsError)
        -> (tensors: [(String, Tensor)], metadata: [String: String]?) {
        // Another format is named only when the file cannot be safetensors: a valid header
        // length may begin with any bytes.
        let n = file.count >= 8 ? (0..<8).reduce(UInt64(0)) { $0 | UInt64(file[$1]) << (8 * $1) } : 0
        if file.count < 8 || n > maxHeaderLength || n > UInt64(file.count - 8), let format = otherFormat(file) {
            throw SafeTensorsError(.otherFormat, path: path, "not a safetensors file (this looks like \(format))")
        }
        guard file.count >= 8 else {
            throw SafeTensorsError(.headerTooSmall, path: path,
                                   "the file is \(file.count) bytes, too short for the 8-byte header length")
        }
        guard n <= maxHeaderLength else {
            throw SafeTensorsError(.headerTooLarge, path: path,
                                   "not a safetensors file, or a damaged one: its first 8 bytes give a header length of \(n), above the limit of \(maxHeaderLength) bytes")
        }
        guard n <= UInt64(file.count - 8) else {
            throw SafeTensorsError(.invalidHeaderLength, path: path,
                                   "the header length \(n) runs past the end of the file (\(file.count) bytes): truncated or not a safetensors file")
        }
        let headerEnd = 8 + Int(n)
        let header = UnsafeRawBufferPointer(rebasing: file[8..<headerEnd])
        let data = UnsafeRawBufferPointer(rebasing: file[headerEnd...])
        let (entries, metadata) = try parseHeader(header, dataCount: data.count, path: path)

        var expected = 0
        for e in entries {
            guard e.begin == expected else {
                let problem = e.begin < expected
                    ? "overlap the tensor before it, which ends at byte \(expected)"
                    : "leave a gap after the tensor before it, which ends at byte \(expected)"
                throw SafeTensorsError(.invalidOffsets, path: path, key: e.key, "data_offsets [\(e.begin), \(e.end)] \(problem)")
            }
            expected = e.end
        }
        guard expected == data.count else {
            throw SafeTensorsError(.trailingBytes, path: path,
                                   "\(data.count - expected) bytes after the last tensor (the tensors cover \(expected) of the \(data.count) data bytes)")
        }
        var tensors: [(String, Tensor)] = []
        for e in entries {
            guard let t = copyTensor(e, from: data) else {
                throw SafeTensorsError(.cannotRead, path: path, key: e.key, ElementBytes.noMemory(e.end - e.begin, for: "the tensor"))
            }
            tensors.append((e.key, t))
        }
        return (tensors, metadata)
    }

    /// The header's entries sorted by position, and its metadata.
    private static func parseHeader(_ header: UnsafeRawBufferPointer, dataCount: Int, path: String)
        throws(SafeTensorsError) -> ([HeaderEntry], [String: String]?) {
        func invalid(_ reason: String, key: String? = nil) -> SafeTensorsError {
            SafeTensorsError(.invalidHeader, path: path, key: key, reason)
        }
        guard String(validating: header, as: UTF8.self) != nil else { throw invalid("the header is not valid UTF-8") }
        let json: HeaderJSON
        do { json = try HeaderJSON.parse(header) } catch { throw invalid("the header is not valid JSON: \(error.message)") }
        guard case .object(let members) = json else { throw invalid("the header is \(json.kindName), expected a JSON object") }

        var seen = Set<String>()
        var entries: [HeaderEntry] = []
        var metadata: [String: String]?
        for (key, value) in members {
            guard seen.insert(key).inserted else { throw invalid("the key appears twice in the header", key: key) }
            if key == metadataKey {
                guard case .object(let pairs) = value else { throw invalid("__metadata__ is \(value.kindName), expected an object") }
                var dict: [String: String] = [:]
                for (k, v) in pairs {
                    guard case .string(let s) = v else { throw invalid("__metadata__ value of '\(k)' is \(v.kindName), expected a string") }
                    dict[k] = s
                }
                metadata = dict
            } else {
                entries.append(try parseEntry(key, value, dataCount: dataCount, path: path))
            }
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        return (entries, metadata)
    }

    /// One tensor's entry, checked on its own: fields, dtype, and a byte range inside the data
    /// section that holds exactly shape × itemsize bytes.
    private static func parseEntry(_ key: String, _ value: HeaderJSON, dataCount: Int, path: String)
        throws(SafeTensorsError) -> HeaderEntry {
        func fail(_ kind: SafeTensorsError.Kind, _ reason: String) -> SafeTensorsError {
            SafeTensorsError(kind, path: path, key: key, reason)
        }
        guard case .object(let fields) = value else {
            throw fail(.invalidHeader, "the entry is \(value.kindName), expected an object with dtype, shape and data_offsets")
        }
        func field(_ name: String) -> HeaderJSON? { fields.first { $0.key == name }?.value }
        func integers(_ name: String) -> [Int]? {
            guard case .array(let items) = field(name) else { return nil }
            var out: [Int] = []
            for item in items {
                guard case .integer(let v) = item, v <= UInt64(Int.max) else { return nil }
                out.append(Int(v))
            }
            return out
        }

        guard case .string(let name) = field("dtype") else { throw fail(.invalidHeader, "dtype is missing or not a string") }
        guard let dtype = DType(safetensorsName: name) else {
            if DType.otherSafeTensorsNames.contains(name) {
                throw fail(.unsupportedDType, "dtype \(name) has no Ember equivalent")
            }
            let known = DType.allCases.map(\.safetensorsName).joined(separator: ", ")
            throw fail(.unknownDType, "unknown dtype '\(name)' (Ember reads \(known))")
        }
        guard let shape = integers("shape") else { throw fail(.invalidHeader, "shape is missing or not an array of non-negative integers") }
        guard let offsets = integers("data_offsets"), offsets.count == 2 else {
            throw fail(.invalidHeader, "data_offsets is missing or not two non-negative integers [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        let range = "data_offsets [\(begin), \(end)]"
        guard begin <= end else { throw fail(.invalidOffsets, "\(range) end before they begin") }
        guard end <= dataCount else {
            throw fail(.invalidOffsets, "\(range) run past the end of the data section (\(dataCount) bytes): truncated file?")
        }
        guard let count = Tensor.addressableCount(shape, itemSize: dtype.itemSize) else {
            throw fail(.invalidOffsets, "shape \(shapeString(shape)) is too large")
        }
        let bytes = count * dtype.itemSize
        guard end - begin == bytes else {
            throw fail(.invalidOffsets, "\(range) hold \(end - begin) bytes, but shape \(shapeString(shape)) of \(name) needs \(bytes)")
        }
        return HeaderEntry(key: key, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The format a file of another kind seems to be in, from its first bytes; nil when it may be
    /// a safetensors file.
    private static func otherFormat(_ file: UnsafeRawBufferPointer) -> String? {
        let head = Array(file.prefix(8))
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "a PyTorch zip archive, torch.save's format; save with Ember's or safetensors' save_file instead" }
        if head.count >= 2 && head[0] == 0x80 && (2...5).contains(head[1]) { return "a Python pickle, torch.save's legacy format" }
        if starts([0x93] + Array("NUMPY".utf8)) { return "a NumPy .npy file" }
        if starts([0x1F, 0x8B]) { return "a gzip-compressed file" }
        return nil
    }

    /// A new tensor holding a copy of the entry's bytes, or nil when there is no memory for it.
    private static func copyTensor(_ e: HeaderEntry, from data: UnsafeRawBufferPointer) -> Tensor? {
        guard let t = ElementBytes.tensor(e.shape, e.dtype) else { return nil }
        let count = e.end - e.begin
        guard count > 0 else { return t }
        t.pointer.copyMemory(from: data.baseAddress! + e.begin, byteCount: count)
        if e.dtype == .bool { ElementBytes.normalizeBools(t.storage.bytes) }
        return t
    }
}
