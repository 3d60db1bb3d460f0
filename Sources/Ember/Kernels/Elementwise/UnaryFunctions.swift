import RealModule

// The element-wise functions of one operand: one type each, one line each where it fits. An op in
// `Ops/` names its function (`unaryForward(UnaryFn.Exp.self)`) and `unaryKernel` runs it; adding a
// function is one line here and one method in the op's family file.
//
// A function is a type rather than a closure so the loops over it are specialized per function and
// vectorize: a closure is captured by the parallel body and called per element.

/// The float types the element-wise kernels compute in (Float, Double).
typealias RealFloat = Real & BinaryFloatingPoint

/// Up to three constants of a function (a slope, bounds, replacement values), in the compute type.
struct UnaryParams<T> {
    var p: T, q: T, r: T
}

/// An element-wise function on floats.
protocol UnaryFunction {
    /// Cost per element against one arithmetic instruction, for splitting work across threads.
    static var cost: Int { get }
    static func apply<T: RealFloat>(_ x: T, _ k: UnaryParams<T>) -> T
    static func runVector(_ a: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) -> Bool
    static func runInteger(_ a: Tensor, _ out: Tensor, _ k: UnaryParams<Int64>) -> Bool
    static var keepsBool: Bool { get }
}

extension UnaryFunction {
    static var cost: Int { 1 }
}

/// A function that also keeps integer dtypes (computed in int64); the parameters are truncated.
protocol IntegerUnaryFunction: UnaryFunction {
    static func apply(_ x: Int64, _ k: UnaryParams<Int64>) -> Int64
}

/// An integer function that is the identity on bool (PyTorch's rounding, `abs` and `relu` of bools).
protocol BoolIdentityFunction: IntegerUnaryFunction {}

// The forms a function has are protocol requirements with defaults, so `unaryKernel` chooses
// statically and runs specialized loops: a dynamic cast to the refined protocols looked the
// conformance up on every call and ran the loop unspecialized.
extension UnaryFunction {
    /// Runs the int64 form and returns true, or returns false when the function has none.
    static func runInteger(_ a: Tensor, _ out: Tensor, _ k: UnaryParams<Int64>) -> Bool { false }
    /// Whether the function is the identity on bool.
    static var keepsBool: Bool { false }
}

extension IntegerUnaryFunction {
    static func runInteger(_ a: Tensor, _ out: Tensor, _ k: UnaryParams<Int64>) -> Bool {
        unaryLoop(a, out) { (x: Int64) in apply(x, k) }
        return true
    }
}

extension BoolIdentityFunction {
    static var keepsBool: Bool { true }
}

/// A function with a vector form for contiguous float32 (see `VectorMath`).
protocol VectorizedUnaryFunction: UnaryFunction {
    associatedtype Vector: VectorUnaryOp
}

extension UnaryFunction {
    /// Runs the vector form over `n` contiguous floats and returns true, or returns false when the
    /// function has none.
    static func runVector(_ a: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) -> Bool { false }
}

extension VectorizedUnaryFunction {
    static func runVector(_ a: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) -> Bool {
        vectorUnary(Vector.self, a, out, n)
        return true
    }
}

/// Cost of a libm call per element, against 1 for arithmetic.
let libmCost = 8

/// The functions, by PyTorch's name.
enum UnaryFn {
    typealias K<T> = UnaryParams<T>
    typealias I = Int64

    enum Neg: IntegerUnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { -x }; static func apply(_ x: I, _: K<I>) -> I { 0 &- x } }
    enum Abs: BoolIdentityFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { Swift.abs(x) }; static func apply(_ x: I, _: K<I>) -> I { x < 0 ? 0 &- x : x } }
    enum Sqrt: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x.squareRoot() } }
    enum Rsqrt: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { 1 / x.squareRoot() } }
    enum Exp: VectorizedUnaryFunction { typealias Vector = ExpVectorOp; static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.exp(x) } }
    enum Exp2: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.exp2(x) } }
    enum Log: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.log(x) } }
    enum Log2: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.log2(x) } }
    enum Log10: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.log10(x) } }
    enum Log1p: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.log(onePlus: x) } }
    enum Expm1: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.expMinusOne(x) } }
    enum Sin: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.sin(x) } }
    enum Cos: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.cos(x) } }
    enum Tan: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.tan(x) } }
    enum Asin: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.asin(x) } }
    enum Acos: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.acos(x) } }
    enum Atan: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.atan(x) } }
    enum Sinh: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.sinh(x) } }
    enum Cosh: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.cosh(x) } }
    enum Tanh: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.tanh(x) } }
    enum Asinh: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.asinh(x) } }
    enum Acosh: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.acosh(x) } }
    enum Atanh: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.atanh(x) } }
    enum Erf: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.erf(x) } }
    enum Erfc: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { T.erfc(x) } }
    enum Ceil: BoolIdentityFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x.rounded(.up) }; static func apply(_ x: I, _: K<I>) -> I { x } }
    enum Floor: BoolIdentityFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x.rounded(.down) }; static func apply(_ x: I, _: K<I>) -> I { x } }
    enum Round: BoolIdentityFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x.rounded(.toNearestOrEven) }; static func apply(_ x: I, _: K<I>) -> I { x } }
    enum Trunc: BoolIdentityFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x.rounded(.towardZero) }; static func apply(_ x: I, _: K<I>) -> I { x } }
    enum Frac: IntegerUnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x - x.rounded(.towardZero) }; static func apply(_: I, _: K<I>) -> I { 0 } }
    /// NaN gives 0, as in PyTorch.
    enum Sign: IntegerUnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) }; static func apply(_ x: I, _: K<I>) -> I { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
    enum Reciprocal: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { 1 / x } }
    enum Square: IntegerUnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x * x }; static func apply(_ x: I, _: K<I>) -> I { x &* x } }
    enum Cube: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x * x * x } }
    /// `x · π / 180`, PyTorch's constant.
    enum Deg2rad: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x * T(0.017453292519943295) } }
    enum Rad2deg: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x * T(57.295779513082320876798154814105) } }
    /// `sin(πx) / (πx)`, 1 at 0.
    enum Sinc: UnaryFunction {
        static let cost = libmCost
        static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x == 0 ? 1 : T.sin(T.pi * x) / (T.pi * x) }
    }
    /// `log(z / (1 − z))` with `z` clamped to `[p, 1 − p]` when `q` is 1 (PyTorch's `eps`).
    enum Logit: UnaryFunction {
        static let cost = libmCost
        static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T {
            let z = k.q == 0 ? x : (x < k.p ? k.p : (x > 1 - k.p ? 1 - k.p : x))
            return T.log(z / (1 - z))
        }
    }
    /// NaN to `p`, +∞ to `q`, −∞ to `r`.
    enum NanToNum: UnaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x.isNaN ? k.p : (x == .infinity ? k.q : (x == -.infinity ? k.r : x)) }
    }

    // Activations.
    enum Sigmoid: VectorizedUnaryFunction { typealias Vector = SigmoidVectorOp; static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { 1 / (1 + T.exp(-x)) } }
    enum LogSigmoid: UnaryFunction {
        static let cost = libmCost
        static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { Swift.min(x, 0) - T.log(onePlus: T.exp(-Swift.abs(x))) }
    }
    /// NaN stays NaN; -0 becomes 0.
    enum Relu: BoolIdentityFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x <= 0 ? 0 : x }; static func apply(_ x: I, _: K<I>) -> I { Swift.max(x, 0) } }
    enum Gelu: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x * (1 + T.erf(x / T.sqrt(2))) / 2 } }
    enum GeluTanh: UnaryFunction {
        static let cost = libmCost
        static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x * (1 + T.tanh(T.sqrt(2 / T.pi) * (x + T(0.044715) * x * x * x))) / 2 }
    }
    enum Silu: VectorizedUnaryFunction { typealias Vector = SiluVectorOp; static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x / (1 + T.exp(-x)) } }
    /// `x · tanh(softplus(x))`, softplus with PyTorch's threshold 20.
    enum Mish: UnaryFunction {
        static let cost = 2 * libmCost
        static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x * T.tanh(x > 20 ? x : T.log(onePlus: T.exp(x))) }
    }
    enum Softsign: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x / (1 + Swift.abs(x)) } }
    enum Tanhshrink: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x - T.tanh(x) } }
    enum Hardsigmoid: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x <= -3 ? 0 : (x >= 3 ? 1 : x / 6 + T(0.5)) } }
    enum Hardswish: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _: K<T>) -> T { x <= -3 ? 0 : (x >= 3 ? x : x * (x + 3) / 6) } }
    /// `p`: the negative slope.
    enum LeakyRelu: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x > 0 ? x : x * k.p } }
    /// `q · (x > 0 ? x : p · (e^(r·x) − 1))`: alpha `p`, scale `q`, input scale `r` (ELU: 1, 1;
    /// SELU: its two constants and 1; CELU: 1 and 1 / alpha).
    enum Elu: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x > 0 ? k.q * x : k.q * k.p * T.expMinusOne(x * k.r) } }
    /// `p`: beta, `q`: threshold.
    enum Softplus: UnaryFunction {
        static let cost = libmCost
        static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x * k.p > k.q ? x : T.log(onePlus: T.exp(x * k.p)) / k.p }
    }
    /// `x > p ? x : q` (PyTorch's `threshold`).
    enum Threshold: IntegerUnaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x > k.p || x.isNaN ? x : k.q }
        static func apply(_ x: I, _ k: K<I>) -> I { x > k.p ? x : k.q }
    }
    /// 0 inside `[-p, p]`, `x` outside.
    enum Hardshrink: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x >= -k.p && x <= k.p ? 0 : x } }
    /// `x ∓ p` outside `[-p, p]`, 0 inside.
    enum Softshrink: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x > k.p ? x - k.p : (x < -k.p ? x + k.p : (x.isNaN ? x : 0)) } }
    /// Between `p` and `q` (an absent bound is infinite); NaN stays NaN; `p > q` gives `q`, as in PyTorch.
    enum Clamp: IntegerUnaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { x.isNaN ? x : Swift.min(Swift.max(x, k.p), k.q) }
        static func apply(_ x: I, _ k: K<I>) -> I { Swift.min(Swift.max(x, k.p), k.q) }
    }
    enum Hardtanh: UnaryFunction { static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { Swift.min(Swift.max(x, k.p), k.q) } }
    /// `x^p` (PyTorch's `pow` for reals, see `powReal`).
    enum PowScalar: UnaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _ k: K<T>) -> T { powReal(x, k.p) } }
}
