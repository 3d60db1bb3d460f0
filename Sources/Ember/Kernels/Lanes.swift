import CVectorMath

/// A value element-wise kernels (optimizer updates, batch norm) compute on: one float (the tail
/// of a buffer) or a SIMD vector of them (the body). Kernels write each update once, generic over
/// the lane, so the vector body and the scalar tail round identically.
protocol Lane {
    associatedtype Scalar: BinaryFloatingPoint
    static func splat(_ s: Scalar) -> Self
    static func load(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) -> Self
    func store(_ p: UnsafeMutablePointer<Scalar>, _ i: Int)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    /// The IEEE square root of each element, one instruction (see CVectorMath).
    func sqrt() -> Self
    /// The sum of the elements.
    func total() -> Scalar
    /// The larger of each pair, as `torch.maximum` picks for non-NaN values.
    static func larger(_ a: Self, _ b: Self) -> Self
    /// `v` where `z > 0`, else zero (a ReLU's gradient given its input `z`).
    static func keeping(_ v: Self, wherePositive z: Self) -> Self
}

/// A parameter's element type together with the SIMD vector its kernels run on.
protocol LaneScalar: Lane where Scalar == Self {
    associatedtype Vector: Lane where Vector.Scalar == Self
}

extension Lane where Self: BinaryFloatingPoint, Scalar == Self {
    @inline(__always) static func splat(_ s: Scalar) -> Self { s }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) -> Self { p[i] }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) { p[i] = self }
    @inline(__always) static func larger(_ a: Self, _ b: Self) -> Self { a < b ? b : a }
    @inline(__always) static func keeping(_ v: Self, wherePositive z: Self) -> Self { z > 0 ? v : 0 }
    @inline(__always) func total() -> Scalar { self }
}

extension Lane where Self: SIMD, Self.Scalar: BinaryFloatingPoint {
    @inline(__always) static func splat(_ s: Scalar) -> Self { Self(repeating: s) }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) -> Self {
        UnsafeRawPointer(p + i).loadUnaligned(as: Self.self)
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: Self.self)
    }
    @inline(__always) static func larger(_ a: Self, _ b: Self) -> Self { a.replacing(with: b, where: a .< b) }
    @inline(__always) func total() -> Scalar { sum() }
}

// Square roots from CVectorMath: one instruction per vector. Swift's `squareRoot()` on Linux calls
// libm's `sqrtf` out of line once per element, also for a SIMD vector (8–11% of an MLP training
// step went to those calls in Adam).
extension Float: LaneScalar {
    typealias Vector = SIMD8<Float>
    @inline(__always) func sqrt() -> Float { ember_sqrt_f(self) }
}
extension Double: LaneScalar {
    typealias Vector = SIMD4<Double>
    @inline(__always) func sqrt() -> Double { ember_sqrt_d(self) }
}
extension SIMD8: Lane where Scalar == Float {
    @inline(__always) func sqrt() -> Self { ember_sqrt_f8(self) }
    @inline(__always) static func keeping(_ v: Self, wherePositive z: Self) -> Self { ember_keep_positive_f8(v, z) }
}
extension SIMD4: Lane where Scalar == Double {
    @inline(__always) func sqrt() -> Self { ember_sqrt_d4(self) }
    @inline(__always) static func keeping(_ v: Self, wherePositive z: Self) -> Self { ember_keep_positive_d4(v, z) }
}

/// An element-wise update over one parameter, written once for any lane.
protocol LaneKernel {
    associatedtype T: LaneScalar
    /// Updates the elements `i ..< i + width` of the lane type.
    func lane<L: Lane>(_: L.Type, _ i: Int) where L.Scalar == T
}

extension LaneKernel {
    /// Runs the update over `0..<n`: vectors first, then the scalar tail, split across threads
    /// for large parameters.
    @inline(__always)
    func run(_ n: Int) {
        // A few flops per element: threads pay off from about 16K elements.
        parallelFor(n, costPerItem: 2) { r in update(r) }
    }

    /// The update over `range`. A method, not the parallel body itself: LLVM does not inline
    /// CVectorMath's square roots into a closure (they were calls, spilling every vector register).
    ///
    /// Runs with subnormals flushed to zero (on x86), where PyTorch keeps them: an optimizer's state
    /// decays geometrically where a gradient stays zero (a momentum by 0.9 a step, through the
    /// subnormal range in ~150 steps), and x86 takes a microcode assist, ~100 times slower, for
    /// each operation on a subnormal; Adam ran 3.5 times slower from the fourth epoch of the MLP
    /// workload on. What a subnormal state adds to a parameter is below the rounding of any
    /// parameter larger than 1e-25.
    @inline(never)
    func update(_ range: Range<Int>) {
        let mode = ember_subnormals_off_begin()
        defer { ember_subnormals_off_end(mode) }
        let width = MemoryLayout<T.Vector>.size / MemoryLayout<T>.size
        var i = range.lowerBound
        while i + width <= range.upperBound {
            lane(T.Vector.self, i)
            i += width
        }
        while i < range.upperBound {
            lane(T.self, i)
            i += 1
        }
    }
}
