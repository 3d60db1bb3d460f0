import Foundation

/// Normal samples for contiguous tensors of 16 or more elements, as PyTorch's CPU kernel makes
/// them: uniforms for every element first, then Box-Muller over each block of 16, pairing
/// element `j` with `j + 8`; a ragged end is redrawn as one last block of 16 fresh uniforms
/// over the final 16 elements. Float64 uses the C library's `log`, `cos` and `sin`; float32 uses
/// PyTorch's AVX2 kernel's functions (Cephes polynomials in float32, every multiply-add fused),
/// which are written out here in scalar code so the values are the same on any machine.
enum NormalFill {
    /// `count` samples of N(mean, std²) as float32 values (`count` ≥ 16).
    static func float32(_ count: Int, mean: Double, std: Double, _ g: Generator) -> [Float] {
        let mean = Float(mean), std = Float(std)
        let uniforms = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            g.uniformFloats(into: buffer.baseAddress!, count: count, 0, 1)
            initialized = count
        }
        return blocks(uniforms, g.uniformFloat) { u1, u2 in
            let radius = (-2 * log(1 - u1)).squareRoot()
            let (s, c) = sinCos(Float(2 * Double.pi) * u2)
            return (mean.addingProduct(radius * c, std), mean.addingProduct(radius * s, std))
        }
    }

    /// `count` samples of N(mean, std²) as float64 values (`count` ≥ 16).
    static func float64(_ count: Int, mean: Double, std: Double, _ g: Generator) -> [Double] {
        blocks((0..<count).map { _ in g.uniform() }, g.uniform) { u1, u2 in
            let radius = (-2 * Foundation.log(1 - u1)).squareRoot(), theta = 2 * Double.pi * u2
            return (mean.addingProduct(radius * Foundation.cos(theta), std), mean.addingProduct(radius * Foundation.sin(theta), std))
        }
    }

    /// `pair` over elements `j` and `j + 8` of each block of 16 of `uniforms`, the ragged end
    /// redrawn from `draw` as a last block over the final 16 elements.
    private static func blocks<T>(_ uniforms: [T], _ draw: () -> T, _ pair: (T, T) -> (T, T)) -> [T] {
        var d = uniforms
        let count = d.count
        func block(_ at: Int) {
            for j in at..<(at + 8) { (d[j], d[j + 8]) = pair(d[j], d[j + 8]) }
        }
        for at in Swift.stride(from: 0, through: count - 16, by: 16) { block(at) }
        if count % 16 != 0 {
            for i in (count - 16)..<count { d[i] = draw() }
            block(count - 16)
        }
        return d
    }

    /// Float constants rounded from their double values, as the C++ source's `float` casts do.
    @inline(__always) private static func f(_ v: Double) -> Float { Float(v) }

    /// The natural logarithm of `x` > 0 (Cephes `logf`, as PyTorch's `log256_ps`).
    private static func log(_ x: Float) -> Float {
        if !(x > 0) { return .nan }
        var x = Swift.max(x, Float(bitPattern: 0x0080_0000))
        let bits = x.bitPattern
        var e = Float(Int32(bits >> 23) - 0x7F) + 1
        x = Float(bitPattern: (bits & ~0x7F80_0000) | Float(0.5).bitPattern)
        let below = x < f(0.707106781186547524)
        let tmp: Float = below ? x : 0
        x -= 1
        if below { e -= 1 }
        x += tmp
        let z = x * x
        var y = f(7.0376836292E-2)
        for p in [-1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                  2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1] {
            y = f(p).addingProduct(y, x)
        }
        y *= x
        y = (e * f(-2.12194440e-4)).addingProduct(y, z)
        y -= z * 0.5
        x += y
        return x.addingProduct(e, f(0.693359375))
    }

    /// Sine and cosine of `x` ≥ 0 (Cephes `sinf`/`cosf`, as PyTorch's `sincos256_ps`).
    private static func sinCos(_ x: Float) -> (Float, Float) {
        var x = abs(x)
        let j = (Int32(x * f(1.27323954473516)) + 1) & ~1
        let y = Float(j)
        let swapSign = UInt32(bitPattern: (j & 4) << 29)
        let sinPolynomialIsSin = j & 2 == 0
        x = x.addingProduct(y, f(-0.78515625))
        x = x.addingProduct(y, f(-2.4187564849853515625e-4))
        x = x.addingProduct(y, f(-3.77489497744594108e-8))
        let cosSign = UInt32(bitPattern: (~(j - 2) & 4) << 29)
        let z = x * x
        var yc = f(-1.388731625493765E-003).addingProduct(f(2.443315711809948E-005), z)
        yc = f(4.166664568298827E-002).addingProduct(yc, z)
        yc *= z
        yc = (-(z * 0.5)).addingProduct(yc, z)
        yc += 1
        var ys = f(8.3321608736E-3).addingProduct(f(-1.9515295891E-4), z)
        ys = f(-1.6666654611E-1).addingProduct(ys, z)
        ys *= z
        ys = x.addingProduct(ys, x)
        let s1: Float = sinPolynomialIsSin ? 0 : yc, s2: Float = sinPolynomialIsSin ? ys : 0
        let s = s1 + s2, c = (yc - s1) + (ys - s2)
        return (Float(bitPattern: s.bitPattern ^ swapSign), Float(bitPattern: c.bitPattern ^ cosSign))
    }
}
