import RealModule

/// Runs `f` over broadcast operands `a`, `b` (already expanded to `out.shape`) into `out`.
/// The contiguous and scalar-broadcast inner loops are written out so they vectorize.
@inline(__always)
func binaryLoop<T, R>(_ a: Tensor, _ b: Tensor, _ out: Tensor, cost: Int = 1, _ f: (T, T) -> R) {
    let po = out.pointer(as: R.self), pa = a.pointer(as: T.self), pb = b.pointer(as: T.self)
    if out.isContiguous && a.isContiguous && (b.isContiguous || b.strides.allSatisfy { $0 == 0 }) {
        // Dense fast path (no layout bookkeeping): the common case of same-shape or tensor-scalar ops.
        let scalar = !b.isContiguous || (b.numel == 1 && out.numel > 1)
        parallelFor(out.numel, costPerItem: cost) { r in
            if scalar {
                let v = pb[0]
                for i in r { po[i] = f(pa[i], v) }
            } else {
                for i in r { po[i] = f(pa[i], pb[i]) }
            }
        }
        return
    }
    let layout = StridedLayout(shape: out.shape, strides: [out.strides, a.strides, b.strides])
    let so = layout.innerStride(0), sa = layout.innerStride(1), sb = layout.innerStride(2)
    layout.parallelRows(costPerElement: cost) { offs, n in
        let o = po + offs[0], x = pa + offs[1], y = pb + offs[2]
        if so == 1 && sa == 1 && sb == 1 {
            for i in 0..<n { o[i] = f(x[i], y[i]) }
        } else if so == 1 && sa == 1 && sb == 0 {
            let v = y[0]
            for i in 0..<n { o[i] = f(x[i], v) }
        } else if so == 1 && sa == 0 && sb == 1 {
            let v = x[0]
            for i in 0..<n { o[i] = f(v, y[i]) }
        } else {
            for i in 0..<n { o[i * so] = f(x[i * sa], y[i * sb]) }
        }
    }
}

/// Runs float `F` over `a`, `b` (already expanded to `out.shape`) into `out`, with the loops
/// written out for the layouts training hits most: same-shape contiguous operands, a scalar right
/// operand (the textbook's ReLU `max(X, 0)`, `X * lr`), a row vector broadcast over contiguous rows
/// (a bias), and one value per matrix row (the textbook's softmax `X_exp / partition`). The function
/// is a type, so each loop is specialized and vectorizes; other layouts go through `binaryLoop`.
@inline(__always)
private func floatBinary<F: BinaryFunction, T: RealFloat>(_: F.Type, _: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    if denseLoops(F.self, T.self, a, b, out) || contiguousRows(F.self, T.self, a, b, out) { return }
    binaryLoop(a, b, out, cost: F.cost) { (x: T, y: T) in F.apply(x, y) }
}

/// Returns false unless the three operands' rows (their dims merged where they can be) are all
/// contiguous: a slice of a larger tensor's channels among them, as in the sum autograd makes of
/// a concatenation's gradient and another (DenseNet's backward). `binaryLoop` runs those too, but
/// its function is a closure it calls once per element, not inlined: those sums were 4% of
/// DenseNet's training step.
private func contiguousRows<Op: BinaryFunction, T: RealFloat>(_: Op.Type, _: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool {
    guard out.dim >= 1, out.numel > 0 else { return false }
    let layout = StridedLayout(shape: out.shape, strides: [out.strides, a.strides, b.strides])
    guard (0..<3).allSatisfy({ layout.innerStride($0) == 1 }) else { return false }
    let pa = a.pointer(as: T.self), pb = b.pointer(as: T.self), po = out.pointer(as: T.self)
    layout.parallelRows(costPerElement: Op.cost) { offsets, n in
        let x = pa + offsets[1], y = pb + offsets[2], o = po + offsets[0]
        for i in 0..<n { o[i] = Op.apply(x[i], y[i]) }
    }
    return true
}

/// Returns false when the layout is not one of `floatBinary`'s dense cases.
private func denseLoops<Op: BinaryFunction, T: RealFloat>(_: Op.Type, _: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool {
    guard out.isContiguous, a.isContiguous, out.dim >= 1 else { return false }
    let n = out.numel, last = out.shape[out.dim - 1], rows = n / Swift.max(last, 1)
    let scalar = b.strides.allSatisfy { $0 == 0 }
    let row = !scalar && b.strides[b.dim - 1] == 1 && b.strides.dropLast().allSatisfy { $0 == 0 }
    // One value per row of a matrix (a `[R, 1]` operand expanded, as in `X / X.sum(1, keepdim=True)`).
    let column = !scalar && out.dim == 2 && b.strides[1] == 0
    guard b.isContiguous || scalar || row || column else { return false }
    let pa = a.pointer(as: T.self), pb = b.pointer(as: T.self), po = out.pointer(as: T.self)
    if scalar {
        let v = pb[0]
        parallelFor(n, costPerItem: Op.cost) { r in for i in r { po[i] = Op.apply(pa[i], v) } }
    } else if b.isContiguous {
        parallelFor(n, costPerItem: Op.cost) { r in for i in r { po[i] = Op.apply(pa[i], pb[i]) } }
    } else if row {
        parallelFor(rows, costPerItem: last * Op.cost) { rows in
            for i in rows {
                let x = pa + i * last, y = po + i * last
                for j in 0..<last { y[j] = Op.apply(x[j], pb[j]) }
            }
        }
    } else {
        let stride = b.strides[0]
        parallelFor(rows, costPerItem: last * Op.cost) { rows in
            for i in rows {
                let x = pa + i * last, y = po + i * last, v = pb[i * stride]
                for j in 0..<last { y[j] = Op.apply(x[j], v) }
            }
        }
    }
    return true
}

/// PyTorch's `pow` for reals: like C `pow`, finite for a negative base with an integral exponent,
/// and 1 for `pow(x, 0)` and `pow(1, y)` even when the other operand is NaN.
@inline(__always)
func powReal<T: Real & BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
    if y == 0 || x == 1 { return 1 }
    if x >= 0 || x.isNaN { return T.pow(x, y) }
    if y.isInfinite { return x == -1 ? 1 : T.pow(-x, y) }
    if y.rounded() != y { return T.nan }
    let m = T.pow(-x, y)
    return y.truncatingRemainder(dividingBy: 2) == 0 ? m : -m
}

/// Runs `F` on the compute dtype shared by `a`, `b` and `out` (float32, float64; int64 and bool
/// where `F` has those forms). Integer division by zero stops, as in PyTorch.
func binaryKernel<F: BinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch out.dtype {
    case .float32: floatBinary(F.self, Float.self, a, b, out)
    case .float64: floatBinary(F.self, Double.self, a, b, out)
    case .int64: check(F.runInteger(a, b, out), "integer \(F.self) is computed in floating point")
    case .bool: check(F.runBool(a, b, out), "\(F.self): not supported for bool tensors")
    default: fatalError("binary kernel: \(out.dtype) is not a compute dtype")
    }
}

/// `g` where `lo < x < hi` (or `x` is NaN), zero elsewhere, into `out`, in one pass over
/// float32 or float64 operands: hardtanh's and ReLU6's gradient, PyTorch's
/// `hardtanh_backward` (`x <= lo || x >= hi ? 0 : g`, so a NaN input passes its gradient). As two
/// comparisons, a logical and, a conversion and a product it was a quarter of MobileNetV2's
/// training step.
func hardtanhBackwardKernel(_ g: Tensor, _ x: Tensor, _ out: Tensor, _ lo: Double, _ hi: Double) {
    func run<T: BinaryFloatingPoint>(_: T.Type) {
        let l = T(lo), h = T(hi)
        guard g.isContiguous && x.isContiguous else {
            return binaryLoop(g, x, out, cost: 2) { (gv: T, xv: T) -> T in xv <= l || xv >= h ? 0 : gv }
        }
        // A loop of its own rather than binaryLoop's closure, which was not inlined: the closure
        // call per element took 23% of the step.
        let pg = g.pointer(as: T.self), px = x.pointer(as: T.self), po = out.pointer(as: T.self)
        parallelFor(out.numel, costPerItem: 2) { r in
            for i in r {
                let v = px[i]
                po[i] = v <= l || v >= h ? 0 : pg[i]
            }
        }
    }
    out.dtype == .float32 ? run(Float.self) : run(Double.self)
}

/// Runs float `F` over contiguous `a` and the single value of `b` into contiguous `out`.
func scalarBinaryKernel<F: BinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    func run<T: RealFloat>(_: T.Type) {
        let pa = a.pointer(as: T.self), po = out.pointer(as: T.self), v = b.pointer(as: T.self).pointee
        parallelFor(out.numel, costPerItem: F.cost) { r in for i in r { po[i] = F.apply(pa[i], v) } }
    }
    if out.dtype == .float32 { run(Float.self) } else { run(Double.self) }
}

/// Runs an integer-only or bitwise `F` on int64 operands, or on bool ones where `F` is bitwise.
func bitwiseKernel<F: IntegerOnlyFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch out.dtype {
    case .int64: binaryLoop(a, b, out) { (x: Int64, y: Int64) in F.apply(x, y) }
    case .bool: check(F.runBool(a, b, out), "\(F.self): not supported for bool tensors")
    default: fatalError("bitwise kernel: \(out.dtype) is not a compute dtype")
    }
}

/// Runs comparison `F` on operands of one compute dtype into a bool `out`; bool operands are
/// compared as their bytes.
func compareKernel<F: CompareFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch a.dtype {
    case .float32: binaryLoop(a, b, out) { (x: Float, y: Float) in F.apply(x, y) }
    case .float64: binaryLoop(a, b, out) { (x: Double, y: Double) in F.apply(x, y) }
    case .int64: binaryLoop(a, b, out) { (x: Int64, y: Int64) in F.apply(x, y) }
    case .bool: binaryLoop(a, b, out) { (x: UInt8, y: UInt8) in F.apply(x, y) }
    default: fatalError("compare kernel: \(a.dtype) is not a compute dtype")
    }
}
