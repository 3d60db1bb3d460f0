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
                planes(ch) { p in
                    var acc: T = 0
                    let mt = T(m)
                    for j in 0..<s { let d = x[p + j] - mt; acc += d * d }
                    sq += Double(acc)
                }
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
                    var a: T = 0, b: T = 0
                    for j in 0..<s { a += gy[p + j]; b += gy[p + j] * (x[p + j] - mu) }
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
}
