extension Tensor {
    /// `self` repeated `reps` times along each dim; fewer reps than dims repeat the trailing dims
    /// (leading ones are 1). PyTorch: `torch.tile`.
    public func tile(_ reps: [Int]) -> Tensor {
        self.repeat(Array(repeating: 1, count: Swift.max(0, dim - reps.count)) + reps)
    }

    /// Each element (or slice along `dim`) repeated `repeats` times in place; `dim` nil flattens
    /// first. PyTorch: `torch.repeat_interleave(input, repeats, dim)`.
    public func repeatInterleave(_ repeats: Int, dim: Int? = nil) -> Tensor {
        check(repeats >= 0, "repeats can not be negative")
        let x = dim == nil ? reshape([-1]) : self
        let d = dim.map { normalizeDim($0, "repeat_interleave") } ?? 0
        return x.repeatInterleave(counts: Array(repeating: repeats, count: x.shape[d]), dim: d)
    }

    /// Slice `i` along `dim` repeated `repeats[i]` times (a single count repeats every slice).
    /// PyTorch: `torch.repeat_interleave(input, repeats_tensor, dim)`.
    public func repeatInterleave(_ repeats: Tensor, dim: Int? = nil) -> Tensor {
        check(repeats.dim <= 1, "repeats must be 0-dim or 1-dim tensor")
        check(!repeats.dtype.isFloatingPoint && repeats.dtype != .bool, "repeats has to be Long or Int tensor")
        let x = dim == nil ? reshape([-1]) : self
        let d = dim.map { normalizeDim($0, "repeat_interleave") } ?? 0
        var counts = repeats.toDoubles().map { Int($0) }
        if counts.count == 1 { counts = Array(repeating: counts[0], count: x.shape[d]) }
        check(counts.count == x.shape[d], "repeats must have the same size as input along dim, but got repeats.size(0) = \(counts.count) and input.size(\(d)) = \(x.shape[d])")
        return x.repeatInterleave(counts: counts, dim: d)
    }

    private func repeatInterleave(counts: [Int], dim d: Int) -> Tensor {
        for c in counts { check(c >= 0, "repeats can not be negative") }
        let index = counts.enumerated().flatMap { i, c in Array(repeating: i, count: c) }
        return indexSelect(d, Tensor(index, shape: [index.count], dtype: .int64))
    }

    /// `self` with at least one dim (a 0-dim tensor becomes `[1]`). PyTorch: `torch.atleast_1d`.
    public func atleast1d() -> Tensor { dim == 0 ? reshape([1]) : self }
    /// `self` with at least two dims (`[n]` becomes `[1, n]`). PyTorch: `torch.atleast_2d`.
    public func atleast2d() -> Tensor { dim >= 2 ? self : atleast1d().unsqueeze(0) }
    /// `self` with at least three dims (`[n]` becomes `[1, n, 1]`, `[m, n]` `[m, n, 1]`).
    /// PyTorch: `torch.atleast_3d`.
    public func atleast3d() -> Tensor { dim >= 3 ? self : atleast2d().unsqueeze(-1) }

    /// The tensors side by side: along dim 0 when all are 1-D, else dim 1. PyTorch: `torch.hstack`.
    public static func hstack(_ tensors: [Tensor]) -> Tensor {
        let t = tensors.map { $0.atleast1d() }
        return Tensor.cat(t, dim: t.allSatisfy { $0.dim == 1 } ? 0 : 1)
    }
    /// The tensors stacked as rows (1-D ones become rows). PyTorch: `torch.vstack`.
    public static func vstack(_ tensors: [Tensor]) -> Tensor { Tensor.cat(tensors.map { $0.atleast2d() }, dim: 0) }
    /// The tensors stacked along a third dim. PyTorch: `torch.dstack`.
    public static func dstack(_ tensors: [Tensor]) -> Tensor { Tensor.cat(tensors.map { $0.atleast3d() }, dim: 2) }
    /// The tensors as columns of a matrix (0- and 1-D ones become columns). PyTorch: `torch.column_stack`.
    public static func columnStack(_ tensors: [Tensor]) -> Tensor {
        Tensor.cat(tensors.map { $0.dim <= 1 ? $0.reshape([-1, 1]) : $0 }, dim: 1)
    }

    /// Rotated by 90° `k` times in the plane of `dims`, from the first towards the second.
    /// PyTorch: `torch.rot90`.
    public func rot90(_ k: Int = 1, dims: [Int] = [0, 1]) -> Tensor {
        check(dims.count == 2, "expected total rotation dims == 2, but got dims = \(dims.count)")
        check(dim >= 2, "expected total dims >= 2, but got total dims = \(dim)")
        let d0 = normalizeDim(dims[0], "rot90"), d1 = normalizeDim(dims[1], "rot90")
        check(d0 != d1, "expected rotation dims to be different, but got dim0 = \(d0) and dim1 = \(d1)")
        switch ((k % 4) + 4) % 4 {
        case 1: return flip([d1]).transpose(d0, d1)
        case 2: return flip([d0, d1])
        case 3: return flip([d0]).transpose(d0, d1)
        default: return clone()
        }
    }

    /// Coordinate grids from 1-D tensors: output `i` holds `tensors[i]` along dim `i` (`"ij"`), or
    /// with the first two dims swapped (`"xy"`, Cartesian). PyTorch: `torch.meshgrid`.
    public static func meshgrid(_ tensors: [Tensor], indexing: String = "ij") -> [Tensor] {
        check(indexing == "ij" || indexing == "xy", "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: \(indexing)")
        check(!tensors.isEmpty, "meshgrid expects a non-empty TensorList")
        for t in tensors { check(t.dim <= 1, "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: \(t.dim)D") }
        let swap = indexing == "xy" && tensors.count >= 2
        var order = tensors.map { $0.reshape([-1]) }
        if swap { order.swapAt(0, 1) }
        let sizes = order.map { $0.shape[0] }
        var grids = order.enumerated().map { i, t in
            var shape = Array(repeating: 1, count: sizes.count)
            shape[i] = sizes[i]
            return t.reshape(shape).expand(sizes)
        }
        if swap { grids.swapAt(0, 1) }
        return grids
    }

    /// Every combination of one element of each 1-D tensor, as rows. PyTorch: `torch.cartesian_prod`.
    public static func cartesianProd(_ tensors: [Tensor]) -> Tensor {
        if tensors.count == 1 { return tensors[0].reshape([-1]) }
        return Tensor.stack(meshgrid(tensors).map { $0.reshape([-1]) }, dim: 1)
    }

    /// The length-`r` combinations of a 1-D tensor's elements, as rows, in lexicographic order of
    /// positions (with repeated positions when `withReplacement`). PyTorch: `torch.combinations`.
    public func combinations(r: Int = 2, withReplacement: Bool = false) -> Tensor {
        check(dim == 1, "Expect a 1D vector, but got shape \(shapeString(shape))")
        check(r >= 0, "Expect a non-negative number, but got \(r)")
        let n = shape[0]
        var rows: [[Int]] = []
        func extend(_ row: [Int], from start: Int) {
            if row.count == r { rows.append(row); return }
            guard start < n else { return }
            for i in start..<n { extend(row + [i], from: withReplacement ? i : i + 1) }
        }
        if r > 0 { extend([], from: 0) }
        // No combination: an empty `[0, r]` view of the input (still part of its graph).
        guard !rows.isEmpty else { return r == 0 ? narrow(0, 0, 0) : Tensor.stack(Array(repeating: narrow(0, 0, 0), count: r), dim: 1) }
        let columns = (0..<r).map { k in indexSelect(0, Tensor(rows.map { $0[k] }, shape: [rows.count], dtype: .int64)) }
        return Tensor.stack(columns, dim: 1)
    }
}
