/// What the readers of outside files (PyTorch checkpoints, NumPy files, safetensors) do to the
/// raw element bytes they copy out: memory for them that may be refused, byte order, and bools.
enum ElementBytes {
    /// A contiguous tensor of `shape` with uninitialized memory, or nil when the system has no
    /// memory for it. The caller has checked `shape` against what its file holds.
    static func tensor(_ shape: [Int], _ dtype: DType) -> Tensor? {
        guard let storage = storage(byteCount: shape.reduce(1, *) * dtype.itemSize) else { return nil }
        return Tensor(storage: storage, shape: shape, strides: Tensor.contiguousStrides(shape), offset: 0, dtype: dtype)
    }

    /// `byteCount` bytes, or nil when the system has no memory for them.
    static func storage(byteCount: Int) -> Storage? { Storage(ifPossibleByteCount: byteCount) }

    /// The message for a tensor the system had no memory for.
    static func noMemory(_ byteCount: Int, for what: String) -> String {
        "not enough memory for the \(byteCount) bytes of \(what)"
    }

    /// Reverses the bytes of every `itemSize`-byte element (data written big-endian).
    static func swapEach(_ bytes: UnsafeMutableRawBufferPointer, itemSize: Int) {
        guard itemSize > 1, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        for start in stride(from: 0, to: bytes.count - itemSize + 1, by: itemSize) {
            var item = UnsafeMutableBufferPointer(start: base + start, count: itemSize)
            item.reverse()
        }
    }

    /// Makes every non-zero byte 1: PyTorch, NumPy and safetensors read any non-zero byte as
    /// true, while a Swift `Bool` must hold exactly 0 or 1.
    static func normalizeBools(_ bytes: UnsafeMutableRawBufferPointer) {
        for i in bytes.indices where bytes[i] > 1 { bytes[i] = 1 }
    }

    /// `swapEach` when `bigEndian`, then `normalizeBools` for bools: the bytes of `dtype`
    /// elements as a file stored them, made Ember's.
    static func fromFile(_ bytes: UnsafeMutableRawBufferPointer, _ dtype: DType, bigEndian: Bool) {
        if bigEndian { swapEach(bytes, itemSize: dtype.itemSize) }
        if dtype == .bool { normalizeBools(bytes) }
    }
}

extension Storage {
    /// All of the storage's bytes.
    var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: data, count: byteCount) }
}
