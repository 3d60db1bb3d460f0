extension Tensor {
    /// Compares with broadcasting and promotion; the result is bool and not differentiable.
    static func compareForward<Fn: CompareFunction>(_ f: Fn.Type, _ a: Tensor, _ b: Tensor, logical: Bool = false) -> Tensor {
        let ct = logical ? .bool : resultType(a, b).computeType
        let shape = broadcastShapes(a.shape, b.shape)
        let out = Tensor(uninitializedShape: shape, dtype: .bool)
        compareKernel(f, a.converted(ct).broadcastView(shape), b.converted(ct).broadcastView(shape), out)
        return out
    }

    /// PyTorch: `torch.eq`.
    public func eq(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.Eq.self, self, other) }
    /// PyTorch: `torch.ne`.
    public func ne(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.Ne.self, self, other) }
    /// PyTorch: `torch.lt`.
    public func lt(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.Lt.self, self, other) }
    /// PyTorch: `torch.le`.
    public func le(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.Le.self, self, other) }
    /// PyTorch: `torch.gt`.
    public func gt(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.Gt.self, self, other) }
    /// PyTorch: `torch.ge`.
    public func ge(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.Ge.self, self, other) }
    /// PyTorch: `torch.logical_and`.
    public func logicalAnd(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.LogicalAnd.self, self, other, logical: true) }
    /// PyTorch: `torch.logical_or`.
    public func logicalOr(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.LogicalOr.self, self, other, logical: true) }
    /// PyTorch: `torch.logical_xor`.
    public func logicalXor(_ other: Tensor) -> Tensor { Tensor.compareForward(BinaryFn.LogicalXor.self, self, other, logical: true) }
    /// PyTorch: `torch.logical_not`.
    public func logicalNot() -> Tensor { Tensor.compareForward(BinaryFn.Eq.self, converted(.bool), Tensor(false)) }

    /// True when shapes match and every element is equal. PyTorch: `torch.equal`.
    public func equal(_ other: Tensor) -> Bool { shape == other.shape && eq(other).all().item() != 0 }

    /// Element-wise `|a - b| <= atol + rtol * |b|`. PyTorch: `torch.isclose`.
    public func isclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNan: Bool = false) -> Tensor {
        noGrad {
            let a = self.converted(.float64), b = other.converted(.float64)
            var close = (a - b).abs() .<= (atol + rtol * b.abs())
            close = close.logicalOr(a.eq(b))
            if equalNan { close = close.logicalOr(a.isnan().logicalAnd(b.isnan())) }
            return close
        }
    }
    /// PyTorch: `torch.allclose`.
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNan: Bool = false) -> Bool {
        isclose(other, rtol: rtol, atol: atol, equalNan: equalNan).all().item() != 0
    }
    /// PyTorch: `torch.isnan`.
    public func isnan() -> Tensor { ne(self) }
    /// PyTorch: `torch.isinf`.
    public func isinf() -> Tensor { noGrad { abs().converted(.float64) .== Double.infinity } }
    /// PyTorch: `torch.isfinite`.
    public func isfinite() -> Tensor { noGrad { isnan().logicalOr(isinf()).logicalNot() } }

    /// Picks `a` where `condition` is true and `b` elsewhere, with broadcasting. PyTorch: `torch.where`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        check(condition.dtype == .bool || condition.dtype == .uint8,
                     "where expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.castName)")
        let rt = resultType(a, b), ct = rt.computeType
        let shape = broadcastShapes(broadcastShapes(condition.shape, a.shape), b.shape)
        let out = Tensor(uninitializedShape: shape, dtype: ct)
        whereKernel(condition.converted(.bool).broadcastView(shape), a.converted(ct).broadcastView(shape),
                    b.converted(ct).broadcastView(shape), out)
        return out.converted(rt).recording("WhereBackward0", [a, b], saved: [condition]) { g, _ in
            let zero = Tensor.zerosLike(g)
            return [a.requiresGradFlag ? Tensor.where(condition, g, zero).gradFor(a) : nil,
                    b.requiresGradFlag ? Tensor.where(condition, zero, g).gradFor(b) : nil]
        }
    }
    /// `where` with a scalar for the false branch.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Double) -> Tensor {
        Tensor.where(condition, a, Tensor.wrapped(b, like: a))
    }
    /// `where` with a scalar for the true branch.
    public static func `where`(_ condition: Tensor, _ a: Double, _ b: Tensor) -> Tensor {
        Tensor.where(condition, Tensor.wrapped(a, like: b), b)
    }
    /// Indices of nonzero elements as a tuple of 1-D tensors. PyTorch: `torch.where(condition)`.
    public static func `where`(_ condition: Tensor) -> [Tensor] { condition.nonzero(asTuple: true) }

    /// PyTorch: `a == b` (element-wise).
    public static func .== (a: Tensor, b: Tensor) -> Tensor { a.eq(b) }
    /// PyTorch: `a != b` (element-wise).
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { a.ne(b) }
    /// PyTorch: `a < b`.
    public static func .< (a: Tensor, b: Tensor) -> Tensor { a.lt(b) }
    /// PyTorch: `a <= b`.
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { a.le(b) }
    /// PyTorch: `a > b`.
    public static func .> (a: Tensor, b: Tensor) -> Tensor { a.gt(b) }
    /// PyTorch: `a >= b`.
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { a.ge(b) }
    /// PyTorch: `a == s`.
    public static func .== (a: Tensor, s: Double) -> Tensor { a.eq(.wrapped(s, like: a)) }
    /// PyTorch: `a != s`.
    public static func .!= (a: Tensor, s: Double) -> Tensor { a.ne(.wrapped(s, like: a)) }
    /// PyTorch: `a < s`.
    public static func .< (a: Tensor, s: Double) -> Tensor { a.lt(.wrapped(s, like: a)) }
    /// PyTorch: `a <= s`.
    public static func .<= (a: Tensor, s: Double) -> Tensor { a.le(.wrapped(s, like: a)) }
    /// PyTorch: `a > s`.
    public static func .> (a: Tensor, s: Double) -> Tensor { a.gt(.wrapped(s, like: a)) }
    /// PyTorch: `a >= s`.
    public static func .>= (a: Tensor, s: Double) -> Tensor { a.ge(.wrapped(s, like: a)) }
}

/// Element-wise comparison operators that return tensors, as in SIMD types.
infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence
infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence
