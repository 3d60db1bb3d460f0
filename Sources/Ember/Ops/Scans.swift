extension Tensor {
    /// The running maximum along `dim` and the index it came from (the latest of equal values).
    /// PyTorch: `torch.cummax`.
    public func cummax(_ d: Int) -> (values: Tensor, indices: Tensor) { extremumScan(d, maximum: true, "cummax") }

    /// The running minimum along `dim` and the index it came from. PyTorch: `torch.cummin`.
    public func cummin(_ d: Int) -> (values: Tensor, indices: Tensor) { extremumScan(d, maximum: false, "cummin") }

    private func extremumScan(_ d: Int, maximum: Bool, _ op: String) -> (values: Tensor, indices: Tensor) {
        let dd = dim == 0 ? 0 : normalizeDim(d, op)
        if dim == 0 || numel == 0 { return (clone(), Tensor.zeros(shape, dtype: .int64)) }
        let ct = dtype.computeType
        let moved = converted(ct).movedimRaw(dd, dim - 1).contiguousRaw()
        let values = Tensor(uninitializedShape: moved.shape, dtype: ct), indices = Tensor(uninitializedShape: moved.shape, dtype: .int64)
        let n = shape[dd], outer = numel / n
        switch ct {
        case .float32: extremumScanKernel(Float.self, maximum: maximum, moved, outer: outer, n: n, values: values, indices: indices)
        case .float64: extremumScanKernel(Double.self, maximum: maximum, moved, outer: outer, n: n, values: values, indices: indices)
        case .int64: extremumScanKernel(Int64.self, maximum: maximum, moved, outer: outer, n: n, values: values, indices: indices)
        default: extremumScanKernel(UInt8.self, maximum: maximum, moved, outer: outer, n: n, values: values, indices: indices)
        }
        let index = indices.movedimRaw(dim - 1, dd).contiguousRaw()
        let inShape = shape
        let out = values.movedimRaw(dim - 1, dd).contiguousRaw().converted(dtype)
            .recording(maximum ? "CummaxBackward0" : "CumminBackward0", [self]) { g, _ in
                [Tensor.zeros(inShape, dtype: g.dtype).scatterAdd(dd, index, g)]
            }
        return (out, index)
    }

    /// `log(cumsum(exp(x)))` along `dim`, computed stably. PyTorch: `torch.logcumsumexp`.
    public func logcumsumexp(_ d: Int) -> Tensor {
        check(dtype.isFloatingPoint, "\"logcumsumexp_out_cpu\" not implemented for '\(dtype.castName)'")
        let dd = dim == 0 ? 0 : normalizeDim(d, "logcumsumexp")
        if dim == 0 { return clone() }
        let ct = dtype.computeType
        let moved = converted(ct).movedimRaw(dd, dim - 1).contiguousRaw()
        let out = Tensor(uninitializedShape: moved.shape, dtype: ct)
        let n = shape[dd], outer = n == 0 ? 0 : numel / n
        if ct == .float32 { logCumSumExpKernel(Float.self, moved, outer: outer, n: n, into: out) }
        else { logCumSumExpKernel(Double.self, moved, outer: outer, n: n, into: out) }
        return out.movedimRaw(dim - 1, dd).contiguousRaw().converted(dtype)
            .recording("LogcumsumexpBackward0", [self], saved: [self], savesOutput: true) { [self] g, out in
                // dx_j = Σ_{i≥j} g_i · e^(x_j − out_i), summed in log space for the positive and the
                // negative parts of g separately, so nothing overflows (PyTorch's formula).
                func part(_ w: Tensor) -> Tensor {
                    ((w.log() - out).flip([dd]).logcumsumexp(dd).flip([dd]) + self).exp()
                }
                let zero = Tensor.zerosLike(g)
                return [part(g.maximum(zero)) - part((-g).maximum(zero))]
            }
    }
}
