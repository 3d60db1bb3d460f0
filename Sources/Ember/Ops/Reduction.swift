extension Tensor {
    /// Normalized, sorted, deduplicated reduction dims; empty means all.
    func reductionDims(_ dims: [Int]?, _ op: String) -> [Int] {
        guard let dims, !dims.isEmpty else { return Array(0..<dim) }
        let n = dims.map { normalizeDim($0, op) }.sorted()
        check(Set(n).count == n.count, "dim \(n.first { d in n.filter { $0 == d }.count > 1 }!) appears multiple times in the list of dims")
        return n
    }

    /// Output shape of a reduction over `dims`.
    func reducedShape(_ dims: [Int], keepDim: Bool) -> [Int] {
        var out: [Int] = []
        for d in 0..<dim {
            if dims.contains(d) { if keepDim { out.append(1) } } else { out.append(shape[d]) }
        }
        return out
    }

    /// Runs a row reduction over `dims` in compute dtype `ct`, returning the result with `keepDim`.
    func reduceForward(_ op: ReduceOp, _ dims: [Int], keepDim: Bool, computeIn ct: DType, outDType: DType) -> Tensor {
        let kept = (0..<dim).filter { !dims.contains($0) }
        let n = dims.reduce(1) { $0 * shape[$1] }
        let outer = kept.reduce(1) { $0 * shape[$1] }
        let outShape = reducedShape(dims, keepDim: keepDim)
        let out = Tensor(uninitializedShape: outShape, dtype: outDType)
        if numel == 0 {
            check(op == .sum || op == .prod || op == .all || op == .any || n > 0,
                         "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
            out.fillRaw(op == .prod || op == .all ? 1 : 0)
            return out
        }
        let x = converted(ct)
        // Bias-gradient pattern: sum over leading dims of a contiguous float tensor into more than
        // one value. A sum of everything is one row, vectorized along it, where the column loop
        // would add the values one after the other (LeNet conv2's benchmark, whose backward sums
        // 409,600 values: 5.6-5.8 -> 4.0-4.3 ms).
        if op == .sum, outer > 1, x.isContiguous, dims == Array(0..<dims.count), ct.isFloatingPoint, outDType == ct {
            if ct == .float32 { sumLeadingKernel(Float.self, x, rows: n, inner: outer, into: out) }
            else { sumLeadingKernel(Double.self, x, rows: n, inner: outer, into: out) }
            return out
        }
        let rows = x.permute(kept + dims).contiguousRaw()
        reduceRowsKernel(op, rows, outer: outer, n: n, into: out)
        return out
    }

    /// Re-inserts reduced dims so a reduced gradient broadcasts against the input.
    func unsqueezeReduced(_ dims: [Int], keepDim: Bool) -> Tensor {
        if keepDim { return self }
        var t = self
        for d in dims { t = t.unsqueeze(d) }
        return t
    }

    /// Sum over `dims` (all when nil); integers and bools sum as int64. PyTorch: `torch.sum`.
    public func sum(dims: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        let ds = reductionDims(dims, "sum")
        return Tensor.traced("ReduceSum", [.tensor(self), .constant(Tensor(ds, shape: [ds.count], dtype: .int64))],
                             [.int("keepdims", keepDim ? 1 : 0)]) { sumUntraced(ds, dims: dims, keepDim: keepDim, dtype: dtype) }
    }

    private func sumUntraced(_ ds: [Int], dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        let rt = dtype ?? (self.dtype.isFloatingPoint ? self.dtype : .int64)
        let out = reduceForward(.sum, ds, keepDim: keepDim, computeIn: rt.computeType, outDType: rt.computeType).converted(rt)
        let inShape = shape
        return out.recording("SumBackward\(dims == nil ? 0 : 1)", [self]) { g, _ in
            [g.unsqueezeReduced(ds, keepDim: keepDim).expand(inShape)]
        }
    }
    /// Sum over one dim. PyTorch: `tensor.sum(dim, keepdim)`.
    public func sum(dim d: Int, keepDim: Bool = false) -> Tensor { sum(dims: [d], keepDim: keepDim) }

    /// Mean over `dims`; floating types only. PyTorch: `torch.mean`.
    public func mean(dims: [Int]? = nil, keepDim: Bool = false) -> Tensor {
        check(dtype.isFloatingPoint,
                     "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.castName)")
        let ds = reductionDims(dims, "mean")
        let n = ds.reduce(1) { $0 * shape[$1] }
        let s = noGrad { sum(dims: ds, keepDim: keepDim) }
        let out = noGrad { s / Double(n) }
        let inShape = shape
        return out.recording("MeanBackward\(dims == nil ? 0 : 1)", [self]) { g, _ in
            [g.unsqueezeReduced(ds, keepDim: keepDim).expand(inShape) / Double(n)]
        }
    }
    /// Mean over one dim. PyTorch: `tensor.mean(dim, keepdim)`.
    public func mean(dim d: Int, keepDim: Bool = false) -> Tensor { mean(dims: [d], keepDim: keepDim) }

    /// Product over all elements or one dim. PyTorch: `torch.prod`.
    public func prod(dim d: Int? = nil, keepDim: Bool = false) -> Tensor {
        guard let d else {
            let flat = flatten()
            return dim == 0 ? flat.prod(dim: 0).reshape([]) : flat.prod(dim: 0)
        }
        let dd = normalizeDim(d, "prod")
        let rt = dtype.isFloatingPoint ? dtype : .int64
        let out = reduceForward(.prod, [dd], keepDim: keepDim, computeIn: rt.computeType, outDType: rt.computeType).converted(rt)
        return out.recording("ProdBackward1", [self], saved: [self]) { [self] g, _ in
            // Product of the other elements: exclusive prefix times exclusive suffix (exact with zeros).
            let n = self.shape[dd]
            let ones = Tensor.onesLike(self.narrow(dd, 0, 1))
            let left = Tensor.cat([ones, self.narrow(dd, 0, n - 1).cumprod(dd)], dim: dd)
            let right = Tensor.cat([ones, self.flip([dd]).narrow(dd, 0, n - 1).cumprod(dd)], dim: dd).flip([dd])
            return [g.unsqueezeReduced([dd], keepDim: keepDim) * left * right]
        }
    }

    /// Gradient of max/min over all elements: split evenly among the elements equal to the result.
    private func extremumAll(_ op: ReduceOp, _ name: String) -> Tensor {
        check(numel > 0, "\(op)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        let out = reduceForward(op, Array(0..<dim), keepDim: false, computeIn: dtype.computeType, outDType: dtype.computeType).converted(dtype)
        return out.recording(name, [self], saved: [self], savesOutput: true) { [self] g, out in
            let mask = (self .== out).to(g.dtype)
            return [mask * (g / mask.sum())]
        }
    }

    /// Largest element. PyTorch: `torch.max(input)`.
    public func max() -> Tensor { extremumAll(.max, "MaxBackward1") }
    /// Smallest element. PyTorch: `torch.min(input)`.
    public func min() -> Tensor { extremumAll(.min, "MinBackward1") }

    /// Largest values along `dim` and their indices. PyTorch: `torch.max(input, dim)`.
    public func max(dim d: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremumDim(d, keepDim, isMax: true)
    }
    /// Smallest values along `dim` and their indices. PyTorch: `torch.min(input, dim)`.
    public func min(dim d: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremumDim(d, keepDim, isMax: false)
    }

    private func extremumDim(_ d: Int, _ keepDim: Bool, isMax: Bool) -> (values: Tensor, indices: Tensor) {
        let dd = normalizeDim(d, isMax ? "max" : "min")
        check(dim == 0 || shape[dd] > 0,
                     "\(isMax ? "max" : "min")(): Expected reduction dim \(dd) to have non-zero size.")
        let idx = arg(isMax ? .argmax : .argmin, dd, keepDim: true)
        let values = noGrad { self.gather(dd, idx) }
        let out = keepDim || dim == 0 ? values : values.squeeze(dd)
        let inShape = shape
        let result = out.recording(isMax ? "MaxBackward0" : "MinBackward0", [self]) { g, _ in
            [Tensor.zeros(inShape, dtype: g.dtype).scatter(dd, idx, g.unsqueezeReduced([dd], keepDim: keepDim || inShape.isEmpty))]
        }
        return (result, keepDim || dim == 0 ? idx : idx.squeeze(dd))
    }

    private func arg(_ op: ReduceOp, _ d: Int, keepDim: Bool) -> Tensor {
        let ct = dtype == .bool ? DType.int64 : dtype.computeType
        return reduceForward(op, dim == 0 ? [] : [d], keepDim: keepDim, computeIn: ct, outDType: .int64)
    }

    /// Index of the largest element (of the flattened tensor when `dim` is nil). PyTorch: `torch.argmax`.
    public func argmax(dim d: Int? = nil, keepDim: Bool = false) -> Tensor {
        guard let d else { return flatten().arg(.argmax, 0, keepDim: false) }
        return arg(.argmax, normalizeDim(d, "argmax"), keepDim: keepDim)
    }
    /// Index of the smallest element. PyTorch: `torch.argmin`.
    public func argmin(dim d: Int? = nil, keepDim: Bool = false) -> Tensor {
        guard let d else { return flatten().arg(.argmin, 0, keepDim: false) }
        return arg(.argmin, normalizeDim(d, "argmin"), keepDim: keepDim)
    }

    /// Maximum over `dims`, gradient split evenly among ties. PyTorch: `torch.amax`.
    public func amax(dims: [Int]? = nil, keepDim: Bool = false) -> Tensor { extremum(.max, dims, keepDim, "AmaxBackward0") }
    /// Minimum over `dims`. PyTorch: `torch.amin`.
    public func amin(dims: [Int]? = nil, keepDim: Bool = false) -> Tensor { extremum(.min, dims, keepDim, "AminBackward0") }

    private func extremum(_ op: ReduceOp, _ dims: [Int]?, _ keepDim: Bool, _ name: String) -> Tensor {
        let ds = reductionDims(dims, name)
        let out = reduceForward(op, ds, keepDim: keepDim, computeIn: dtype.computeType, outDType: dtype.computeType).converted(dtype)
        return out.recording(name, [self], saved: [self], savesOutput: true) { [self] g, out in
            let mask = (self .== out.unsqueezeReduced(ds, keepDim: keepDim)).to(g.dtype)
            let count = mask.sum(dims: ds, keepDim: true)
            return [mask * g.unsqueezeReduced(ds, keepDim: keepDim) / count]
        }
    }

    /// Whether all elements (along `dim`) are nonzero. PyTorch: `torch.all`.
    public func all(dim d: Int? = nil, keepDim: Bool = false) -> Tensor {
        let ds = d.map { [normalizeDim($0, "all")] } ?? Array(0..<dim)
        return reduceForward(.all, ds, keepDim: keepDim, computeIn: dtype.computeType, outDType: .bool)
    }
    /// Whether any element (along `dim`) is nonzero. PyTorch: `torch.any`.
    public func any(dim d: Int? = nil, keepDim: Bool = false) -> Tensor {
        let ds = d.map { [normalizeDim($0, "any")] } ?? Array(0..<dim)
        return reduceForward(.any, ds, keepDim: keepDim, computeIn: dtype.computeType, outDType: .bool)
    }

    /// Variance with `correction` (1 = unbiased, Bessel). PyTorch: `torch.var`.
    public func `var`(dims: [Int]? = nil, correction: Int = 1, keepDim: Bool = false) -> Tensor {
        let ds = reductionDims(dims, "var")
        let n = ds.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(dims: ds, keepDim: true)
        return (centered * centered).sum(dims: ds, keepDim: keepDim) / Double(Swift.max(0, n - correction))
    }
    /// Variance along one dim. PyTorch: `tensor.var(dim)`.
    public func `var`(dim d: Int, correction: Int = 1, keepDim: Bool = false) -> Tensor { self.var(dims: [d], correction: correction, keepDim: keepDim) }
    /// Standard deviation with `correction`. PyTorch: `torch.std`.
    public func std(dims: [Int]? = nil, correction: Int = 1, keepDim: Bool = false) -> Tensor {
        self.var(dims: dims, correction: correction, keepDim: keepDim).sqrt()
    }
    /// Standard deviation along one dim. PyTorch: `tensor.std(dim)`.
    public func std(dim d: Int, correction: Int = 1, keepDim: Bool = false) -> Tensor { std(dims: [d], correction: correction, keepDim: keepDim) }

    /// Vector p-norm over `dims` (all when nil); `p` may be `.infinity`. PyTorch: `torch.norm` / `linalg.vector_norm`.
    public func norm(p: Double = 2, dims: [Int]? = nil, keepDim: Bool = false) -> Tensor {
        let ds = reductionDims(dims, "norm")
        let x = dtype.isFloatingPoint ? self : to(.float32)
        if p == .infinity { return x.abs().amax(dims: ds, keepDim: keepDim) }
        if p == -.infinity { return x.abs().amin(dims: ds, keepDim: keepDim) }
        if p == 1 { return x.abs().sum(dims: ds, keepDim: keepDim) }
        if p == 0 {
            // The count of nonzeros: piecewise constant, so its gradient is zero (PyTorch's too).
            let count = noGrad { (x .!= 0.0).to(x.dtype).sum(dims: ds, keepDim: keepDim) }
            return count.recording("NormBackward1", [x]) { _, _ in [Tensor.zerosLike(x)] }
        }
        if p == 2 {
            let out = noGrad { (x * x).sum(dims: ds, keepDim: keepDim).sqrt() }
            return out.recording("NormBackward1", [x], saved: [x], savesOutput: true) { g, out in
                let o = out.unsqueezeReduced(ds, keepDim: keepDim)
                let scale = Tensor.where(o .== 0.0, Tensor.zerosLike(o), g.unsqueezeReduced(ds, keepDim: keepDim) / o)
                return [x * scale]
            }
        }
        return x.abs().pow(p).sum(dims: ds, keepDim: keepDim).pow(1 / p)
    }
    /// p-norm along one dim. PyTorch: `tensor.norm(p, dim)`.
    public func norm(p: Double = 2, dim d: Int, keepDim: Bool = false) -> Tensor { norm(p: p, dims: [d], keepDim: keepDim) }

    /// p-norm of the difference. PyTorch: `torch.dist`.
    public func dist(_ other: Tensor, p: Double = 2) -> Tensor { (self - other).norm(p: p) }

    /// `log(sum(exp(x)))` over `dims`, computed stably. PyTorch: `torch.logsumexp`.
    public func logsumexp(dims: [Int], keepDim: Bool = false) -> Tensor {
        let ds = reductionDims(dims, "logsumexp")
        let m = noGrad { () -> Tensor in
            let a = amax(dims: ds, keepDim: true)
            return Tensor.where(a.isinf(), Tensor.zerosLike(a), a)
        }
        let s = (self - m).exp().sum(dims: ds, keepDim: true).log() + m
        return keepDim ? s : s.reshape(reducedShape(ds, keepDim: false))
    }
    /// `logsumexp` over one dim. PyTorch: `torch.logsumexp(x, dim)`.
    public func logsumexp(dim d: Int, keepDim: Bool = false) -> Tensor { logsumexp(dims: [d], keepDim: keepDim) }

    /// Runs a scan kernel along `d`.
    private func scanForward(_ d: Int, product: Bool) -> Tensor {
        let rt = dtype.isFloatingPoint ? dtype : .int64
        if dim == 0 { return converted(rt).clone() }
        let moved = converted(rt.computeType).movedimRaw(d, dim - 1).contiguousRaw()
        let out = Tensor(uninitializedShape: moved.shape, dtype: rt.computeType)
        let n = shape[d]
        scanKernel(product: product, moved, outer: n == 0 ? 0 : numel / n, n: n, into: out)
        return out.movedimRaw(dim - 1, d).contiguousRaw().converted(rt)
    }

    /// Permutes without recording.
    func movedimRaw(_ s: Int, _ d: Int) -> Tensor { noGrad { movedim(s, d) } }

    /// Cumulative sum along `dim`. PyTorch: `torch.cumsum`.
    public func cumsum(_ d: Int) -> Tensor {
        let dd = normalizeDim(d, "cumsum")
        return scanForward(dd, product: false).recording("CumsumBackward0", [self]) { g, _ in
            [g.dim == 0 ? g : g.flip([dd]).cumsum(dd).flip([dd])]
        }
    }

    /// Cumulative product along `dim`. PyTorch: `torch.cumprod`.
    public func cumprod(_ d: Int) -> Tensor {
        let dd = normalizeDim(d, "cumprod")
        return scanForward(dd, product: true).recording("CumprodBackward0", [self], saved: [self], savesOutput: true) { [self] g, out in
            [self.dim == 0 ? g : cumprodGradient(g, out, dd)]
        }
    }

    /// The gradient of `cumprod` along `d` (`self` the input, `out` its output). Along a line,
    /// elements before the first zero get `sum_{j>=k} g_j out_j / x_k`; the first zero gets
    /// `sum_{j>=z} g_j out'_j`, `out'` being the cumprod with that zero read as one; elements after
    /// it get zero (every product through them holds the first zero).
    private func cumprodGradient(_ g: Tensor, _ out: Tensor, _ d: Int) -> Tensor {
        let reverseCumsum = { (t: Tensor) in t.flip([d]).cumsum(d).flip([d]) }
        let (hasZero, firstZero, beforeZero) = noGrad { () -> (Bool, Tensor, Tensor) in
            let isZero = self .== 0.0
            let zerosSoFar = isZero.cumsum(d)
            return (isZero.any().item() != 0, isZero.logicalAnd(zerosSoFar .== 1.0), zerosSoFar .== 0.0)
        }
        guard hasZero else { return reverseCumsum(g * out) / self }
        let one = Tensor.onesLike(self)
        let before = Tensor.where(beforeZero, reverseCumsum(g * out) / Tensor.where(beforeZero, self, one), Tensor.zerosLike(self))
        let zeroRead = Tensor.where(firstZero, one, self).cumprod(d)
        return before + Tensor.where(firstZero, reverseCumsum(g * zeroRead), Tensor.zerosLike(self))
    }
}
