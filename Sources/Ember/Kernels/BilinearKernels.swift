/// For each output position along one axis of a bilinear resize: the two source positions and
/// the weight of the second, as PyTorch's `area_pixel_compute_source_index` computes them (in
/// the element type's arithmetic, negative sources clamped to 0).
struct LinearTaps<T: BinaryFloatingPoint> {
    let lo: [Int], hi: [Int], weight: [T]

    init(input n: Int, output m: Int, scale: Double?, alignCorners: Bool) {
        let s: T = alignCorners ? (m > 1 ? T(n - 1) / T(m - 1) : 0)
            : (scale.map { $0 > 0 ? T(1 / $0) : T(n) / T(m) } ?? T(n) / T(m))
        var lo = [Int](repeating: 0, count: m), hi = lo, weight = [T](repeating: 0, count: m)
        for i in 0..<m {
            let src = alignCorners ? s * T(i) : Swift.max(s * (T(i) + 0.5) - 0.5, 0)
            let i0 = Swift.min(Int(src), n - 1)
            lo[i] = i0
            hi[i] = i0 < n - 1 ? i0 + 1 : i0
            weight[i] = src - T(i0)
        }
        self.lo = lo
        self.hi = hi
        self.weight = weight
    }
}

/// One axis's taps as buffer pointers, for the kernels' inner loops (no bounds checks).
struct TapPointers<T> {
    let lo: UnsafeBufferPointer<Int>, hi: UnsafeBufferPointer<Int>, weight: UnsafeBufferPointer<T>
}

extension LinearTaps {
    /// Runs `body` with the taps as buffer pointers.
    func withPointers<R>(_ body: (TapPointers<T>) -> R) -> R {
        lo.withUnsafeBufferPointer { l in
            hi.withUnsafeBufferPointer { h in weight.withUnsafeBufferPointer { w in body(TapPointers(lo: l, hi: h, weight: w)) } }
        }
    }
}

/// The shape of a bilinear resize: `planes` contiguous `height × width` input planes, each
/// resized to `rows.count × cols.count`.
struct BilinearGeometry<T: BinaryFloatingPoint> {
    let planes: Int, height: Int, width: Int
    let rows: LinearTaps<T>, cols: LinearTaps<T>

    var inPlane: Int { height * width }
    var outPlane: Int { rows.lo.count * cols.lo.count }
}

/// Bilinear resize of contiguous planes: each output is
/// `(1-a)·((1-b)·x00 + b·x01) + a·((1-b)·x10 + b·x11)`, PyTorch's CPU formula.
func bilinearKernel<T: BinaryFloatingPoint>(_ px: UnsafePointer<T>, _ geo: BilinearGeometry<T>,
                                            _ po: UnsafeMutablePointer<T>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane
    let ocols = geo.cols.lo.count
    geo.rows.withPointers { rows in geo.cols.withPointers { cols in
        let (rlo, rhi, rw, clo, chi, cw) = (rows.lo, rows.hi, rows.weight, cols.lo, cols.hi, cols.weight)
        parallelFor(geo.planes, costPerItem: 8 * outPlane) { range in
            for p in range {
                let x = px + p * inPlane
                var o = po + p * outPlane
                for oh in 0..<rlo.count {
                    let r0 = x + rlo[oh] * width, r1 = x + rhi[oh] * width, a = rw[oh], a0 = 1 - a
                    for ow in 0..<ocols {
                        let c0 = clo[ow], c1 = chi[ow], b = cw[ow], b0 = 1 - b
                        o[ow] = a0 * (b0 * r0[c0] + b * r0[c1]) + a * (b0 * r1[c0] + b * r1[c1])
                    }
                    o += ocols
                }
            }
        }
    } }
}

/// The adjoint of `bilinearKernel` (its gradient with respect to the input): each output
/// gradient spread over its four taps with the same weights, into `pi`, zeroed first.
func bilinearAdjointKernel<T: BinaryFloatingPoint>(_ pg: UnsafePointer<T>, _ geo: BilinearGeometry<T>,
                                                   _ pi: UnsafeMutablePointer<T>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane
    let ocols = geo.cols.lo.count
    geo.rows.withPointers { rows in geo.cols.withPointers { cols in
        let (rlo, rhi, rw, clo, chi, cw) = (rows.lo, rows.hi, rows.weight, cols.lo, cols.hi, cols.weight)
        parallelFor(geo.planes, costPerItem: 8 * outPlane) { range in
            for p in range {
                let d = pi + p * inPlane
                d.update(repeating: 0, count: inPlane)
                var g = pg + p * outPlane
                for oh in 0..<rlo.count {
                    let r0 = d + rlo[oh] * width, r1 = d + rhi[oh] * width, a = rw[oh], a0 = 1 - a
                    for ow in 0..<ocols {
                        let c0 = clo[ow], c1 = chi[ow], b = cw[ow], b0 = 1 - b, v = g[ow]
                        r0[c0] += a0 * b0 * v
                        r0[c1] += a0 * b * v
                        r1[c0] += a * b0 * v
                        r1[c1] += a * b * v
                    }
                    g += ocols
                }
            }
        }
    } }
}
