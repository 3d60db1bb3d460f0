import CVectorMath

/// Float32 transcendental functions on eight lanes at once, for the element-wise kernels: libm's
/// `expf` is a call per element (a fifth of a BatchNorm-LeNet step went to the sigmoid's `expf`).
/// PyTorch's CPU kernels use SLEEF's vector functions the same way.
enum VectorMath {
    typealias V = SIMD8<Float>

    /// `e^x` per lane, within 1.02 units in the last place (measured over [-110, 90]); infinity above
    /// 88.72, zero (through the subnormals) below -104, NaN for NaN.
    ///
    /// `x = n·ln 2 + r` with `n` rounded to nearest and `r` in [-ln 2 / 2, ln 2 / 2] (ln 2 in two
    /// parts, so `r` is exact), `e^r` by Cephes' degree-6 polynomial, and `2^n` applied as two
    /// factors so a result in the subnormal range is rounded once. (`ember_exp_f8`, in C: see
    /// `vector_math.h`.)
    @inline(__always)
    static func exp(_ x: V) -> V { ember_exp_f8(x) }

    /// `1 / (1 + e^-x)` per lane (PyTorch's formula: 0 below about -88.7, where `e^-x` overflows).
    @inline(__always)
    static func sigmoid(_ x: V) -> V { ember_sigmoid_f8(x) }

    /// `tanh x` per lane, Cephes' `tanhf`: `x + x³ P(x²)` below |x| = 0.625, where `1 − 2 / (e^{2|x|} + 1)`
    /// would cancel, and that with the sign of `x` from there on (±1 once `e^{2|x|}` overflows).
    @inline(__always)
    static func tanh(_ x: V) -> V { ember_tanh_f8(x) }
}

/// A float32 element-wise function with a vector form: `unaryKernel`'s path for contiguous
/// float32 `exp`, `sigmoid` and `silu`; other dtypes and layouts take the scalar forms in `UnaryFn`.
protocol VectorUnaryOp {
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float>
}

enum ExpVectorOp: VectorUnaryOp {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { VectorMath.exp(x) }
}

/// `1 / (1 + e^-x)`, PyTorch's formula: 0 for x below about -88.7 (where `e^-x` overflows).
enum SigmoidVectorOp: VectorUnaryOp {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { VectorMath.sigmoid(x) }
}

/// `x / (1 + e^-x)`.
enum SiluVectorOp: VectorUnaryOp {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { x / (1 + VectorMath.exp(-x)) }
}

/// Runs `Op` over `n` contiguous floats, eight at a time; the last partial vector goes through the
/// same vector code, so every element is computed alike.
func vectorUnary<Op: VectorUnaryOp>(_: Op.Type, _ pa: UnsafePointer<Float>, _ po: UnsafeMutablePointer<Float>, _ n: Int) {
    let width = SIMD8<Float>.scalarCount
    parallelFor((n + width - 1) / width, costPerItem: 8 * width) { blocks in
        for b in blocks {
            let i = b * width, count = Swift.min(width, n - i)
            if count == width {
                let y = Op.apply(UnsafeRawPointer(pa + i).loadUnaligned(as: SIMD8<Float>.self))
                UnsafeMutableRawPointer(po + i).storeBytes(of: y, as: SIMD8<Float>.self)
            } else {
                var x = SIMD8<Float>()
                for j in 0..<count { x[j] = pa[i + j] }
                let y = Op.apply(x)
                for j in 0..<count { po[i + j] = y[j] }
            }
        }
    }
}
