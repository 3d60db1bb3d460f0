import CDNNL
import CVectorMath

/// Float32 activations in oneDNN's channel-blocked layouts `nChw16c` and `nChw8c` (`aBcd16b`,
/// `aBcd8b`: channels in blocks of sixteen or eight, those of one pixel adjacent, the last block
/// padded; oneDNN picks the first with AVX-512, the second with AVX2) copied into plain NCHW,
/// each value clamped on the way: the reorder after a convolution with its activation done in
/// the same pass. oneDNN's own eltwise post-ops would do it inside the convolution, but they turn
/// NaN into the bound (a `max` instruction), where PyTorch's `relu` and `hardtanh` keep it. And
/// the other way, plain to blocked with an evaluation batch norm and a ReLU on the way: the
/// reorder before a convolution that follows them.
struct ChannelBlockKernels {
    /// Images, channels and pixels per channel of the plain tensor, and channels per block of
    /// the blocked one (16 or 8).
    let n: Int, c: Int, pixels: Int, block: Int
    /// Floats from one image to the next in the plain tensor: `c · pixels` unless it is a slice
    /// of the channels of a larger one.
    var imageStride: Int

    init(n: Int, c: Int, pixels: Int, block: Int, imageStride: Int? = nil) {
        (self.n, self.c, self.pixels, self.block) = (n, c, pixels, block)
        self.imageStride = imageStride ?? c * pixels
    }

    /// The channels per block when oneDNN's `layout` of an `(n, c, h, w)` float32 tensor is
    /// `nChw16c` or `nChw8c`; nil for any other layout.
    static func block(of layout: dnnl_memory_desc_t, _ dims: [Int]) -> Int? {
        [16, 8].first { block in
            var chosen = layout, blocked = DNNL.blockedDesc(dims, block: block)
            return dnnl_memory_desc_equal(&chosen, &blocked) != 0
        }
    }

    /// `dst` (plain) from `src` (blocked), each value clamped to `[lo, hi]`, NaN kept.
    func unblock(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, lo: Float, hi: Float) {
        let size = block, blocks = (c + size - 1) / size, hw = pixels
        parallelFor(n * blocks, costPerItem: size * hw) { range in
            for item in range {
                let image = item / blocks, b = item % blocks
                let s = src + item * size * hw, d = dst + image * imageStride + b * size * hw
                let channels = Swift.min(size, c - b * size)
                var p = 0
                if channels % 8 == 0 {
                    while p + 8 <= hw {
                        for eight in 0..<channels / 8 {
                            ember_transpose8_clamp(s + p * size + eight * 8, size, d + eight * 8 * hw + p, hw, lo, hi)
                        }
                        p += 8
                    }
                }
                for q in p..<hw {
                    for k in 0..<channels { d[k * hw + q] = Self.clamp(s[q * size + k], lo, hi) }
                }
            }
        }
    }

    /// `dst` (blocked, the last block's padding channels zero) from `src` (plain), channel `k`
    /// mapped by `max(x·scale[k] + shift[k], 0)` with NaN kept, rounded as
    /// `BatchNormKernels.affine` rounds.
    func blockNormReLU(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, scale: [Float], shift: [Float]) {
        let size = block, blocks = (c + size - 1) / size, hw = pixels
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                let scale = scale.baseAddress!, shift = shift.baseAddress!
                parallelFor(n * blocks, costPerItem: size * hw) { range in
                    for item in range {
                        let image = item / blocks, b = item % blocks, first = b * size
                        let s = src + image * imageStride + first * hw, d = dst + item * size * hw
                        let channels = Swift.min(size, c - first)
                        var p = 0
                        if channels % 8 == 0 {
                            while p + 8 <= hw {
                                for eight in 0..<channels / 8 {
                                    ember_transpose8_affine_relu(s + eight * 8 * hw + p, hw, d + p * size + eight * 8, size,
                                                                 scale + first + eight * 8, shift + first + eight * 8)
                                }
                                p += 8
                            }
                        }
                        for q in p..<hw {
                            for k in 0..<channels {
                                let v = s[k * hw + q] * scale[first + k] + shift[first + k]
                                d[q * size + k] = v <= 0 ? 0 : v
                            }
                        }
                        if channels < size {
                            for q in 0..<hw { (d + q * size + channels).initialize(repeating: 0, count: size - channels) }
                        }
                    }
                }
            }
        }
    }

    /// `v` clamped to `[lo, hi]`, NaN kept (as `ember_transpose8_clamp` does).
    @inline(__always)
    static func clamp(_ v: Float, _ lo: Float, _ hi: Float) -> Float {
        v < lo ? lo : (v > hi ? hi : v)
    }
}
