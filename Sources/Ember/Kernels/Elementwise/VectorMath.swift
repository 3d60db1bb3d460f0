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
    /// factors so a result in the subnormal range is rounded once.
    @inline(__always)
    static func exp(_ x: V) -> V {
        var xc = x
        xc.replace(with: -104, where: x .< -104)
        xc.replace(with: 89, where: x .> 89)
        // Adding 1.5·2^23 rounds to an integer and leaves it in the low bits of the float.
        let magic = V(repeating: 12_582_912)
        let t = xc * 1.442_695_040_888_963_4 + magic
        let n = t - magic
        let r = xc - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = V(repeating: 1.398_199_950_7e-3).addingProduct(p, r)
        p = V(repeating: 8.333_451_907_3e-3).addingProduct(p, r)
        p = V(repeating: 4.166_579_589_4e-2).addingProduct(p, r)
        p = V(repeating: 1.666_666_545_9e-1).addingProduct(p, r)
        p = V(repeating: 5.000_000_120_1e-1).addingProduct(p, r)
        let y = r.addingProduct(p, r * r) + 1
        let k = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let k1 = k &>> 1, k2 = k &- k1
        var result = y * unsafeBitCast((k1 &+ 127) &<< 23, to: V.self) * unsafeBitCast((k2 &+ 127) &<< 23, to: V.self)
        result.replace(with: .infinity, where: x .> 88.722_839)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// `1 / (1 + e^-x)` per lane (PyTorch's formula: 0 below about -88.7, where `e^-x` overflows).
    @inline(__always)
    static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    /// `tanh x` per lane, Cephes' `tanhf`: `x + x³ P(x²)` below |x| = 0.625, where `1 − 2 / (e^{2|x|} + 1)`
    /// would cancel, and that with the sign of `x` from there on (±1 once `e^{2|x|}` overflows).
    @inline(__always)
    static func tanh(_ x: V) -> V {
        let z = x * x
        var p = V(repeating: -5.704_988_727_45e-3)
        p = V(repeating: 2.063_908_879_54e-2).addingProduct(p, z)
        p = V(repeating: -5.373_971_555_31e-2).addingProduct(p, z)
        p = V(repeating: 1.333_144_220_36e-1).addingProduct(p, z)
        p = V(repeating: -3.333_328_194_22e-1).addingProduct(p, z)
        let small = x.addingProduct(p * z, x)
        let a = x.replacing(with: -x, where: x .< 0)
        var large = 1 - 2 / (exp(a + a) + 1)
        large.replace(with: -large, where: x .< 0)
        var result = large
        result.replace(with: small, where: a .< 0.625)
        result.replace(with: x, where: x .!= x)
        return result
    }
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
