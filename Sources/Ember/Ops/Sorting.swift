extension Tensor {
    /// Sorting permutation along `d` as an int64 tensor shaped like self.
    private func sortIndices(_ d: Int, descending: Bool) -> Tensor {
        if dim == 0 { return Tensor.zeros([], dtype: .int64) }
        let moved = movedimRaw(d, dim - 1).contiguousRaw()
        let n = shape[d], outer = n == 0 ? 0 : numel / n
        let order = moved.dtype.dispatch(SortRows(x: moved, outer: outer, n: n, descending: descending))
        return Tensor(order, shape: moved.shape).movedimRaw(dim - 1, d).contiguousRaw()
    }

    /// Sorted values along `dim` and the permutation that sorts them (stable). PyTorch: `torch.sort`.
    public func sort(dim d: Int = -1, descending: Bool = false) -> (values: Tensor, indices: Tensor) {
        let dd = dim == 0 ? 0 : normalizeDim(d, "sort")
        let idx = sortIndices(dd, descending: descending)
        return (dim == 0 ? self.alias() : gather(dd, idx), idx)
    }

    /// The permutation that sorts along `dim`. PyTorch: `torch.argsort`.
    public func argsort(dim d: Int = -1, descending: Bool = false) -> Tensor {
        sort(dim: d, descending: descending).indices
    }

    /// The `k` largest (or smallest) values along `dim` and their indices. PyTorch: `torch.topk`.
    public func topk(_ k: Int, dim d: Int = -1, largest: Bool = true) -> (values: Tensor, indices: Tensor) {
        let dd = dim == 0 ? 0 : normalizeDim(d, "topk")
        let size = dim == 0 ? 1 : shape[dd]
        check(k >= 0 && k <= size, "selected index k out of range")
        let idx = sortIndices(dd, descending: largest)
        let top = dim == 0 ? idx : idx.narrow(dd, 0, k).contiguous()
        return (dim == 0 ? self.alias() : gather(dd, top), top)
    }

    /// The lower median of all elements; NaN when any element is NaN. PyTorch: `torch.median(input)`.
    public func median() -> Tensor {
        check(numel > 0, "median() input tensor cannot be empty")
        return flatten().median(dim: 0).values
    }

    /// Lower medians along `dim` and their indices. A slice holding NaN gives NaN and the index of
    /// its first NaN, as in PyTorch. PyTorch: `torch.median(input, dim)`.
    public func median(dim d: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        let dd = normalizeDim(d, "median")
        let (values, indices) = sort(dim: dd)
        let n = shape[dd], k = (n - 1) / 2
        var v = values.narrow(dd, k, 1), i = indices.narrow(dd, k, 1)
        if dtype.isFloatingPoint {
            // The stable sort puts NaNs last, in input order: the first of them is at n - count.
            let nanCount = noGrad { isnan().sum(dims: [dd], keepDim: true) }
            let firstNaN = noGrad { (n - nanCount).clamp(max: Double(n - 1)) }
            let hasNaN = noGrad { nanCount .> 0.0 }
            v = Tensor.where(hasNaN, values.gather(dd, firstNaN), v)
            i = Tensor.where(hasNaN, indices.gather(dd, firstNaN), i)
        }
        return keepDim ? (v, i.contiguous()) : (v.squeeze(dd), i.squeeze(dd).contiguous())
    }

    /// Most frequent value along `dim` (the smallest among equally frequent ones) and the index of
    /// its last occurrence. PyTorch: `torch.mode`.
    public func mode(dim d: Int = -1, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        let dd = dim == 0 ? 0 : normalizeDim(d, "mode")
        if dim == 0 { return (alias(), Tensor.zeros([], dtype: .int64)) }
        let moved = noGrad { movedim(dd, dim - 1).contiguous() }
        let n = shape[dd], outer = numel / Swift.max(n, 1)
        let vals = moved.toDoubles()
        var best: [Int] = []
        for r in 0..<outer {
            let row = Array(vals[(r * n)..<(r * n + n)])
            var counts: [Double: Int] = [:]
            for v in row { counts[v, default: 0] += 1 }
            let top = counts.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }!.key
            best.append(row.lastIndex(of: top)!)
        }
        var outShape = shape
        outShape[dd] = 1
        let idx = Tensor(best, shape: outShape)
        let values = gather(dd, idx)
        return keepDim ? (values, idx) : (values.squeeze(dd), idx.squeeze(dd).contiguous())
    }
}
