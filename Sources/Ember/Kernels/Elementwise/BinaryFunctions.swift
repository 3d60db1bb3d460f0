import RealModule

// The element-wise functions of two operands and the comparisons: one type each, as the unary
// ones in `UnaryFunctions.swift`. `binaryKernel(BinaryFn.Add.self, a, b, out)` runs one.

/// An element-wise function of two floats.
protocol BinaryFunction {
    /// Cost per element against one arithmetic instruction, for splitting work across threads.
    static var cost: Int { get }
    static func apply<T: RealFloat>(_ x: T, _ y: T) -> T
    /// Runs the int64 form over operands expanded to `out.shape` and returns true, or returns
    /// false when the function has none (a requirement, so the choice is static and the loop
    /// specialized, as for `UnaryFunction`).
    static func runInteger(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool
    /// The same for bool operands.
    static func runBool(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool
}

extension BinaryFunction {
    static var cost: Int { 1 }
    static func runInteger(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool { false }
    static func runBool(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool { false }
}

/// A function that also keeps integer dtypes (computed in int64).
protocol IntegerBinaryFunction: BinaryFunction {
    static func apply(_ x: Int64, _ y: Int64) -> Int64
}

/// A function defined on bool operands too (PyTorch's `+` is or, `*` is and).
protocol BoolBinaryFunction: BinaryFunction {
    static func apply(_ x: Bool, _ y: Bool) -> Bool
}

extension IntegerBinaryFunction {
    static func runInteger(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool {
        binaryLoop(a, b, out) { (x: Int64, y: Int64) in apply(x, y) }
        return true
    }
}

extension BoolBinaryFunction {
    static func runBool(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool {
        binaryLoop(a, b, out) { (x: Bool, y: Bool) in apply(x, y) }
        return true
    }
}

/// A function of integers only (the shifts), computed in int64.
protocol IntegerOnlyFunction {
    static func apply(_ x: Int64, _ y: Int64) -> Int64
    /// Runs the bool form and returns true, or returns false when the function has none.
    static func runBool(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool
}

/// A bitwise function: integers, computed in int64, and bools.
protocol BitwiseFunction: IntegerOnlyFunction {
    static func apply(_ x: Bool, _ y: Bool) -> Bool
}

extension IntegerOnlyFunction {
    static func runBool(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool { false }
}

extension BitwiseFunction {
    static func runBool(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Bool {
        binaryLoop(a, b, out) { (x: Bool, y: Bool) in apply(x, y) }
        return true
    }
}

/// A comparison or logical function with a bool result. Bool operands are read as their bytes
/// (0 and 1), so one generic form serves every compute dtype.
protocol CompareFunction {
    static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool
}

/// The integer quotient for the integer forms of `//`, `%` and `fmod`: division by zero stops, as
/// in PyTorch ("ZeroDivisionError").
@inline(__always)
private func checkedDivisor(_ y: Int64) -> Int64 {
    check(y != 0, "ZeroDivisionError")
    return y
}

/// The functions, by PyTorch's name.
enum BinaryFn {
    typealias I = Int64

    enum Add: IntegerBinaryFunction, BoolBinaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x + y }
        static func apply(_ x: I, _ y: I) -> I { x &+ y }
        static func apply(_ x: Bool, _ y: Bool) -> Bool { x || y }
    }
    enum Sub: IntegerBinaryFunction { static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x - y }; static func apply(_ x: I, _ y: I) -> I { x &- y } }
    enum Mul: IntegerBinaryFunction, BoolBinaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x * y }
        static func apply(_ x: I, _ y: I) -> I { x &* y }
        static func apply(_ x: Bool, _ y: Bool) -> Bool { x && y }
    }
    /// True division; integers are divided in floating point by the op.
    enum Div: BinaryFunction { static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x / y } }
    /// Division rounded toward zero (`div(rounding_mode="trunc")`).
    enum DivTrunc: IntegerBinaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { (x / y).rounded(.towardZero) }
        static func apply(_ x: I, _ y: I) -> I { x.dividedReportingOverflow(by: checkedDivisor(y)).partialValue }
    }
    /// Division rounded toward −∞, PyTorch's `div_floor`: for floats the quotient of `x − fmod(x, y)`,
    /// corrected by the remainder's sign and rounded to the nearest integer, so `7.5 // 2.5` is 3.
    enum FloorDivide: IntegerBinaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T {
            if y == 0 { return x / y }
            let mod = x.truncatingRemainder(dividingBy: y)
            var div = (x - mod) / y
            if mod != 0 && (y < 0) != (mod < 0) { div -= 1 }
            if div == 0 { return T(signOf: x / y, magnitudeOf: 0) }
            var floored = div.rounded(.down)
            if div - floored > T(0.5) { floored += 1 }
            return floored
        }
        static func apply(_ x: I, _ y: I) -> I {
            // Int64.min / -1 wraps to Int64.min, as in PyTorch, instead of trapping.
            let q = x.dividedReportingOverflow(by: checkedDivisor(y)).partialValue
            let r = x.remainderReportingOverflow(dividingBy: y).partialValue
            return r != 0 && ((x < 0) != (y < 0)) ? q &- 1 : q
        }
    }
    enum Pow: IntegerBinaryFunction {
        static let cost = libmCost
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { y == 2 ? x * x : (y == 1 ? x : powReal(x, y)) }
        static func apply(_ x: I, _ y: I) -> I {
            check(y >= 0, "Integers to negative integer powers are not allowed.")
            var r: I = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 { r = r &* base }
                base = base &* base
                e >>= 1
            }
            return r
        }
    }
    /// Python's modulus: the sign of the divisor.
    enum Remainder: IntegerBinaryFunction {
        static let cost = 4
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T {
            let r = x.truncatingRemainder(dividingBy: y)
            return r != 0 && ((r < 0) != (y < 0)) ? r + y : r
        }
        static func apply(_ x: I, _ y: I) -> I {
            let r = x.remainderReportingOverflow(dividingBy: checkedDivisor(y)).partialValue
            return r != 0 && ((r < 0) != (y < 0)) ? r &+ y : r
        }
    }
    /// C's modulus: the sign of the dividend.
    enum Fmod: IntegerBinaryFunction {
        static let cost = 4
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x.truncatingRemainder(dividingBy: y) }
        static func apply(_ x: I, _ y: I) -> I { x.remainderReportingOverflow(dividingBy: checkedDivisor(y)).partialValue }
    }
    /// NaN if either is NaN, as `torch.maximum`.
    enum Maximum: IntegerBinaryFunction, BoolBinaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x.isNaN || y.isNaN ? T.nan : Swift.max(x, y) }
        static func apply(_ x: I, _ y: I) -> I { Swift.max(x, y) }
        static func apply(_ x: Bool, _ y: Bool) -> Bool { x || y }
    }
    enum Minimum: IntegerBinaryFunction, BoolBinaryFunction {
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x.isNaN || y.isNaN ? T.nan : Swift.min(x, y) }
        static func apply(_ x: I, _ y: I) -> I { Swift.min(x, y) }
        static func apply(_ x: Bool, _ y: Bool) -> Bool { x && y }
    }
    enum Atan2: BinaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { T.atan2(y: x, x: y) } }
    enum Hypot: BinaryFunction { static let cost = libmCost; static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { T.hypot(x, y) } }
    /// `log(eˣ + eʸ)` without overflow; equal infinities give that infinity.
    enum Logaddexp: BinaryFunction {
        static let cost = 2 * libmCost
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T {
            if x.isInfinite && x == y { return x }
            let m = Swift.max(x, y)
            return m + T.log(onePlus: T.exp(-Swift.abs(x - y)))
        }
    }
    /// `log2(2ˣ + 2ʸ)`.
    enum Logaddexp2: BinaryFunction {
        static let cost = 2 * libmCost
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T {
            if x.isInfinite && x == y { return x }
            let m = Swift.max(x, y)
            return m + T.log(onePlus: T.exp2(-Swift.abs(x - y))) / T.log(2)
        }
    }
    /// `x · log(y)`, 0 where `x` is 0 (unless `y` is NaN).
    enum Xlogy: BinaryFunction {
        static let cost = libmCost
        static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { y.isNaN ? y : (x == 0 ? 0 : x * T.log(y)) }
    }
    enum Copysign: BinaryFunction { static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { T(signOf: y, magnitudeOf: x) } }
    /// `x` where `y > 0`, else 0: ReLU's gradient `x` masked by its output `y`.
    enum ThresholdBackward: BinaryFunction { static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { y > 0 ? x : 0 } }
    /// `x · (1 − y) · y`: sigmoid's gradient `x` from its output `y`.
    enum SigmoidBackward: BinaryFunction { static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x * (1 - y) * y } }
    /// The share of `maximum`'s and `minimum`'s gradient an operand gets: 0 where `x < y`, a half
    /// on ties, else 1 (NaN comparisons included, as in PyTorch).
    enum TieSplitWeight: BinaryFunction { static func apply<T: RealFloat>(_ x: T, _ y: T) -> T { x < y ? 0 : (x == y ? 0.5 : 1) } }

    // Bitwise, on integers and bools.
    enum BitwiseAnd: BitwiseFunction { static func apply(_ x: I, _ y: I) -> I { x & y }; static func apply(_ x: Bool, _ y: Bool) -> Bool { x && y } }
    enum BitwiseOr: BitwiseFunction { static func apply(_ x: I, _ y: I) -> I { x | y }; static func apply(_ x: Bool, _ y: Bool) -> Bool { x || y } }
    enum BitwiseXor: BitwiseFunction { static func apply(_ x: I, _ y: I) -> I { x ^ y }; static func apply(_ x: Bool, _ y: Bool) -> Bool { x != y } }
    /// Shifts past the width give 0, as in PyTorch (narrower dtypes are truncated from int64 after).
    enum LeftShift: IntegerOnlyFunction { static func apply(_ x: I, _ y: I) -> I { y < 0 || y >= 64 ? 0 : x << y } }
    /// An arithmetic shift: past the width, −1 for negative values and 0 otherwise.
    enum RightShift: IntegerOnlyFunction { static func apply(_ x: I, _ y: I) -> I { y < 0 || y >= 64 ? (x < 0 ? -1 : 0) : x >> y } }

    // Comparisons and logical functions.
    enum Eq: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x == y } }
    enum Ne: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x != y } }
    enum Lt: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x < y } }
    enum Le: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x <= y } }
    enum Gt: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x > y } }
    enum Ge: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x >= y } }
    enum LogicalAnd: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x != .zero && y != .zero } }
    enum LogicalOr: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { x != .zero || y != .zero } }
    enum LogicalXor: CompareFunction { static func apply<T: Comparable & AdditiveArithmetic>(_ x: T, _ y: T) -> Bool { (x != .zero) != (y != .zero) } }
}
