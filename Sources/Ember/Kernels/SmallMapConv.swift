import CDNNL
import Foundation

/// The weight gradient of a float32 stride-1 convolution over small feature maps (ResNet-18's
/// last stage: 3×3 maps, 512 channels) as matrix products on channels-last copies of the input
/// and the output gradient: for each tap and each output pixel it reaches, `dY[:, p, :]ᵀ X[:, q, :]`
/// (cout × batch times batch × cin, the image stride as leading dimension), summed into the
/// tap's slice. No im2col, and none of the padding's zero products, which on a 3×3 map are 40%
/// of a direct kernel's work. On that layer oneDNN 2.6's direct kernel takes 21 ms for this pass
/// (PyTorch's newer oneDNN 18.5 ms) and these products 6–7 ms (a C harness over the same calls);
/// the layer's forward and input gradient, where the same scheme measured no better than oneDNN,
/// stay on oneDNN.
final class SmallMapConv: @unchecked Sendable {
    let geometry: ConvGeometry
    private let lock = NSLock()
    /// The input and the output gradient, channels-last.
    private let input: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>
    /// The weight gradient tap-major, `[kh][kw][cout][cin]`.
    private let taps: UnsafeMutablePointer<Float>

    private static let cache = PlanCache<ConvGeometry, SmallMapConv>(SmallMapConv.init)

    /// Whether this kernel takes the weight gradient: float32, groups 1, stride and dilation 1,
    /// 3×3, at least 64 channels in and out, at most 16 output pixels (on 6×6 maps the same
    /// products lose to oneDNN's Winograd kernel).
    static func applies(to g: ConvGeometry) -> Bool {
        g.dtype == .float32 && g.groups == 1 && g.stride == [1, 1] && g.dilation == [1, 1] && g.kh == 3 && g.kw == 3
            && g.cin >= 64 && g.cout >= 64 && g.outH * g.outW <= 16 && g.outH > 0 && g.outW > 0
    }

    /// The cached kernel for `geometry`, which `applies(to:)`.
    static func plan(_ geometry: ConvGeometry) -> SmallMapConv { cache.plan(geometry) }

    private init(_ g: ConvGeometry) {
        geometry = g
        input = .allocate(capacity: g.n * g.h * g.w * g.cin)
        gradient = .allocate(capacity: g.n * g.outH * g.outW * g.cout)
        taps = .allocate(capacity: g.kh * g.kw * g.cin * g.cout)
    }

    deinit {
        input.deallocate()
        gradient.deallocate()
        taps.deallocate()
    }

    /// `[n][c][pixels]` → `[n][pixels][c]`.
    private static func toChannelsLast(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, n: Int, c: Int, pixels: Int) {
        parallelFor(n, costPerItem: c * pixels) { images in
            for i in images {
                let f = from + i * c * pixels, t = to + i * c * pixels
                for p in 0..<pixels { for ch in 0..<c { t[p * c + ch] = f[ch * pixels + p] } }
            }
        }
    }

    /// The weight gradient (and the bias gradient when `diffBias` is given) from the input and
    /// `diffDst`, plain NCHW buffers.
    func backwardWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>, _ diffWeights: UnsafeMutablePointer<Float>,
                         _ diffBias: UnsafeMutablePointer<Float>?) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry, k = g.kh * g.kw, (oh, ow) = (g.outH, g.outW)
        Self.toChannelsLast(src, input, n: g.n, c: g.cin, pixels: g.h * g.w)
        Self.toChannelsLast(diffDst, gradient, n: g.n, c: g.cout, pixels: oh * ow)
        for ky in 0..<g.kh {
            for kx in 0..<g.kw {
                let tap = taps + (ky * g.kw + kx) * g.cout * g.cin
                var first = true
                for py in 0..<oh {
                    for px in 0..<ow {
                        let qy = py + ky - g.padL[0], qx = px + kx - g.padL[1]
                        guard qy >= 0 && qy < g.h && qx >= 0 && qx < g.w else { continue }
                        _ = dnnl_sgemm(84, 78, Int64(g.cout), Int64(g.cin), Int64(g.n), 1, gradient + (py * ow + px) * g.cout,
                                       Int64(oh * ow * g.cout), input + (qy * g.w + qx) * g.cin, Int64(g.h * g.w * g.cin),
                                       first ? 0 : 1, tap, Int64(g.cin))
                        first = false
                    }
                }
                if first { tap.update(repeating: 0, count: g.cout * g.cin) }
            }
        }
        // diffWeights[o][c][t] = taps[t][o][c], one tap of one filter at a time (contiguous
        // reads, strided stores within the filter: 2-3× faster than element by element).
        let (cin, cout, buffer) = (g.cin, g.cout, taps)
        parallelFor(cout, costPerItem: cin * k) { outs in
            for o in outs {
                for t in 0..<k {
                    let from = buffer + (t * cout + o) * cin, to = diffWeights + o * cin * k + t
                    for c in 0..<cin { to[c * k] = from[c] }
                }
            }
        }
        if let diffBias {
            parallelFor(cout, costPerItem: g.n * oh * ow) { outs in
                for o in outs {
                    var s: Float = 0
                    for i in 0..<g.n { for p in 0..<(oh * ow) { s += diffDst[(i * cout + o) * oh * ow + p] } }
                    diffBias[o] = s
                }
            }
        }
    }
}
