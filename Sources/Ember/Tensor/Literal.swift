/// A Swift scalar that can fill a tensor. Floating literals default to float32 and integers to
/// int64, as Python numbers do in `torch.tensor`.
public protocol TensorScalar: TensorLiteral where Scalar == Self {
    /// The dtype a tensor made from these scalars gets by default.
    static var defaultDType: DType { get }
    /// Whether the value is floating point (converted through `Double`) or integral (through `Int64`).
    static var isFloatingScalar: Bool { get }
    /// The value as a double.
    var doubleValue: Double { get }
    /// The value as a 64-bit integer.
    var int64Value: Int64 { get }
}

/// Nested Swift arrays of scalars, as accepted by `Tensor(_:)`. PyTorch: the data of `torch.tensor`.
public protocol TensorLiteral {
    /// The scalar type at the leaves.
    associatedtype Scalar: TensorScalar
    /// Appends the leaves in row-major order and checks the nesting is rectangular.
    func collect(into values: inout [Scalar], shape: inout [Int], depth: Int)
}

extension TensorScalar {
    public func collect(into values: inout [Self], shape: inout [Int], depth: Int) {
        check(depth == shape.count, "tensor: expected a sequence at dim \(depth), got a scalar")
        values.append(self)
    }
}

extension Array: TensorLiteral where Element: TensorLiteral {
    public func collect(into values: inout [Element.Scalar], shape: inout [Int], depth: Int) {
        if depth == shape.count {
            shape.append(count)
        } else {
            check(shape[depth] == count, "expected sequence of length \(shape[depth]) at dim \(depth) (got \(count))")
        }
        if Element.self == Element.Scalar.self {
            // Leaves: one bulk append (element by element, a call from another module runs
            // unspecialized generic code at ~100 ns a value).
            check(depth + 1 == shape.count, "tensor: expected a sequence at dim \(depth + 1), got a scalar")
            values.append(contentsOf: unsafeBitCast(self, to: [Element.Scalar].self))
            return
        }
        for e in self { e.collect(into: &values, shape: &shape, depth: depth + 1) }
    }
}

extension Double: TensorScalar {
    public static var defaultDType: DType { .float32 }
    public static var isFloatingScalar: Bool { true }
    public var doubleValue: Double { self }
    public var int64Value: Int64 { truncatingInt64(self) }
}

extension Float: TensorScalar {
    public static var defaultDType: DType { .float32 }
    public static var isFloatingScalar: Bool { true }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { truncatingInt64(Double(self)) }
}

extension Float16: TensorScalar {
    public static var defaultDType: DType { .float16 }
    public static var isFloatingScalar: Bool { true }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { truncatingInt64(Double(self)) }
}

extension Int: TensorScalar {
    public static var defaultDType: DType { .int64 }
    public static var isFloatingScalar: Bool { false }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { Int64(self) }
}

extension Int64: TensorScalar {
    public static var defaultDType: DType { .int64 }
    public static var isFloatingScalar: Bool { false }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { self }
}

extension Int32: TensorScalar {
    public static var defaultDType: DType { .int32 }
    public static var isFloatingScalar: Bool { false }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { Int64(self) }
}

extension UInt8: TensorScalar {
    public static var defaultDType: DType { .uint8 }
    public static var isFloatingScalar: Bool { false }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { Int64(self) }
}

extension Bool: TensorScalar {
    public static var defaultDType: DType { .bool }
    public static var isFloatingScalar: Bool { false }
    public var doubleValue: Double { self ? 1 : 0 }
    public var int64Value: Int64 { self ? 1 : 0 }
}

/// Writes `values` into `tensor`, converted to its dtype. The common scalar types take visitors
/// specialized here: called from another module, the generic one runs unspecialized at ~150 ns a
/// value (a 256-index batch took 40 µs to become a tensor).
private func writeScalars<S: TensorScalar>(_ values: [S], _ tensor: Tensor) {
    func exactly<T: TensorScalar>(_: T.Type) -> [T]? { S.self == T.self ? unsafeBitCast(values, to: [T].self) : nil }
    if let v = exactly(Double.self) { tensor.dtype.dispatch(WriteScalars(values: v, tensor: tensor)) }
    else if let v = exactly(Float.self) { tensor.dtype.dispatch(WriteScalars(values: v, tensor: tensor)) }
    else if let v = exactly(Int.self) { tensor.dtype.dispatch(WriteScalars(values: v, tensor: tensor)) }
    else if let v = exactly(Int64.self) { tensor.dtype.dispatch(WriteScalars(values: v, tensor: tensor)) }
    else if let v = exactly(UInt8.self) { tensor.dtype.dispatch(WriteScalars(values: v, tensor: tensor)) }
    else if let v = exactly(Bool.self) { tensor.dtype.dispatch(WriteScalars(values: v, tensor: tensor)) }
    else { tensor.dtype.dispatch(WriteScalars(values: values, tensor: tensor)) }
}

private struct WriteScalars<S: TensorScalar>: ElementVisitor {
    let values: [S], tensor: Tensor
    func visit<D: Element>(_: D.Type) {
        let p = tensor.pointer(as: D.self)
        if S.isFloatingScalar {
            for (i, v) in values.enumerated() { p[i] = D(double: v.doubleValue) }
        } else {
            for (i, v) in values.enumerated() { p[i] = D(int64: v.int64Value) }
        }
    }
}

extension Tensor {
    /// A tensor holding a copy of `data` (a scalar or nested arrays). PyTorch: `torch.tensor(data)`.
    public convenience init<L: TensorLiteral>(_ data: L, dtype: DType? = nil, requiresGrad: Bool = false, device: Device = .cpu) {
        device.require()
        var values: [L.Scalar] = []
        var shape: [Int] = []
        data.collect(into: &values, shape: &shape, depth: 0)
        self.init(uninitializedShape: shape, dtype: dtype ?? L.Scalar.defaultDType)
        writeScalars(values, self)
        if requiresGrad { self.requiresGrad = true }
    }

    /// A 1-D tensor from a flat array with an explicit shape. PyTorch: `torch.tensor(data).reshape(shape)`.
    public convenience init<S: TensorScalar>(_ values: [S], shape: [Int], dtype: DType? = nil, requiresGrad: Bool = false, device: Device = .cpu) {
        device.require()
        check(values.count == shape.reduce(1, *),
                     "shape '\(shapeString(shape))' is invalid for input of size \(values.count)")
        self.init(uninitializedShape: shape, dtype: dtype ?? S.defaultDType)
        writeScalars(values, self)
        if requiresGrad { self.requiresGrad = true }
    }

    /// A zero-dim tensor marked as a wrapped Swift number for type promotion.
    static func wrapped(_ v: Double, like other: Tensor) -> Tensor {
        let dt: DType = other.dtype.isFloatingPoint ? other.dtype : .float32
        let t = Tensor(uninitializedShape: [], dtype: dt.computeType)
        // Written directly (a scalar operand is made per `a * 2.0`): float32 or float64.
        if t.dtype == .float32 { t.pointer(as: Float.self).pointee = Float(v) } else { t.pointer(as: Double.self).pointee = v }
        t.isWrappedNumber = true
        return t
    }

    /// A zero-dim integer tensor marked as a wrapped Swift number.
    static func wrapped(_ v: Int, like other: Tensor) -> Tensor {
        let dt: DType = other.dtype == .bool ? .int64 : other.dtype.computeType
        let t = Tensor(uninitializedShape: [], dtype: dt)
        t.dtype.dispatch(WriteScalars(values: [v], tensor: t))
        t.isWrappedNumber = true
        return t
    }
}
