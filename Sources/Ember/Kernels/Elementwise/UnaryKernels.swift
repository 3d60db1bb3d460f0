/// Runs `f` over `a` into `out` (same shape, any strides). For loops whose function is not one of
/// the `UnaryFunction` types (a conversion, a bool test): the closure is called per element.
@inline(__always)
func unaryLoop<T, R>(_ a: Tensor, _ out: Tensor, cost: Int = 1, _ f: (T) -> R) {
    let po = out.pointer(as: R.self), pa = a.pointer(as: T.self)
    if out.isContiguous && a.isContiguous {
        parallelFor(out.numel, costPerItem: cost) { r in for i in r { po[i] = f(pa[i]) } }
        return
    }
    let layout = StridedLayout(shape: out.shape, strides: [out.strides, a.strides])
    let so = layout.innerStride(0), sa = layout.innerStride(1)
    layout.parallelRows(costPerElement: cost) { offs, n in
        let o = po + offs[0], x = pa + offs[1]
        if so == 1 && sa == 1 {
            for i in 0..<n { o[i] = f(x[i]) }
        } else {
            for i in 0..<n { o[i * so] = f(x[i * sa]) }
        }
    }
}

/// Runs `F` over float `a` into `out`: a plain loop over contiguous memory (specialized per
/// function, so it vectorizes), else row by row over the strided layout.
@inline(__always)
private func mapFloats<F: UnaryFunction, T: RealFloat>(_: F.Type, _ a: Tensor, _ out: Tensor, _ k: UnaryParams<T>) {
    let pa = a.pointer(as: T.self), po = out.pointer(as: T.self)
    if a.isContiguous && out.isContiguous {
        parallelFor(out.numel, costPerItem: F.cost) { r in for i in r { po[i] = F.apply(pa[i], k) } }
        return
    }
    let layout = StridedLayout(shape: out.shape, strides: [out.strides, a.strides])
    let so = layout.innerStride(0), sa = layout.innerStride(1)
    layout.parallelRows(costPerElement: F.cost) { offs, n in
        let o = po + offs[0], x = pa + offs[1]
        if so == 1 && sa == 1 {
            for i in 0..<n { o[i] = F.apply(x[i], k) }
        } else {
            for i in 0..<n { o[i * so] = F.apply(x[i * sa], k) }
        }
    }
}

/// A parameter from an op, saturated into int64 (an absent clamp bound is ±∞).
private func saturatingInt64(_ d: Double) -> Int64 {
    d.isNaN ? 0 : (d >= 9.2e18 ? .max : (d <= -9.2e18 ? .min : Int64(d)))
}

/// Runs `F` with constants `p`, `q`, `r` over `a` into `out`, both of one compute dtype (float32,
/// float64, int64 for integer functions, bool for the bool identities). Contiguous float32 takes
/// the function's vector form where it has one.
func unaryKernel<F: UnaryFunction>(_ f: F.Type, _ a: Tensor, _ out: Tensor, p: Double = 0, q: Double = 0, r: Double = 0) {
    switch a.dtype {
    case .float32:
        if a.isContiguous && out.isContiguous
            && F.runVector(UnsafePointer(a.pointer(as: Float.self)), out.pointer(as: Float.self), out.numel) { return }
        mapFloats(F.self, a, out, UnaryParams(p: Float(p), q: Float(q), r: Float(r)))
    case .float64:
        mapFloats(F.self, a, out, UnaryParams(p: p, q: q, r: r))
    case .int64:
        check(F.runInteger(a, out, UnaryParams(p: saturatingInt64(p), q: saturatingInt64(q), r: saturatingInt64(r))),
              "\(F.self) is computed in floating point")
    case .bool:
        check(F.keepsBool, "\(F.self) is not implemented for bool tensors")
        unaryLoop(a, out) { (x: Bool) in x }
    default:
        fatalError("unary kernel: \(a.dtype) is not a compute dtype")
    }
}
