extension Tensor {
    /// The result dtype of a binary op, with PyTorch's rules for zero-dim tensors and wrapped numbers:
    /// they only change the result when of a higher category (bool < integer < floating).
    static func resultType(_ a: Tensor, _ b: Tensor) -> DType {
        func priority(_ t: Tensor) -> Int { t.isWrappedNumber ? 0 : (t.dim == 0 ? 1 : 2) }
        let pa = priority(a), pb = priority(b)
        if pa == pb {
            if pa == 0 && a.dtype.category == b.dtype.category { return promote(a.dtype, b.dtype) }
            return DType.promote(a.dtype, b.dtype)
        }
        let (hi, lo) = pa > pb ? (a, b) : (b, a)
        if lo.dtype.category > hi.dtype.category {
            if lo.isWrappedNumber { return lo.dtype.isFloatingPoint ? .float32 : .int64 }
            return lo.dtype
        }
        return hi.dtype
    }

    private static func promote(_ a: DType, _ b: DType) -> DType { DType.promote(a, b) }

}
