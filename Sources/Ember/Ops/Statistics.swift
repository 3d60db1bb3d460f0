import Foundation

extension Tensor {
    /// The variance and the mean over `dims` (all when nil). PyTorch: `torch.var_mean`.
    public func varMean(dims: [Int]? = nil, correction: Int = 1, keepDim: Bool = false) -> (variance: Tensor, mean: Tensor) {
        (self.var(dims: dims, correction: correction, keepDim: keepDim), mean(dims: dims, keepDim: keepDim))
    }

    /// The standard deviation and the mean over `dims` (all when nil). PyTorch: `torch.std_mean`.
    public func stdMean(dims: [Int]? = nil, correction: Int = 1, keepDim: Bool = false) -> (std: Tensor, mean: Tensor) {
        (std(dims: dims, correction: correction, keepDim: keepDim), mean(dims: dims, keepDim: keepDim))
    }

    /// The sum over `dims` with NaN counted as zero. PyTorch: `torch.nansum`.
    public func nansum(dims: [Int]? = nil, keepDim: Bool = false) -> Tensor {
        guard dtype.isFloatingPoint else { return sum(dims: dims, keepDim: keepDim) }
        return Tensor.where(isnan(), Tensor.zeros([], dtype: dtype), self).sum(dims: dims, keepDim: keepDim)
    }

    /// The mean over `dims` of the elements that are not NaN. PyTorch: `torch.nanmean`.
    public func nanmean(dims: [Int]? = nil, keepDim: Bool = false) -> Tensor {
        check(dtype.isFloatingPoint, "nanmean(): expected input to have floating point dtype but got \(dtype.castName)")
        let counted = isnan().logicalNot().sum(dims: dims, keepDim: keepDim).to(dtype)
        return nansum(dims: dims, keepDim: keepDim) / counted
    }

    /// The number of nonzero elements over `dims` (all when nil), int64. PyTorch: `torch.count_nonzero`.
    public func countNonzero(dims: [Int]? = nil) -> Tensor {
        noGrad { (self .!= 0.0).sum(dims: dims) }
    }

    /// The minimum and the maximum over `dim` (all elements when nil). PyTorch: `torch.aminmax`.
    public func aminmax(dim d: Int? = nil, keepDim: Bool = false) -> (min: Tensor, max: Tensor) {
        let dims = d.map { [$0] }
        return (amin(dims: dims, keepDim: keepDim), amax(dims: dims, keepDim: keepDim))
    }

    /// The `n`-th forward difference along `dim`, after `prepend` and `append` are attached there
    /// (bools differ by exclusive or). PyTorch: `torch.diff`.
    public func diff(n: Int = 1, dim d: Int = -1, prepend: Tensor? = nil, append: Tensor? = nil) -> Tensor {
        check(dim >= 1, "diff expects input to be at least one-dimensional")
        check(n >= 0, "order must be non-negative but got \(n)")
        let dd = normalizeDim(d, "diff")
        var x = Tensor.cat([prepend, self, append].compactMap { $0 }, dim: dd)
        for _ in 0..<n where x.shape[dd] > 0 {
            let len = x.shape[dd] - 1
            let later = x.narrow(dd, 1, len), earlier = x.narrow(dd, 0, len)
            x = dtype == .bool ? later.logicalXor(earlier) : later - earlier
        }
        return x
    }

    /// The `k`-th smallest element (1-based) along `dim` and its index. PyTorch: `torch.kthvalue`.
    public func kthvalue(_ k: Int, dim d: Int = -1, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        let dd = dim == 0 ? 0 : normalizeDim(d, "kthvalue")
        let size = dim == 0 ? 1 : shape[dd]
        check(k >= 1 && k <= size, "kthvalue(): selected number k out of range for dimension \(dd)")
        if dim == 0 { return (alias(), Tensor.zeros([], dtype: .int64)) }
        let sorted = sort(dim: dd)
        let values = sorted.values.narrow(dd, k - 1, 1), indices = sorted.indices.narrow(dd, k - 1, 1)
        return keepDim ? (values, indices) : (values.squeeze(dd), indices.squeeze(dd))
    }

    /// The `q`-quantile along `dim` (of all elements when nil), interpolating between the two
    /// nearest ranks as `interpolation` says (`linear`, `lower`, `higher`, `midpoint`, `nearest`);
    /// NaN where the values hold a NaN. PyTorch: `torch.quantile`.
    public func quantile(_ q: Double, dim d: Int? = nil, keepDim: Bool = false, interpolation: String = "linear") -> Tensor {
        quantiles(Tensor(q, dtype: dtype), dim: d, keepDim: keepDim, interpolation: interpolation, ignoringNaN: false, op: "quantile")
    }

    /// The quantiles `q` (1-D) along `dim`, stacked along a new first dim; differentiable in `q`
    /// too, as in PyTorch (through the interpolation weights). PyTorch: `torch.quantile`.
    public func quantile(_ q: Tensor, dim d: Int? = nil, keepDim: Bool = false, interpolation: String = "linear") -> Tensor {
        quantiles(q, dim: d, keepDim: keepDim, interpolation: interpolation, ignoringNaN: false, op: "quantile")
    }

    /// `quantile` over the values that are not NaN (NaN where there are none). PyTorch: `torch.nanquantile`.
    public func nanquantile(_ q: Double, dim d: Int? = nil, keepDim: Bool = false, interpolation: String = "linear") -> Tensor {
        quantiles(Tensor(q, dtype: dtype), dim: d, keepDim: keepDim, interpolation: interpolation, ignoringNaN: true, op: "nanquantile")
    }

    /// `quantile` of the quantiles `q` (1-D) over the values that are not NaN. PyTorch: `torch.nanquantile`.
    public func nanquantile(_ q: Tensor, dim d: Int? = nil, keepDim: Bool = false, interpolation: String = "linear") -> Tensor {
        quantiles(q, dim: d, keepDim: keepDim, interpolation: interpolation, ignoringNaN: true, op: "nanquantile")
    }

    private func quantiles(_ q: Tensor, dim d: Int?, keepDim: Bool, interpolation: String, ignoringNaN: Bool, op: String) -> Tensor {
        check(dtype == .float32 || dtype == .float64, "\(op)() input tensor must be either float or double dtype")
        check(q.dtype == dtype, "\(op)() q tensor must be same dtype as the input tensor")
        check(q.dim <= 1, "\(op)() q must be a scalar or 1D tensor")
        let qs = q.toDoubles()
        for v in qs { check(v >= 0 && v <= 1, "\(op)() q values must be in the range [0, 1]") }
        let modes = ["linear", "lower", "higher", "midpoint", "nearest"]
        check(modes.contains(interpolation), "\(op)() interpolation must be one of linear, lower, higher, midpoint or nearest. Got \(interpolation)")
        // The values sorted along the last dim (NaN sort last), one row per output element.
        var x = d == nil ? reshape([-1]) : self
        let dd = d.map { normalizeDim($0, op) } ?? 0
        if x.dim == 0 { x = x.reshape([1]) }
        check(x.shape[dd] > 0, "\(op)() input tensor must be non-empty")
        let sorted = x.movedim(dd, -1).sort(dim: -1).values
        let n = sorted.shape[sorted.dim - 1]
        let last = sorted.dim - 1
        let nan = sorted.isnan()
        let zero = Tensor.full([], 0, dtype: dtype), lastIndex = Tensor.full([], Double(n - 1), dtype: dtype)
        // PyTorch's ranks, differentiable in q: q·(count − 1) over the values that are not NaN,
        // clamped at 0 (an all-NaN row reads its first value, a NaN), in `nanquantile`; q·(n − 1)
        // in `quantile`, or the last index (a NaN sorts last) where the values hold a NaN.
        let counts = ignoringNaN ? nan.logicalNot().sum(dims: [last], keepDim: true).to(dtype) : nil
        let anyNaN = ignoringNaN ? nil : nan.any(dim: last, keepDim: true)
        let qFlat = q.reshape([-1])
        let results = qs.indices.map { k -> Tensor in
            let qk = qFlat.select(0, k)
            var rank: Tensor
            if let counts {
                rank = qk * (counts - 1.0)
                rank = Tensor.where(noGrad { rank .< 0.0 }, zero, rank)
            } else {
                rank = Tensor.where(anyNaN!, lastIndex, qk * Double(n - 1))
            }
            switch interpolation {
            case "lower": rank = noGrad { rank.floor() }
            case "higher": rank = noGrad { rank.ceil() }
            case "nearest": rank = noGrad { rank.round() }
            default: break
            }
            let lower = noGrad { rank.floor() }
            let below = sorted.gather(-1, lower.to(.int64))
            guard interpolation == "linear" || interpolation == "midpoint" else { return below.squeeze(-1) }
            let above = sorted.gather(-1, noGrad { rank.ceil() }.to(.int64))
            let weight = interpolation == "midpoint" ? Tensor.fullLike(rank, 0.5) : rank - lower
            return below.lerp(above, weight: weight).squeeze(-1)
        }
        var out = q.dim == 0 ? results[0] : Tensor.stack(results, dim: 0)
        if keepDim {
            if d == nil {
                out = out.reshape((q.dim == 0 ? [] : [qs.count]) + Array(repeating: 1, count: dim))
            } else {
                out = out.unsqueeze(q.dim == 0 ? dd : dd + 1)
            }
        }
        return out
    }
}
