private struct ReadDoubles: ElementVisitor {
    let t: Tensor
    func visit<T: Element>(_: T.Type) -> [Double] {
        let c = t.contiguousRaw()
        let p = c.pointer(as: T.self)
        return (0..<c.numel).map { p[$0].asDouble }
    }
}

private struct ReadInt64s: ElementVisitor {
    let t: Tensor
    func visit<T: Element>(_: T.Type) -> [Int64] {
        let c = t.contiguousRaw()
        let p = c.pointer(as: T.self)
        return (0..<c.numel).map { p[$0].asInt64 }
    }
}

extension Tensor {
    /// The value of a one-element tensor as a Double. PyTorch: `tensor.item()`.
    public func item() -> Double {
        check(numel == 1, "a Tensor with \(numel) elements cannot be converted to Scalar")
        return dtype.dispatch(ReadDoubles(t: self))[0]
    }

    /// The value of a one-element tensor as `T`.
    public func item<T: BinaryFloatingPoint>(_: T.Type) -> T { T(item()) }

    /// The value of a one-element integer tensor, exactly. PyTorch: `tensor.item()`.
    public func itemInt() -> Int {
        check(numel == 1, "a Tensor with \(numel) elements cannot be converted to Scalar")
        return Int(dtype.dispatch(ReadInt64s(t: self))[0])
    }

    /// The elements in row-major order as Doubles. PyTorch: `tensor.flatten().tolist()`.
    public func toDoubles() -> [Double] { dtype.dispatch(ReadDoubles(t: self)) }
    /// The elements in row-major order as Floats.
    public func toFloats() -> [Float] { toDoubles().map { Float($0) } }
    /// The elements in row-major order as Ints (floats truncate).
    public func toInts() -> [Int] { dtype.dispatch(ReadInt64s(t: self)).map { Int($0) } }
    /// The elements in row-major order as Bools.
    public func toBools() -> [Bool] { toDoubles().map { $0 != 0 } }
}
