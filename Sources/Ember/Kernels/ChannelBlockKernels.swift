import CDNNL
import CVectorMath

/// Float32 activations in oneDNN's channel-blocked layout `nChw16c` (`aBcd16b`: channels in blocks
/// of sixteen, the sixteen of one pixel adjacent, the last block padded) copied into plain NCHW,
/// each value clamped on the way: the reorder after a convolution with its activation done in
/// the same pass. oneDNN's own eltwise post-ops would do it inside the convolution, but they turn
/// NaN into the bound (a `max` instruction), where PyTorch's `relu` and `hardtanh` keep it.
struct ChannelBlockKernels {
    /// Images, channels and pixels per channel of the plain tensor.
    let n: Int, c: Int, pixels: Int

    /// Whether oneDNN's `layout` of an `(n, c, h, w)` float32 tensor is `nChw16c`.
    static func isBlocked16(_ layout: dnnl_memory_desc_t, _ dims: [Int]) -> Bool {
        var chosen = layout, blocked = DNNL.blockedDesc(dims)
        return dnnl_memory_desc_equal(&chosen, &blocked) != 0
    }

    /// `dst` (plain) from `src` (`nChw16c`), each value clamped to `[lo, hi]`, NaN kept.
    func unblock(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, lo: Float, hi: Float) {
        let blocks = (c + 15) / 16, hw = pixels
        parallelFor(n * blocks, costPerItem: 16 * hw) { range in
            for item in range {
                let image = item / blocks, block = item % blocks
                let s = src + item * 16 * hw, d = dst + (image * c + block * 16) * hw
                let channels = Swift.min(16, c - block * 16)
                var p = 0
                if channels % 8 == 0 {
                    while p + 8 <= hw {
                        for half in 0..<channels / 8 {
                            ember_transpose8_clamp(s + p * 16 + half * 8, 16, d + half * 8 * hw + p, hw, lo, hi)
                        }
                        p += 8
                    }
                }
                for q in p..<hw {
                    for k in 0..<channels { d[k * hw + q] = Self.clamp(s[q * 16 + k], lo, hi) }
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
