/// Batch-norm kernels on a contiguous `(N, C, S)` buffer (S = spatial size, 1 for 2-D input),
/// parallel over channels; each channel's statistics accumulate in double.
struct BatchNormKernels<T: BinaryFloatingPoint> {
    let n, c, s: Int

    /// Calls `body(plane)` for each of channel `ch`'s `n` contiguous planes of `s` elements.
    @inline(__always)
    private func planes(_ ch: Int, _ body: (Int) -> Void) {
        for i in 0..<n { body((i * c + ch) * s) }
    }

    /// Per-channel mean and biased variance (two passes, for accuracy).
    func stats(_ x: UnsafePointer<T>, mean: UnsafeMutablePointer<Double>, variance: UnsafeMutablePointer<Double>) {
        let count = Double(n * s)
        parallelFor(c, costPerItem: 2 * n * s) { r in
            for ch in r {
                var sum = 0.0
                planes(ch) { p in sum += Double(sumContiguous(x + p, s)) }
                let m = sum / count
                var sq = 0.0
                planes(ch) { p in sq += Double(centeredSquares(x + p, T(m))) }
                mean[ch] = m
                variance[ch] = sq / count
            }
        }
    }

    /// `y = x * scale[c] + shift[c]`.
    func affine(_ x: UnsafePointer<T>, scale: [T], shift: [T], _ y: UnsafeMutablePointer<T>) {
        parallelFor(c, costPerItem: n * s) { r in
            for ch in r {
                let a = scale[ch], b = shift[ch]
                planes(ch) { p in for j in 0..<s { y[p + j] = x[p + j] * a + b } }
            }
        }
    }

    /// Training-mode input gradient and per-channel sums `Σgy` and `Σgy·x̂` (the bias and weight
    /// gradients): `gx = w·invstd/M · (M·gy − Σgy − x̂·Σgy·x̂)`.
    func backward(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, mean: [Double], invstd: [Double], weight: [T],
                  gx: UnsafeMutablePointer<T>, sumGy: UnsafeMutablePointer<T>, sumGyXhat: UnsafeMutablePointer<T>) {
        let m = T(n * s)
        parallelFor(c, costPerItem: 2 * n * s) { r in
            for ch in r {
                let mu = T(mean[ch]), inv = T(invstd[ch])
                var sg = 0.0, sgx = 0.0
                planes(ch) { p in
                    let (a, b) = centeredSums(x + p, gy + p, mu)
                    sg += Double(a)
                    sgx += Double(b)
                }
                let sumG = T(sg), sumGX = T(sgx) * inv
                sumGy[ch] = sumG
                sumGyXhat[ch] = sumGX
                let k = weight[ch] * inv / m
                planes(ch) { p in
                    for j in 0..<s {
                        let xhat = (x[p + j] - mu) * inv
                        gx[p + j] = k * (m * gy[p + j] - sumG - xhat * sumGX)
                    }
                }
            }
        }
    }

    /// `Σ w[j]` and `Σ w[j]·(x[j] − mu)` over one plane of `s` elements, in eight independent
    /// accumulators so the loop vectorizes (a single running sum would serialize on it).
    @inline(__always)
    private func centeredSums(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ mu: T) -> (T, T) {
        var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0, a4: T = 0, a5: T = 0, a6: T = 0, a7: T = 0
        var b0: T = 0, b1: T = 0, b2: T = 0, b3: T = 0, b4: T = 0, b5: T = 0, b6: T = 0, b7: T = 0
        var j = 0
        while j + 8 <= s {
            a0 += w[j]; b0 += w[j] * (x[j] - mu)
            a1 += w[j + 1]; b1 += w[j + 1] * (x[j + 1] - mu)
            a2 += w[j + 2]; b2 += w[j + 2] * (x[j + 2] - mu)
            a3 += w[j + 3]; b3 += w[j + 3] * (x[j + 3] - mu)
            a4 += w[j + 4]; b4 += w[j + 4] * (x[j + 4] - mu)
            a5 += w[j + 5]; b5 += w[j + 5] * (x[j + 5] - mu)
            a6 += w[j + 6]; b6 += w[j + 6] * (x[j + 6] - mu)
            a7 += w[j + 7]; b7 += w[j + 7] * (x[j + 7] - mu)
            j += 8
        }
        var a = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        var b = ((b0 + b1) + (b2 + b3)) + ((b4 + b5) + (b6 + b7))
        while j < s {
            a += w[j]
            b += w[j] * (x[j] - mu)
            j += 1
        }
        return (a, b)
    }

    /// `Σ (x[j] − mu)²` over one plane, in eight accumulators like `centeredSums`.
    @inline(__always)
    private func centeredSquares(_ x: UnsafePointer<T>, _ mu: T) -> T {
        var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0, a4: T = 0, a5: T = 0, a6: T = 0, a7: T = 0
        @inline(__always) func sq(_ j: Int) -> T { let d = x[j] - mu; return d * d }
        var j = 0
        while j + 8 <= s {
            a0 += sq(j); a1 += sq(j + 1); a2 += sq(j + 2); a3 += sq(j + 3)
            a4 += sq(j + 4); a5 += sq(j + 5); a6 += sq(j + 6); a7 += sq(j + 7)
            j += 8
        }
        var total = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        while j < s {
            total += sq(j)
            j += 1
        }
        return total
    }
}
