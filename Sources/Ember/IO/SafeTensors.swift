#if _endian(big)
#error("safetensors stores little-endian data and Ember copies tensor bytes as they are in memory")
#endif

/// Reads and writes the safetensors format, byte for byte as the Python `safetensors` package
/// does, so PyTorch loads Ember's tensors and Ember loads PyTorch's.
///
/// A file is an 8-byte little-endian header length, a JSON header padded with spaces to a
/// multiple of 8 (`{"__metadata__": {...}, "fc.weight": {"dtype": "F32", "shape": [2, 3],
/// "data_offsets": [0, 24]}, ...}`), then every tensor's bytes, contiguous and little-endian.
public enum SafeTensors {
    /// The header key holding the file's string-to-string metadata.
    static let metadataKey = "__metadata__"
    /// The largest header the Python package reads.
    static let maxHeaderLength: UInt64 = 100_000_000

    /// Writes `tensors` and `metadata` to `path`, atomically: a failed save leaves no file and
    /// keeps an existing one. Tensors are stored in the order the Python package stores them
    /// (by dtype, widest first, then by name); non-contiguous ones are written contiguously.
    /// Names must be distinct and not `__metadata__`. PyTorch: `safetensors.torch.save_file`.
    public static func save(_ tensors: [(String, Tensor)], to path: String,
                            metadata: [String: String]? = nil) throws(SafeTensorsError) {
        var seen = Set<String>()
        for (name, _) in tensors {
            check(name != metadataKey, "SafeTensors.save: '\(metadataKey)' names the file's metadata, not a tensor")
            check(seen.insert(name).inserted, "SafeTensors.save: the tensor name '\(name)' appears twice")
        }
        let ordered = fileOrder(tensors)
        let header = headerBytes(ordered, metadata: metadata)
        try AtomicFile.write(to: path, failure: { SafeTensorsError(.cannotWrite, path: path, $0) }) {
            file throws(SafeTensorsError) in
            try file.write((0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) })
            try file.write(header)
            for (_, t) in ordered {
                let c = t.contiguousRaw()
                try file.write(c.pointer, count: c.numel * c.elementSize)
            }
        }
    }

    /// The tensors stored in `path`, in file order, each in its own memory. Every part of the
    /// file is checked first; a malformed one throws an error naming the file, the tensor and
    /// the problem. PyTorch: `safetensors.torch.load_file`.
    public static func load(from path: String) throws(SafeTensorsError) -> [(String, Tensor)] {
        try read(from: path).tensors
    }

    /// The tensors stored in `path`, as `load(from:)` gives them, and the file's metadata
    /// (nil when it has none). PyTorch: `safe_open(path, "pt").metadata()`.
    public static func loadWithMetadata(from path: String) throws(SafeTensorsError)
        -> (tensors: [(String, Tensor)], metadata: [String: String]?) {
        try read(from: path)
    }

    /// The order the Python package writes tensors in: by its `Dtype` enum, last variant first,
    /// then by name (byte-wise, as Rust compares strings).
    static func fileOrder(_ tensors: [(String, Tensor)]) -> [(String, Tensor)] {
        tensors.sorted { a, b in
            let ra = a.1.dtype.safetensorsRank, rb = b.1.dtype.safetensorsRank
            return ra != rb ? ra > rb : a.0.utf8.lexicographicallyPrecedes(b.0.utf8)
        }
    }

    /// The JSON header for tensors already in file order, compact as `serde_json` writes it and
    /// padded with spaces to a multiple of 8 bytes. Metadata keys are sorted: the Python package
    /// writes them in hash-map order, so files with two or more metadata entries may differ
    /// from its output in that order only.
    static func headerBytes(_ ordered: [(String, Tensor)], metadata: [String: String]?) -> [UInt8] {
        var members: [String] = []
        if let metadata {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { HeaderJSON.quoted($0.key) + ":" + HeaderJSON.quoted($0.value) }
            members.append(HeaderJSON.quoted(metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, t) in ordered {
            let end = offset + t.numel * t.elementSize
            let shape = t.shape.map(String.init).joined(separator: ",")
            members.append(HeaderJSON.quoted(name)
                + ":{\"dtype\":\"\(t.dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
        bytes += repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
        return bytes
    }
}

extension DType {
    /// The dtype's name in a safetensors header: `F32`, `BF16`, `I64`, `BOOL`...
    public var safetensorsName: String {
        switch self {
        case .bool: "BOOL"
        case .uint8: "U8"
        case .int8: "I8"
        case .int16: "I16"
        case .int32: "I32"
        case .int64: "I64"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .float32: "F32"
        case .float64: "F64"
        }
    }

    /// The dtype a safetensors header names, if Ember has it.
    init?(safetensorsName name: String) {
        guard let dt = DType.allCases.first(where: { $0.safetensorsName == name }) else { return nil }
        self = dt
    }

    /// Position in the `safetensors` crate's `Dtype` enum (BOOL, F4, F6_E2M3, F6_E3M2, U8, I8,
    /// F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, I16, U16, F16, BF16, I32, U32, F32,
    /// C64, F64, I64, U64), which orders tensors in a file.
    var safetensorsRank: Int {
        switch self {
        case .bool: 0
        case .uint8: 4
        case .int8: 5
        case .int16: 11
        case .float16: 13
        case .bfloat16: 14
        case .int32: 15
        case .float32: 17
        case .float64: 19
        case .int64: 20
        }
    }

    /// The format's dtypes that Ember has no tensor type for.
    static let otherSafeTensorsNames: Set<String> = [
        "F4", "F6_E2M3", "F6_E3M2", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ",
        "U16", "U32", "C64", "U64",
    ]
}
