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

/// A floating-point element-wise function with up to two parameters `p`, `q`, as a type: the
/// loops over it are specialized per function and vectorize. A closure passed to `unaryLoop` is
/// captured by the parallel body and called per element (an indirect call, no vectorization).
private protocol FloatFunction {
    static func apply<T: RealFloat>(_ x: T, _ p: T, _ q: T) -> T
}

/// The float types the unary kernels compute in (Float, Double).
typealias RealFloat = Real & BinaryFloatingPoint

/// Runs `F` with parameters `p`, `q` over `a` into `out`: a plain loop over contiguous memory,
/// else `unaryLoop` over the strided layout.
@inline(__always)
private func mapFloats<F: FloatFunction, T: Real & BinaryFloatingPoint>(_: F.Type, _: T.Type, _ a: Tensor, _ out: Tensor,
                                                                          _ p: T = 0, _ q: T = 0, cost: Int = 1) {
    if a.isContiguous && out.isContiguous {
        let pa = a.pointer(as: T.self), po = out.pointer(as: T.self)
        parallelFor(out.numel, costPerItem: cost) { r in for i in r { po[i] = F.apply(pa[i], p, q) } }
    } else {
        unaryLoop(a, out, cost: cost) { (x: T) in F.apply(x, p, q) }
    }
}

/// The element-wise functions of `floatUnary`, one type each.
private enum UnaryFn {
    enum Neg: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { -x } }
    enum Abs: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { Swift.abs(x) } }
    enum Sqrt: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x.squareRoot() } }
    enum Rsqrt: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { 1 / x.squareRoot() } }
    enum Exp: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.exp(x) } }
    enum Exp2: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.exp2(x) } }
    enum Log: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.log(x) } }
    enum Log2: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.log2(x) } }
    enum Log10: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.log10(x) } }
    enum Log1p: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.log(onePlus: x) } }
    enum Expm1: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.expMinusOne(x) } }
    enum Sin: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.sin(x) } }
    enum Cos: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.cos(x) } }
    enum Tan: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.tan(x) } }
    enum Asin: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.asin(x) } }
    enum Acos: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.acos(x) } }
    enum Atan: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.atan(x) } }
    enum Sinh: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.sinh(x) } }
    enum Cosh: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.cosh(x) } }
    enum Tanh: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.tanh(x) } }
    enum Asinh: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.asinh(x) } }
    enum Acosh: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.acosh(x) } }
    enum Atanh: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.atanh(x) } }
    enum Sigmoid: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { 1 / (1 + T.exp(-x)) } }
    enum LogSigmoid: FloatFunction {
        static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { Swift.min(x, 0) - T.log(onePlus: T.exp(-Swift.abs(x))) }
    }
    /// NaN stays NaN; -0 becomes 0.
    enum Relu: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x <= 0 ? 0 : x } }
    enum Gelu: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x * (1 + T.erf(x / T.sqrt(2))) / 2 } }
    enum GeluTanh: FloatFunction {
        static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T {
            x * (1 + T.tanh(T.sqrt(2 / T.pi) * (x + T(0.044715) * x * x * x))) / 2
        }
    }
    enum Silu: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x / (1 + T.exp(-x)) } }
    enum Erf: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.erf(x) } }
    enum Erfc: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { T.erfc(x) } }
    enum Ceil: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x.rounded(.up) } }
    enum Floor: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x.rounded(.down) } }
    enum Round: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x.rounded(.toNearestOrEven) } }
    enum Trunc: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x.rounded(.towardZero) } }
    enum Frac: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x - x.rounded(.towardZero) } }
    /// NaN gives 0, as in PyTorch.
    enum Sign: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
    enum Reciprocal: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { 1 / x } }
    enum Square: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x * x } }
    enum Cube: FloatFunction { static func apply<T: RealFloat>(_ x: T, _: T, _: T) -> T { x * x * x } }
    /// `p`: the negative slope.
    enum LeakyRelu: FloatFunction { static func apply<T: RealFloat>(_ x: T, _ p: T, _: T) -> T { x > 0 ? x : x * p } }
    /// `p`: alpha.
    enum Elu: FloatFunction { static func apply<T: RealFloat>(_ x: T, _ p: T, _: T) -> T { x > 0 ? x : p * T.expMinusOne(x) } }
    /// `p`: beta, `q`: threshold.
    enum Softplus: FloatFunction {
        static func apply<T: RealFloat>(_ x: T, _ p: T, _ q: T) -> T { x * p > q ? x : T.log(onePlus: T.exp(x * p)) / p }
    }
    /// Between `p` and `q` (an absent bound is infinite); NaN stays NaN; `p > q` gives `q`, as in PyTorch.
    enum Clamp: FloatFunction {
        static func apply<T: RealFloat>(_ x: T, _ p: T, _ q: T) -> T {
            if x.isNaN { return x }
            var y = x
            if y < p { y = p }
            if y > q { y = q }
            return y
        }
    }
    enum Hardtanh: FloatFunction {
        static func apply<T: RealFloat>(_ x: T, _ p: T, _ q: T) -> T { Swift.min(Swift.max(x, p), q) }
    }
    enum MulScalar: FloatFunction { static func apply<T: RealFloat>(_ x: T, _ p: T, _: T) -> T { x * p } }
    enum AddScalar: FloatFunction { static func apply<T: RealFloat>(_ x: T, _ p: T, _: T) -> T { x + p } }
    enum DivScalar: FloatFunction { static func apply<T: RealFloat>(_ x: T, _ p: T, _: T) -> T { x / p } }
    enum ScalarSub: FloatFunction { static func apply<T: RealFloat>(_ x: T, _ p: T, _: T) -> T { p - x } }
    enum PowScalar: FloatFunction { static func apply<T: RealFloat>(_ x: T, _ p: T, _: T) -> T { powReal(x, p) } }
}

/// Floating-point unary kernel.
@inline(__always)
func floatUnary<T: Real & BinaryFloatingPoint>(_: T.Type, _ op: UnaryOp, _ a: Tensor, _ out: Tensor) {
    let t = T.self, libm = 8  // cost per element of a libm call, against 1 for arithmetic
    switch op {
    case .neg: mapFloats(UnaryFn.Neg.self, t, a, out)
    case .abs: mapFloats(UnaryFn.Abs.self, t, a, out)
    case .sqrt: mapFloats(UnaryFn.Sqrt.self, t, a, out)
    case .rsqrt: mapFloats(UnaryFn.Rsqrt.self, t, a, out)
    case .exp: mapFloats(UnaryFn.Exp.self, t, a, out, cost: libm)
    case .exp2: mapFloats(UnaryFn.Exp2.self, t, a, out, cost: libm)
    case .log: mapFloats(UnaryFn.Log.self, t, a, out, cost: libm)
    case .log2: mapFloats(UnaryFn.Log2.self, t, a, out, cost: libm)
    case .log10: mapFloats(UnaryFn.Log10.self, t, a, out, cost: libm)
    case .log1p: mapFloats(UnaryFn.Log1p.self, t, a, out, cost: libm)
    case .expm1: mapFloats(UnaryFn.Expm1.self, t, a, out, cost: libm)
    case .sin: mapFloats(UnaryFn.Sin.self, t, a, out, cost: libm)
    case .cos: mapFloats(UnaryFn.Cos.self, t, a, out, cost: libm)
    case .tan: mapFloats(UnaryFn.Tan.self, t, a, out, cost: libm)
    case .asin: mapFloats(UnaryFn.Asin.self, t, a, out, cost: libm)
    case .acos: mapFloats(UnaryFn.Acos.self, t, a, out, cost: libm)
    case .atan: mapFloats(UnaryFn.Atan.self, t, a, out, cost: libm)
    case .sinh: mapFloats(UnaryFn.Sinh.self, t, a, out, cost: libm)
    case .cosh: mapFloats(UnaryFn.Cosh.self, t, a, out, cost: libm)
    case .tanh: mapFloats(UnaryFn.Tanh.self, t, a, out, cost: libm)
    case .asinh: mapFloats(UnaryFn.Asinh.self, t, a, out, cost: libm)
    case .acosh: mapFloats(UnaryFn.Acosh.self, t, a, out, cost: libm)
    case .atanh: mapFloats(UnaryFn.Atanh.self, t, a, out, cost: libm)
    case .sigmoid: mapFloats(UnaryFn.Sigmoid.self, t, a, out, cost: libm)
    case .logSigmoid: mapFloats(UnaryFn.LogSigmoid.self, t, a, out, cost: libm)
    case .relu: mapFloats(UnaryFn.Relu.self, t, a, out)
    case .gelu: mapFloats(UnaryFn.Gelu.self, t, a, out, cost: libm)
    case .geluTanh: mapFloats(UnaryFn.GeluTanh.self, t, a, out, cost: libm)
    case .silu: mapFloats(UnaryFn.Silu.self, t, a, out, cost: libm)
    case .erf: mapFloats(UnaryFn.Erf.self, t, a, out, cost: libm)
    case .erfc: mapFloats(UnaryFn.Erfc.self, t, a, out, cost: libm)
    case .ceil: mapFloats(UnaryFn.Ceil.self, t, a, out)
    case .floor: mapFloats(UnaryFn.Floor.self, t, a, out)
    case .round: mapFloats(UnaryFn.Round.self, t, a, out)
    case .trunc: mapFloats(UnaryFn.Trunc.self, t, a, out)
    case .frac: mapFloats(UnaryFn.Frac.self, t, a, out)
    case .sign: mapFloats(UnaryFn.Sign.self, t, a, out)
    case .reciprocal: mapFloats(UnaryFn.Reciprocal.self, t, a, out)
    case .square: mapFloats(UnaryFn.Square.self, t, a, out)
    case .leakyRelu(let slope): mapFloats(UnaryFn.LeakyRelu.self, t, a, out, T(slope))
    case .elu(let alpha): mapFloats(UnaryFn.Elu.self, t, a, out, T(alpha), cost: libm)
    case .softplus(let beta, let threshold): mapFloats(UnaryFn.Softplus.self, t, a, out, T(beta), T(threshold), cost: libm)
    case .clamp(let lo, let hi): mapFloats(UnaryFn.Clamp.self, t, a, out, lo.map { T($0) } ?? -.infinity, hi.map { T($0) } ?? .infinity)
    case .hardtanh(let lo, let hi): mapFloats(UnaryFn.Hardtanh.self, t, a, out, T(lo), T(hi))
    case .mulScalar(let v): mapFloats(UnaryFn.MulScalar.self, t, a, out, T(v))
    case .addScalar(let v): mapFloats(UnaryFn.AddScalar.self, t, a, out, T(v))
    case .divScalar(let v): mapFloats(UnaryFn.DivScalar.self, t, a, out, T(v))
    case .scalarSub(let v): mapFloats(UnaryFn.ScalarSub.self, t, a, out, T(v))
    case .powScalar(let e):
        if e == 2 { mapFloats(UnaryFn.Square.self, t, a, out) }
        else if e == 3 { mapFloats(UnaryFn.Cube.self, t, a, out) }
        else if e == 0.5 { mapFloats(UnaryFn.Sqrt.self, t, a, out) }
        else { mapFloats(UnaryFn.PowScalar.self, t, a, out, T(e), cost: libm) }
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
