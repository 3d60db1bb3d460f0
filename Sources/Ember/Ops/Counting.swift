// Ops that count, group and search values. None is differentiable; values are compared as
// doubles (exact for every dtype but int64 beyond 2^53).

extension Tensor {
    /// The rows of `self` along `dim` (the elements when nil) as arrays of doubles, and the tensor
    /// whose slices along its dim 0 they are.
    private func rowsAlong(_ d: Int?, _ op: String) -> (rows: [[Double]], slices: Tensor, dim: Int) {
        guard let d else { return (toDoubles().map { [$0] }, reshape([-1]), 0) }
        let dd = normalizeDim(d, op)
        let moved = movedim(dd, 0).contiguous()
        let width = moved.shape[0] == 0 ? 0 : moved.numel / moved.shape[0]
        let flat = moved.toDoubles()
        return ((0..<moved.shape[0]).map { Array(flat[$0 * width..<($0 + 1) * width]) }, self, dd)
    }

    /// The groups of equal rows in `order`: each group's first position in `order`'s rows, and
    /// which group every row falls in.
    private static func groups(_ rows: [[Double]], _ order: [Int]) -> (firsts: [Int], groupOf: [Int], counts: [Int]) {
        var firsts: [Int] = [], counts: [Int] = [], groupOf = Array(repeating: 0, count: rows.count)
        for (k, i) in order.enumerated() {
            if k == 0 || rows[i] != rows[order[k - 1]] {
                firsts.append(i)
                counts.append(0)
            }
            groupOf[i] = firsts.count - 1
            counts[counts.count - 1] += 1
        }
        return (firsts, groupOf, counts)
    }

    private func uniqueResult(_ grouping: (firsts: [Int], groupOf: [Int], counts: [Int]), _ slices: Tensor, _ d: Int,
                              inverseShape: [Int], returnInverse: Bool, returnCounts: Bool)
        -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let values = slices.indexSelect(d, Tensor(grouping.firsts, shape: [grouping.firsts.count], dtype: .int64))
        let inverse = returnInverse ? Tensor(grouping.groupOf, shape: inverseShape, dtype: .int64) : nil
        let counts = returnCounts ? Tensor(grouping.counts, shape: [grouping.counts.count], dtype: .int64) : nil
        return (values, inverse, counts)
    }

    /// The distinct elements (or slices along `dim`), sorted; with `returnInverse` the index of
    /// each element's value among them, with `returnCounts` how often each occurs. The result is
    /// sorted whatever `sorted` says (PyTorch's CPU kernel sorts too). PyTorch: `torch.unique`.
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false,
                       dim d: Int? = nil) -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let (rows, slices, dd) = rowsAlong(d, "unique")
        let order = rows.indices.sorted { a, b in
            rows[a].lexicographicallyPrecedes(rows[b]) || (rows[a] == rows[b] && a < b)
        }
        return uniqueResult(Tensor.groups(rows, order), slices, dd, inverseShape: d == nil ? shape : [rows.count],
                            returnInverse: returnInverse, returnCounts: returnCounts)
    }

    /// The first element (or slice along `dim`) of every run of equal consecutive ones, with the
    /// run each belongs to and the runs' lengths. PyTorch: `torch.unique_consecutive`.
    public func uniqueConsecutive(returnInverse: Bool = false, returnCounts: Bool = false,
                                  dim d: Int? = nil) -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let (rows, slices, dd) = rowsAlong(d, "unique_consecutive")
        return uniqueResult(Tensor.groups(rows, Array(rows.indices)), slices, dd, inverseShape: d == nil ? shape : [rows.count],
                            returnInverse: returnInverse, returnCounts: returnCounts)
    }

    /// How often each value `0…max` occurs in a 1-D tensor of non-negative integers (summing
    /// `weights` instead of counting, when given), at least `minlength` bins. PyTorch: `torch.bincount`.
    public func bincount(weights: Tensor? = nil, minlength: Int = 0) -> Tensor {
        check(dim == 1 && !dtype.isFloatingPoint && dtype != .bool, "bincount only supports 1-d non-negative integral inputs.")
        check(minlength >= 0, "minlength should be >= 0")
        let values = toInts()
        for v in values { check(v >= 0, "bincount only supports 1-d non-negative integral inputs.") }
        let bins = Swift.max(minlength, (values.max() ?? -1) + 1)
        guard let weights else {
            var counts = Array(repeating: 0, count: bins)
            for v in values { counts[v] += 1 }
            return Tensor(counts, shape: [bins], dtype: .int64)
        }
        check(weights.dim == 1 && weights.shape[0] == values.count, "weights should be 1-d and have the same length as input")
        var sums = Array(repeating: 0.0, count: bins)
        for (v, w) in zip(values, weights.toDoubles()) { sums[v] += w }
        return Tensor(sums, shape: [bins], dtype: weights.dtype.isFloatingPoint ? weights.dtype : .float64)
    }

    /// A histogram of `bins` equal bins over `[min, max]` (the data's range when both are 0);
    /// values outside are not counted, `max` goes in the last bin. PyTorch: `torch.histc`.
    public func histc(bins: Int = 100, min lo: Double = 0, max hi: Double = 0) -> Tensor {
        check(dtype.isFloatingPoint, "\"histogram_cpu\" not implemented for '\(dtype.castName)'")
        check(bins > 0, "torch.histc: bins must be > 0, but got \(bins) for bins")
        let values = toDoubles().filter { !$0.isNaN }
        var (low, high) = (lo, hi)
        if low == high, let smallest = values.min(), let largest = values.max() { (low, high) = (smallest, largest) }
        check(low.isFinite && high.isFinite, "torch.histc: range of [\(low), \(high)] is not finite")
        if low == high { (low, high) = (low - 1, high + 1) }
        check(low < high, "torch.histc: max must be larger than min")
        var counts = Array(repeating: 0.0, count: bins)
        for v in values where v >= low && v <= high {
            counts[Swift.min(bins - 1, Int((v - low) * Double(bins) / (high - low)))] += 1
        }
        return Tensor(counts, shape: [bins], dtype: dtype)
    }

    /// For each of `values`, the index where it would be inserted into the sorted last dim of
    /// `self` to keep it sorted: before equal elements, or after them with `right`. A 1-D `self`
    /// serves every value; otherwise leading dims match `values`'. PyTorch: `torch.searchsorted`.
    public func searchsorted(_ values: Tensor, right: Bool = false) -> Tensor {
        check(dim >= 1, "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension")
        check(dim == 1 || Array(shape.dropLast()) == Array(values.shape.dropLast()),
              "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor \(shapeString(shape)) and input value tensor \(shapeString(values.shape))")
        let width = shape[dim - 1], sequence = contiguous().toDoubles(), queries = values.contiguous().toDoubles()
        let perRow = dim == 1 ? Swift.max(queries.count, 1) : Swift.max(values.shape.last ?? 1, 1)
        let found = queries.enumerated().map { k, v -> Int in
            let row = dim == 1 ? 0 : k / perRow
            var lo = 0, hi = width
            while lo < hi {
                let mid = (lo + hi) / 2, s = sequence[row * width + mid]
                if right ? s <= v : s < v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return Tensor(found, shape: values.shape, dtype: .int64)
    }

    /// The bucket of each element between the sorted 1-D `boundaries`: `boundaries[i-1] < x <=
    /// boundaries[i]` (`<` on the right with `right`). PyTorch: `torch.bucketize`.
    public func bucketize(_ boundaries: Tensor, right: Bool = false) -> Tensor {
        check(boundaries.dim == 1, "boundaries tensor must be 1 dimension, but got dim(\(boundaries.dim))")
        return boundaries.searchsorted(self, right: right)
    }
}
