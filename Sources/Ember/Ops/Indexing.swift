extension Tensor {
    /// Checks and normalizes integer indices against a dim size, with PyTorch's message.
    static func indexValues(_ index: Tensor, size: Int, dim: Int, op: String) -> [Int] {
        check(index.dtype == .int64 || index.dtype == .int32,
                     "\(op)(): Expected dtype int32/int64 for index")
        return index.toInts().map { v in
            check(v >= -size && v < size, "index \(v) is out of bounds for dimension \(dim) with size \(size)")
            return v < 0 ? v + size : v
        }
    }

    /// Rows of `dim` picked by the 1-D `index`. PyTorch: `torch.index_select`.
    public func indexSelect(_ d: Int, _ index: Tensor) -> Tensor {
        let dd = dim == 0 ? 0 : normalizeDim(d, "index_select")
        check(index.dim <= 1, "index_select(): Index is supposed to be a vector")
        let size = dim == 0 ? 1 : shape[dd]
        let idx = Tensor.indexValues(index, size: size, dim: dd, op: "index_select")
        var outShape = shape
        if dim > 0 { outShape[dd] = idx.count }
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let outer = shape[..<dd].reduce(1, *), inner = dim == 0 ? 1 : shape[(dd + 1)...].reduce(1, *)
        indexSelectKernel(contiguousRaw(), idx, outer: outer, size: size, inner: inner, into: out)
        let inShape = shape
        return out.recording("IndexSelectBackward0", [self]) { g, _ in
            [Tensor.zeros(inShape, dtype: g.dtype).indexAdd(dd, index, g)]
        }
    }

    /// Adds rows of `source` into the rows of `dim` picked by `index` (duplicates accumulate).
    /// PyTorch: `torch.index_add`.
    public func indexAdd(_ d: Int, _ index: Tensor, _ source: Tensor, alpha: Double = 1) -> Tensor {
        let dd = dim == 0 ? 0 : normalizeDim(d, "index_add")
        let size = dim == 0 ? 1 : shape[dd]
        let idx = Tensor.indexValues(index, size: size, dim: dd, op: "index_add")
        let src = alpha == 1 ? source : source * alpha
        var expected = shape
        if dim > 0 { expected[dd] = idx.count }
        check(src.shape == expected || (dim == 0 && src.numel == idx.count),
                     "index_add_(): Source/destination tensor must have same slice shapes. Destination slice shape: \(shapeString(shape)) at dimension \(dd) and source slice shape: \(shapeString(src.shape)) at dimension \(dd).")
        let ct = dtype.computeType
        let out = converted(ct).contiguousRaw().cloneRaw()
        let outer = shape[..<dd].reduce(1, *), inner = dim == 0 ? 1 : shape[(dd + 1)...].reduce(1, *)
        indexAddKernel(out, idx, src.converted(ct).contiguousRaw(), outer: outer, size: size, inner: inner)
        return out.converted(dtype).recording("IndexAddBackward0", [self, src]) { g, _ in
            [g, g.indexSelect(dd, index).reshape(src.shape)]
        }
    }

    /// Zeros of `target` with self in the leading corner: the gradient of a scatter's `src` that is
    /// larger than its index (the elements the index does not reach get no gradient).
    func padLeading(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let sizes = shape
        return scatterIntoZeros(target) { $0.leadingCorner(sizes) }
    }

    /// The leading corner of `self` of `sizes` (the part of a scatter's `src` its index reaches).
    func leadingCorner(_ sizes: [Int]) -> Tensor {
        var r = self
        for (d, n) in sizes.enumerated() where n != shape[d] { r = r.narrow(d, 0, n) }
        return r
    }

    /// A copy with its own storage, not recorded.
    func cloneRaw() -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out
    }

    /// Values picked along `dim` by `index` (same rank; other dims no larger). PyTorch: `torch.gather`.
    public func gather(_ d: Int, _ index: Tensor) -> Tensor {
        let dd = normalizeDim(d, "gather")
        check(index.dtype == .int64, "gather(): Expected dtype int64 for index")
        check(index.dim == dim || (dim == 0 && index.dim <= 1),
                     "Index tensor must have the same number of dimensions as input tensor")
        for i in 0..<index.dim where i != dd {
            check(index.shape[i] <= shape[i],
                         "Size does not match at dimension \(i) expected index \(shapeString(index.shape)) to be smaller than self \(shapeString(shape)) apart from dimension \(dd)")
        }
        let out = Tensor(uninitializedShape: index.shape, dtype: dtype)
        gatherKernel(self, index, dim: dd, into: out)
        let inShape = shape
        return out.recording("GatherBackward0", [self]) { g, _ in
            [Tensor.zeros(inShape, dtype: g.dtype).scatterAdd(dd, index, g)]
        }
    }

    func checkScatter(_ d: Int, _ index: Tensor, _ src: Tensor, _ op: String) -> Int {
        let dd = normalizeDim(d, op)
        check(index.dtype == .int64, "\(op)(): Expected dtype int64 for index")
        check(index.dim == dim, "Index tensor must have the same number of dimensions as self tensor")
        for i in 0..<index.dim {
            check(index.shape[i] <= src.shape[i],
                         "Expected index \(shapeString(index.shape)) to be smaller than self \(shapeString(shape)) apart from dimension \(dd) and to be smaller size than src \(shapeString(src.shape))")
            check(i == dd || index.shape[i] <= shape[i],
                         "Expected index \(shapeString(index.shape)) to be smaller than self \(shapeString(shape)) apart from dimension \(dd) and to be smaller size than src \(shapeString(src.shape))")
        }
        return dd
    }

    /// Out-of-place scatter: a copy of self with `src` values written at `index` along `dim`.
    /// PyTorch: `torch.scatter`.
    public func scatter(_ d: Int, _ index: Tensor, _ src: Tensor) -> Tensor {
        let dd = checkScatter(d, index, src, "scatter")
        let out = cloneRaw()
        scatterKernel(out, index, src.converted(dtype), dim: dd, accumulate: false)
        return out.recording("ScatterBackward0", [self, src]) { g, _ in
            [g.scatter(dd, index, Tensor.zeros(index.shape, dtype: g.dtype)), g.gather(dd, index).padLeading(src.shape)]
        }
    }
    /// Scatter of a scalar. PyTorch: `torch.scatter(input, dim, index, value)`.
    public func scatter(_ d: Int, _ index: Tensor, value: Double) -> Tensor {
        scatter(d, index, Tensor.full(index.shape, value, dtype: dtype))
    }

    /// In-place scatter. PyTorch: `tensor.scatter_(dim, index, src)`.
    @discardableResult
    public func scatter_(_ d: Int, _ index: Tensor, _ src: Tensor) -> Tensor {
        if isGradEnabled && (requiresGradFlag || src.requiresGradFlag) {
            checkInPlaceOnLeaf()
            adoptInPlace(historyAlias().scatter(d, index, src))
            return self
        }
        let dd = checkScatter(d, index, src, "scatter_")
        scatterKernel(self, index, src.converted(dtype), dim: dd, accumulate: false)
        bumpVersion()
        return self
    }
    /// In-place scatter of a scalar. PyTorch: `tensor.scatter_(dim, index, value)`.
    @discardableResult
    public func scatter_(_ d: Int, _ index: Tensor, value: Double) -> Tensor {
        scatter_(d, index, Tensor.full(index.shape, value, dtype: dtype))
    }

    /// A copy of self with `src` added at `index` along `dim` (duplicates accumulate).
    /// PyTorch: `torch.scatter_add`.
    public func scatterAdd(_ d: Int, _ index: Tensor, _ src: Tensor) -> Tensor {
        let dd = checkScatter(d, index, src, "scatter_add")
        let ct = dtype.computeType
        let out = converted(ct).cloneRaw()
        scatterKernel(out, index, src.converted(ct), dim: dd, accumulate: true)
        return out.converted(dtype).recording("ScatterAddBackward0", [self, src]) { g, _ in
            [g, g.gather(dd, index).padLeading(src.shape)]
        }
    }
    /// In-place `scatterAdd`. PyTorch: `tensor.scatter_add_`.
    @discardableResult
    public func scatterAdd_(_ d: Int, _ index: Tensor, _ src: Tensor) -> Tensor {
        if isGradEnabled && (requiresGradFlag || src.requiresGradFlag) {
            checkInPlaceOnLeaf()
            adoptInPlace(historyAlias().scatterAdd(d, index, src))
            return self
        }
        copyElements(from: scatterAdd(d, index, src), to: self)
        bumpVersion()
        return self
    }

    /// `value` where `mask` (broadcast) is true. PyTorch: `torch.masked_fill`.
    public func maskedFill(_ mask: Tensor, _ value: Double) -> Tensor {
        check(mask.dtype == .bool, "masked_fill_ only supports boolean masks, but got mask with dtype \(mask.dtype.castName)")
        let filled = Tensor.where(mask, Tensor.wrapped(value, like: self), self)
        return filled.dtype == dtype ? filled : filled.to(dtype)
    }
    /// In-place `maskedFill`. PyTorch: `tensor.masked_fill_`.
    @discardableResult
    public func maskedFill_(_ mask: Tensor, _ value: Double) -> Tensor {
        if isGradEnabled && requiresGradFlag {
            checkInPlaceOnLeaf()
            adoptInPlace(historyAlias().maskedFill(mask, value))
            return self
        }
        copyElements(from: maskedFill(mask, value).expandTo(shape), to: self)
        bumpVersion()
        return self
    }

    /// The elements where `mask` (broadcast) is true, as a 1-D tensor. PyTorch: `torch.masked_select`.
    public func maskedSelect(_ mask: Tensor) -> Tensor {
        check(mask.dtype == .bool, "masked_select: expected BoolTensor for mask")
        let shape = Tensor.broadcastShapes(self.shape, mask.shape)
        let positions = mask.broadcastView(shape).reshape([-1]).nonzero().reshape([-1])
        return expand(shape).reshape([-1]).indexSelect(0, positions)
    }

    /// Indices of nonzero elements, `[count, dim]` int64. PyTorch: `torch.nonzero`.
    public func nonzero() -> Tensor {
        let flags = toBools()
        let st = Tensor.contiguousStrides(shape)
        var rows: [Int] = [], count = 0
        for (i, f) in flags.enumerated() where f {
            count += 1
            var rest = i
            for s in st { rows.append(rest / s); rest %= s }
        }
        return Tensor(rows, shape: [count, dim])
    }

    /// Indices of nonzero elements as one 1-D tensor per dim. PyTorch: `torch.nonzero(as_tuple=True)`.
    public func nonzero(asTuple: Bool) -> [Tensor] {
        let nz = nonzero()
        if dim == 0 { return [Tensor.zeros([nz.shape[0]], dtype: .int64)] }
        return (0..<dim).map { nz.select(1, $0).contiguous() }
    }

    /// Concatenates along `dim`, promoting dtypes. PyTorch: `torch.cat`.
    /// The tensors `cat` joins: legacy empty 1-D tensors are skipped, as in PyTorch.
    static func catParts(_ tensors: [Tensor]) -> [Tensor] { tensors.filter { !($0.dim == 1 && $0.numel == 0) } }

    public static func cat(_ tensors: [Tensor], dim d: Int = 0) -> Tensor {
        Tensor.traced("Concat", Tensor.catParts(tensors).map { .tensor($0) },
                      [.int("axis", Tensor.catParts(tensors).first.map { $0.normalizeDim(d, "cat") } ?? 0)]) {
            check(!tensors.isEmpty, "torch.cat(): expected a non-empty list of Tensors")
            let parts = catParts(tensors)
            guard let first = parts.first else { return tensors[0] }
            let dd = first.normalizeDim(d, "cat")
            var rt = first.dtype
            for t in parts {
                rt = DType.promote(rt, t.dtype)
                check(t.dim == first.dim,
                             "Tensors must have same number of dimensions: got \(first.dim) and \(t.dim)")
                for i in 0..<first.dim where i != dd {
                    check(t.shape[i] == first.shape[i],
                                 "Sizes of tensors must match except in dimension \(dd). Expected size \(first.shape[i]) but got size \(t.shape[i]) for tensor number \(parts.firstIndex { $0 === t }!) in the list.")
                }
            }
            var outShape = first.shape
            outShape[dd] = parts.reduce(0) { $0 + $1.shape[dd] }
            let out = Tensor(uninitializedShape: outShape, dtype: rt)
            var offset = 0
            var sizes: [Int] = []
            for t in parts {
                let n = t.shape[dd]
                let region = Tensor(storage: out.storage, shape: t.shape, strides: out.strides,
                                    offset: offset * out.strides[dd], dtype: rt)
                copyElements(from: t, to: region)
                offset += n
                sizes.append(n)
            }
            return out.recording("CatBackward0", parts) { g, _ in
                var start = 0
                return zip(parts, sizes).map { t, n in
                    defer { start += n }
                    return g.narrow(dd, start, n).gradFor(t)
                }
            }
        }
    }

    /// Stacks equal-shaped tensors along a new `dim`. PyTorch: `torch.stack`.
    public static func stack(_ tensors: [Tensor], dim d: Int = 0) -> Tensor {
        check(!tensors.isEmpty, "stack expects a non-empty TensorList")
        for (i, t) in tensors.enumerated() {
            check(t.shape == tensors[0].shape,
                         "stack expects each tensor to be equal size, but got \(shapeString(tensors[0].shape)) at entry 0 and \(shapeString(t.shape)) at entry \(i)")
        }
        let dd = tensors[0].normalizeDim(d, "stack", rank: tensors[0].dim + 1)
        let out = noGrad { cat(tensors.map { $0.unsqueeze(dd) }, dim: dd) }
        return out.recording("StackBackward0", tensors) { g, _ in
            tensors.indices.map { g.select(dd, $0).gradFor(tensors[$0]) }
        }
    }

    /// Views of `splitSize`-long pieces along `dim` (the last may be shorter). PyTorch: `torch.split`.
    public func split(_ splitSize: Int, dim d: Int = 0) -> [Tensor] {
        let dd = normalizeDim(d, "split")
        check(splitSize > 0 || shape[dd] == 0, "split expects split_size be non-negative, but got split_size=\(splitSize)")
        return Swift.stride(from: 0, to: Swift.max(shape[dd], 1), by: Swift.max(splitSize, 1)).map {
            narrow(dd, $0, Swift.min(splitSize, shape[dd] - $0))
        }
    }

    /// Views of the given sizes along `dim`. PyTorch: `torch.split(tensor, [sizes])`.
    public func split(sizes: [Int], dim d: Int = 0) -> [Tensor] {
        let dd = normalizeDim(d, "split")
        check(sizes.reduce(0, +) == shape[dd],
                     "split_with_sizes expects split_sizes to sum exactly to \(shape[dd]) (input tensor's size at dimension \(dd)), but got split_sizes=\(shapeString(sizes))")
        var start = 0
        return sizes.map { n in defer { start += n }; return narrow(dd, start, n) }
    }

    /// `chunks` nearly equal views along `dim`. PyTorch: `torch.chunk`.
    public func chunk(_ chunks: Int, dim d: Int = 0) -> [Tensor] {
        check(chunks > 0, "chunk expects `chunks` to be greater than 0, got: \(chunks)")
        let dd = normalizeDim(d, "chunk")
        return split((shape[dd] + chunks - 1) / chunks, dim: dd)
    }

    /// The slices along `dim`, each without that dim. PyTorch: `torch.unbind`.
    public func unbind(_ d: Int = 0) -> [Tensor] {
        let dd = normalizeDim(d, "unbind")
        return (0..<shape[dd]).map { select(dd, $0) }
    }

    /// Reverses the order along `dims`. PyTorch: `torch.flip`.
    public func flip(_ dims: [Int]) -> Tensor {
        let ds = dims.map { normalizeDim($0, "flip") }
        var st = strides, off = storageOffset
        for d in ds where shape[d] > 0 {
            off += (shape[d] - 1) * strides[d]
            st[d] = -strides[d]
        }
        let reversed = Tensor(storage: storage, shape: shape, strides: st, offset: off, dtype: dtype)
        return reversed.cloneRaw().recording("FlipBackward0", [self]) { g, _ in [g.flip(ds)] }
    }
    /// PyTorch: `torch.flip(x, dims)`.
    public func flip(_ dims: Int...) -> Tensor { flip(dims) }

    /// Rotates elements along `dims` by `shifts` (flattened when `dims` is empty). PyTorch: `torch.roll`.
    public func roll(_ shifts: [Int], dims: [Int] = []) -> Tensor {
        if dims.isEmpty {
            check(shifts.count == 1, "roll: shifts must have one element when dims are not given")
            return flatten().roll(shifts, dims: [0]).view(shape)
        }
        check(shifts.count == dims.count, "shifts and dimensions must align. shifts: \(shifts.count), dims:\(dims.count)")
        var t = self
        for (s, d) in zip(shifts, dims) {
            let dd = normalizeDim(d, "roll"), n = shape[dd]
            if n == 0 { continue }
            let k = ((s % n) + n) % n
            if k == 0 { continue }
            t = Tensor.cat([t.narrow(dd, n - k, k), t.narrow(dd, 0, n - k)], dim: dd)
        }
        return t
    }
    /// PyTorch: `torch.roll(x, shift, dim)`.
    public func roll(_ shift: Int, dim d: Int) -> Tensor { roll([shift], dims: [d]) }

    /// Tiles the tensor `repeats[i]` times along each dim. PyTorch: `tensor.repeat(*sizes)`.
    public func `repeat`(_ repeats: [Int]) -> Tensor {
        check(repeats.count >= dim,
                     "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
        let padded = [Int](repeating: 1, count: repeats.count - dim) + shape
        var interleaved: [Int] = [], expanded: [Int] = []
        for (r, s) in zip(repeats, padded) {
            interleaved += [1, s]
            expanded += [r, s]
        }
        return reshape(interleaved).expand(expanded).reshape(zip(repeats, padded).map { $0 * $1 })
    }
    /// PyTorch: `tensor.repeat(*sizes)`.
    public func `repeat`(_ repeats: Int...) -> Tensor { self.repeat(repeats) }
}
