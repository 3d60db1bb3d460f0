import Foundation
import RealModule

/// Element-wise operations of one operand.
enum UnaryOp {
    case neg, abs, sqrt, rsqrt, exp, exp2, log, log2, log10, log1p, expm1
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh
    case sigmoid, logSigmoid, relu, gelu, geluTanh, silu, erf, erfc
    case ceil, floor, round, trunc, frac, sign, reciprocal, square
    case leakyRelu(Double)
    case elu(alpha: Double)
    case softplus(beta: Double, threshold: Double)
    case clamp(min: Double?, max: Double?)
    case hardtanh(Double, Double)
    case mulScalar(Double), addScalar(Double), divScalar(Double), scalarSub(Double), powScalar(Double)
}

/// Runs `f` over `a` into `out` (same shape, any strides).
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

/// ReLU over contiguous memory with the loop written out here, not through `unaryLoop`: a
/// closure captured by the parallel body is called per element (measured: an indirect call per
/// element and no vectorization, a quarter of a LeNet step in ReLU alone). NaN stays NaN.
private func denseRelu<T: BinaryFloatingPoint>(_ pa: UnsafeMutablePointer<T>, _ po: UnsafeMutablePointer<T>, _ n: Int) {
    parallelFor(n) { r in
        for i in r {
            let x = pa[i]
            po[i] = x <= 0 ? 0 : x
        }
    }
}

/// Floating-point unary kernel.
@inline(__always)
func floatUnary<T: Real & BinaryFloatingPoint>(_: T.Type, _ op: UnaryOp, _ a: Tensor, _ out: Tensor) {
    switch op {
    case .neg: unaryLoop(a, out) { (x: T) in -x }
    case .abs: unaryLoop(a, out) { (x: T) in Swift.abs(x) }
    case .sqrt: unaryLoop(a, out) { (x: T) in x.squareRoot() }
    case .rsqrt: unaryLoop(a, out) { (x: T) in 1 / x.squareRoot() }
    case .exp: unaryLoop(a, out, cost: 8) { (x: T) in T.exp(x) }
    case .exp2: unaryLoop(a, out, cost: 8) { (x: T) in T.exp2(x) }
    case .log: unaryLoop(a, out, cost: 8) { (x: T) in T.log(x) }
    case .log2: unaryLoop(a, out, cost: 8) { (x: T) in T.log2(x) }
    case .log10: unaryLoop(a, out, cost: 8) { (x: T) in T.log10(x) }
    case .log1p: unaryLoop(a, out, cost: 8) { (x: T) in T.log(onePlus: x) }
    case .expm1: unaryLoop(a, out, cost: 8) { (x: T) in T.expMinusOne(x) }
    case .sin: unaryLoop(a, out, cost: 8) { (x: T) in T.sin(x) }
    case .cos: unaryLoop(a, out, cost: 8) { (x: T) in T.cos(x) }
    case .tan: unaryLoop(a, out, cost: 8) { (x: T) in T.tan(x) }
    case .asin: unaryLoop(a, out, cost: 8) { (x: T) in T.asin(x) }
    case .acos: unaryLoop(a, out, cost: 8) { (x: T) in T.acos(x) }
    case .atan: unaryLoop(a, out, cost: 8) { (x: T) in T.atan(x) }
    case .sinh: unaryLoop(a, out, cost: 8) { (x: T) in T.sinh(x) }
    case .cosh: unaryLoop(a, out, cost: 8) { (x: T) in T.cosh(x) }
    case .tanh: unaryLoop(a, out, cost: 8) { (x: T) in T.tanh(x) }
    case .asinh: unaryLoop(a, out, cost: 8) { (x: T) in T.asinh(x) }
    case .acosh: unaryLoop(a, out, cost: 8) { (x: T) in T.acosh(x) }
    case .atanh: unaryLoop(a, out, cost: 8) { (x: T) in T.atanh(x) }
    case .sigmoid: unaryLoop(a, out, cost: 8) { (x: T) in 1 / (1 + T.exp(-x)) }
    case .logSigmoid: unaryLoop(a, out, cost: 8) { (x: T) in Swift.min(x, 0) - T.log(onePlus: T.exp(-Swift.abs(x))) }
    case .relu:
        if a.isContiguous && out.isContiguous {
            denseRelu(a.pointer(as: T.self), out.pointer(as: T.self), out.numel)
        } else {
            unaryLoop(a, out) { (x: T) in x > 0 ? x : (x.isNaN ? x : 0) }
        }
    case .gelu: unaryLoop(a, out, cost: 8) { (x: T) in x * (1 + T.erf(x / T.sqrt(2))) / 2 }
    case .geluTanh: unaryLoop(a, out, cost: 8) { (x: T) -> T in
        let k = T.sqrt(2 / T.pi)
        return x * (1 + T.tanh(k * (x + T(0.044715) * x * x * x))) / 2
    }
    case .silu: unaryLoop(a, out, cost: 8) { (x: T) in x / (1 + T.exp(-x)) }
    case .erf: unaryLoop(a, out, cost: 8) { (x: T) in T.erf(x) }
    case .erfc: unaryLoop(a, out, cost: 8) { (x: T) in T.erfc(x) }
    case .ceil: unaryLoop(a, out) { (x: T) in x.rounded(.up) }
    case .floor: unaryLoop(a, out) { (x: T) in x.rounded(.down) }
    case .round: unaryLoop(a, out) { (x: T) in x.rounded(.toNearestOrEven) }
    case .trunc: unaryLoop(a, out) { (x: T) in x.rounded(.towardZero) }
    case .frac: unaryLoop(a, out) { (x: T) in x - x.rounded(.towardZero) }
    case .sign: unaryLoop(a, out) { (x: T) -> T in x > 0 ? 1 : (x < 0 ? -1 : 0) }  // NaN gives 0, as in PyTorch
    case .reciprocal: unaryLoop(a, out) { (x: T) in 1 / x }
    case .square: unaryLoop(a, out) { (x: T) in x * x }
    case .leakyRelu(let s):
        let slope = T(s)
        unaryLoop(a, out) { (x: T) in x > 0 ? x : x * slope }
    case .elu(let al):
        let alpha = T(al)
        unaryLoop(a, out, cost: 8) { (x: T) in x > 0 ? x : alpha * T.expMinusOne(x) }
    case .softplus(let b, let th):
        let beta = T(b), threshold = T(th)
        unaryLoop(a, out, cost: 8) { (x: T) in x * beta > threshold ? x : T.log(onePlus: T.exp(x * beta)) / beta }
    case .clamp(let lo, let hi):
        let l = lo.map { T($0) }, h = hi.map { T($0) }
        unaryLoop(a, out) { (x: T) -> T in
            if x.isNaN { return x }
            var y = x
            if let l, y < l { y = l }
            if let h, y > h { y = h }
            return y
        }
    case .hardtanh(let lo, let hi):
        let l = T(lo), h = T(hi)
        unaryLoop(a, out) { (x: T) in Swift.min(Swift.max(x, l), h) }
    case .mulScalar(let s):
        let v = T(s)
        unaryLoop(a, out) { (x: T) in x * v }
    case .addScalar(let s):
        let v = T(s)
        unaryLoop(a, out) { (x: T) in x + v }
    case .divScalar(let s):
        let v = T(s)
        unaryLoop(a, out) { (x: T) in x / v }
    case .scalarSub(let s):
        let v = T(s)
        unaryLoop(a, out) { (x: T) in v - x }
    case .powScalar(let e):
        let v = T(e)
        if e == 2 { unaryLoop(a, out) { (x: T) in x * x } }
        else if e == 3 { unaryLoop(a, out) { (x: T) in x * x * x } }
        else if e == 0.5 { unaryLoop(a, out) { (x: T) in x.squareRoot() } }
        else { unaryLoop(a, out, cost: 8) { (x: T) in powReal(x, v) } }
    }
}

/// Integer unary kernel, for the ops that keep integer dtypes.
@inline(__always)
func intUnary(_ op: UnaryOp, _ a: Tensor, _ out: Tensor) {
    switch op {
    case .neg: unaryLoop(a, out) { (x: Int64) in 0 &- x }
    case .abs: unaryLoop(a, out) { (x: Int64) in x < 0 ? 0 &- x : x }
    case .sign: unaryLoop(a, out) { (x: Int64) -> Int64 in x > 0 ? 1 : (x < 0 ? -1 : 0) }
    case .square: unaryLoop(a, out) { (x: Int64) in x &* x }
    case .relu: unaryLoop(a, out) { (x: Int64) in Swift.max(x, 0) }
    case .ceil, .floor, .round, .trunc: unaryLoop(a, out) { (x: Int64) in x }
    case .frac: unaryLoop(a, out) { (_: Int64) -> Int64 in 0 }
    case .clamp(let lo, let hi):
        let l = lo.map { truncatingInt64($0.rounded(.up)) }, h = hi.map { truncatingInt64($0.rounded(.down)) }
        unaryLoop(a, out) { (x: Int64) -> Int64 in
            var y = x
            if let l, y < l { y = l }
            if let h, y > h { y = h }
            return y
        }
    default: fatalError("\(op) is not implemented for integer tensors")
    }
}

/// Dispatches a unary op on `a`'s compute dtype into `out` of the same dtype.
func unaryKernel(_ op: UnaryOp, _ a: Tensor, _ out: Tensor) {
    switch a.dtype {
    case .float32:
        if a.isContiguous && out.isContiguous {
            let pa = UnsafePointer(a.pointer(as: Float.self)), po = out.pointer(as: Float.self)
            switch op {
            case .exp: return vectorUnary(ExpVectorOp.self, pa, po, out.numel)
            case .sigmoid: return vectorUnary(SigmoidVectorOp.self, pa, po, out.numel)
            case .silu: return vectorUnary(SiluVectorOp.self, pa, po, out.numel)
            default: break
            }
        }
        floatUnary(Float.self, op, a, out)
    case .float64: floatUnary(Double.self, op, a, out)
    case .int64: intUnary(op, a, out)
    case .bool:
        switch op {
        case .abs, .ceil, .floor, .round, .trunc, .relu: unaryLoop(a, out) { (x: Bool) in x }
        default: fatalError("\(op) is not implemented for bool tensors")
        }
    default: fatalError("unary kernel: \(a.dtype) is not a compute dtype")
    }
}
