/// An n-dimensional array with a runtime dtype: a view (shape, strides, offset) over a shared
/// `Storage`, with autograd state. PyTorch: `torch.Tensor`.
///
/// A reference type, as in PyTorch: views and in-place ops are visible through every alias.
/// Tensors are handed between threads on purpose (a DataLoader worker builds the batches the
/// training thread consumes), so the class is `@unchecked Sendable`; as in PyTorch, concurrent
/// writes to one tensor are the caller's to order.
///
/// Stored properties skip Swift's dynamic exclusivity checks (`@exclusivity(unchecked)`): they cost
/// several percent of a small op, and a tensor is mutated by one thread at a time anyway.
public final class Tensor: @unchecked Sendable {
    /// The memory this tensor views. A `var` so that `ownsStorageAlone` can ask whether it is
    /// shared; reassigned only by `resize_` when it grows.
    @exclusivity(unchecked) public private(set) var storage: Storage
    /// Sizes of each dimension. PyTorch: `tensor.shape`.
    @exclusivity(unchecked) public internal(set) var shape: [Int]
    /// Element strides of each dimension. PyTorch: `tensor.stride()`.
    @exclusivity(unchecked) public internal(set) var strides: [Int]
    /// Offset of the first element in `storage`, in elements. PyTorch: `tensor.storage_offset()`.
    @exclusivity(unchecked) public internal(set) var storageOffset: Int
    /// The element type. PyTorch: `tensor.dtype`.
    public let dtype: DType

    // Autograd state.
    @exclusivity(unchecked) var requiresGradFlag = false
    @exclusivity(unchecked) var retainsGradFlag = false
    /// The node that produced this tensor, nil for leaves. PyTorch: `tensor.grad_fn`.
    @exclusivity(unchecked) public internal(set) var gradFn: Node?
    /// The accumulated gradient. PyTorch: `tensor.grad`.
    @exclusivity(unchecked) public var grad: Tensor?
    /// Set for Swift scalars wrapped as tensors: they take part in type promotion like PyTorch's
    /// "wrapped numbers".
    @exclusivity(unchecked) var isWrappedNumber = false
    /// The tensor this one is a view of, if any. PyTorch: `tensor._base`.
    @exclusivity(unchecked) public internal(set) var base: Tensor?
    /// Hooks run after backward accumulates into this leaf's `.grad`, with their handles' ids.
    @exclusivity(unchecked) var postAccumulateGradHooks: [(id: Int, hook: (Tensor) -> Void)]?
    /// Shared with views; bumped by in-place writes.
    @exclusivity(unchecked) var versionCounter = VersionCounter()

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.storageOffset = offset
        self.dtype = dtype
    }

    /// Points this tensor at `storage` (for `resize_` growing it).
    func replaceStorage(_ storage: Storage) { self.storage = storage }

    /// Whether no other tensor (view, detached alias) refers to this tensor's storage.
    var ownsStorageAlone: Bool { isKnownUniquelyReferenced(&storage) }

    /// A new contiguous tensor with uninitialized memory.
    init(uninitializedShape shape: [Int], dtype: DType) {
        let n = shape.reduce(1, *)
        storage = Storage(byteCount: n * dtype.itemSize)
        self.shape = shape
        strides = Tensor.contiguousStrides(shape)
        storageOffset = 0
        self.dtype = dtype
    }

    /// Row-major strides for `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= Swift.max(shape[i], 1)
        }
        return strides
    }

    /// The number of `itemSize`-byte elements of `shape`, or nil when a contiguous tensor of that
    /// shape cannot be addressed: its byte count or a stride overflows `Int`. Every size counts,
    /// a zero too (the strides multiply the others, zeros read as ones), so a shape from outside
    /// is checked here before a tensor is made of it.
    static func addressableCount(_ shape: [Int], itemSize: Int) -> Int? {
        var bound = itemSize, count = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (product, overflow) = bound.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !overflow else { return nil }
            bound = product
            count *= d
        }
        return count
    }

    /// Number of dimensions. PyTorch: `tensor.dim()`.
    public var dim: Int { shape.count }
    /// Number of dimensions. PyTorch: `tensor.ndim`.
    public var ndim: Int { shape.count }
    /// Number of elements. PyTorch: `tensor.numel()`.
    public var numel: Int { shape.reduce(1, *) }
    /// Bytes per element. PyTorch: `tensor.element_size()`.
    public var elementSize: Int { dtype.itemSize }

    /// Size of one dimension; negative dims count from the end. PyTorch: `tensor.size(d)`.
    public func size(_ d: Int) -> Int { shape[normalizeDim(d, "size")] }
    /// Stride of one dimension. PyTorch: `tensor.stride(d)`.
    public func stride(_ d: Int) -> Int { strides[normalizeDim(d, "stride")] }

    /// Whether the elements are laid out densely in row-major order. PyTorch: `tensor.is_contiguous()`.
    public var isContiguous: Bool {
        var expected = 1
        for i in Swift.stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Pointer to the first element.
    var pointer: UnsafeMutableRawPointer { storage.data + storageOffset * dtype.itemSize }

    /// Typed pointer to the first element; `T` must match `dtype`'s storage type.
    func pointer<T>(as _: T.Type) -> UnsafeMutablePointer<T> {
        pointer.assumingMemoryBound(to: T.self)
    }

    /// Maps a possibly negative dimension into `0..<dim`, stopping with PyTorch's message.
    func normalizeDim(_ d: Int, _ op: String, rank: Int? = nil) -> Int {
        let r = rank ?? dim
        let lo = r == 0 ? -1 : -r, hi = r == 0 ? 0 : r - 1
        check(d >= lo && d <= hi,
                     "\(op): Dimension out of range (expected to be in range of [\(lo), \(hi)], but got \(d))")
        return d < 0 ? d + Swift.max(r, 1) : d
    }

    /// Marks an in-place write on the storage, for autograd's version checks.
    func bumpVersion() { versionCounter.value &+= 1 }

    /// The number of in-place writes to this tensor and its views. PyTorch: `tensor._version`.
    public var version: Int { versionCounter.value }
}

/// Shapes printed the way PyTorch prints `torch.Size` lists in messages: `[2, 3]`.
func shapeString(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
