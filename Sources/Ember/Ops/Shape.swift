extension Tensor {
    /// A view of the same storage with another layout, sharing the version counter.
    func makeView(_ shape: [Int], _ strides: [Int], _ offset: Int) -> Tensor {
        let t = Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
        t.versionCounter = versionCounter
        t.base = base ?? self
        return t
    }

    /// Resolves one `-1` in a requested shape. PyTorch's `infer_size`.
    func inferShape(_ requested: [Int]) -> [Int] {
        var shape = requested
        let known = requested.filter { $0 != -1 }.reduce(1, *)
        let unknown = requested.indices.filter { requested[$0] == -1 }
        check(unknown.count <= 1, "only one dimension can be inferred")
        for s in requested { check(s >= -1, "invalid shape dimension \(s)") }
        if let u = unknown.first {
            check(known != 0 && numel % known == 0, "shape '\(shapeString(requested))' is invalid for input of size \(numel)")
            shape[u] = numel / known
        } else {
            check(known == numel, "shape '\(shapeString(requested))' is invalid for input of size \(numel)")
        }
        return shape
    }

    /// Strides that let the current layout be seen with `newShape`, or nil. PyTorch's `computeStride`.
    func viewStrides(_ newShape: [Int]) -> [Int]? {
        if numel == 0 || shape.isEmpty || isContiguous { return Tensor.contiguousStrides(newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewD = newShape.count - 1
        var chunkBase = strides[strides.count - 1]
        var tensorElems = 1, viewElems = 1
        for d in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            tensorElems *= shape[d]
            if d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorElems * chunkBase) {
                while viewD >= 0 && (viewElems < tensorElems || newShape[viewD] == 1) {
                    newStrides[viewD] = viewElems * chunkBase
                    viewElems *= newShape[viewD]
                    viewD -= 1
                }
                if viewElems != tensorElems { return nil }
                if d > 0 {
                    chunkBase = strides[d - 1]
                    tensorElems = 1
                    viewElems = 1
                }
            }
        }
        return viewD == -1 ? newStrides : nil
    }

    /// The same data with another shape, sharing storage; one size may be -1. Stops when the layout
    /// cannot be viewed that way. PyTorch: `tensor.view(*shape)`.
    public func view(_ shape: [Int]) -> Tensor {
        Tensor.traced("Reshape", [.tensor(self), .constant(onnxShape(shape))]) {
            let newShape = inferShape(shape)
            guard let st = viewStrides(newShape) else {
                fatalError("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
            }
            let inShape = self.shape
            return makeView(newShape, st, storageOffset).recording("ViewBackward0", [self]) { g, _ in [g.reshape(inShape)] }
        }
    }
    /// PyTorch: `tensor.view(*shape)`.
    public func view(_ shape: Int...) -> Tensor { view(shape) }

    /// Reinterprets the elements as another dtype of the same size is not supported; this converts.
    /// A view when the layout allows, otherwise a copy. PyTorch: `tensor.reshape(*shape)`.
    public func reshape(_ shape: [Int]) -> Tensor {
        Tensor.traced("Reshape", [.tensor(self), .constant(onnxShape(shape))]) {
            let newShape = inferShape(shape)
            if viewStrides(newShape) != nil { return view(newShape) }
            return contiguous().view(newShape)
        }
    }
    /// PyTorch: `tensor.reshape(*shape)`.
    public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

    /// Reshapes like `other`. PyTorch: `tensor.view_as(other)`.
    public func viewAs(_ other: Tensor) -> Tensor { view(other.shape) }
    /// PyTorch: `tensor.reshape_as(other)`.
    public func reshapeAs(_ other: Tensor) -> Tensor { reshape(other.shape) }

    /// Merges dims `startDim...endDim`. PyTorch: `tensor.flatten(start_dim, end_dim)`.
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if dim == 0 { return reshape([1]) }
        let s = normalizeDim(startDim, "flatten"), e = normalizeDim(endDim, "flatten")
        check(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e { return self }
        let merged = shape[s...e].reduce(1, *)
        let newShape = Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...])
        // ONNX's Flatten makes 2-D output: the same as flattening from dim 1 to the end.
        guard s == 1 && e == dim - 1 else { return reshape(newShape) }
        return Tensor.traced("Flatten", [.tensor(self)], [.int("axis", 1)]) { reshape(newShape) }
    }

    /// Splits dim `d` into `sizes`. PyTorch: `tensor.unflatten(dim, sizes)`.
    public func unflatten(_ d: Int, _ sizes: [Int]) -> Tensor {
        let d = normalizeDim(d, "unflatten")
        var sizes = sizes
        if let u = sizes.firstIndex(of: -1) {
            sizes[u] = shape[d] / sizes.filter { $0 != -1 }.reduce(1, *)
        }
        check(sizes.reduce(1, *) == shape[d],
                     "unflatten: Provided sizes \(shapeString(sizes)) don't multiply up to the size of dim \(d) (\(shape[d])) in the input tensor")
        return view(Array(shape[..<d]) + sizes + Array(shape[(d + 1)...]))
    }

    /// Removes all size-1 dims. PyTorch: `tensor.squeeze()`.
    public func squeeze() -> Tensor {
        let keep = shape.indices.filter { shape[$0] != 1 }
        let inShape = shape
        return makeView(keep.map { shape[$0] }, keep.map { strides[$0] }, storageOffset)
            .recording("SqueezeBackward0", [self]) { g, _ in [g.reshape(inShape)] }
    }

    /// Removes dim `d` if its size is 1. PyTorch: `tensor.squeeze(dim)`.
    public func squeeze(_ d: Int) -> Tensor {
        let d = normalizeDim(d, "squeeze")
        if dim == 0 || shape[d] != 1 { return self.alias() }
        var sh = shape, st = strides
        sh.remove(at: d); st.remove(at: d)
        return makeView(sh, st, storageOffset).recording("SqueezeBackward1", [self]) { g, _ in [g.unsqueeze(d)] }
    }

    /// Inserts a size-1 dim at `d`. PyTorch: `tensor.unsqueeze(dim)`.
    public func unsqueeze(_ d: Int) -> Tensor {
        let d = normalizeDim(d, "unsqueeze", rank: dim + 1)
        var sh = shape, st = strides
        sh.insert(1, at: d)
        st.insert(d < dim ? shape[d] * strides[d] : 1, at: d)
        return makeView(sh, st, storageOffset).recording("UnsqueezeBackward0", [self]) { g, _ in [g.squeeze(d)] }
    }

    /// A view with the same layout (an alias), recorded as a view.
    func alias() -> Tensor {
        makeView(shape, strides, storageOffset).recording("AliasBackward0", [self]) { g, _ in [g] }
    }

    /// Swaps two dims. PyTorch: `tensor.transpose(dim0, dim1)`.
    public func transpose(_ d0: Int, _ d1: Int) -> Tensor {
        let a = normalizeDim(d0, "transpose"), b = normalizeDim(d1, "transpose")
        var sh = shape, st = strides
        sh.swapAt(a, b); st.swapAt(a, b)
        return makeView(sh, st, storageOffset).recording("TransposeBackward0", [self]) { g, _ in [g.transpose(a, b)] }
    }

    /// Transposes a matrix (0-D and 1-D tensors are returned as they are). PyTorch: `tensor.t()`.
    public func t() -> Tensor {
        check(dim <= 2, "t() expects a tensor with <= 2 dimensions, but self is \(dim)D")
        if dim < 2 { return alias() }
        var sh = shape, st = strides
        sh.swapAt(0, 1); st.swapAt(0, 1)
        return makeView(sh, st, storageOffset).recording("TBackward0", [self]) { g, _ in [g.t()] }
    }

    /// Matrix transpose property. PyTorch: `tensor.T` (for 2-D) / `tensor.mT`.
    public var T: Tensor { dim < 2 ? self : (dim == 2 ? t() : permute(Array((0..<dim).reversed()))) }

    /// Transposes in place. PyTorch: `tensor.t_()`.
    @discardableResult
    public func t_() -> Tensor {
        check(dim <= 2, "t_() expects a tensor with <= 2 dimensions, but self is \(dim)D")
        check(!requiresGradFlag || !isGradEnabled, "t_: in-place transpose of a tensor that requires grad is not supported")
        if dim == 2 {
            shape.swapAt(0, 1)
            strides.swapAt(0, 1)
        }
        return self
    }

    /// Transposes two dims in place. PyTorch: `tensor.transpose_(dim0, dim1)`.
    @discardableResult
    public func transpose_(_ d0: Int, _ d1: Int) -> Tensor {
        let a = normalizeDim(d0, "transpose_"), b = normalizeDim(d1, "transpose_")
        check(!requiresGradFlag || !isGradEnabled, "transpose_: in-place transpose of a tensor that requires grad is not supported")
        shape.swapAt(a, b)
        strides.swapAt(a, b)
        return self
    }

    /// Reorders dims. PyTorch: `tensor.permute(*dims)`.
    public func permute(_ dims: [Int]) -> Tensor {
        check(dims.count == dim,
                     "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(dim) is not equal to len(dims) = \(dims.count)")
        let p = dims.map { normalizeDim($0, "permute") }
        check(Set(p).count == p.count, "permute(): duplicate dims are not allowed.")
        var inverse = [Int](repeating: 0, count: p.count)
        for (i, d) in p.enumerated() { inverse[d] = i }
        return makeView(p.map { shape[$0] }, p.map { strides[$0] }, storageOffset)
            .recording("PermuteBackward0", [self]) { g, _ in [g.permute(inverse)] }
    }
    /// PyTorch: `tensor.permute(*dims)`.
    public func permute(_ dims: Int...) -> Tensor { permute(dims) }

    /// Moves dim `source` to `destination`. PyTorch: `tensor.movedim`.
    public func movedim(_ source: Int, _ destination: Int) -> Tensor {
        let s = normalizeDim(source, "movedim"), d = normalizeDim(destination, "movedim")
        var order = Array(0..<dim)
        order.remove(at: s)
        order.insert(s, at: d)
        return permute(order)
    }

    /// Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a size.
    /// PyTorch: `tensor.expand(*sizes)`.
    public func expand(_ shape: [Int]) -> Tensor {
        check(shape.count >= dim,
                     "expand(\(dtype.legacyName){\(shapeString(self.shape))}, size=\(shapeString(shape))): the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(dim))")
        let lead = shape.count - dim
        var sh = shape, st = [Int](repeating: 0, count: shape.count)
        for i in 0..<shape.count {
            if i < lead {
                check(shape[i] >= 0, "expand: the expanded size of the tensor (\(shape[i])) isn't allowed in a leading, non-existing dimension \(i)")
                continue
            }
            let own = self.shape[i - lead]
            if shape[i] == -1 { sh[i] = own }
            if own == sh[i] {
                st[i] = strides[i - lead]
            } else {
                check(own == 1,
                             "The expanded size of the tensor (\(sh[i])) must match the existing size (\(own)) at non-singleton dimension \(i).  Target sizes: \(shapeString(shape)).  Tensor sizes: \(shapeString(self.shape))")
            }
        }
        if sh == self.shape { return self }
        let inShape = self.shape
        return makeView(sh, st, storageOffset).recording("ExpandBackward0", [self]) { g, _ in [g.sumTo(inShape)] }
    }
    /// PyTorch: `tensor.expand(*sizes)`.
    public func expand(_ shape: Int...) -> Tensor { expand(shape) }
    /// PyTorch: `tensor.expand_as(other)`.
    public func expandAs(_ other: Tensor) -> Tensor { expand(other.shape) }

    /// Sums a broadcast gradient back down to `shape` (leading dims and size-1 dims).
    func sumTo(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = dim - target.count
        var dims = Array(0..<lead)
        for i in 0..<target.count where target[i] == 1 && shape[lead + i] != 1 { dims.append(lead + i) }
        var r = dims.isEmpty ? self : sum(dims: dims, keepDim: true)
        if lead > 0 { r = r.reshape(target) }
        return r.shape == target ? r : r.reshape(target)
    }

    /// Elements `start..<start+length` of dim `d`, as a view. PyTorch: `tensor.narrow(dim, start, length)`.
    public func narrow(_ d: Int, _ start: Int, _ length: Int) -> Tensor {
        let d = normalizeDim(d, "narrow")
        let start = start < 0 ? start + shape[d] : start
        check(start >= 0 && length >= 0 && start + length <= shape[d],
                     "start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])).")
        return slice(d, start, start + length, 1)
    }

    /// Elements `start..<end` stepping by `step` along `d`, as a view (bounds already clamped).
    func slice(_ d: Int, _ start: Int, _ end: Int, _ step: Int) -> Tensor {
        check(step > 0, "slice step must be positive")
        var sh = shape, st = strides
        sh[d] = Swift.max(0, (end - start + step - 1) / step)
        st[d] = strides[d] * step
        let inShape = shape
        return makeView(sh, st, storageOffset + start * strides[d])
            .recording("SliceBackward0", [self]) { g, _ in
                [g.scatterIntoZeros(inShape) { $0.slice(d, start, end, step) }]
            }
    }

    /// The sub-tensor at `index` of dim `d`, dropping that dim. PyTorch: `tensor.select(dim, index)`.
    public func select(_ d: Int, _ index: Int) -> Tensor {
        let d = normalizeDim(d, "select")
        check(index >= -shape[d] && index < shape[d],
                     "select(): index \(index) out of range for tensor of size \(shapeString(shape)) at dimension \(d)")
        let i = index < 0 ? index + shape[d] : index
        var sh = shape, st = strides
        sh.remove(at: d); st.remove(at: d)
        let inShape = shape
        return makeView(sh, st, storageOffset + i * strides[d])
            .recording("SelectBackward0", [self]) { g, _ in
                [g.scatterIntoZeros(inShape) { $0.select(d, i) }]
            }
    }

    /// The gradient of a view op: zeros of `shape` with `self` written into the region `region`
    /// selects. Differentiable: its own backward applies `region` again. A region that is one run
    /// of elements (a `narrow` or `select` of the first dimension) is not zeroed first, only what
    /// is around it (a recurrent layer's output is such a view of its states: 1.1 MiB per step).
    func scatterIntoZeros(_ shape: [Int], name: String = "SliceBackwardBackward0", _ region: @escaping (Tensor) -> Tensor) -> Tensor {
        let z = Tensor(uninitializedShape: shape, dtype: dtype), inside = region(z), size = dtype.itemSize
        if inside.isContiguous {
            let start = inside.storageOffset, end = start + inside.numel
            z.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: start * size)
            (z.pointer + end * size).initializeMemory(as: UInt8.self, repeating: 0, count: (z.numel - end) * size)
        } else {
            z.fillRaw(0)
        }
        noGrad { copyElements(from: self.expandTo(inside.shape), to: inside) }
        return z.recording(name, [self]) { g, _ in [region(g)] }
    }

    /// Broadcast without recording (internal helper for kernels).
    func expandTo(_ target: [Int]) -> Tensor { shape == target ? self : noGrad { expand(target) } }

    /// A contiguous tensor with the same values: self when already contiguous. PyTorch: `tensor.contiguous()`.
    public func contiguous() -> Tensor {
        isContiguous ? self : clone()
    }

    /// A copy with its own storage. PyTorch: `tensor.clone()`.
    public func clone() -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out.recording("CloneBackward0", [self]) { g, _ in [g] }
    }

    /// Converts to `dtype`: self when it already has it, unless `copy` asks for a new tensor.
    /// PyTorch: `tensor.to(dtype, copy=copy)`.
    public func to(_ dtype: DType, copy: Bool = false) -> Tensor {
        if dtype == self.dtype && !copy { return self }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        if !dtype.isFloatingPoint { return out }
        let from = self.dtype
        return out.recording("ToCopyBackward0", [self]) { g, _ in [g.to(from)] }
    }
    /// PyTorch: `tensor.to(other.dtype)`.
    public func typeAs(_ other: Tensor) -> Tensor { to(other.dtype) }
    /// PyTorch: `tensor.float()`.
    public func float() -> Tensor { to(.float32) }
    /// PyTorch: `tensor.double()`.
    public func double() -> Tensor { to(.float64) }
    /// PyTorch: `tensor.half()`.
    public func half() -> Tensor { to(.float16) }
    /// PyTorch: `tensor.bfloat16()`.
    public func bfloat16() -> Tensor { to(.bfloat16) }
    /// PyTorch: `tensor.long()`.
    public func long() -> Tensor { to(.int64) }
    /// PyTorch: `tensor.int()`.
    public func int() -> Tensor { to(.int32) }
    /// PyTorch: `tensor.short()`.
    public func short() -> Tensor { to(.int16) }
    /// PyTorch: `tensor.byte()`.
    public func byte() -> Tensor { to(.uint8) }
    /// PyTorch: `tensor.char()`.
    public func char() -> Tensor { to(.int8) }
    /// PyTorch: `tensor.bool()`.
    public func bool() -> Tensor { to(.bool) }
}
