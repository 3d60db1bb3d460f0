/// Direct-loop convolution on contiguous NCHW buffers: the path for float64 (which oneDNN does not
/// compute) and the reference the oneDNN path is tested against.
struct DirectConv<T: BinaryFloatingPoint> {
    let g: ConvGeometry

    private var cg: Int { g.cin / g.groups }
    private var og: Int { g.cout / g.groups }

    /// Calls `body(inputIndex, weightIndex, outputIndex)` for every multiply-add of output channel
    /// plane `(n, o)`.
    @inline(__always)
    private func forEachTap(n: Int, o: Int, _ body: (Int, Int, Int) -> Void) {
        let (oh, ow) = (g.outH, g.outW), group = o / og
        for c in 0..<cg {
            let ci = group * cg + c
            for ky in 0..<g.kh {
                for kx in 0..<g.kw {
                    let wi = ((o * cg + c) * g.kh + ky) * g.kw + kx
                    for y in 0..<oh {
                        let iy = y * g.stride[0] - g.padL[0] + ky * g.dilation[0]
                        if iy < 0 || iy >= g.h { continue }
                        for x in 0..<ow {
                            let ix = x * g.stride[1] - g.padL[1] + kx * g.dilation[1]
                            if ix < 0 || ix >= g.w { continue }
                            body(((n * g.cin + ci) * g.h + iy) * g.w + ix, wi, ((n * g.cout + o) * oh + y) * ow + x)
                        }
                    }
                }
            }
        }
    }

    /// `dst = conv(src, weights) + bias`.
    func forward(_ src: UnsafePointer<T>, _ weights: UnsafePointer<T>, _ bias: UnsafePointer<T>?, _ dst: UnsafeMutablePointer<T>) {
        let plane = g.outH * g.outW
        parallelFor(g.n * g.cout, costPerItem: plane * cg * g.kh * g.kw) { r in
            for t in r {
                let n = t / g.cout, o = t % g.cout
                (dst + t * plane).update(repeating: bias.map { $0[o] } ?? 0, count: plane)
                forEachTap(n: n, o: o) { i, w, out in dst[out] += src[i] * weights[w] }
            }
        }
    }

    /// `diffSrc` from `diffDst` and the weights (each image's gradient is written by one thread).
    func backwardData(_ diffDst: UnsafePointer<T>, _ weights: UnsafePointer<T>, _ diffSrc: UnsafeMutablePointer<T>) {
        let image = g.cin * g.h * g.w
        parallelFor(g.n, costPerItem: g.cout * g.outH * g.outW * cg * g.kh * g.kw) { r in
            for n in r {
                (diffSrc + n * image).update(repeating: 0, count: image)
                for o in 0..<g.cout {
                    forEachTap(n: n, o: o) { i, w, out in diffSrc[i] += diffDst[out] * weights[w] }
                }
            }
        }
    }

    /// `diffWeights` from the input and `diffDst` (each output channel's filter by one thread).
    func backwardWeights(_ src: UnsafePointer<T>, _ diffDst: UnsafePointer<T>, _ diffWeights: UnsafeMutablePointer<T>) {
        let filter = cg * g.kh * g.kw
        parallelFor(g.cout, costPerItem: g.n * g.outH * g.outW * filter) { r in
            for o in r {
                (diffWeights + o * filter).update(repeating: 0, count: filter)
                for n in 0..<g.n {
                    forEachTap(n: n, o: o) { i, w, out in diffWeights[w] += src[i] * diffDst[out] }
                }
            }
        }
    }
}
