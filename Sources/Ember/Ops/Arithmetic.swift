extension Tensor {
    /// Runs a binary kernel with broadcasting and type promotion; nothing is recorded.
    /// `floatResult` promotes integer results to float32 (true division and friends).
    static func binaryForward<Fn: BinaryFunction>(_ f: Fn.Type, _ a: Tensor, _ b: Tensor, floatResult: Bool = false) -> Tensor {
        var rt = resultType(a, b)
        if floatResult && !rt.isFloatingPoint { rt = .float32 }
        let ct = rt.computeType
        // A zero-dim right operand of a contiguous float tensor's own dtype (`x * 2.0`): the scalar
        // loop straight away, no broadcast view (the textbook's small steps pay per op).
        if b.dim == 0 && a.isContiguous && a.dtype == ct && b.dtype == ct && (ct == .float32 || ct == .float64) {
            let out = Tensor(uninitializedShape: a.shape, dtype: ct)
            scalarBinaryKernel(f, a, b, out)
            return out
        }
        let shape = broadcastShapes(a.shape, b.shape)
        let out = Tensor(uninitializedShape: shape, dtype: ct)
        binaryKernel(f, a.converted(ct).broadcastView(shape), b.converted(ct).broadcastView(shape), out)
        return out.converted(rt)
    }

    /// Element-wise sum, `self + alpha * other`. PyTorch: `torch.add`.
    public func add(_ other: Tensor, alpha: Double = 1) -> Tensor {
        let o = alpha == 1 ? other : other * alpha
        return Tensor.traced("Add", onnxOperands(o)) {
            let out = Tensor.binaryForward(BinaryFn.Add.self, self, o)
            return out.recording("AddBackward0", [self, o]) { [self] g, _ in [g.gradFor(self), g.gradFor(o)] }
        }
    }

    /// Element-wise difference, `self - alpha * other`. PyTorch: `torch.sub`.
    public func sub(_ other: Tensor, alpha: Double = 1) -> Tensor {
        check(dtype != .bool || other.dtype != .bool,
                     "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
        let o = alpha == 1 ? other : other * alpha
        return Tensor.traced("Sub", onnxOperands(o)) {
            let out = Tensor.binaryForward(BinaryFn.Sub.self, self, o)
            // `2.0 - x` is PyTorch's `rsub`.
            return out.recording(isWrappedNumber ? "RsubBackward1" : "SubBackward0", [self, o]) { [self] g, _ in [g.gradFor(self), (-g).gradFor(o)] }
        }
    }

    /// Element-wise product. PyTorch: `torch.mul`.
    public func mul(_ other: Tensor) -> Tensor {
        Tensor.traced("Mul", onnxOperands(other)) {
            let out = Tensor.binaryForward(BinaryFn.Mul.self, self, other)
            // Each side's gradient reads only the other side, as in PyTorch: `y.mul_(2.0)` on a non-leaf
            // must not save (and so forbid overwriting) y itself.
            let saved = (other.requiresGradFlag ? [self] : []) + (requiresGradFlag ? [other] : [])
            return out.recording("MulBackward0", [self, other], saved: saved) { [self] g, _ in
                [self.requiresGradFlag ? (g * other).gradFor(self) : nil,
                 other.requiresGradFlag ? (g * self).gradFor(other) : nil]
            }
        }
    }

    /// Element-wise true division (integers give float32). PyTorch: `torch.div`.
    public func div(_ other: Tensor) -> Tensor {
        Tensor.traced("Div", onnxOperands(other)) {
            let out = Tensor.binaryForward(BinaryFn.Div.self, self, other, floatResult: true)
            let saved = (other.requiresGradFlag ? [self] : []) + [other]
            return out.recording("DivBackward0", [self, other], saved: saved) { [self] g, _ in
                [self.requiresGradFlag ? (g / other).gradFor(self) : nil,
                 other.requiresGradFlag ? (-g * self / (other * other)).gradFor(other) : nil]
            }
        }
    }

    /// Division rounded as `roundingMode` says: nil is true division, `"trunc"` rounds toward zero
    /// and `"floor"` toward minus infinity (both keep integer dtypes; their gradient is zero, as in
    /// PyTorch). PyTorch: `torch.div(input, other, rounding_mode=)`.
    public func div(_ other: Tensor, roundingMode: String?) -> Tensor {
        guard let roundingMode else { return div(other) }
        check(roundingMode == "trunc" || roundingMode == "floor",
              "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '\(roundingMode)'")
        let out = roundingMode == "trunc" ? Tensor.binaryForward(BinaryFn.DivTrunc.self, self, other)
                                          : Tensor.binaryForward(BinaryFn.FloorDivide.self, self, other)
        return out.recording("DivBackward2", [self, other]) { [self] g, _ in
            [self.requiresGradFlag ? Tensor.zerosLike(self) : nil, other.requiresGradFlag ? Tensor.zerosLike(other) : nil]
        }
    }

    /// Element-wise division rounded toward minus infinity. PyTorch: `torch.floor_divide`.
    public func floorDivide(_ other: Tensor) -> Tensor {
        Tensor.binaryForward(BinaryFn.FloorDivide.self, self, other)
    }

    /// Element-wise power. PyTorch: `torch.pow(self, exponent)`.
    public func pow(_ exponent: Tensor) -> Tensor {
        let out = Tensor.binaryForward(BinaryFn.Pow.self, self, exponent)
        return out.recording("PowBackward1", [self, exponent], saved: [self, exponent], savesOutput: exponent.requiresGradFlag) { [self] g, out in
            [self.requiresGradFlag ? (g * exponent * self.pow(exponent - 1.0)).gradFor(self) : nil,
             exponent.requiresGradFlag
                ? (g * out * Tensor.where(self .== 0.0, Tensor.zerosLike(self), self.log())).gradFor(exponent) : nil]
        }
    }

    /// Element-wise power with a scalar exponent. PyTorch: `tensor.pow(exponent)` / `tensor ** exponent`.
    /// Integer tensors keep their dtype under a non-negative integral exponent.
    public func pow(_ exponent: Double) -> Tensor {
        if !dtype.isFloatingPoint && exponent.rounded() == exponent && exponent >= 0 {
            return Tensor.binaryForward(BinaryFn.Pow.self, self, Tensor.wrapped(Int(exponent), like: self))
        }
        // Each function named statically, so its loop is specialized.
        let out = switch exponent {
        case 2: unaryForward(UnaryFn.Square.self)
        case 3: unaryForward(UnaryFn.Cube.self)
        case 0.5: unaryForward(UnaryFn.Sqrt.self)
        default: unaryForward(UnaryFn.PowScalar.self, p: exponent)
        }
        return out.recording("PowBackward0", [self], saved: [self]) { [self] g, _ in
            if exponent == 0 { return [Tensor.zerosLike(g)] }
            return [g * exponent * self.pow(exponent - 1)]
        }
    }

    /// `base ** self` for a scalar base. PyTorch: `torch.pow(base, tensor)`.
    public static func pow(_ base: Double, _ exponent: Tensor) -> Tensor {
        let b = Tensor.wrapped(base, like: exponent)
        let out = Tensor.binaryForward(BinaryFn.Pow.self, b, exponent, floatResult: true)
        return out.recording("PowBackward2", [exponent], savesOutput: true) { g, out in [g * out * Foundation.log(base)] }
    }

    /// Python-style modulus (sign of the divisor). PyTorch: `torch.remainder`.
    public func remainder(_ other: Tensor) -> Tensor {
        let out = Tensor.binaryForward(BinaryFn.Remainder.self, self, other)
        return out.recording("RemainderBackward0", [self, other], saved: [self, other]) { [self] g, _ in
            [g.gradFor(self), other.requiresGradFlag ? (-g * (self / other).floor()).gradFor(other) : nil]
        }
    }

    /// C-style modulus (sign of the dividend). PyTorch: `torch.fmod`.
    public func fmod(_ other: Tensor) -> Tensor {
        let out = Tensor.binaryForward(BinaryFn.Fmod.self, self, other)
        return out.recording("FmodBackward0", [self, other], saved: [self, other]) { [self] g, _ in
            [g.gradFor(self), other.requiresGradFlag ? (-g * (self / other).trunc()).gradFor(other) : nil]
        }
    }

    /// Element-wise maximum (NaN propagates). PyTorch: `torch.maximum`.
    public func maximum(_ other: Tensor) -> Tensor {
        Tensor.traced("Max", onnxOperands(other)) {
            let out = Tensor.binaryForward(BinaryFn.Maximum.self, self, other)
            return out.recording("MaximumBackward0", [self, other], saved: [self, other]) { [self] g, _ in
                Tensor.tieSplitGrads(g, self, other, maximum: true)
            }
        }
    }

    /// Element-wise maximum with a number, as a wrapped Swift number (NaN propagates; an ONNX
    /// export stores the number as a constant). PyTorch: `torch.maximum(x, torch.tensor(v))`.
    public func maximum(_ other: Double) -> Tensor { maximum(Tensor.wrapped(other, like: self)) }

    /// Element-wise minimum (NaN propagates). PyTorch: `torch.minimum`.
    public func minimum(_ other: Tensor) -> Tensor {
        let out = Tensor.binaryForward(BinaryFn.Minimum.self, self, other)
        return out.recording("MinimumBackward0", [self, other], saved: [self, other]) { [self] g, _ in
            Tensor.tieSplitGrads(g, self, other, maximum: false)
        }
    }

    /// The gradients of `maximum(a, b)` (or `minimum`) for the operands that require grad, as
    /// PyTorch splits them: all of `g` to the winner, half to each on ties, all to both where a
    /// NaN is compared.
    private static func tieSplitGrads(_ g: Tensor, _ a: Tensor, _ b: Tensor, maximum: Bool) -> [Tensor?] {
        func share(_ x: Tensor, _ y: Tensor) -> Tensor { g * binaryForward(BinaryFn.TieSplitWeight.self, x, y, floatResult: true) }
        return [a.requiresGradFlag ? (maximum ? share(a, b) : share(b, a)).gradFor(a) : nil,
                b.requiresGradFlag ? (maximum ? share(b, a) : share(a, b)).gradFor(b) : nil]
    }

    /// Element-wise `atan2(self, other)`. PyTorch: `torch.atan2`.
    public func atan2(_ other: Tensor) -> Tensor {
        let out = Tensor.binaryForward(BinaryFn.Atan2.self, self, other, floatResult: true)
        return out.recording("Atan2Backward0", [self, other], saved: [self, other]) { [self] g, _ in
            let r = self * self + other * other
            return [(g * other / r).gradFor(self), (-g * self / r).gradFor(other)]
        }
    }
}

import Foundation

// MARK: - Operators

extension Tensor {
    /// PyTorch: `a + b`.
    public static func + (a: Tensor, b: Tensor) -> Tensor { a.add(b) }
    /// PyTorch: `a - b`.
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.sub(b) }
    /// PyTorch: `a * b`.
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.mul(b) }
    /// PyTorch: `a / b`.
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.div(b) }
    /// PyTorch: `a % b` (remainder).
    public static func % (a: Tensor, b: Tensor) -> Tensor { a.remainder(b) }
    /// PyTorch: `-a`.
    public static prefix func - (a: Tensor) -> Tensor { a.neg() }

    /// PyTorch: `a + s`.
    public static func + (a: Tensor, s: Double) -> Tensor {
        a.add(.wrapped(s, like: a))
    }
    /// PyTorch: `s + a`.
    public static func + (s: Double, a: Tensor) -> Tensor { a + s }
    /// PyTorch: `a - s`.
    public static func - (a: Tensor, s: Double) -> Tensor {
        a.sub(.wrapped(s, like: a))
    }
    /// PyTorch: `s - a`.
    public static func - (s: Double, a: Tensor) -> Tensor {
        Tensor.wrapped(s, like: a).sub(a)
    }
    /// PyTorch: `a * s`.
    public static func * (a: Tensor, s: Double) -> Tensor {
        a.mul(.wrapped(s, like: a))
    }
    /// PyTorch: `s * a`.
    public static func * (s: Double, a: Tensor) -> Tensor { a * s }
    /// PyTorch: `a / s`.
    public static func / (a: Tensor, s: Double) -> Tensor {
        a.div(.wrapped(s, like: a))
    }
    /// PyTorch: `s / a`.
    public static func / (s: Double, a: Tensor) -> Tensor { Tensor.wrapped(s, like: a).div(a) }
    /// PyTorch: `a % s`.
    public static func % (a: Tensor, s: Double) -> Tensor { a.remainder(.wrapped(s, like: a)) }

    /// PyTorch: `a + n` (keeps integer dtypes).
    public static func + (a: Tensor, n: Int) -> Tensor { a.add(.wrapped(n, like: a)) }
    /// PyTorch: `n + a`.
    public static func + (n: Int, a: Tensor) -> Tensor { Tensor.wrapped(n, like: a).add(a) }
    /// PyTorch: `a - n`.
    public static func - (a: Tensor, n: Int) -> Tensor { a.sub(.wrapped(n, like: a)) }
    /// PyTorch: `n - a`.
    public static func - (n: Int, a: Tensor) -> Tensor { Tensor.wrapped(n, like: a).sub(a) }
    /// PyTorch: `a * n`.
    public static func * (a: Tensor, n: Int) -> Tensor { a.mul(.wrapped(n, like: a)) }
    /// PyTorch: `n * a`.
    public static func * (n: Int, a: Tensor) -> Tensor { Tensor.wrapped(n, like: a).mul(a) }
    /// PyTorch: `a / n` (true division).
    public static func / (a: Tensor, n: Int) -> Tensor { a.div(.wrapped(n, like: a)) }
    /// PyTorch: `a % n`.
    public static func % (a: Tensor, n: Int) -> Tensor { a.remainder(.wrapped(n, like: a)) }

    /// `a ** e`. PyTorch: `tensor ** e`.
    public static func ** (a: Tensor, e: Double) -> Tensor { a.pow(e) }
    /// `a ** b` element-wise. PyTorch: `tensor ** tensor`.
    public static func ** (a: Tensor, b: Tensor) -> Tensor { a.pow(b) }
    /// `s ** a`. PyTorch: `s ** tensor`.
    public static func ** (s: Double, a: Tensor) -> Tensor { Tensor.pow(s, a) }

    /// PyTorch: `a += b`.
    public static func += (a: inout Tensor, b: Tensor) { a.add_(b) }
    /// PyTorch: `a -= b`.
    public static func -= (a: inout Tensor, b: Tensor) { a.sub_(b) }
    /// PyTorch: `a *= b`.
    public static func *= (a: inout Tensor, b: Tensor) { a.mul_(b) }
    /// PyTorch: `a /= b`.
    public static func /= (a: inout Tensor, b: Tensor) { a.div_(b) }
    /// PyTorch: `a += s`.
    public static func += (a: inout Tensor, s: Double) { a.add_(s) }
    /// PyTorch: `a -= s`.
    public static func -= (a: inout Tensor, s: Double) { a.sub_(s) }
    /// PyTorch: `a *= s`.
    public static func *= (a: inout Tensor, s: Double) { a.mul_(s) }
    /// PyTorch: `a /= s`.
    public static func /= (a: inout Tensor, s: Double) { a.div_(s) }
}

/// Exponentiation, as Python's `**`.
infix operator ** : ExponentiationPrecedence
precedencegroup ExponentiationPrecedence {
    associativity: right
    higherThan: MultiplicationPrecedence
}
