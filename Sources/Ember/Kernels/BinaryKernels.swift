import Foundation
import RealModule

/// Element-wise operations on two operands of one compute dtype.
enum BinaryOp {
    case add, sub, mul, div, pow, remainder, fmod, maximum, minimum, atan2, floorDivide
    /// The share of `maximum`'s and `minimum`'s gradient an operand gets (floating only):
    /// 0 where `x < y`, a half on ties, else 1 (NaN comparisons included, as in PyTorch).
    case tieSplitWeight
}

/// Element-wise comparisons producing bool.
enum CompareOp {
    case eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor
}

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

/// Floating-point binary kernel.
@inline(__always)
func floatBinary<T: Real & BinaryFloatingPoint>(_: T.Type, _ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    if denseBinary(T.self, op, a, b, out) { return }
    switch op {
    case .add: binaryLoop(a, b, out) { (x: T, y: T) in x + y }
    case .sub: binaryLoop(a, b, out) { (x: T, y: T) in x - y }
    case .mul: binaryLoop(a, b, out) { (x: T, y: T) in x * y }
    case .div: binaryLoop(a, b, out) { (x: T, y: T) in x / y }
    case .pow: binaryLoop(a, b, out, cost: 8) { (x: T, y: T) -> T in
        y == 2 ? x * x : (y == 1 ? x : powReal(x, y))
    }
    case .remainder: binaryLoop(a, b, out, cost: 4) { (x: T, y: T) -> T in
        let r = fmodReal(x, y)
        return r != 0 && ((r < 0) != (y < 0)) ? r + y : r
    }
    case .fmod: binaryLoop(a, b, out, cost: 4) { (x: T, y: T) in fmodReal(x, y) }
    case .maximum: binaryLoop(a, b, out) { (x: T, y: T) -> T in MaximumOp.apply(x, y) }
    case .minimum: binaryLoop(a, b, out) { (x: T, y: T) -> T in MinimumOp.apply(x, y) }
    case .atan2: binaryLoop(a, b, out, cost: 8) { (x: T, y: T) in T.atan2(y: x, x: y) }
    case .floorDivide: binaryLoop(a, b, out) { (x: T, y: T) in (x / y).rounded(.down) }
    case .tieSplitWeight: binaryLoop(a, b, out) { (x: T, y: T) -> T in TieSplitOp.apply(x, y) }
    }
}

/// `+ - * /`, `maximum`, `minimum` and the latter's gradient weight with the loops written out
/// for the layouts training hits most: same-shape contiguous operands, a scalar right operand (the
/// textbook's ReLU `max(X, 0)`), a row vector broadcast over contiguous rows (a bias), and one
/// value per matrix row (the textbook's softmax `X_exp / partition`).
/// `binaryLoop` calls its closure per element through the parallel body's context (no
/// vectorization); here the op is a type, so each loop is specialized and vectorizes. Returns
/// false when the op or layout is not one of them.
@inline(__always)
private func denseBinary<T: BinaryFloatingPoint>(_: T.Type, _ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool {
    guard out.isContiguous, a.isContiguous, out.dim >= 1 else { return false }
    switch op {
    case .add: return denseLoops(AddOp.self, T.self, a, b, out)
    case .sub: return denseLoops(SubOp.self, T.self, a, b, out)
    case .mul: return denseLoops(MulOp.self, T.self, a, b, out)
    case .div: return denseLoops(DivOp.self, T.self, a, b, out)
    case .maximum: return denseLoops(MaximumOp.self, T.self, a, b, out)
    case .minimum: return denseLoops(MinimumOp.self, T.self, a, b, out)
    case .tieSplitWeight: return denseLoops(TieSplitOp.self, T.self, a, b, out)
    default: return false
    }
}

private protocol DenseBinaryOp {
    static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T
}
private enum AddOp: DenseBinaryOp { static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x + y } }
private enum SubOp: DenseBinaryOp { static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x - y } }
private enum MulOp: DenseBinaryOp { static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x * y } }
private enum DivOp: DenseBinaryOp { static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x / y } }
/// NaN if either is NaN, as `torch.maximum`.
private enum MaximumOp: DenseBinaryOp {
    static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x.isNaN || y.isNaN ? T.nan : Swift.max(x, y) }
}
private enum MinimumOp: DenseBinaryOp {
    static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x.isNaN || y.isNaN ? T.nan : Swift.min(x, y) }
}
/// `BinaryOp.tieSplitWeight`.
private enum TieSplitOp: DenseBinaryOp {
    static func apply<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x < y ? 0 : (x == y ? 0.5 : 1) }
}

private func denseLoops<Op: DenseBinaryOp, T: BinaryFloatingPoint>(_: Op.Type, _: T.Type, _ a: Tensor, _ b: Tensor,
                                                                    _ out: Tensor) -> Bool {
    let n = out.numel, last = out.shape[out.dim - 1], rows = n / Swift.max(last, 1)
    let scalar = b.strides.allSatisfy { $0 == 0 }
    let row = !scalar && b.strides[b.dim - 1] == 1 && b.strides.dropLast().allSatisfy { $0 == 0 }
    // One value per row of a matrix (a `[R, 1]` operand expanded, as in `X / X.sum(1, keepdim=True)`).
    let column = !scalar && out.dim == 2 && b.strides[1] == 0
    guard b.isContiguous || scalar || row || column else { return false }
    let pa = a.pointer(as: T.self), pb = b.pointer(as: T.self), po = out.pointer(as: T.self)
    if scalar {
        let v = pb[0]
        parallelFor(n) { r in for i in r { po[i] = Op.apply(pa[i], v) } }
    } else if b.isContiguous {
        parallelFor(n) { r in for i in r { po[i] = Op.apply(pa[i], pb[i]) } }
    } else if row {
        parallelFor(rows, costPerItem: last) { rows in
            for i in rows {
                let x = pa + i * last, y = po + i * last
                for j in 0..<last { y[j] = Op.apply(x[j], pb[j]) }
            }
        }
    } else {
        let stride = b.strides[0]
        parallelFor(rows, costPerItem: last) { rows in
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

@inline(__always)
func fmodReal<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T { x.truncatingRemainder(dividingBy: y) }

/// Integer binary kernel (int64 compute type). Division by zero stops as in PyTorch.
@inline(__always)
func intBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch op {
    case .add: binaryLoop(a, b, out) { (x: Int64, y: Int64) in x &+ y }
    case .sub: binaryLoop(a, b, out) { (x: Int64, y: Int64) in x &- y }
    case .mul: binaryLoop(a, b, out) { (x: Int64, y: Int64) in x &* y }
    case .pow: binaryLoop(a, b, out) { (x: Int64, y: Int64) -> Int64 in
        check(y >= 0, "Integers to negative integer powers are not allowed.")
        var r: Int64 = 1, base = x, e = y
        while e > 0 {
            if e & 1 == 1 { r = r &* base }
            base = base &* base
            e >>= 1
        }
        return r
    }
    case .remainder: binaryLoop(a, b, out) { (x: Int64, y: Int64) -> Int64 in
        check(y != 0, "ZeroDivisionError")
        let r = x % y
        return r != 0 && ((r < 0) != (y < 0)) ? r + y : r
    }
    case .fmod: binaryLoop(a, b, out) { (x: Int64, y: Int64) -> Int64 in
        check(y != 0, "ZeroDivisionError")
        return x % y
    }
    case .floorDivide: binaryLoop(a, b, out) { (x: Int64, y: Int64) -> Int64 in
        check(y != 0, "ZeroDivisionError")
        let q = x / y
        return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q
    }
    case .maximum: binaryLoop(a, b, out) { (x: Int64, y: Int64) in Swift.max(x, y) }
    case .minimum: binaryLoop(a, b, out) { (x: Int64, y: Int64) in Swift.min(x, y) }
    case .div, .atan2, .tieSplitWeight: fatalError("integer \(op) is computed in floating point")
    }
}

/// Bool binary kernel: arithmetic on bools is logical, as in PyTorch (`+` is or, `*` is and).
@inline(__always)
func boolBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch op {
    case .add, .maximum: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x || y }
    case .mul, .minimum: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x && y }
    default: fatalError("\(op): not supported for bool tensors")
    }
}

/// Dispatches a binary op on the compute dtype shared by `a`, `b` and `out`.
func binaryKernel(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch out.dtype {
    case .float32: floatBinary(Float.self, op, a, b, out)
    case .float64: floatBinary(Double.self, op, a, b, out)
    case .int64: intBinary(op, a, b, out)
    case .bool: boolBinary(op, a, b, out)
    default: fatalError("binary kernel: \(out.dtype) is not a compute dtype")
    }
}

/// Comparison of two operands of one compute dtype into a bool `out`.
func compareKernel(_ op: CompareOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch a.dtype {
    case .float32: compareTyped(Float.self, op, a, b, out)
    case .float64: compareTyped(Double.self, op, a, b, out)
    case .int64: compareTyped(Int64.self, op, a, b, out)
    case .bool:
        switch op {
        case .logicalAnd: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x && y }
        case .logicalOr: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x || y }
        case .logicalXor, .ne: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x != y }
        case .eq: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x == y }
        case .lt: binaryLoop(a, b, out) { (x: Bool, y: Bool) in !x && y }
        case .le: binaryLoop(a, b, out) { (x: Bool, y: Bool) in !x || y }
        case .gt: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x && !y }
        case .ge: binaryLoop(a, b, out) { (x: Bool, y: Bool) in x || !y }
        }
    default: fatalError("compare kernel: \(a.dtype) is not a compute dtype")
    }
}

@inline(__always)
private func compareTyped<T: Comparable & Element>(_: T.Type, _ op: CompareOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    switch op {
    case .eq: binaryLoop(a, b, out) { (x: T, y: T) in x == y }
    case .ne: binaryLoop(a, b, out) { (x: T, y: T) in x != y }
    case .lt: binaryLoop(a, b, out) { (x: T, y: T) in x < y }
    case .le: binaryLoop(a, b, out) { (x: T, y: T) in x <= y }
    case .gt: binaryLoop(a, b, out) { (x: T, y: T) in x > y }
    case .ge: binaryLoop(a, b, out) { (x: T, y: T) in x >= y }
    case .logicalAnd, .logicalOr, .logicalXor: fatalError("logical ops compute on bool")
    }
}
