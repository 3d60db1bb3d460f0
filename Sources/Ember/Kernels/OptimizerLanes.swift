/// A value the optimizer kernels compute on: one float (the tail of a buffer) or a SIMD vector of
/// them (the body). Kernels write each update once, generic over the lane, so the vector body and
/// the scalar tail round identically.
protocol OptimizerLane {
    associatedtype Scalar: BinaryFloatingPoint
    static func splat(_ s: Scalar) -> Self
    static func load(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) -> Self
    func store(_ p: UnsafeMutablePointer<Scalar>, _ i: Int)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    func squareRoot() -> Self
    /// The larger of each pair, as `torch.maximum` picks for non-NaN values.
    static func larger(_ a: Self, _ b: Self) -> Self
}

/// A parameter's element type together with the SIMD vector its kernels run on.
protocol OptimizerScalar: OptimizerLane where Scalar == Self {
    associatedtype Vector: OptimizerLane where Vector.Scalar == Self
}

extension OptimizerLane where Self: BinaryFloatingPoint, Scalar == Self {
    @inline(__always) static func splat(_ s: Scalar) -> Self { s }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) -> Self { p[i] }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) { p[i] = self }
    @inline(__always) static func larger(_ a: Self, _ b: Self) -> Self { a < b ? b : a }
}

extension OptimizerLane where Self: SIMD, Self.Scalar: BinaryFloatingPoint {
    @inline(__always) static func splat(_ s: Scalar) -> Self { Self(repeating: s) }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) -> Self {
        UnsafeRawPointer(p + i).loadUnaligned(as: Self.self)
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: Self.self)
    }
    @inline(__always) static func larger(_ a: Self, _ b: Self) -> Self { a.replacing(with: b, where: a .< b) }
}

extension Float: OptimizerScalar { typealias Vector = SIMD8<Float> }
extension Double: OptimizerScalar { typealias Vector = SIMD4<Double> }
extension SIMD8: OptimizerLane where Scalar == Float {}
extension SIMD4: OptimizerLane where Scalar == Double {}

/// An element-wise update over one parameter, written once for any lane.
protocol LaneKernel {
    associatedtype T: OptimizerScalar
    /// Updates the elements `i ..< i + width` of the lane type.
    func lane<L: OptimizerLane>(_: L.Type, _ i: Int) where L.Scalar == T
}

extension LaneKernel {
    /// Runs the update over `0..<n`: vectors first, then the scalar tail, split across threads
    /// for large parameters.
    @inline(__always)
    func run(_ n: Int) {
        let width = MemoryLayout<T.Vector>.size / MemoryLayout<T>.size
        // A few flops per element: threads pay off from about 16K elements.
        parallelFor(n, costPerItem: 2) { r in
            var i = r.lowerBound
            while i + width <= r.upperBound {
                lane(T.Vector.self, i)
                i += width
            }
            while i < r.upperBound {
                lane(T.self, i)
                i += 1
            }
        }
    }
}
