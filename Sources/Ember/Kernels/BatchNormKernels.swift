/// Batch-norm kernels on a contiguous `(N, C, S)` buffer (S = spatial size, 1 for 2-D input);
/// each channel's statistics accumulate in double.
///
/// Two walks over the buffer, by the size of a channel's plane: planes of at least `planeMinimum`
/// elements are reduced plane by plane in vector lanes, in parallel over channels; smaller ones
/// (BatchNorm1d's single elements, 2×2 maps) column by column over the `(N, C·S)` matrix, in
/// parallel over columns, so the inner loops run along rows instead of over a handful of elements.
struct BatchNormKernels<T: LaneScalar> {
    let n, c, s: Int

    private static var planeMinimum: Int { 16 }
    private var columnWise: Bool { s < Self.planeMinimum }
    /// Columns of the `(N, C·S)` matrix.
    private var columns: Int { c * s }

    /// Calls `body(plane)` for each of channel `ch`'s `n` contiguous planes of `s` elements.
    @inline(__always)
    private func planes(_ ch: Int, _ body: (Int) -> Void) {
        for i in 0..<n { body((i * c + ch) * s) }
    }

    /// A per-channel value repeated for each of the channel's `s` columns.
    private func perColumn<V>(_ v: [V]) -> [V] { v.flatMap { repeatElement($0, count: s) } }

    /// Per-column double sums over all rows of `a`; with `center`, of `(a − center)²`, or with
    /// `b` too, of `b·(a − center)`. In parallel over columns.
    private func columnSums(_ a: UnsafePointer<T>, centeredBy center: [T]? = nil, times b: UnsafePointer<T>? = nil) -> [Double] {
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: columns)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: columns)
        parallelFor(columns, costPerItem: n) { r in
            for i in 0..<n {
                let ar = a + i * columns
                if let center, let b {
                    let br = b + i * columns
                    for j in r { sums[j] += Double(br[j] * (ar[j] - center[j])) }
                } else if let center {
                    for j in r {
                        let d = ar[j] - center[j]
                        sums[j] += Double(d * d)
                    }
                } else {
                    for j in r { sums[j] += Double(ar[j]) }
                }
            }
        }
        return Array(UnsafeBufferPointer(start: sums, count: columns))
    }

    /// Adds up each channel's `s` consecutive columns.
    private func perChannel(_ columnSums: [Double]) -> [Double] {
        (0..<c).map { ch in columnSums[ch * s ..< (ch + 1) * s].reduce(0, +) }
    }

    /// Per-channel mean and biased variance (two passes, for accuracy).
    func stats(_ x: UnsafePointer<T>, mean: UnsafeMutablePointer<Double>, variance: UnsafeMutablePointer<Double>) {
        let count = Double(n * s)
        if columnWise {
            let m = perChannel(columnSums(x)).map { $0 / count }
            let sq = perChannel(columnSums(x, centeredBy: perColumn(m.map { T($0) })))
            for ch in 0..<c { (mean[ch], variance[ch]) = (m[ch], sq[ch] / count) }
            return
        }
        parallelFor(c, costPerItem: 2 * n * s) { r in
            for ch in r {
                var sum = 0.0
                planes(ch) { p in sum += Double(planeSum(UnsafeMutablePointer(mutating: x + p))) }
                let m = sum / count, mu = T(m)
                var sq = 0.0
                planes(ch) { p in sq += Double(centeredPlaneSum(UnsafeMutablePointer(mutating: x + p), mu, times: nil)) }
                mean[ch] = m
                variance[ch] = sq / count
            }
        }
    }

    /// `y = x * scale[c] + shift[c]`, or with `relu` that clamped at zero as a ReLU does (NaN
    /// stays NaN).
    func affine(_ x: UnsafePointer<T>, scale: [T], shift: [T], _ y: UnsafeMutablePointer<T>, relu: Bool = false) {
        if columnWise {
            let a = perColumn(scale), b = perColumn(shift)
            parallelFor(n, costPerItem: columns) { rows in
                for i in rows {
                    let xr = x + i * columns, yr = y + i * columns
                    if relu {
                        for j in 0..<columns {
                            let v = xr[j] * a[j] + b[j]
                            yr[j] = v <= 0 ? 0 : v
                        }
                    } else {
                        for j in 0..<columns { yr[j] = xr[j] * a[j] + b[j] }
                    }
                }
            }
            return
        }
        parallelFor(c, costPerItem: n * s) { r in
            for ch in r {
                let a = scale[ch], b = shift[ch]
                planes(ch) { p in
                    let xp = x + p, yp = y + p
                    if relu {
                        for j in 0..<s {
                            let v = xp[j] * a + b
                            yp[j] = v <= 0 ? 0 : v
                        }
                    } else {
                        for j in 0..<s { yp[j] = xp[j] * a + b }
                    }
                }
            }
        }
    }

    /// Training-mode input gradient and per-channel sums `Σgy` and `Σgy·x̂` (the bias and weight
    /// gradients): `gx = w·invstd/M · (M·gy − Σgy − x̂·Σgy·x̂)`. With `relu` (the forward's scale
    /// and shift), `gy` is the gradient of the ReLU that followed, kept where the forward's
    /// `x·scale + shift` was positive: the ReLU's backward is done in the same passes.
    func backward(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, mean: [Double], invstd: [Double], weight: [T],
                  gx: UnsafeMutablePointer<T>, sumGy: UnsafeMutablePointer<T>, sumGyXhat: UnsafeMutablePointer<T>,
                  relu: (scale: [T], shift: [T])? = nil) {
        let m = T(n * s)
        if columnWise, let relu {
            // Small planes: the ReLU's gradient first, into a buffer the plain backward reads.
            let a = perColumn(relu.scale), b = perColumn(relu.shift)
            let masked = UnsafeMutablePointer<T>.allocate(capacity: n * columns)
            defer { masked.deallocate() }
            parallelFor(n, costPerItem: columns) { rows in
                for i in rows {
                    let xr = x + i * columns, gr = gy + i * columns, mr = masked + i * columns
                    for j in 0..<columns {
                        let g = gr[j]  // loaded whatever the test: a conditional load would not vectorize
                        mr[j] = xr[j] * a[j] + b[j] > 0 ? g : 0
                    }
                }
            }
            return backward(x, masked, mean: mean, invstd: invstd, weight: weight, gx: gx, sumGy: sumGy, sumGyXhat: sumGyXhat)
        }
        if columnWise {
            let mu = perColumn(mean.map { T($0) })
            let sg = perChannel(columnSums(gy)), sgx = perChannel(columnSums(x, centeredBy: mu, times: gy))
            for ch in 0..<c { (sumGy[ch], sumGyXhat[ch]) = (T(sg[ch]), T(sgx[ch]) * T(invstd[ch])) }
            let inv = perColumn(invstd.map { T($0) }), g = perColumn((0..<c).map { sumGy[$0] })
            let sumGX = perColumn((0..<c).map { sumGyXhat[$0] }), k = perColumn((0..<c).map { weight[$0] * T(invstd[$0]) / m })
            parallelFor(n, costPerItem: columns) { rows in
                for i in rows {
                    let xr = x + i * columns, gr = gy + i * columns, out = gx + i * columns
                    for j in 0..<columns { out[j] = k[j] * (m * gr[j] - g[j] - (xr[j] - mu[j]) * inv[j] * sumGX[j]) }
                }
            }
            return
        }
        parallelFor(c, costPerItem: 2 * n * s) { r in
            for ch in r {
                let mu = T(mean[ch]), inv = T(invstd[ch])
                var sg = 0.0, sgx = 0.0
                planes(ch) { p in
                    let xp = UnsafeMutablePointer(mutating: x + p), gp = UnsafeMutablePointer(mutating: gy + p)
                    if let relu {
                        let sums = maskedPlaneSums(xp, gp, mu, relu.scale[ch], relu.shift[ch])
                        sg += Double(sums.g)
                        sgx += Double(sums.gx)
                    } else {
                        sg += Double(planeSum(gp))
                        sgx += Double(centeredPlaneSum(xp, mu, times: gp))
                    }
                }
                let sumG = T(sg), sumGX = T(sgx) * inv
                sumGy[ch] = sumG
                sumGyXhat[ch] = sumGX
                let k = weight[ch] * inv / m
                planes(ch) { p in
                    let xp = x + p, gp = gy + p, out = gx + p
                    if let relu {
                        let a = relu.scale[ch], b = relu.shift[ch]
                        for j in 0..<s {
                            let gv = gp[j], xv = xp[j]  // loaded unconditionally, so that the loop vectorizes
                            let g = xv * a + b > 0 ? gv : 0
                            out[j] = k * (m * g - sumG - (xv - mu) * inv * sumGX)
                        }
                    } else {
                        for j in 0..<s { out[j] = k * (m * gp[j] - sumG - (xp[j] - mu) * inv * sumGX) }
                    }
                }
            }
        }
    }

    /// `Σ a[j]` over one plane of `s` elements.
    @inline(__always)
    private func planeSum(_ a: UnsafeMutablePointer<T>) -> T {
        var acc = Accumulators()
        var j = 0
        while j + 4 * acc.width <= s {
            acc.add(T.Vector.load(a, j), T.Vector.load(a, j + acc.width), T.Vector.load(a, j + 2 * acc.width),
                    T.Vector.load(a, j + 3 * acc.width))
            j += 4 * acc.width
        }
        var total = acc.total
        while j < s {
            total += a[j]
            j += 1
        }
        return total
    }

    /// `Σ b[j]·(a[j] − mu)` over one plane, or `Σ (a[j] − mu)²` without `b`.
    @inline(__always)
    private func centeredPlaneSum(_ a: UnsafeMutablePointer<T>, _ mu: T, times b: UnsafeMutablePointer<T>?) -> T {
        var acc = Accumulators()
        let m = T.Vector.splat(mu), w = acc.width
        var j = 0
        if let b {
            while j + 4 * w <= s {
                acc.add(T.Vector.load(b, j) * (T.Vector.load(a, j) - m), T.Vector.load(b, j + w) * (T.Vector.load(a, j + w) - m),
                        T.Vector.load(b, j + 2 * w) * (T.Vector.load(a, j + 2 * w) - m),
                        T.Vector.load(b, j + 3 * w) * (T.Vector.load(a, j + 3 * w) - m))
                j += 4 * w
            }
        } else {
            while j + 4 * w <= s {
                let d0 = T.Vector.load(a, j) - m, d1 = T.Vector.load(a, j + w) - m
                let d2 = T.Vector.load(a, j + 2 * w) - m, d3 = T.Vector.load(a, j + 3 * w) - m
                acc.add(d0 * d0, d1 * d1, d2 * d2, d3 * d3)
                j += 4 * w
            }
        }
        var total = acc.total
        while j < s {
            let d = a[j] - mu
            total += (b?[j] ?? d) * d
            j += 1
        }
        return total
    }

    /// `Σ g[j]` and `Σ g[j]·(x[j] − mu)` over one plane, `g` being `gy` kept where
    /// `x·a + b > 0` (the gradient through a ReLU on the affine output).
    @inline(__always)
    private func maskedPlaneSums(_ x: UnsafeMutablePointer<T>, _ gy: UnsafeMutablePointer<T>, _ mu: T, _ a: T, _ b: T) -> (g: T, gx: T) {
        var sums = Accumulators(), products = Accumulators()
        let vm = T.Vector.splat(mu), va = T.Vector.splat(a), vb = T.Vector.splat(b), w = sums.width
        var j = 0
        @inline(__always) func lane(_ i: Int) -> (T.Vector, T.Vector) {
            let xv = T.Vector.load(x, i)
            let g = T.Vector.keeping(T.Vector.load(gy, i), wherePositive: xv * va + vb)
            return (g, g * (xv - vm))
        }
        while j + 4 * w <= s {
            let (g0, p0) = lane(j), (g1, p1) = lane(j + w), (g2, p2) = lane(j + 2 * w), (g3, p3) = lane(j + 3 * w)
            sums.add(g0, g1, g2, g3)
            products.add(p0, p1, p2, p3)
            j += 4 * w
        }
        var g = sums.total, gx = products.total
        while j < s {
            let v = x[j] * a + b > 0 ? gy[j] : 0
            g += v
            gx += v * (x[j] - mu)
            j += 1
        }
        return (g, gx)
    }

    /// Four vector accumulators: a single running sum would serialize on its additions.
    private struct Accumulators {
        var a0 = T.Vector.splat(0), a1 = T.Vector.splat(0), a2 = T.Vector.splat(0), a3 = T.Vector.splat(0)
        let width = MemoryLayout<T.Vector>.size / MemoryLayout<T>.size

        @inline(__always) mutating func add(_ v0: T.Vector, _ v1: T.Vector, _ v2: T.Vector, _ v3: T.Vector) {
            a0 = a0 + v0; a1 = a1 + v1; a2 = a2 + v2; a3 = a3 + v3
        }

        var total: T { ((a0 + a1) + (a2 + a3)).total() }
    }
}
