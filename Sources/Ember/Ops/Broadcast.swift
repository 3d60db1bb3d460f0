extension Tensor {
    /// The broadcast of two shapes, stopping with PyTorch's message when they are incompatible.
    static func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int] {
        if a == b { return a }
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let x = i < n - a.count ? 1 : a[i - (n - a.count)]
            let y = i < n - b.count ? 1 : b[i - (n - b.count)]
            check(x == y || x == 1 || y == 1,
                         "The size of tensor a (\(x)) must match the size of tensor b (\(y)) at non-singleton dimension \(i)")
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// A broadcast view to `target` (already checked compatible), not recorded.
    func broadcastView(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = target.count - dim
        var st = [Int](repeating: 0, count: target.count)
        for i in 0..<dim where shape[i] == target[lead + i] { st[lead + i] = strides[i] }
        return Tensor(storage: storage, shape: target, strides: st, offset: storageOffset, dtype: dtype)
    }

    /// This tensor's values in `dtype`, not recorded (self when it already has it).
    func converted(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out
    }

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

    /// Reduces and casts an incoming gradient to fit input `t`.
    func gradFor(_ t: Tensor) -> Tensor {
        let g = shape == t.shape ? self : sumTo(t.shape)
        return g.dtype == t.dtype ? g : g.to(t.dtype)
    }
}
