extension Tensor {
    /// A bool mask of `shape` that is true at positions `index` of dim `d` (broadcast over the
    /// other dims as `[1, …, n, …, 1]`).
    private func dimMask(_ d: Int, _ index: Tensor, op: String) -> Tensor {
        let size = dim == 0 ? 1 : shape[d]
        var hit = Array(repeating: false, count: size)
        for i in Tensor.indexValues(index, size: size, dim: d, op: op) { hit[i] = true }
        var maskShape = Array(repeating: 1, count: dim)
        if dim > 0 { maskShape[d] = size }
        return Tensor(hit, shape: maskShape, dtype: .bool)
    }

    /// `value` written into the slices of `dim` picked by `index`. PyTorch: `torch.index_fill`.
    public func indexFill(_ d: Int, _ index: Tensor, _ value: Double) -> Tensor {
        let dd = dim == 0 ? 0 : normalizeDim(d, "index_fill")
        check(index.dim <= 1, "index_fill_(): Index is supposed to be a vector")
        return maskedFill(dimMask(dd, index, op: "index_fill"), value)
    }

    /// The slices of `source` copied into the slices of `dim` picked by `index` (the gradient of
    /// `self` is zero there); where `index` repeats a slice, the last copy stays, as on PyTorch's
    /// CPU. PyTorch: `torch.index_copy`.
    public func indexCopy(_ d: Int, _ index: Tensor, _ source: Tensor) -> Tensor {
        let dd = dim == 0 ? 0 : normalizeDim(d, "index_copy")
        check(index.dim <= 1, "index_copy_(): Index should have dimension 1 or 0 (got \(index.dim))")
        check(source.dtype == dtype, "index_copy_(): self and source expected to have the same dtype, but got (self) \(dtype.castName) and (source) \(source.dtype.castName)")
        let size = dim == 0 ? 1 : shape[dd]
        let idx = Tensor.indexValues(index, size: size, dim: dd, op: "index_copy")
        var expected = shape
        if dim > 0 { expected[dd] = idx.count }
        check(source.shape == expected || (dim == 0 && source.numel == idx.count),
              "index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: \(shapeString(shape)) at dimension \(dd) and source slice shape: \(shapeString(source.shape)) at dimension \(dd).")
        let out = contiguousRaw().cloneRaw()
        let outer = shape[..<dd].reduce(1, *), inner = dim == 0 ? 1 : shape[(dd + 1)...].reduce(1, *)
        indexCopyKernel(out, idx, source.contiguousRaw(), outer: outer, size: size, inner: inner)
        return out.recording("IndexCopyBackward0", [self, source]) { g, _ in
            [g.indexFill(dd, index, 0), g.indexSelect(dd, index).reshape(source.shape)]
        }
    }

    /// Consecutive elements of `source` written where `mask` (broadcast to `self`) is true, in
    /// row-major order. PyTorch: `torch.masked_scatter`.
    public func maskedScatter(_ mask: Tensor, _ source: Tensor) -> Tensor {
        check(mask.dtype == .bool, "masked_scatter_ only supports boolean masks, but got mask with dtype \(mask.dtype.castName)")
        check(source.dtype == dtype, "masked_scatter: expected self and source to have same dtypes but got \(dtype.castName) and \(source.dtype.castName)")
        let m = mask.expand(shape)
        let positions = m.reshape([-1]).nonzero().reshape([-1])
        let count = positions.shape[0]
        check(source.numel >= count, "masked_scatter: expected source to have at least \(count) elements, got \(source.numel)")
        let scattered = Tensor.zeros([numel], dtype: dtype).indexAdd(0, positions, source.reshape([-1]).narrow(0, 0, count))
        return Tensor.where(m, scattered.reshape(shape), self)
    }

    /// The elements at flat (row-major) positions `index`, shaped like `index`; negative
    /// positions count from the end. PyTorch: `torch.take`.
    public func take(_ index: Tensor) -> Tensor {
        reshape([-1]).indexSelect(0, index.reshape([-1])).reshape(index.shape)
    }

    /// `gather` along `dim` after broadcasting `self` and `indices` over the other dims; with no
    /// `dim`, `take` on the flattened tensor. PyTorch: `torch.take_along_dim`.
    public func takeAlongDim(_ indices: Tensor, dim d: Int? = nil) -> Tensor {
        guard let d else { return reshape([-1]).gather(0, indices.reshape([-1])) }
        check(dim == indices.dim, "torch.take_along_dim(): input and indices should have the same number of dimensions, but got \(dim) dimensions for input, and \(indices.dim) dimensions for indices")
        let dd = normalizeDim(d, "take_along_dim")
        // Broadcast over every dim but `dim`.
        var a = shape, b = indices.shape
        a[dd] = 1
        b[dd] = 1
        var selfShape = Tensor.broadcastShapes(a, b), indexShape = selfShape
        selfShape[dd] = shape[dd]
        indexShape[dd] = indices.shape[dd]
        return expand(selfShape).gather(dd, indices.expand(indexShape))
    }
}
