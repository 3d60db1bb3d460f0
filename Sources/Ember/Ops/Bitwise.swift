extension Tensor {
    /// Runs bitwise `f` on integer (or, where `bools`, bool) operands with broadcasting and
    /// promotion; not differentiable. Floats stop with PyTorch's "not implemented" message.
    private static func bitwiseForward<Fn: IntegerOnlyFunction>(_ f: Fn.Type, _ a: Tensor, _ b: Tensor, _ kernelName: String,
                                                                 bools: Bool = true) -> Tensor {
        let rt = resultType(a, b)
        check(!rt.isFloatingPoint && (bools || rt != .bool), "\"\(kernelName)\" not implemented for '\(rt.castName)'")
        let ct = rt.computeType
        let shape = broadcastShapes(a.shape, b.shape)
        let out = Tensor(uninitializedShape: shape, dtype: ct)
        bitwiseKernel(f, a.converted(ct).broadcastView(shape), b.converted(ct).broadcastView(shape), out)
        return out.converted(rt)
    }

    /// Bitwise and of integers, logical and of bools. PyTorch: `torch.bitwise_and`.
    public func bitwiseAnd(_ other: Tensor) -> Tensor { Tensor.bitwiseForward(BinaryFn.BitwiseAnd.self, self, other, "bitwise_and_cpu") }
    /// Bitwise or of integers, logical or of bools. PyTorch: `torch.bitwise_or`.
    public func bitwiseOr(_ other: Tensor) -> Tensor { Tensor.bitwiseForward(BinaryFn.BitwiseOr.self, self, other, "bitwise_or_cpu") }
    /// Bitwise exclusive or of integers, logical of bools. PyTorch: `torch.bitwise_xor`.
    public func bitwiseXor(_ other: Tensor) -> Tensor { Tensor.bitwiseForward(BinaryFn.BitwiseXor.self, self, other, "bitwise_xor_cpu") }
    /// Bitwise complement of integers (`x ^ -1`), logical not of bools. PyTorch: `torch.bitwise_not`.
    public func bitwiseNot() -> Tensor {
        check(!dtype.isFloatingPoint, "\"bitwise_not_cpu\" not implemented for '\(dtype.castName)'")
        return dtype == .bool ? logicalNot() : bitwiseXor(.wrapped(-1, like: self))
    }
    /// Shifts left; shifts past the dtype's width give 0. PyTorch: `torch.bitwise_left_shift`.
    public func bitwiseLeftShift(_ other: Tensor) -> Tensor {
        Tensor.bitwiseForward(BinaryFn.LeftShift.self, self, other, "lshift_cpu", bools: false)
    }
    /// Shifts right, arithmetically for signed dtypes. PyTorch: `torch.bitwise_right_shift`.
    public func bitwiseRightShift(_ other: Tensor) -> Tensor {
        Tensor.bitwiseForward(BinaryFn.RightShift.self, self, other, "rshift_cpu", bools: false)
    }

    /// PyTorch: `a & b`.
    public static func & (a: Tensor, b: Tensor) -> Tensor { a.bitwiseAnd(b) }
    /// PyTorch: `a | b`.
    public static func | (a: Tensor, b: Tensor) -> Tensor { a.bitwiseOr(b) }
    /// PyTorch: `a ^ b`.
    public static func ^ (a: Tensor, b: Tensor) -> Tensor { a.bitwiseXor(b) }
    /// PyTorch: `~a`.
    public static prefix func ~ (a: Tensor) -> Tensor { a.bitwiseNot() }
    /// PyTorch: `a << b`.
    public static func << (a: Tensor, b: Tensor) -> Tensor { a.bitwiseLeftShift(b) }
    /// PyTorch: `a >> b`.
    public static func >> (a: Tensor, b: Tensor) -> Tensor { a.bitwiseRightShift(b) }
    /// PyTorch: `a << n`.
    public static func << (a: Tensor, n: Int) -> Tensor { a.bitwiseLeftShift(.wrapped(n, like: a)) }
    /// PyTorch: `a >> n`.
    public static func >> (a: Tensor, n: Int) -> Tensor { a.bitwiseRightShift(.wrapped(n, like: a)) }
}
